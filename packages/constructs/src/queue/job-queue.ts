import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { SqsQueueRedriveAllowPolicy } from "@cdktf/provider-aws/lib/sqs-queue-redrive-allow-policy";
import { SqsQueueRedrivePolicy } from "@cdktf/provider-aws/lib/sqs-queue-redrive-policy";
import { MIN_OLDEST_MESSAGE_ALARM_SECONDS, QUEUE_DEFAULTS, QUEUE_RANGES } from "@bun-fargate/config";
import { visibilityTimeoutSeconds } from "@bun-fargate/config/runtime";
import { Construct } from "constructs";
import { RUNBOOK } from "../operations/service-alarms";

export interface JobQueueProps {
  /** Queue name, e.g. `prod-worker`; the dead-letter queue is `<name>-dlq`, alarms `<name>-alert-…`. */
  readonly name: string;
  /** Receives before a message moves to the dead-letter queue (1 to 1000). @default 5 */
  readonly maxReceiveCount?: number;
  /** Days a message is kept in the queue (1 to 14). @default 4 */
  readonly retentionDays?: number;
  /** The longest one job runs; the visibility timeout is 6 x it, at least 30 s (1 to 7200). @default 60 */
  readonly maxJobSeconds?: number;
  /**
   * Age of the oldest message that raises the oldest-message alarm.
   * @default - two visibility timeouts, at least MIN_OLDEST_MESSAGE_ALARM_SECONDS (600)
   */
  readonly oldestMessageAlarmSeconds?: number;
}

/** SQS's longest retention: a dead letter outlives its source queue's retention, whenever it arrives. */
export const DEAD_LETTER_RETENTION_DAYS = 14;

/** Long polling on by default: a receive waits up to 20 s (SQS's maximum) for a message instead of returning empty. */
export const RECEIVE_WAIT_SECONDS = 20;

const DAY = 86_400;

/**
 * A worker's job queue: an SQS queue and its dead-letter queue, both encrypted with SQS-managed keys,
 * and the two alarms that say jobs are in trouble (dead letters; a message waiting too long).
 *
 * The redrive policy is its own resource (aws_sqs_queue_redrive_policy), not an argument of the
 * queue: then neither queue references the other, Terraform deletes them in parallel, and a destroy
 * waits once for the provider's pause after DeleteQueue (about 2 minutes) instead of twice. The
 * dead-letter queue accepts redrives from this queue only (its redrive allow policy, likewise its own
 * resource).
 *
 * The alarms are created here and routed by the stack (`notify`), like every alarm of a service.
 */
export class JobQueue extends Construct {
  public readonly queue: SqsQueue;
  public readonly deadLetterQueue: SqsQueue;
  public readonly redrivePolicy: SqsQueueRedrivePolicy;
  public readonly redriveAllowPolicy: SqsQueueRedriveAllowPolicy;
  public readonly deadLettersAlarm: CloudwatchMetricAlarm;
  public readonly oldestMessageAlarm: CloudwatchMetricAlarm;
  /** The queue's name (known at synth, for metric dimensions). */
  public readonly queueName: string;
  public readonly maxJobSeconds: number;
  public readonly visibilityTimeoutSeconds: number;
  public readonly maxReceiveCount: number;

  constructor(scope: Construct, id: string, props: JobQueueProps) {
    super(scope, id);
    const maxReceiveCount = props.maxReceiveCount ?? QUEUE_DEFAULTS.maxReceiveCount;
    const retentionDays = props.retentionDays ?? QUEUE_DEFAULTS.retentionDays;
    const maxJobSeconds = props.maxJobSeconds ?? QUEUE_DEFAULTS.maxJobSeconds;
    for (const [field, value] of [["maxReceiveCount", maxReceiveCount], ["retentionDays", retentionDays], ["maxJobSeconds", maxJobSeconds]] as const) {
      const { min, max } = QUEUE_RANGES[field];
      if (!Number.isInteger(value) || value < min || value > max) throw new Error(`JobQueue "${props.name}": ${field} ${value} must be a whole number from ${min} to ${max}`);
    }
    if (props.name.length > 76) throw new Error(`JobQueue "${props.name}": the name must be at most 76 characters (80 with "-dlq", SQS's limit)`);
    const visibility = visibilityTimeoutSeconds(maxJobSeconds);
    const oldest = props.oldestMessageAlarmSeconds ?? Math.max(MIN_OLDEST_MESSAGE_ALARM_SECONDS, 2 * visibility);
    this.queueName = props.name;
    this.maxJobSeconds = maxJobSeconds;
    this.visibilityTimeoutSeconds = visibility;
    this.maxReceiveCount = maxReceiveCount;

    this.deadLetterQueue = new SqsQueue(this, "DeadLetterQueue", {
      name: `${props.name}-dlq`,
      messageRetentionSeconds: DEAD_LETTER_RETENTION_DAYS * DAY,
      sqsManagedSseEnabled: true,
    });
    this.queue = new SqsQueue(this, "Queue", {
      name: props.name,
      messageRetentionSeconds: retentionDays * DAY,
      visibilityTimeoutSeconds: visibility,
      receiveWaitTimeSeconds: RECEIVE_WAIT_SECONDS,
      sqsManagedSseEnabled: true,
    });
    this.redrivePolicy = new SqsQueueRedrivePolicy(this, "RedrivePolicy", {
      queueUrl: this.queue.url,
      redrivePolicy: JSON.stringify({ deadLetterTargetArn: this.deadLetterQueue.arn, maxReceiveCount }),
    });
    this.redriveAllowPolicy = new SqsQueueRedriveAllowPolicy(this, "RedriveAllowPolicy", {
      queueUrl: this.deadLetterQueue.url,
      redriveAllowPolicy: JSON.stringify({ redrivePermission: "byQueue", sourceQueueArns: [this.queue.arn] }),
    });

    const sqs = (queueName: string, metricName: string) => ({ namespace: "AWS/SQS", metricName, dimensions: { QueueName: queueName } });
    // SQS stops sending metrics for a queue idle for hours: no data is no trouble.
    this.deadLettersAlarm = new CloudwatchMetricAlarm(this, "DeadLettersAlarm", {
      alarmName: `${props.name}-alert-dead-letters`,
      alarmDescription: `Jobs failed ${maxReceiveCount} times and are in ${props.name}-dlq. Runbook: ${RUNBOOK}, "dead-letters".`,
      ...sqs(`${props.name}-dlq`, "ApproximateNumberOfMessagesVisible"),
      statistic: "Maximum",
      period: 60,
      evaluationPeriods: 1,
      threshold: 0,
      comparisonOperator: "GreaterThanThreshold",
      treatMissingData: "notBreaching",
    });
    this.oldestMessageAlarm = new CloudwatchMetricAlarm(this, "OldestMessageAlarm", {
      alarmName: `${props.name}-alert-oldest-message`,
      alarmDescription: `A job has waited more than ${oldest} s (two visibility timeouts of ${visibility} s) in ${props.name}. Runbook: ${RUNBOOK}, "oldest-message".`,
      ...sqs(props.name, "ApproximateAgeOfOldestMessage"),
      statistic: "Maximum",
      period: 60,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      threshold: oldest,
      comparisonOperator: "GreaterThanThreshold",
      treatMissingData: "notBreaching",
    });
  }
}
