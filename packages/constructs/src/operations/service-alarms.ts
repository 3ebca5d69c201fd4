import type { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import type { CloudwatchLogMetricFilter } from "@cdktf/provider-aws/lib/cloudwatch-log-metric-filter";
import { CloudwatchMetricAlarm, type CloudwatchMetricAlarmMetricQuery } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import type { Lb } from "@cdktf/provider-aws/lib/lb";
import type { LbTargetGroup } from "@cdktf/provider-aws/lib/lb-target-group";
import { ALARM_DEFAULTS, type ResolvedAlarms } from "@bun-fargate/config";
import { Construct } from "constructs";
import { errorLinesFilter, LOG_METRICS_NAMESPACE, logErrorMetricName } from "../service/log-error-alarm";
import type { AlarmTopic } from "./alarm-topic";
import { taskCountQueries } from "./metrics";

export interface ServiceAlarmsProps {
  /** Alarm name prefix, e.g. `prod-bun-api`; alarms are `<name>-alert-<what>`. */
  readonly name: string;
  /** Where ALARM and OK go. */
  readonly topic: AlarmTopic;
  readonly clusterName: string;
  readonly serviceName: string;
  /** Tasks the service never runs fewer of; 0 means no "below minimum" alarm. */
  readonly minTasks: number;
  /** Tasks autoscaling stops at; CPU or memory at the top of it is "out of room". */
  readonly maxTasks: number;
  /** Task counts from ECS/ContainerInsights (running and desired) rather than AWS/ECS samples. @default false */
  readonly containerInsights?: boolean;
  /** The service scales to zero outside active hours: no tasks is then not an outage. @default false */
  readonly scalesToZero?: boolean;
  /** @default ALARM_DEFAULTS (packages/config/src/operations.ts) */
  readonly thresholds?: ResolvedAlarms;
  /** A web service's load balancer and its target groups (two while a deploy shifts traffic). @default - no ALB alarms */
  readonly web?: { readonly loadBalancer: Lb; readonly targetGroups: readonly LbTargetGroup[] };
  /**
   * The log group to count error lines of (a metric filter is created), or true where the service
   * already has the `ErrorLines` filter (workers, for their deployment alarm).
   */
  readonly logErrors: { readonly logGroup: CloudwatchLogGroup } | { readonly existingFilter: true };
}

/** Anchor of an alarm's section in docs/operations.md, quoted in every alarm's description. */
export const RUNBOOK = "docs/operations.md";

/**
 * The alarms that tell a person (not a deployment) that a service is in trouble, each with ALARM
 * and OK actions to the environment's topic. The deployment alarms ECS rolls back on are separate
 * and unchanged.
 */
export class ServiceAlarms extends Construct {
  public readonly errorRate: CloudwatchMetricAlarm | undefined;
  public readonly latency: CloudwatchMetricAlarm | undefined;
  public readonly unhealthyHosts: CloudwatchMetricAlarm | undefined;
  public readonly belowMinimum: CloudwatchMetricAlarm | undefined;
  public readonly saturated: CloudwatchMetricAlarm | undefined;
  public readonly logErrors: CloudwatchMetricAlarm;
  /** Created here for web services; workers have theirs already. */
  public readonly errorLines: CloudwatchLogMetricFilter | undefined;

  constructor(scope: Construct, id: string, props: ServiceAlarmsProps) {
    super(scope, id);
    const t = props.thresholds ?? ALARM_DEFAULTS;
    const alarm = (id: string, what: string, description: string, config: Omit<ConstructorParameters<typeof CloudwatchMetricAlarm>[2], "alarmName" | "alarmDescription">) =>
      props.topic.route(
        new CloudwatchMetricAlarm(this, id, {
          alarmName: `${props.name}-alert-${what}`,
          alarmDescription: `${description}. Runbook: ${RUNBOOK}, "${what}".`,
          ...config,
        }),
      );
    const ecs = { ClusterName: props.clusterName, ServiceName: props.serviceName };

    if (props.web) {
      const lb = props.web.loadBalancer.arnSuffix;
      const groups = props.web.targetGroups.map((tg, i) => ({ i: i + 1, dimensions: { LoadBalancer: lb, TargetGroup: tg.arnSuffix } }));
      const each = (prefix: string, metricName: string, stat: string): CloudwatchMetricAlarmMetricQuery[] =>
        groups.map((g) => ({ id: `${prefix}${g.i}`, returnData: false, metric: { namespace: "AWS/ApplicationELB", metricName, dimensions: g.dimensions, stat, period: 60 } }));
      const sum = (prefix: string) => `(${groups.map((g) => `FILL(${prefix}${g.i}, 0)`).join(" + ")})`;
      const datapoints = Math.max(1, Math.ceil(t.evaluationMinutes * 0.6));

      this.errorRate = alarm("ErrorRate", "5xx-rate", `More than ${t.errorRatePercent} % of requests answered 5xx by the tasks (minutes with at least ${t.errorRateMinRequests} requests)`, {
        metricQuery: [
          ...each("requests", "RequestCount", "Sum"),
          ...each("errors", "HTTPCode_Target_5XX_Count", "Sum"),
          {
            id: "rate",
            label: "5xx share of requests (%)",
            expression: `IF(${sum("requests")} >= ${t.errorRateMinRequests}, 100 * ${sum("errors")} / ${sum("requests")}, 0)`,
            returnData: true,
          },
        ],
        evaluationPeriods: t.evaluationMinutes,
        datapointsToAlarm: datapoints,
        threshold: t.errorRatePercent,
        comparisonOperator: "GreaterThanThreshold",
        treatMissingData: "notBreaching",
      });
      this.latency = alarm("Latency", "p99-latency", `p99 target response time above ${t.p99LatencyMs} ms`, {
        metricQuery: [
          ...each("p99_", "TargetResponseTime", "p99"),
          { id: "latency", label: "p99 target response time (s)", expression: `MAX([${groups.map((g) => `p99_${g.i}`).join(", ")}])`, returnData: true },
        ],
        evaluationPeriods: t.evaluationMinutes,
        datapointsToAlarm: datapoints,
        threshold: t.p99LatencyMs / 1000,
        comparisonOperator: "GreaterThanThreshold",
        treatMissingData: "notBreaching",
      });
      this.unhealthyHosts = alarm("UnhealthyHosts", "unhealthy-hosts", `At least one target failed the ALB health check for ${t.unhealthyMinutes} minutes`, {
        metricQuery: [
          ...each("unhealthy", "UnHealthyHostCount", "Maximum"),
          { id: "worst", label: "unhealthy targets", expression: `MAX([${groups.map((g) => `FILL(unhealthy${g.i}, 0)`).join(", ")}])`, returnData: true },
        ],
        evaluationPeriods: t.unhealthyMinutes,
        threshold: 1,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        treatMissingData: "notBreaching",
      });
    }

    const tasks = taskCountQueries(ecs, props.containerInsights ?? false);
    if (props.minTasks > 0) {
      this.belowMinimum = alarm("BelowMinimum", "tasks-below-minimum", `Fewer than ${props.minTasks} task(s) running for ${t.belowMinimumMinutes} minutes`, {
        metricQuery: tasks.desired
          ? [
              tasks.running,
              tasks.desired,
              // Outside active hours the minimum is 0 and desired follows it.
              { id: "missing", label: "tasks missing below the minimum", expression: `IF(desired < ${props.minTasks}, desired, ${props.minTasks}) - running`, returnData: true },
            ]
          : [{ ...tasks.running, returnData: true }],
        evaluationPeriods: t.belowMinimumMinutes,
        ...(tasks.desired
          ? { threshold: 0, comparisonOperator: "GreaterThanThreshold", treatMissingData: "notBreaching" }
          : // No samples means no task reported: zero tasks, unless the service sleeps on purpose.
            { threshold: props.minTasks, comparisonOperator: "LessThanThreshold", treatMissingData: props.scalesToZero ? "notBreaching" : "breaching" }),
      });
    }
    if (props.maxTasks > 0) {
      const utilization = (id: string, metricName: string): CloudwatchMetricAlarmMetricQuery => ({
        id,
        returnData: false,
        metric: { namespace: "AWS/ECS", metricName, dimensions: ecs, stat: "Average", period: 60 },
      });
      this.saturated = alarm("Saturated", "saturated", `CPU or memory at ${t.saturationPercent} % or more while at maxTasks (${props.maxTasks}): autoscaling has run out of room`, {
        metricQuery: [
          tasks.running,
          utilization("cpu", "CPUUtilization"),
          utilization("memory", "MemoryUtilization"),
          { id: "saturated", label: "1 while at maxTasks and CPU or memory is high", expression: `IF(running >= ${props.maxTasks} AND MAX([cpu, memory]) >= ${t.saturationPercent}, 1, 0)`, returnData: true },
        ],
        evaluationPeriods: t.saturationMinutes,
        threshold: 1,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        treatMissingData: "notBreaching",
      });
    }

    this.errorLines = "logGroup" in props.logErrors ? errorLinesFilter(this, props.name, props.logErrors.logGroup) : undefined;
    this.logErrors = alarm("LogErrors", "log-errors", `${t.logErrorsPerMinute} or more error or fatal log lines a minute for ${t.logErrorMinutes} minutes`, {
      namespace: LOG_METRICS_NAMESPACE,
      metricName: logErrorMetricName(props.name),
      statistic: "Sum",
      period: 60,
      evaluationPeriods: t.logErrorMinutes,
      threshold: t.logErrorsPerMinute,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      treatMissingData: "notBreaching",
    });
  }

  public get alarms(): CloudwatchMetricAlarm[] {
    return [this.errorRate, this.latency, this.unhealthyHosts, this.belowMinimum, this.saturated, this.logErrors].filter((a): a is CloudwatchMetricAlarm => a !== undefined);
  }
}
