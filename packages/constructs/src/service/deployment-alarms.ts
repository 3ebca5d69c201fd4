import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import type { Lb } from "@cdktf/provider-aws/lib/lb";
import type { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { Construct } from "constructs";

export interface DeploymentAlarmsProps {
  /** Alarm name prefix, e.g. `prod-bun-api`. */
  readonly name: string;
  readonly loadBalancer: Lb;
  readonly targetGroup: LbTargetGroup;
  /** 5xx responses from the tasks per minute that count as failing. @default 10 */
  readonly target5xxPerMinute?: number;
}

/**
 * Alarms that ECS watches during a deployment: if either fires, the deployment rolls back even
 * when the new tasks pass their health checks.
 */
export class DeploymentAlarms extends Construct {
  public readonly target5xx: CloudwatchMetricAlarm;
  public readonly unhealthyHosts: CloudwatchMetricAlarm;

  constructor(scope: Construct, id: string, props: DeploymentAlarmsProps) {
    super(scope, id);
    const dimensions = { LoadBalancer: props.loadBalancer.arnSuffix, TargetGroup: props.targetGroup.arnSuffix };
    this.target5xx = new CloudwatchMetricAlarm(this, "Target5xx", {
      alarmName: `${props.name}-target-5xx`,
      alarmDescription: "Tasks answer with 5xx: roll the deployment back",
      namespace: "AWS/ApplicationELB",
      metricName: "HTTPCode_Target_5XX_Count",
      dimensions,
      statistic: "Sum",
      period: 60,
      evaluationPeriods: 2,
      threshold: props.target5xxPerMinute ?? 10,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      treatMissingData: "notBreaching",
    });
    this.unhealthyHosts = new CloudwatchMetricAlarm(this, "UnhealthyHosts", {
      alarmName: `${props.name}-unhealthy-hosts`,
      alarmDescription: "Targets fail the ALB health check: roll the deployment back",
      namespace: "AWS/ApplicationELB",
      metricName: "UnHealthyHostCount",
      dimensions,
      statistic: "Maximum",
      period: 60,
      evaluationPeriods: 3,
      threshold: 1,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      treatMissingData: "notBreaching",
    });
  }

  public get alarmNames(): string[] {
    return [this.target5xx.alarmName, this.unhealthyHosts.alarmName];
  }
}
