import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import type { EcrRepository } from "@cdktf/provider-aws/lib/ecr-repository";
import { fargateSizeProblem, type Architecture, type Grant, type SecretRef } from "@bun-fargate/config";
import { CONTAINER_BINARY, CONTAINER_USER, HEALTHCHECK_ARG, STOP_TIMEOUT_SECONDS } from "@bun-fargate/config/runtime";
import { Token } from "cdktf";
import { Construct } from "constructs";
import { suppressPolicy } from "../policy/suppress";
import { TaskRoles, type TaskQueues } from "./task-roles";

export interface FargateTaskDefinitionProps {
  /** Task family and container name. */
  readonly family: string;
  /** Image reference; a digest (`repo@sha256:…`) so that a task never runs an unexpected build. */
  readonly image: string;
  /** Repository the image comes from; the execution role may pull from it and nothing else. */
  readonly repository: EcrRepository;
  /** Region, for the awslogs driver. */
  readonly region: string;
  /** Log group name. */
  readonly logGroupName: string;
  /** @default 30 */
  readonly logRetentionDays?: number;
  /** CPU units. @default 256 */
  readonly cpu?: number;
  /** @default 512 */
  readonly memoryMiB?: number;
  /** @default "ARM64" */
  readonly architecture?: Architecture;
  /** Port the container listens on; none for a container that serves nothing. @default - no port mapping */
  readonly containerPort?: number;
  /** Plain environment variables. @default {} */
  readonly environment?: Readonly<Record<string, string>>;
  /** Secrets by reference. @default {} */
  readonly secrets?: Readonly<Record<string, SecretRef>>;
  /** Command override. @default - the image's entrypoint */
  readonly command?: readonly string[];
  /**
   * Container health check. The image's own binary checks itself, so the image needs no curl.
   * @default ["CMD", "/app/server", "--healthcheck"]; pass null for none
   */
  readonly healthCheckCommand?: readonly string[] | null;
  /** Seconds between SIGTERM and SIGKILL (2 to 120). @default 30 */
  readonly stopTimeoutSeconds?: number;
  /** Prepare the task for ECS Exec (init process, SSM channels). @default false */
  readonly enableExec?: boolean;
  /** Why the task is larger than 0.25 vCPU / 0.5 GB (the size check's suppression reason). @default - none */
  readonly sizeReason?: string;
  /** What the application may do in AWS, granted to the task role only. @default [] */
  readonly permissions?: readonly Grant[];
  /** Job queues the task consumes or sends to (task role only). @default - none */
  readonly queues?: TaskQueues;
}

function secretValueFrom(ref: SecretRef): string {
  if ("secretsManagerArn" in ref) {
    return ref.jsonKey ? `${ref.secretsManagerArn}:${ref.jsonKey}::` : ref.secretsManagerArn;
  }
  return ref.ssmParameterArn;
}

/**
 * A Fargate task definition with its log group and roles: read-only root filesystem, non-root
 * user, secrets injected by reference, and a health check that needs nothing but the image.
 */
export class FargateTaskDefinition extends Construct {
  public readonly taskDefinition: EcsTaskDefinition;
  public readonly logGroup: CloudwatchLogGroup;
  public readonly roles: TaskRoles;
  public readonly containerName: string;

  constructor(scope: Construct, id: string, props: FargateTaskDefinitionProps) {
    super(scope, id);
    const cpu = props.cpu ?? 256;
    const memory = props.memoryMiB ?? 512;
    const stopTimeout = props.stopTimeoutSeconds ?? STOP_TIMEOUT_SECONDS;
    const secrets = props.secrets ?? {};
    const sizeProblem = fargateSizeProblem(cpu, memory);
    if (sizeProblem) throw new Error(`FargateTaskDefinition "${props.family}": ${sizeProblem}`);
    if (!Number.isInteger(stopTimeout) || stopTimeout < 2 || stopTimeout > 120) {
      throw new Error(`FargateTaskDefinition "${props.family}": stopTimeoutSeconds ${stopTimeout} must be between 2 and 120 (Fargate limit)`);
    }
    if (!Token.isUnresolved(props.image) && !/@sha256:[a-f0-9]{64}$/.test(props.image) && !/^\S+:\S+$/.test(props.image)) {
      throw new Error(`FargateTaskDefinition "${props.family}": image "${props.image}" must be a digest or tag reference`);
    }
    this.containerName = props.family;

    this.logGroup = new CloudwatchLogGroup(this, "LogGroup", {
      name: props.logGroupName,
      retentionInDays: props.logRetentionDays ?? 30,
    });
    this.roles = new TaskRoles(this, "Roles", {
      name: props.family,
      repository: props.repository,
      logGroup: this.logGroup,
      secretArns: Object.values(secrets).map((ref) => ("secretsManagerArn" in ref ? ref.secretsManagerArn : ref.ssmParameterArn)),
      enableExec: props.enableExec ?? false,
      permissions: props.permissions ?? [],
      queues: props.queues,
    });

    // ECS Exec's agent keeps state and logs under these paths; with a read-only root it needs them
    // writable (aws/containers-roadmap#1359). The image also needs a shell for a session to be useful.
    const volumes = [
      { name: "tmp", path: "/tmp" },
      ...(props.enableExec ? [{ name: "ssm-state", path: "/var/lib/amazon/ssm" }, { name: "ssm-logs", path: "/var/log/amazon/ssm" }] : []),
    ];
    const healthCheck = props.healthCheckCommand === null ? undefined : (props.healthCheckCommand ?? ["CMD", CONTAINER_BINARY, HEALTHCHECK_ARG]);
    const container = {
      name: this.containerName,
      image: props.image,
      essential: true,
      command: props.command,
      user: CONTAINER_USER,
      readonlyRootFilesystem: true,
      privileged: false,
      stopTimeout,
      portMappings: props.containerPort === undefined ? [] : [{ containerPort: props.containerPort, protocol: "tcp", name: "http" }],
      environment: Object.entries(props.environment ?? {})
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, value]) => ({ name, value })),
      secrets: Object.entries(secrets)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, ref]) => ({ name, valueFrom: secretValueFrom(ref) })),
      // The only writable paths; the root filesystem stays read-only.
      mountPoints: volumes.map((v) => ({ sourceVolume: v.name, containerPath: v.path, readOnly: false })),
      healthCheck: healthCheck && { command: healthCheck, interval: 10, timeout: 5, retries: 3, startPeriod: 10 },
      linuxParameters: props.enableExec ? { initProcessEnabled: true } : undefined,
      logConfiguration: {
        logDriver: "awslogs",
        options: {
          "awslogs-group": this.logGroup.name,
          "awslogs-region": props.region,
          "awslogs-stream-prefix": props.family,
          // Never block the app on a slow log pipe; 25 MiB buffer before lines are dropped.
          mode: "non-blocking",
          "max-buffer-size": "25m",
        },
      },
    };

    this.taskDefinition = new EcsTaskDefinition(this, "TaskDefinition", {
      family: props.family,
      requiresCompatibilities: ["FARGATE"],
      networkMode: "awsvpc",
      cpu: String(cpu),
      memory: String(memory),
      runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: props.architecture ?? "ARM64" },
      executionRoleArn: this.roles.executionRole.arn,
      taskRoleArn: this.roles.taskRole.arn,
      volume: volumes.map((v) => ({ name: v.name })),
      containerDefinitions: JSON.stringify([container]),
    });
    if (props.sizeReason) suppressPolicy(this.taskDefinition, "BF-SIZE-001", props.sizeReason);
  }
}
