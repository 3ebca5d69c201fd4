import { AppautoscalingPolicy, type AppautoscalingPolicyTargetTrackingScalingPolicyConfiguration } from "@cdktf/provider-aws/lib/appautoscaling-policy";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { AppautoscalingScheduledAction } from "@cdktf/provider-aws/lib/appautoscaling-scheduled-action";
import { AppautoscalingTarget } from "@cdktf/provider-aws/lib/appautoscaling-target";
import type { EcsCluster } from "@cdktf/provider-aws/lib/ecs-cluster";
import type { EcsService } from "@cdktf/provider-aws/lib/ecs-service";
import type { ActiveHours } from "@bun-fargate/config";
import { Construct } from "constructs";
import { taskCountQueries } from "../operations/metrics";

export interface ServiceAutoscalingProps {
  readonly cluster: EcsCluster;
  readonly service: EcsService;
  readonly minTasks: number;
  readonly maxTasks: number;
  /** Average CPU the service is kept at. @default 60 */
  readonly cpuTargetPercent?: number;
  /** Average memory the service is kept at. @default 75 */
  readonly memoryTargetPercent?: number;
  /**
   * ALB request count per target to track, as `resourceLabel` and target. With `targetGroups`, the
   * count is summed over them (a traffic-shifting deploy moves the tasks between two target groups,
   * and the predefined metric reads one). @default - not tracked
   */
  readonly requestsPerTarget?: {
    readonly resourceLabel: string;
    readonly target: number;
    readonly targetGroups?: readonly { readonly LoadBalancer: string; readonly TargetGroup: string }[];
  };
  /** Seconds after a scale-out before another. @default 60 */
  readonly scaleOutCooldownSeconds?: number;
  /** Seconds after a scale-in before another; slower so that bursts do not flap. @default 300 */
  readonly scaleInCooldownSeconds?: number;
  /** Run only in these hours; scale to zero outside them. @default - always */
  readonly activeHours?: ActiveHours;
  /** Prefix of the alarms this construct names (the wake alarm), e.g. `prod-worker`. @default - the service's name */
  readonly alarmPrefix?: string;
  /**
   * Scale a worker on its queue's backlog per running task (visible messages / running tasks),
   * and wake it from zero on the first message when minTasks is 0. @default - no queue
   */
  readonly queueBacklog?: {
    readonly queueName: string;
    /** Visible messages per running task to keep. */
    readonly backlogPerTask: number;
    /** Count running tasks from ECS/ContainerInsights (else the AWS/ECS CPUUtilization sample count). @default false */
    readonly containerInsights?: boolean;
  };
}

/** Target tracking on CPU, memory and (for web services) requests per task. Autoscaling owns the task count. */
export class ServiceAutoscaling extends Construct {
  public readonly target: AppautoscalingTarget;
  public readonly policies: AppautoscalingPolicy[] = [];
  public readonly scheduledActions: AppautoscalingScheduledAction[] = [];
  /** The step policy and alarm that wake a worker scaled to zero; only with a queue and minTasks 0. */
  public readonly wake: { readonly policy: AppautoscalingPolicy; readonly alarm: CloudwatchMetricAlarm } | undefined;

  constructor(scope: Construct, id: string, props: ServiceAutoscalingProps) {
    super(scope, id);
    if (props.minTasks > props.maxTasks) {
      throw new Error(`ServiceAutoscaling: minTasks ${props.minTasks} must not exceed maxTasks ${props.maxTasks}`);
    }
    const cpu = props.cpuTargetPercent ?? 60;
    const memory = props.memoryTargetPercent ?? 75;
    for (const [field, value] of [["cpuTargetPercent", cpu], ["memoryTargetPercent", memory]] as const) {
      if (value < 10 || value > 95) throw new Error(`ServiceAutoscaling: ${field} ${value} must be between 10 and 95`);
    }
    const requestTarget = props.requestsPerTarget?.target;
    if (requestTarget !== undefined && !(requestTarget >= 1)) {
      throw new Error(`ServiceAutoscaling: requestsPerTarget.target ${requestTarget} must be at least 1 request per task per minute`);
    }
    this.target = new AppautoscalingTarget(this, "Target", {
      serviceNamespace: "ecs",
      scalableDimension: "ecs:service:DesiredCount",
      resourceId: `service/${props.cluster.name}/${props.service.name}`,
      minCapacity: props.minTasks,
      maxCapacity: props.maxTasks,
      // With active hours, the scheduled actions own the bounds; a plan at night must not wake it.
      lifecycle: props.activeHours ? { ignoreChanges: ["min_capacity", "max_capacity"] } : undefined,
    });
    type Metric = Pick<AppautoscalingPolicyTargetTrackingScalingPolicyConfiguration, "predefinedMetricSpecification" | "customizedMetricSpecification">;
    const track = (id: string, metric: string | Metric, target: number, resourceLabel?: string) =>
      this.policies.push(
        new AppautoscalingPolicy(this, id, {
          name: `${props.service.name}-${id.toLowerCase()}`,
          policyType: "TargetTrackingScaling",
          serviceNamespace: this.target.serviceNamespace,
          scalableDimension: this.target.scalableDimension,
          resourceId: this.target.resourceId,
          targetTrackingScalingPolicyConfiguration: {
            targetValue: target,
            ...(typeof metric === "string" ? { predefinedMetricSpecification: { predefinedMetricType: metric, resourceLabel } } : metric),
            scaleOutCooldown: props.scaleOutCooldownSeconds ?? 60,
            scaleInCooldown: props.scaleInCooldownSeconds ?? 300,
          },
        }),
      );
    track("Cpu", "ECSServiceAverageCPUUtilization", cpu);
    // A queue worker's memory follows its bounded concurrency, not its load: it scales on backlog
    // first and CPU second, and a memory policy would only add two alarms to pay for.
    if (!props.queueBacklog) track("Memory", "ECSServiceAverageMemoryUtilization", memory);
    const requests = props.requestsPerTarget;
    if (requests?.targetGroups && requests.targetGroups.length > 1) {
      track("Requests", requestsOverTargetGroups(requests.targetGroups), requests.target);
    } else if (requests) {
      track("Requests", "ALBRequestCountPerTarget", requests.target, requests.resourceLabel);
    }
    const backlog = props.queueBacklog;
    if (backlog) {
      if (!Number.isInteger(backlog.backlogPerTask) || backlog.backlogPerTask < 1) {
        throw new Error(`ServiceAutoscaling: queueBacklog.backlogPerTask ${backlog.backlogPerTask} must be a whole number of messages, at least 1`);
      }
      track("Backlog", backlogPerTask(props, backlog), backlog.backlogPerTask);
    }
    this.wake = backlog && props.minTasks === 0 ? this.wakeFromZero(props, backlog) : undefined;
    if (props.activeHours) this.scheduleActiveHours(props.service.name, props.activeHours, props.minTasks, props.maxTasks);
  }

  /**
   * Target tracking divides the backlog by the running tasks, and with none there is no quotient
   * (the task count reports no data), so it cannot scale out from zero. This alarm fires when
   * messages are visible and no task runs, and its step policy sets the count to exactly one; from
   * there target tracking takes over. It never fires while a task runs, so it cannot fight the
   * backlog policy, and outside active hours the bounds are pinned to zero, so it cannot wake the
   * service at night.
   */
  private wakeFromZero(props: ServiceAutoscalingProps, backlog: NonNullable<ServiceAutoscalingProps["queueBacklog"]>) {
    const name = props.service.name;
    const policy = new AppautoscalingPolicy(this, "QueueWake", {
      name: `${name}-queue-wake`,
      policyType: "StepScaling",
      serviceNamespace: this.target.serviceNamespace,
      scalableDimension: this.target.scalableDimension,
      resourceId: this.target.resourceId,
      stepScalingPolicyConfiguration: {
        adjustmentType: "ExactCapacity",
        cooldown: props.scaleOutCooldownSeconds ?? 60,
        metricAggregationType: "Maximum",
        stepAdjustment: [{ metricIntervalLowerBound: "0", scalingAdjustment: 1 }],
      },
    });
    const running = taskCountQueries({ ClusterName: props.cluster.name, ServiceName: name }, backlog.containerInsights ?? false).running;
    const alarm = new CloudwatchMetricAlarm(this, "QueueWakeAlarm", {
      alarmName: `${wakeAlarmPrefix(props)}-queue-wake`,
      alarmDescription: `Messages wait in ${backlog.queueName} and no task of ${name} runs: scale to one task (autoscaling, not a page).`,
      metricQuery: [
        { id: "visible", returnData: false, metric: { namespace: "AWS/SQS", metricName: "ApproximateNumberOfMessagesVisible", dimensions: { QueueName: backlog.queueName }, stat: "Maximum", period: 60 } },
        running,
        { id: "asleep", label: "Messages visible and no task running", expression: "IF(FILL(visible, 0) > 0 AND FILL(running, 0) == 0, 1, 0)", returnData: true },
      ],
      evaluationPeriods: 1,
      threshold: 1,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      treatMissingData: "notBreaching",
      alarmActions: [policy.arn],
    });
    return { policy, alarm };
  }

  /** Wake sets the configured bounds back; sleep pins both to zero so target tracking cannot wake it. */
  private scheduleActiveHours(service: string, hours: ActiveHours, min: number, max: number): void {
    const { startHour, endHour } = hours;
    if (!Number.isInteger(startHour) || !Number.isInteger(endHour) || startHour < 0 || endHour <= startHour || endHour > 24) {
      throw new Error(`ServiceAutoscaling: activeHours ${startHour}-${endHour} must be whole hours with 0 <= startHour < endHour <= 24`);
    }
    // A 0-24 window would wake and sleep at the same minute, and AWS does not say which wins.
    if (startHour === 0 && endHour === 24) {
      throw new Error("ServiceAutoscaling: activeHours 0-24 means always on; leave activeHours out instead");
    }
    const days = hours.days ?? "MON-FRI";
    // 24 is midnight of the next day; a MON-FRI window ending at 24 sleeps at 00:00 TUE-SAT.
    const sleep = endHour === 24 ? `cron(0 0 ? * ${days === "MON-FRI" ? "TUE-SAT" : "*"} *)` : `cron(0 ${endHour} ? * ${days === "MON-FRI" ? "MON-FRI" : "*"} *)`;
    const wake = `cron(0 ${startHour} ? * ${days === "MON-FRI" ? "MON-FRI" : "*"} *)`;
    for (const [id, schedule, bounds] of [
      ["Wake", wake, { minCapacity: String(min), maxCapacity: String(max) }],
      ["Sleep", sleep, { minCapacity: "0", maxCapacity: "0" }],
    ] as const) {
      this.scheduledActions.push(
        new AppautoscalingScheduledAction(this, id, {
          name: `${service}-${id.toLowerCase()}`,
          serviceNamespace: this.target.serviceNamespace,
          scalableDimension: this.target.scalableDimension,
          resourceId: this.target.resourceId,
          schedule,
          timezone: hours.timezone ?? "UTC",
          scalableTargetAction: bounds,
        }),
      );
    }
  }
}

/**
 * Requests per task over several target groups. Between deploys only one holds the tasks; during a
 * shift both hold a full set, and the per-target counts add up to the requests per task of one set
 * (the size the service returns to). A target group without requests reports no data, hence FILL.
 */
function requestsOverTargetGroups(groups: readonly { readonly LoadBalancer: string; readonly TargetGroup: string }[]) {
  const ids = groups.map((_, i) => `m${i + 1}`);
  return {
    customizedMetricSpecification: {
      metrics: [
        ...groups.map((dims, i) => ({
          id: ids[i]!,
          returnData: false,
          metricStat: {
            stat: "Sum",
            metric: {
              namespace: "AWS/ApplicationELB",
              metricName: "RequestCountPerTarget",
              dimensions: [
                { name: "LoadBalancer", value: dims.LoadBalancer },
                { name: "TargetGroup", value: dims.TargetGroup },
              ],
            },
          },
        })),
        { id: "requests", label: "Requests per task over both target groups", expression: ids.map((id) => `FILL(${id}, 0)`).join(" + "), returnData: true },
      ],
    },
  };
}

/** Alarm names start with the task family (`<env>-<service>`), which the deploy role's alarm grant covers. */
function wakeAlarmPrefix(props: ServiceAutoscalingProps): string {
  return props.alarmPrefix ?? props.service.name;
}

/**
 * Visible messages per running task: the queue's ApproximateNumberOfMessagesVisible divided by the
 * service's running task count (ECS/ContainerInsights RunningTaskCount where the cluster has
 * Container Insights, else the sample count of AWS/ECS CPUUtilization: each running task reports one
 * sample a minute, the same count the service's alarms use).
 */
function backlogPerTask(props: ServiceAutoscalingProps, backlog: NonNullable<ServiceAutoscalingProps["queueBacklog"]>) {
  const running = backlog.containerInsights
    ? { namespace: "ECS/ContainerInsights", metricName: "RunningTaskCount", stat: "Average" }
    : { namespace: "AWS/ECS", metricName: "CPUUtilization", stat: "SampleCount" };
  return {
    customizedMetricSpecification: {
      metrics: [
        {
          id: "visible",
          returnData: false,
          metricStat: { stat: "Sum", metric: { namespace: "AWS/SQS", metricName: "ApproximateNumberOfMessagesVisible", dimensions: [{ name: "QueueName", value: backlog.queueName }] } },
        },
        {
          id: "running",
          returnData: false,
          metricStat: {
            stat: running.stat,
            metric: {
              namespace: running.namespace,
              metricName: running.metricName,
              dimensions: [
                { name: "ClusterName", value: props.cluster.name },
                { name: "ServiceName", value: props.service.name },
              ],
            },
          },
        },
        { id: "backlog", label: "Visible messages per running task", expression: "visible / running", returnData: true },
      ],
    },
  };
}
