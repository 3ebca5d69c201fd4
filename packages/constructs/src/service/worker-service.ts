import { QUEUE_DEFAULTS } from "@bun-fargate/config";
import { WORKER_ENV } from "@bun-fargate/config/runtime";
import { Construct } from "constructs";
import { JobQueue, type JobQueueProps } from "../queue/job-queue";
import type { DeploymentSettings } from "./deployment-strategy";
import { FargateService } from "./fargate-service";
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
  /**
   * The worker's job queue (created here as "Queue", named `<prefix>-<name>`), consumed by its tasks
   * and scaled on: backlog per task, and a wake from zero when minTasks is 0. @default - no queue
   */
  readonly queue?: Omit<JobQueueProps, "name"> & {
    /** Visible messages per running task that autoscaling keeps. @default 10 */
    readonly backlogPerTask?: number;
  };
  /** Count running tasks from Container Insights for the backlog (the cluster has it on). @default false */
  readonly containerInsights?: boolean;
}

/**
 * A long-running service with no load balancer and no ingress, scaled on CPU and memory, and with a
 * queue on its backlog too. With no load balancer to report failures, its error log lines are the
 * deployment alarm. It serves no HTTP: its container health check is the image's own
 * `/app/server --healthcheck`, which for a worker reads the age of its heartbeat file (the worker
 * contract in packages/config/src/runtime.ts).
 */
export class WorkerService extends Construct {
  public readonly fargate: FargateService;
  public readonly errors: LogErrorAlarm;
  public readonly queue: JobQueue | undefined;

  constructor(scope: Construct, id: string, props: WorkerServiceProps) {
    super(scope, id);
    const name = `${props.namePrefix}-${props.name}`;
    this.queue = props.queue ? new JobQueue(this, "Queue", { ...props.queue, name }) : undefined;
    const q = this.queue;
    const environment = q
      ? {
          ...props.environment,
          [WORKER_ENV.queueUrl]: q.queue.url,
          [WORKER_ENV.visibilityTimeoutSeconds]: String(q.visibilityTimeoutSeconds),
          [WORKER_ENV.maxJobSeconds]: String(q.maxJobSeconds),
        }
      : props.environment;
    this.fargate = new FargateService(this, "Fargate", {
      ...props,
      environment,
      queues: q ? { ...props.queues, consumes: q } : props.queues,
      queueBacklog: q ? { queue: q, backlogPerTask: props.queue?.backlogPerTask ?? QUEUE_DEFAULTS.backlogPerTask, containerInsights: props.containerInsights } : undefined,
      deploymentAlarmNames: [LogErrorAlarm.alarmNameFor(name)],
    });
    this.errors = new LogErrorAlarm(this, "Errors", { name, logGroup: this.fargate.task.logGroup });
  }
}
