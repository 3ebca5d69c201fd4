import { AppautoscalingPolicy, type AppautoscalingPolicyTargetTrackingScalingPolicyConfiguration } from "@cdktf/provider-aws/lib/appautoscaling-policy";
import { AppautoscalingScheduledAction } from "@cdktf/provider-aws/lib/appautoscaling-scheduled-action";
import { AppautoscalingTarget } from "@cdktf/provider-aws/lib/appautoscaling-target";
import type { EcsCluster } from "@cdktf/provider-aws/lib/ecs-cluster";
import type { EcsService } from "@cdktf/provider-aws/lib/ecs-service";
import type { ActiveHours } from "@bun-fargate/config";
import { Construct } from "constructs";

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
}

/** Target tracking on CPU, memory and (for web services) requests per task. Autoscaling owns the task count. */
export class ServiceAutoscaling extends Construct {
  public readonly target: AppautoscalingTarget;
  public readonly policies: AppautoscalingPolicy[] = [];
  public readonly scheduledActions: AppautoscalingScheduledAction[] = [];

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
    track("Memory", "ECSServiceAverageMemoryUtilization", memory);
    const requests = props.requestsPerTarget;
    if (requests?.targetGroups && requests.targetGroups.length > 1) {
      track("Requests", requestsOverTargetGroups(requests.targetGroups), requests.target);
    } else if (requests) {
      track("Requests", "ALBRequestCountPerTarget", requests.target, requests.resourceLabel);
    }
    if (props.activeHours) this.scheduleActiveHours(props.service.name, props.activeHours, props.minTasks, props.maxTasks);
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
