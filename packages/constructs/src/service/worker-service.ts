import { Construct } from "constructs";
import type { DeploymentSettings } from "./deployment-strategy";
import { FargateService, type ServiceConnectSettings } from "./fargate-service";
import type { FargateWorkloadProps } from "./workload";
import { LogErrorAlarm } from "./log-error-alarm";

export interface WorkerServiceProps extends FargateWorkloadProps {
  /** @default 1 */
  readonly minTasks?: number;
  /** @default max(2, minTasks) */
  readonly maxTasks?: number;
  /** @default minTasks */
  readonly desiredTasks?: number;
  /** Average CPU autoscaling keeps the tasks at. @default 60 */
  readonly cpuTargetPercent?: number;
  /**
   * How a deploy replaces the tasks: "rolling", or "blue-green" (a full new revision runs beside
   * the old one for bakeTimeMinutes while its error alarm is watched). @default { strategy: "rolling" }
   */
  readonly deployment?: DeploymentSettings;
  /** Join ECS Service Connect as a client, to call other services. @default - not joined */
  readonly serviceConnect?: Omit<ServiceConnectSettings, "serve">;
}

/**
 * A long-running service with no load balancer and no ingress, scaled on CPU and memory. With no
 * load balancer to report failures, its error log lines are the deployment alarm.
 */
export class WorkerService extends Construct {
  public readonly fargate: FargateService;
  public readonly errors: LogErrorAlarm;

  constructor(scope: Construct, id: string, props: WorkerServiceProps) {
    super(scope, id);
    const name = `${props.namePrefix}-${props.name}`;
    this.fargate = new FargateService(this, "Fargate", { ...props, deploymentAlarmNames: [LogErrorAlarm.alarmNameFor(name)] });
    this.errors = new LogErrorAlarm(this, "Errors", { name, logGroup: this.fargate.task.logGroup });
  }
}
