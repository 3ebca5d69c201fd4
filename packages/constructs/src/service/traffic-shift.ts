import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import type { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
import { LbListenerRule, type LbListenerRuleCondition } from "@cdktf/provider-aws/lib/lb-listener-rule";
import type { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { TEST_TRAFFIC_HEADER } from "@bun-fargate/config";
import { Construct } from "constructs";

export interface TrafficShiftProps {
  /** Role name prefix, e.g. `prod-bun-api`. */
  readonly name: string;
  readonly listener: LbListener;
  /** Priority of the service's production rule; the test rule takes the one before it. */
  readonly priority: number;
  /** The production rule's conditions; the test rule adds the test header to them. */
  readonly conditions: readonly LbListenerRuleCondition[];
  readonly targetGroup: LbTargetGroup;
  readonly alternateTargetGroup: LbTargetGroup;
  /** The rule that carries production traffic, whose weights ECS moves. */
  readonly productionListenerRule: LbListenerRule;
}

/**
 * What ECS needs to move a service's traffic itself: a test listener rule that sends requests
 * carrying the test header to the new revision before any production traffic moves, and the
 * infrastructure role ECS changes both rules and registers targets with, on exactly these ARNs.
 */
export class TrafficShift extends Construct {
  public readonly testListenerRule: LbListenerRule;
  public readonly role: IamRole;
  public readonly rolePolicy: IamRolePolicy;

  constructor(scope: Construct, id: string, props: TrafficShiftProps) {
    super(scope, id);
    if (!Number.isInteger(props.priority) || props.priority < 2 || props.priority > 50000) {
      throw new Error(`TrafficShift "${props.name}": the test listener rule goes at priority ${props.priority} - 1, so the production priority must be from 2 to 50000`);
    }
    this.testListenerRule = new LbListenerRule(this, "TestListenerRule", {
      listenerArn: props.listener.arn,
      priority: props.priority - 1,
      action: [
        {
          type: "forward",
          forward: {
            targetGroup: [
              { arn: props.alternateTargetGroup.arn, weight: 100 },
              { arn: props.targetGroup.arn, weight: 0 },
            ],
          },
        },
      ],
      condition: [...props.conditions, { httpHeader: { httpHeaderName: TEST_TRAFFIC_HEADER.name, values: [TEST_TRAFFIC_HEADER.value] } }],
      // ECS points this rule at the new revision during a deploy.
      lifecycle: { ignoreChanges: ["action"] },
    });

    const trust = new DataAwsIamPolicyDocument(this, "TrustPolicy", {
      statement: [{ actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["ecs.amazonaws.com"] }] }],
    });
    this.role = new IamRole(this, "InfrastructureRole", {
      name: `${props.name}-ecs-infra`,
      description: `ECS moves ${props.name} traffic between its two target groups`,
      assumeRolePolicy: trust.json,
    });
    // The actions of AWS's AmazonECSInfrastructureRolePolicyForLoadBalancers, on this service's
    // two target groups and two rules instead of every one in the account. It also grants
    // ModifyListener, for services whose production route is a listener's default action; ours are rules.
    const policy = new DataAwsIamPolicyDocument(this, "PolicyDocument", {
      statement: [
        {
          sid: "ReadLoadBalancing",
          actions: ["elasticloadbalancing:DescribeListeners", "elasticloadbalancing:DescribeRules", "elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:DescribeTargetHealth"],
          resources: ["*"],
        },
        { sid: "RegisterTasks", actions: ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"], resources: [props.targetGroup.arn, props.alternateTargetGroup.arn] },
        { sid: "MoveTraffic", actions: ["elasticloadbalancing:ModifyRule"], resources: [props.productionListenerRule.arn, this.testListenerRule.arn] },
      ],
    });
    this.rolePolicy = new IamRolePolicy(this, "Policy", { role: this.role.id, name: "move-traffic", policy: policy.json });
  }
}
