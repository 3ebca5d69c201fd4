import type { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CloudwatchLogMetricFilter } from "@cdktf/provider-aws/lib/cloudwatch-log-metric-filter";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { Construct } from "constructs";

export interface LogErrorAlarmProps {
  /** Metric and alarm name prefix, e.g. `prod-mailer`. */
  readonly name: string;
  /** The service's log group; its lines are JSON with a `level` field. */
  readonly logGroup: CloudwatchLogGroup;
  /** Error lines per minute that count as failing. @default 5 */
  readonly errorsPerMinute?: number;
}

/** Metric namespace of the error counts taken from service logs. */
export const LOG_METRICS_NAMESPACE = "BunFargate/Logs";

/** The metric the `ErrorLines` filter writes for a service named `name` (e.g. `prod-mailer`). */
export const logErrorMetricName = (name: string): string => `${name}-errors`;

/** Counts `error` and `fatal` lines of a log group whose lines are JSON with a `level` field. */
export function errorLinesFilter(scope: Construct, name: string, logGroup: CloudwatchLogGroup): CloudwatchLogMetricFilter {
  const metricName = logErrorMetricName(name);
  return new CloudwatchLogMetricFilter(scope, "ErrorLines", {
    name: metricName,
    logGroupName: logGroup.name,
    pattern: '{ ($.level = "error") || ($.level = "fatal") }',
    metricTransformation: { name: metricName, namespace: LOG_METRICS_NAMESPACE, value: "1", defaultValue: "0", unit: "Count" },
  });
}

/**
 * Counts `error` and `fatal` log lines and alarms when they pass a rate. Used as a deployment
 * alarm where no load balancer reports failures (workers): a release that errors rolls back.
 */
export class LogErrorAlarm extends Construct {
  /** The alarm's name, known before the alarm exists (services name it in their deployment config). */
  public static alarmNameFor(name: string): string {
    return `${name}-log-errors`;
  }

  public readonly metricFilter: CloudwatchLogMetricFilter;
  public readonly alarm: CloudwatchMetricAlarm;

  constructor(scope: Construct, id: string, props: LogErrorAlarmProps) {
    super(scope, id);
    const threshold = props.errorsPerMinute ?? 5;
    if (!Number.isInteger(threshold) || threshold < 1) {
      throw new Error(`LogErrorAlarm "${props.name}": errorsPerMinute ${threshold} must be a whole number of at least 1`);
    }
    const metricName = logErrorMetricName(props.name);
    this.metricFilter = errorLinesFilter(this, props.name, props.logGroup);
    this.alarm = new CloudwatchMetricAlarm(this, "Alarm", {
      alarmName: LogErrorAlarm.alarmNameFor(props.name),
      alarmDescription: "The service logs errors: roll the deployment back",
      namespace: LOG_METRICS_NAMESPACE,
      metricName,
      statistic: "Sum",
      period: 60,
      evaluationPeriods: 2,
      threshold,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      treatMissingData: "notBreaching",
    });
  }
}
