import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { FlowLog } from "@cdktf/provider-aws/lib/flow-log";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import type { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { Construct } from "constructs";

export interface FlowLogsProps {
  readonly name: string;
  readonly vpc: Vpc;
  /** @default 90 */
  readonly retentionDays?: number;
}

/** All VPC traffic metadata to a log group, written by a role that can write only there. */
export class FlowLogs extends Construct {
  public readonly logGroup: CloudwatchLogGroup;
  public readonly flowLog: FlowLog;

  constructor(scope: Construct, id: string, props: FlowLogsProps) {
    super(scope, id);
    this.logGroup = new CloudwatchLogGroup(this, "LogGroup", {
      name: `/vpc/${props.name}/flow-logs`,
      retentionInDays: props.retentionDays ?? 90,
    });
    const trust = new DataAwsIamPolicyDocument(this, "TrustPolicy", {
      statement: [{ actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["vpc-flow-logs.amazonaws.com"] }] }],
    });
    const role = new IamRole(this, "Role", { name: `${props.name}-vpc-flow-logs`, assumeRolePolicy: trust.json });
    const write = new DataAwsIamPolicyDocument(this, "WritePolicy", {
      statement: [
        {
          actions: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
          resources: [`${this.logGroup.arn}:*`],
        },
      ],
    });
    new IamRolePolicy(this, "RolePolicy", { role: role.id, name: "write-flow-logs", policy: write.json });
    this.flowLog = new FlowLog(this, "FlowLog", {
      vpcId: props.vpc.id,
      trafficType: "ALL",
      logDestinationType: "cloud-watch-logs",
      logDestination: this.logGroup.arn,
      iamRoleArn: role.arn,
      maxAggregationInterval: 60,
    });
  }
}
