import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CloudwatchLogMetricFilter } from "@cdktf/provider-aws/lib/cloudwatch-log-metric-filter";
import { CloudwatchLogResourcePolicy } from "@cdktf/provider-aws/lib/cloudwatch-log-resource-policy";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { DataAwsIamPolicyDocument } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { Construct } from "constructs";
import { LOG_METRICS_NAMESPACE } from "./log-error-alarm";

export interface FailedRunsProps {
  /** Name prefix of the rule, log group, metric and alarm, e.g. `prod-nightly`; also the task family. */
  readonly name: string;
  /** ARN of the cluster the runs start in; events of other clusters are not counted. */
  readonly clusterArn: string;
  /** The task definition family whose runs are watched (RunTask puts `family:<family>` in `group`). */
  readonly family: string;
  /** Days the failure events are kept. @default 30 */
  readonly logRetentionDays?: number;
  /** Runbook reference quoted in the alarm's description. @default "docs/operations.md" */
  readonly runbook?: string;
}

/** Stop codes of a run that did not finish although no container reported a non-zero exit code. */
export const UNFINISHED_STOP_CODES = ["TaskFailedToStart", "SpotInterruption"] as const;

/**
 * The EventBridge pattern of a failed run of `family` in `clusterArn`: the task stopped and a
 * container exited non-zero (`anything-but` 0 matches a number other than 0, and only where
 * `exitCode` exists), or the task never ran to an end (it failed to start: image pull, secrets,
 * ENI; or Spot took it back), which leaves no exit code at all.
 */
export function failedRunPattern(clusterArn: string, family: string): Record<string, unknown> {
  return {
    source: ["aws.ecs"],
    "detail-type": ["ECS Task State Change"],
    detail: {
      clusterArn: [clusterArn],
      group: [`family:${family}`],
      lastStatus: ["STOPPED"],
      $or: [{ containers: { exitCode: [{ "anything-but": 0 }] } }, { stopCode: [...UNFINISHED_STOP_CODES] }],
    },
  };
}

/**
 * Makes a failed run of a scheduled task noticed: an EventBridge rule on "ECS Task State Change"
 * for the task's family sends each failed run's event to a log group, a metric filter counts them,
 * and an alarm fires on the first one.
 *
 * Why a log group rather than the rule's own `AWS/Events` `TriggeredRules` metric: the event is
 * kept where the person the alarm wakes can read it (task ARN, exit codes, `stoppedReason`), and the
 * metric exists with or without a target. The log group admits only this rule (resource policy on
 * its exact ARN with `aws:SourceArn`). CloudWatch Logs allows 10 account-level resource policies
 * per account and region (not adjustable), one per scheduled service here: the config refuses an
 * eleventh scheduled service over the environments sharing an account and region
 * (`logResourcePoliciesPerRegion` in packages/config/src/quotas.ts). The provider pinned here has no
 * `resource_arn` for a log-group-scoped policy, which AWS would not count against the 10.
 */
export class FailedRuns extends Construct {
  public readonly rule: CloudwatchEventRule;
  public readonly logGroup: CloudwatchLogGroup;
  public readonly resourcePolicy: CloudwatchLogResourcePolicy;
  public readonly target: CloudwatchEventTarget;
  public readonly metricFilter: CloudwatchLogMetricFilter;
  public readonly alarm: CloudwatchMetricAlarm;

  /** The alarm's name for a scheduled service named `name` (e.g. `prod-nightly`). */
  public static alarmNameFor(name: string): string {
    return `${name}-alert-failed-run`;
  }

  constructor(scope: Construct, id: string, props: FailedRunsProps) {
    super(scope, id);
    const retention = props.logRetentionDays ?? 30;
    this.rule = new CloudwatchEventRule(this, "Rule", {
      name: `${props.name}-failed-run`,
      description: `A run of ${props.family} stopped with a non-zero exit code or never finished`,
      eventPattern: JSON.stringify(failedRunPattern(props.clusterArn, props.family)),
    });
    // EventBridge writes only to log groups under /aws/events/.
    this.logGroup = new CloudwatchLogGroup(this, "LogGroup", { name: `/aws/events/${props.name}-failed-runs`, retentionInDays: retention });
    const policy = new DataAwsIamPolicyDocument(this, "LogGroupPolicyDocument", {
      statement: [
        {
          sid: "ThisRuleOnly",
          actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
          principals: [{ type: "Service", identifiers: ["events.amazonaws.com", "delivery.logs.amazonaws.com"] }],
          resources: [`${this.logGroup.arn}:*`],
          condition: [{ test: "ArnEquals", variable: "aws:SourceArn", values: [this.rule.arn] }],
        },
      ],
    });
    this.resourcePolicy = new CloudwatchLogResourcePolicy(this, "LogGroupPolicy", { policyName: `${props.name}-failed-runs`, policyDocument: policy.json });
    this.target = new CloudwatchEventTarget(this, "Target", {
      rule: this.rule.name,
      targetId: "failed-runs-log",
      arn: this.logGroup.arn,
      dependsOn: [this.resourcePolicy],
    });
    const metricName = `${props.name}-failed-runs`;
    this.metricFilter = new CloudwatchLogMetricFilter(this, "FailedRunLines", {
      name: metricName,
      logGroupName: this.logGroup.name,
      // Every event the rule delivers is a failed run; the pattern still names one field so a stray line is not counted.
      pattern: '{ $.detail.lastStatus = "STOPPED" }',
      metricTransformation: { name: metricName, namespace: LOG_METRICS_NAMESPACE, value: "1", unit: "Count" },
    });
    const what = "failed-run";
    this.alarm = new CloudwatchMetricAlarm(this, "Alarm", {
      alarmName: FailedRuns.alarmNameFor(props.name),
      alarmDescription: `A scheduled run of ${props.family} failed (non-zero exit code, or it never finished); the events are in ${this.logGroup.name}. Runbook: ${props.runbook ?? "docs/operations.md"}, "${what}".`,
      namespace: LOG_METRICS_NAMESPACE,
      metricName,
      statistic: "Sum",
      // An hour in ALARM: long enough to be seen, and OK again by the next night's run.
      period: 3600,
      evaluationPeriods: 1,
      threshold: 1,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      // No event is no failure: the metric only has data when a run failed.
      treatMissingData: "notBreaching",
    });
  }
}
