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
  /**
   * The second target group of a blue-green, canary or linear deployment. The new revision serves
   * from whichever group ECS registered it in, so the alarms then watch both.
   * @default - only `targetGroup`
   */
  readonly alternateTargetGroup?: LbTargetGroup;
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
    const both = props.alternateTargetGroup ? [props.targetGroup, props.alternateTargetGroup] : undefined;
    // Over both target groups, one metric each, summed (5xx) or the larger (unhealthy hosts).
    const overBoth = (metricName: string, stat: string, combine: (ids: string[]) => string) =>
      both && {
        metricQuery: [
          ...both.map((tg, i) => ({
            id: `m${i + 1}`,
            metric: { namespace: "AWS/ApplicationELB", metricName, dimensions: { LoadBalancer: props.loadBalancer.arnSuffix, TargetGroup: tg.arnSuffix }, stat, period: 60 },
          })),
          { id: "both", label: `${metricName} over both target groups`, expression: combine(both.map((_, i) => `FILL(m${i + 1}, 0)`)), returnData: true },
        ],
      };
    const single = (metricName: string, statistic: string) => ({ namespace: "AWS/ApplicationELB", metricName, dimensions, statistic, period: 60 });
    this.target5xx = new CloudwatchMetricAlarm(this, "Target5xx", {
      alarmName: `${props.name}-target-5xx`,
      alarmDescription: "Tasks answer with 5xx: roll the deployment back",
      ...(overBoth("HTTPCode_Target_5XX_Count", "Sum", (ids) => ids.join(" + ")) ?? single("HTTPCode_Target_5XX_Count", "Sum")),
      evaluationPeriods: 2,
      threshold: props.target5xxPerMinute ?? 10,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      treatMissingData: "notBreaching",
    });
    this.unhealthyHosts = new CloudwatchMetricAlarm(this, "UnhealthyHosts", {
      alarmName: `${props.name}-unhealthy-hosts`,
      alarmDescription: "Targets fail the ALB health check: roll the deployment back",
      ...(overBoth("UnHealthyHostCount", "Maximum", (ids) => `MAX([${ids.join(", ")}])`) ?? single("UnHealthyHostCount", "Maximum")),
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
