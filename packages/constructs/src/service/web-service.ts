import { LbListenerRule, type LbListenerRuleCondition } from "@cdktf/provider-aws/lib/lb-listener-rule";
import { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { MAX_LB_NAME_LENGTH, type RoutingConfig } from "@bun-fargate/config";
import { DEFAULT_CONTAINER_PORT, DEREGISTRATION_DELAY_SECONDS, READINESS_PATH } from "@bun-fargate/config/runtime";
import { Token } from "cdktf";
import { Construct } from "constructs";
import type { PublicLoadBalancer } from "../load-balancer/public-load-balancer";
import { DeploymentAlarms } from "./deployment-alarms";
import type { DeploymentSettings } from "./deployment-strategy";
import { FargateService, type ServiceConnectSettings } from "./fargate-service";
import { TrafficShift } from "./traffic-shift";
import type { FargateWorkloadProps } from "./workload";

export interface WebServiceProps extends FargateWorkloadProps {
  readonly loadBalancer: PublicLoadBalancer;
  /** Target group name, at most 32 characters. */
  readonly targetGroupName: string;
  /** Which requests the ALB sends to this service. */
  readonly routing: RoutingConfig;
  /** @default 8080 */
  readonly containerPort?: number;
  /** Readiness path the ALB probes. @default "/readyz" */
  readonly healthCheckPath?: string;
  /** Seconds the ALB drains a stopping task. @default 15 */
  readonly deregistrationDelaySeconds?: number;
  /** @default 1 */
  readonly minTasks?: number;
  /** @default max(2, minTasks) */
  readonly maxTasks?: number;
  /** @default minTasks */
  readonly desiredTasks?: number;
  /** ALB requests per task per minute that autoscaling tracks. @default 151500 (see FargateServiceProps) */
  readonly requestsPerTaskPerMinute?: number;
  /** Average CPU autoscaling keeps the tasks at. @default 85 */
  readonly cpuTargetPercent?: number;
  /**
   * How a deploy replaces the tasks. Anything but rolling adds a second target group, a test
   * listener rule and the role ECS moves traffic with.
   * @default { strategy: "rolling" }
   */
  readonly deployment?: DeploymentSettings;
  /** Name of the second target group, at most 32 characters. @default - targetGroupName with "-2" */
  readonly alternateTargetGroupName?: string;
  /**
   * Also serve the container port through ECS Service Connect (`serve: true`), so other services
   * call this one without the ALB. @default - not joined
   */
  readonly serviceConnect?: ServiceConnectSettings;
}

/** A service behind the shared ALB, reachable only through it. */
export class WebService extends Construct {
  public readonly targetGroup: LbTargetGroup;
  public readonly listenerRule: LbListenerRule;
  /** The second target group and the test rule and role ECS moves traffic with; none for rolling. */
  public readonly alternateTargetGroup: LbTargetGroup | undefined;
  public readonly trafficShift: TrafficShift | undefined;
  public readonly alarms: DeploymentAlarms;
  public readonly fargate: FargateService;

  constructor(scope: Construct, id: string, props: WebServiceProps) {
    super(scope, id);
    const port = props.containerPort ?? DEFAULT_CONTAINER_PORT;
    const { routing } = props;
    if (!Token.isUnresolved(props.targetGroupName) && props.targetGroupName.length > MAX_LB_NAME_LENGTH) {
      throw new Error(`WebService "${props.name}": targetGroupName "${props.targetGroupName}" is ${props.targetGroupName.length} characters; AWS allows ${MAX_LB_NAME_LENGTH}`);
    }
    if (!Number.isInteger(routing.priority) || routing.priority < 1 || routing.priority > 50000) {
      throw new Error(`WebService "${props.name}": routing.priority ${routing.priority} must be a whole number from 1 to 50000`);
    }
    if ((routing.pathPatterns ?? []).length === 0 && (routing.hostHeaders ?? []).length === 0) {
      throw new Error(`WebService "${props.name}": routing needs pathPatterns or hostHeaders, got ${JSON.stringify(routing)}`);
    }

    const deployment = props.deployment ?? { strategy: "rolling" };
    const shifting = deployment.strategy !== "rolling";
    const alternateName = props.alternateTargetGroupName ?? `${props.targetGroupName}-2`;
    if (shifting && !Token.isUnresolved(alternateName) && alternateName.length > MAX_LB_NAME_LENGTH) {
      throw new Error(`WebService "${props.name}": alternateTargetGroupName "${alternateName}" is ${alternateName.length} characters; AWS allows ${MAX_LB_NAME_LENGTH}`);
    }
    const targetGroup = (id: string, name: string) => new LbTargetGroup(this, id, {
      name,
      targetType: "ip",
      protocol: "HTTP",
      port,
      vpcId: props.network.vpc.id,
      deregistrationDelay: String(props.deregistrationDelaySeconds ?? DEREGISTRATION_DELAY_SECONDS),
      healthCheck: {
        enabled: true,
        path: props.healthCheckPath ?? READINESS_PATH,
        protocol: "HTTP",
        matcher: "200",
        interval: 10,
        timeout: 5,
        healthyThreshold: 2,
        unhealthyThreshold: 3,
      },
    });
    this.targetGroup = targetGroup("TargetGroup", props.targetGroupName);
    this.alternateTargetGroup = shifting ? targetGroup("AlternateTargetGroup", alternateName) : undefined;
    const conditions: LbListenerRuleCondition[] = [];
    if (routing.pathPatterns?.length) conditions.push({ pathPattern: { values: [...routing.pathPatterns] } });
    if (routing.hostHeaders?.length) conditions.push({ hostHeader: { values: [...routing.hostHeaders] } });
    const alternate = this.alternateTargetGroup;
    this.listenerRule = new LbListenerRule(this, "ListenerRule", {
      listenerArn: props.loadBalancer.listener.arn,
      priority: routing.priority,
      action: alternate
        ? [{ type: "forward", forward: { targetGroup: [{ arn: this.targetGroup.arn, weight: 100 }, { arn: alternate.arn, weight: 0 }] } }]
        : [{ type: "forward", targetGroupArn: this.targetGroup.arn }],
      condition: conditions,
      // ECS owns the weights once it shifts traffic; Terraform would set them back.
      lifecycle: alternate ? { ignoreChanges: ["action"] } : undefined,
    });
    this.trafficShift = alternate
      ? new TrafficShift(this, "TrafficShift", {
          name: `${props.namePrefix}-${props.name}`,
          listener: props.loadBalancer.listener,
          priority: routing.priority,
          conditions,
          targetGroup: this.targetGroup,
          alternateTargetGroup: alternate,
          productionListenerRule: this.listenerRule,
        })
      : undefined;
    this.alarms = new DeploymentAlarms(this, "Alarms", {
      name: `${props.namePrefix}-${props.name}`,
      loadBalancer: props.loadBalancer.loadBalancer,
      targetGroup: this.targetGroup,
      alternateTargetGroup: alternate,
    });
    const shift = this.trafficShift;
    const lbSuffix = props.loadBalancer.loadBalancer.arnSuffix;

    this.fargate = new FargateService(this, "Fargate", {
      ...props,
      containerPort: port,
      loadBalancing: {
        targetGroup: this.targetGroup,
        // The role's permissions exist before ECS first uses them, and outlive the service on destroy.
        dependsOn: shift ? [this.listenerRule, shift.testListenerRule, shift.rolePolicy] : [this.listenerRule],
        requestLabel: `${lbSuffix}/${this.targetGroup.arnSuffix}`,
        requestsPerTask: props.requestsPerTaskPerMinute,
        alternate:
          shift && alternate
            ? {
                targetGroup: alternate,
                productionListenerRule: this.listenerRule,
                testListenerRule: shift.testListenerRule,
                role: shift.role,
                requestDimensions: [this.targetGroup, alternate].map((tg) => ({ LoadBalancer: lbSuffix, TargetGroup: tg.arnSuffix })),
              }
            : undefined,
      },
      deploymentAlarmNames: this.alarms.alarmNames,
    });

    // Tasks accept traffic from the load balancer only, on the container port only.
    new VpcSecurityGroupIngressRule(this, "FromLoadBalancer", {
      securityGroupId: this.fargate.securityGroup.id,
      description: "The ALB, on the container port",
      ipProtocol: "tcp",
      fromPort: port,
      toPort: port,
      referencedSecurityGroupId: props.loadBalancer.securityGroup.id,
    });
    new VpcSecurityGroupEgressRule(this, "LoadBalancerToTasks", {
      securityGroupId: props.loadBalancer.securityGroup.id,
      description: `To ${props.name} tasks`,
      ipProtocol: "tcp",
      fromPort: port,
      toPort: port,
      referencedSecurityGroupId: this.fargate.securityGroup.id,
    });
  }
}
