import { errorLinesFilter, type JobQueue, ScheduledTask, ServiceAlarms, suppressPolicy, WebService, WorkerService, type FargateWorkloadProps, type Network } from "@bun-fargate/constructs";
import { alternateTargetGroupName, serviceLogGroupName, targetGroupName, type ResolvedService } from "@bun-fargate/config";
import { DRAIN_TIMEOUT_MS, ENV, producerQueueUrlVariable } from "@bun-fargate/config/runtime";
import type { CloudwatchCompositeAlarm } from "@cdktf/provider-aws/lib/cloudwatch-composite-alarm";
import type { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { TerraformOutput, TerraformVariable } from "cdktf";
import type { Construct } from "constructs";
import type { ClusterStack } from "./cluster-stack";
import { PlatformStack, type PlatformStackProps } from "./platform-stack";

export interface ServiceStackProps extends PlatformStackProps {
  readonly service: ResolvedService;
  readonly network: Network;
  readonly cluster: ClusterStack;
  /**
   * The stacks of the workers this service sends to (its `sends`), created before this one: the task
   * role may send to their queues, the container gets each queue's URL, and this stack is applied
   * after theirs. @default []
   */
  readonly sendsTo?: readonly ServiceStack[];
}

/** Digest references only: a tag can be moved, a digest always names the same image. */
export const IMAGE_DIGEST_PATTERN = "^[a-z0-9][a-z0-9.-]*(:[0-9]+)?/[a-z0-9._/-]+@sha256:[a-f0-9]{64}$";

/**
 * `<env>-<service>`: one service's workload. The image arrives per deploy as the Terraform
 * variable `image` (`cdktf deploy <stack> --var image=<repo>@sha256:<digest>`), so the same
 * inputs always plan to no change and the pipeline never fights Terraform over the task definition.
 */
export class ServiceStack extends PlatformStack {
  public readonly service: ResolvedService;
  public readonly image: TerraformVariable;
  public readonly appVersion: TerraformVariable;
  public readonly workload: WebService | WorkerService | ScheduledTask;
  /** Alarms that notify the environment's topic; none without notifications, and for a scheduled task only its failed-run alarm (on the workload). */
  public readonly alarms: ServiceAlarms | undefined;
  private readonly cluster: ClusterStack;

  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, { ...props, tags: { Service: props.service.name } });
    const env = props.environment;
    const svc = props.service;
    this.cluster = props.cluster;
    this.service = svc;
    this.image = new TerraformVariable(this, "image", {
      type: "string",
      nullable: false,
      description: `Image of ${svc.name} by digest: <repository url>@sha256:<64 hex>`,
      validation: [
        {
          condition: `\${can(regex("${IMAGE_DIGEST_PATTERN}", var.image))}`,
          errorMessage: "image must be a digest reference: <registry>/<repository>@sha256:<64 lower-case hex>.",
        },
      ],
    });
    this.appVersion = new TerraformVariable(this, "app_version", {
      type: "string",
      default: "unversioned",
      description: "Version the service reports (the git SHA in the pipeline)",
      validation: [{ condition: `\${can(regex("^[A-Za-z0-9._-]{1,64}$", var.app_version))}`, errorMessage: "app_version must be 1-64 characters of letters, digits, . _ -." }],
    });
    const repository = props.cluster.repositories.get(svc.name);
    if (!repository) throw new Error(`${id}: the cluster stack has no repository for service "${svc.name}"`);
    const logGroupName = serviceLogGroupName(env.project, env.name, svc.name);
    // The queue lives in its worker's stack; a producer reads its URL and ARN from there (a
    // cross-stack reference) and is applied after it, so the queue exists before anything sends.
    const targets = (props.sendsTo ?? []).map((stack) => {
      const queue = stack.queue;
      if (!queue) throw new Error(`${id}: sends to "${stack.service.name}", whose stack has no queue`);
      this.addDependency(stack);
      return { name: stack.service.name, queue };
    });

    const common: FargateWorkloadProps = {
      name: svc.name,
      namePrefix: env.name,
      network: props.network,
      cluster: props.cluster.cluster,
      repository,
      image: this.image.stringValue,
      region: env.region,
      logGroupName,
      logRetentionDays: env.logRetentionDays,
      cpu: svc.cpu,
      memoryMiB: svc.memoryMiB,
      architecture: svc.architecture,
      environment: {
        ...svc.environment,
        [ENV.port]: String(svc.containerPort),
        [ENV.logLevel]: svc.logLevel,
        [ENV.serviceName]: svc.name,
        [ENV.appVersion]: this.appVersion.stringValue,
        [ENV.environment]: env.name,
        [ENV.drainTimeoutMs]: String(DRAIN_TIMEOUT_MS),
        ...Object.fromEntries(targets.map((t) => [producerQueueUrlVariable(t.name), t.queue.queue.url])),
      },
      secrets: svc.secrets,
      command: svc.command,
      enableExec: svc.enableExec,
      spotShare: svc.spotShare,
      sizeReason: svc.sizeReason,
      permissions: svc.permissions,
      queues: targets.length > 0 ? { sendsTo: targets.map((t) => t.queue) } : undefined,
    };
    const scaling = { minTasks: svc.minTasks, maxTasks: svc.maxTasks, desiredTasks: svc.desiredTasks, activeHours: env.activeHours, cpuTargetPercent: svc.cpuTargetPercent };

    if (svc.kind === "web") {
      const web = new WebService(this, "Web", {
        ...common,
        ...scaling,
        loadBalancer: props.cluster.loadBalancer,
        targetGroupName: targetGroupName(env.project, env.name, svc.name),
        routing: svc.routing!,
        requestsPerTaskPerMinute: svc.requestsPerTaskPerMinute,
        containerPort: svc.containerPort,
        healthCheckPath: svc.healthCheckPath,
        deployment: svc.deployment,
        alternateTargetGroupName: alternateTargetGroupName(env.project, env.name, svc.name),
      });
      this.workload = web;
      const base = env.certificate ? `https://${env.certificate.domainName}` : `http://${props.cluster.loadBalancer.loadBalancer.dnsName}`;
      const path = (svc.routing?.pathPatterns?.[0] ?? "/").replace(/\*.*$/, "");
      new TerraformOutput(this, "Url", { value: `${base}${path}` });
      new TerraformOutput(this, "ServiceName", { value: web.fargate.service.name });
    } else if (svc.kind === "worker") {
      const worker = new WorkerService(this, "Worker", { ...common, ...scaling, deployment: svc.deployment, queue: svc.queue, containerInsights: env.containerInsights });
      this.workload = worker;
      new TerraformOutput(this, "ServiceName", { value: worker.fargate.service.name });
      if (worker.queue) {
        this.notify(worker.queue.deadLettersAlarm);
        this.notify(worker.queue.oldestMessageAlarm);
        new TerraformOutput(this, "QueueUrl", { value: worker.queue.queue.url });
        new TerraformOutput(this, "DeadLetterQueueUrl", { value: worker.queue.deadLetterQueue.url });
      }
    } else {
      const task = new ScheduledTask(this, "Scheduled", {
        ...common,
        schedule: svc.schedule!,
        timezone: svc.scheduling.timezone,
        maximumRetryAttempts: svc.scheduling.retries,
        flexibleWindowMinutes: svc.scheduling.flexibleWindowMinutes,
        maximumEventAgeSeconds: svc.scheduling.maximumEventAgeSeconds,
      });
      // A failed night reaches the same people as a web service's trouble.
      this.notify(task.failedRuns.alarm);
      this.workload = task;
      new TerraformOutput(this, "ScheduleName", { value: task.schedule.name });
    }
    if (svc.deployment.reason && !(this.workload instanceof ScheduledTask)) suppressPolicy(this.workload.fargate.service, "BF-ECS-005", svc.deployment.reason);
    const topic = props.cluster.alarmTopic;
    const workload = this.workload;
    // Workers count their error lines already (their deployment alarm); web services count them here,
    // for the dashboard and the log-errors alarm, whether or not anyone is notified.
    if (workload instanceof WebService) errorLinesFilter(this, `${env.name}-${svc.name}`, workload.fargate.task.logGroup);
    this.alarms =
      topic && !(workload instanceof ScheduledTask)
        ? new ServiceAlarms(this, "OperationalAlarms", {
            name: `${env.name}-${svc.name}`,
            topic,
            clusterName: props.cluster.cluster.cluster.name,
            serviceName: workload.fargate.service.name,
            minTasks: svc.minTasks,
            maxTasks: svc.maxTasks,
            containerInsights: env.containerInsights,
            scalesToZero: env.activeHours !== undefined,
            thresholds: svc.alarms,
            web:
              workload instanceof WebService
                ? { loadBalancer: props.cluster.loadBalancer.loadBalancer, targetGroups: [workload.targetGroup, ...(workload.alternateTargetGroup ? [workload.alternateTargetGroup] : [])] }
                : undefined,
            logErrors: { existingFilter: true },
          })
        : undefined;
    // Without a topic nobody hears of this service's trouble: allowed with a reason (BF-OPS-001).
    if (!topic && env.notifications.reason && !(workload instanceof ScheduledTask)) suppressPolicy(workload.fargate.service, "BF-OPS-001", env.notifications.reason);
    new TerraformOutput(this, "LogGroupName", { value: logGroupName });
    new TerraformOutput(this, "ClusterName", { value: props.cluster.cluster.cluster.name });
  }

  /** The worker's job queue, if this is a worker with one. */
  public get queue(): JobQueue | undefined {
    return this.workload instanceof WorkerService ? this.workload.queue : undefined;
  }

  /**
   * Sends an alarm this stack creates (a worker's queue, a job's failed run) to the environment's
   * alarm topic, ALARM and OK both; leaves it as it is where notifications are off.
   */
  public notify<T extends CloudwatchMetricAlarm | CloudwatchCompositeAlarm>(alarm: T): T {
    return this.cluster.alarmTopic ? this.cluster.alarmTopic.route(alarm) : alarm;
  }
}
