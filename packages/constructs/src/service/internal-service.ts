import { Construct } from "constructs";
import type { DeploymentSettings } from "./deployment-strategy";
import { FargateService, type ServiceConnectSettings } from "./fargate-service";
import { LogErrorAlarm } from "./log-error-alarm";
import type { FargateWorkloadProps } from "./workload";

export interface InternalServiceProps extends FargateWorkloadProps {
  /** The cluster's Service Connect namespace and the proxy's timeouts; the service always serves. */
  readonly serviceConnect: Omit<ServiceConnectSettings, "serve">;
  /** @default 8080 */
  readonly containerPort?: number;
  /** @default 1 */
  readonly minTasks?: number;
  /** @default max(2, minTasks) */
  readonly maxTasks?: number;
  /** @default minTasks */
  readonly desiredTasks?: number;
  /** Average CPU autoscaling keeps the tasks at. @default 60 */
  readonly cpuTargetPercent?: number;
  /** How a deploy replaces the tasks: "rolling" or "blue-green". @default { strategy: "rolling" } */
  readonly deployment?: DeploymentSettings;
}

/**
 * An HTTP service with no load balancer: reachable only through ECS Service Connect at
 * `http://<name>:<containerPort>`, and only from the security groups of its declared callers
 * (each caller's stack adds its rule, see ServiceCall). With no load balancer to report failures,
 * its error log lines are the deployment alarm, as a worker's are.
 */
export class InternalService extends Construct {
  public readonly fargate: FargateService;
  public readonly errors: LogErrorAlarm;
  public readonly containerPort: number;

  constructor(scope: Construct, id: string, props: InternalServiceProps) {
    super(scope, id);
    const name = `${props.namePrefix}-${props.name}`;
    this.containerPort = props.containerPort ?? 8080;
    this.fargate = new FargateService(this, "Fargate", {
      ...props,
      containerPort: this.containerPort,
      serviceConnect: { ...props.serviceConnect, serve: true },
      deploymentAlarmNames: [LogErrorAlarm.alarmNameFor(name)],
    });
    this.errors = new LogErrorAlarm(this, "Errors", { name, logGroup: this.fargate.task.logGroup });
  }
}
