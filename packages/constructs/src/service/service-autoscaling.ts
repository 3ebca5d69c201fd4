import { AppautoscalingPolicy } from "@cdktf/provider-aws/lib/appautoscaling-policy";
import { AppautoscalingTarget } from "@cdktf/provider-aws/lib/appautoscaling-target";
import type { EcsCluster } from "@cdktf/provider-aws/lib/ecs-cluster";
import type { EcsService } from "@cdktf/provider-aws/lib/ecs-service";
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
  /** ALB request count per target to track, as `resourceLabel` and target. @default - not tracked */
  readonly requestsPerTarget?: { readonly resourceLabel: string; readonly target: number };
  /** Seconds after a scale-out before another. @default 60 */
  readonly scaleOutCooldownSeconds?: number;
  /** Seconds after a scale-in before another; slower so that bursts do not flap. @default 300 */
  readonly scaleInCooldownSeconds?: number;
}

/** Target tracking on CPU, memory and (for web services) requests per task. Autoscaling owns the task count. */
export class ServiceAutoscaling extends Construct {
  public readonly target: AppautoscalingTarget;
  public readonly policies: AppautoscalingPolicy[] = [];

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
    this.target = new AppautoscalingTarget(this, "Target", {
      serviceNamespace: "ecs",
      scalableDimension: "ecs:service:DesiredCount",
      resourceId: `service/${props.cluster.name}/${props.service.name}`,
      minCapacity: props.minTasks,
      maxCapacity: props.maxTasks,
    });
    const track = (id: string, metric: string, target: number, resourceLabel?: string) =>
      this.policies.push(
        new AppautoscalingPolicy(this, id, {
          name: `${props.service.name}-${id.toLowerCase()}`,
          policyType: "TargetTrackingScaling",
          serviceNamespace: this.target.serviceNamespace,
          scalableDimension: this.target.scalableDimension,
          resourceId: this.target.resourceId,
          targetTrackingScalingPolicyConfiguration: {
            targetValue: target,
            predefinedMetricSpecification: { predefinedMetricType: metric, resourceLabel },
            scaleOutCooldown: props.scaleOutCooldownSeconds ?? 60,
            scaleInCooldown: props.scaleInCooldownSeconds ?? 300,
          },
        }),
      );
    track("Cpu", "ECSServiceAverageCPUUtilization", cpu);
    track("Memory", "ECSServiceAverageMemoryUtilization", memory);
    if (props.requestsPerTarget) {
      track("Requests", "ALBRequestCountPerTarget", props.requestsPerTarget.target, props.requestsPerTarget.resourceLabel);
    }
  }
}
