import { execFile } from "node:child_process";

/**
 * The few AWS reads the pipeline makes, through the AWS CLI that GitHub's runners ship (so the
 * workspace needs no SDK). Region and credentials come from the environment that
 * configure-aws-credentials sets up. Injected, so tests give canned answers instead.
 */
export interface AwsCli {
  /** Runs `aws <args> --output json` and parses stdout. */
  json<T>(args: readonly string[]): Promise<T>;
}

export class AwsCliError extends Error {
  constructor(readonly args: readonly string[], readonly stderr: string) {
    super(`aws ${args.join(" ")} failed: ${stderr.trim().split("\n").slice(-3).join(" ")}`);
    this.name = "AwsCliError";
  }
}

export const awsCli: AwsCli = {
  json<T>(args: readonly string[]): Promise<T> {
    return new Promise((resolve, reject) => {
      execFile("aws", [...args, "--output", "json"], { maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
        if (err) return reject(new AwsCliError(args, stderr || String(err)));
        try {
          resolve((stdout.trim() === "" ? {} : JSON.parse(stdout)) as T);
        } catch (parseError) {
          reject(new AwsCliError(args, `unparseable output: ${String(parseError)}`));
        }
      });
    });
  },
};

/* Shapes of the parts of AWS CLI answers the pipeline reads. */

export interface EcsDeployment {
  readonly id: string;
  readonly status: string;
  readonly taskDefinition: string;
  readonly desiredCount: number;
  readonly runningCount: number;
  readonly pendingCount?: number;
  readonly failedTasks?: number;
  readonly rolloutState?: "IN_PROGRESS" | "COMPLETED" | "FAILED";
  readonly rolloutStateReason?: string;
}

export interface EcsService {
  readonly serviceName: string;
  readonly status: string;
  readonly desiredCount: number;
  readonly runningCount: number;
  readonly deployments: readonly EcsDeployment[];
  readonly events?: readonly { readonly createdAt?: string; readonly message: string }[];
}

export interface TaskDefinition {
  readonly taskDefinitionArn: string;
  readonly family: string;
  readonly containerDefinitions: readonly { readonly name: string; readonly image: string }[];
}

export interface EcsTask {
  readonly taskArn: string;
  readonly taskDefinitionArn: string;
  readonly lastStatus: string;
  readonly containers: readonly { readonly name: string; readonly image?: string; readonly imageDigest?: string }[];
}

export interface EcrImage {
  readonly imageDigest: string;
  readonly imageTags?: readonly string[];
  /** ISO 8601 from AWS CLI v2; epoch seconds from v1. */
  readonly imagePushedAt: string | number;
}

export const describeService = async (aws: AwsCli, cluster: string, service: string): Promise<EcsService | undefined> =>
  (await aws.json<{ services?: EcsService[] }>(["ecs", "describe-services", "--cluster", cluster, "--services", service])).services?.[0];

export const describeTaskDefinition = async (aws: AwsCli, taskDefinition: string): Promise<TaskDefinition> =>
  (await aws.json<{ taskDefinition: TaskDefinition }>(["ecs", "describe-task-definition", "--task-definition", taskDefinition])).taskDefinition;

export async function runningTasks(aws: AwsCli, cluster: string, service: string): Promise<EcsTask[]> {
  const { taskArns = [] } = await aws.json<{ taskArns?: string[] }>(["ecs", "list-tasks", "--cluster", cluster, "--service-name", service, "--desired-status", "RUNNING"]);
  const tasks: EcsTask[] = [];
  // describe-tasks takes at most 100 tasks per call.
  for (let i = 0; i < taskArns.length; i += 100) {
    const batch = taskArns.slice(i, i + 100);
    tasks.push(...((await aws.json<{ tasks?: EcsTask[] }>(["ecs", "describe-tasks", "--cluster", cluster, "--tasks", ...batch])).tasks ?? []));
  }
  return tasks;
}

/** A service deployment (ECS's record of one deploy, with its lifecycle stage), as the CLI prints it. */
export interface ServiceDeployment {
  readonly serviceDeploymentArn: string;
  readonly status: string;
  readonly statusReason?: string;
  readonly lifecycleStage?: string;
  readonly createdAt?: string | number;
  readonly rollback?: { readonly reason?: string; readonly startedAt?: string | number; readonly serviceRevisionArn?: string };
  readonly alarms?: { readonly status?: string; readonly alarmNames?: readonly string[]; readonly triggeredAlarmNames?: readonly string[] };
  readonly deploymentCircuitBreaker?: { readonly status?: string; readonly failureCount?: number; readonly threshold?: number };
  readonly deploymentConfiguration?: { readonly strategy?: string };
}

export type ServiceDeploymentBrief = Pick<ServiceDeployment, "serviceDeploymentArn" | "status" | "statusReason" | "createdAt">;

/** Service deployments of a service created after `afterEpochSeconds`, newest first. */
export async function listServiceDeployments(aws: AwsCli, cluster: string, service: string, afterEpochSeconds: number): Promise<ServiceDeploymentBrief[]> {
  const { serviceDeployments = [] } = await aws.json<{ serviceDeployments?: ServiceDeploymentBrief[] }>([
    "ecs", "list-service-deployments", "--cluster", cluster, "--service", service, "--created-at", JSON.stringify({ after: afterEpochSeconds }),
  ]);
  return [...serviceDeployments].sort((a, b) => epochOf(b.createdAt) - epochOf(a.createdAt));
}

export const describeServiceDeployment = async (aws: AwsCli, arn: string): Promise<ServiceDeployment | undefined> =>
  (await aws.json<{ serviceDeployments?: ServiceDeployment[] }>(["ecs", "describe-service-deployments", "--service-deployment-arns", arn])).serviceDeployments?.[0];

/** Asks ECS to stop a deployment and return every request to the previous revision. */
export const rollBackServiceDeployment = async (aws: AwsCli, arn: string): Promise<void> => {
  await aws.json(["ecs", "stop-service-deployment", "--service-deployment-arn", arn, "--stop-type", "ROLLBACK"]);
};

/** AWS CLI v2 prints ISO 8601 timestamps, v1 epoch seconds. */
export function epochOf(t: string | number | undefined): number {
  if (typeof t === "number") return t;
  const ms = t === undefined ? Number.NaN : Date.parse(t);
  return Number.isNaN(ms) ? 0 : ms / 1000;
}

export const describeImages = async (aws: AwsCli, repository: string): Promise<EcrImage[]> =>
  (await aws.json<{ imageDetails?: EcrImage[] }>(["ecr", "describe-images", "--repository-name", repository])).imageDetails ?? [];

export interface ScalableTarget {
  readonly ResourceId: string;
  readonly MinCapacity: number;
  readonly MaxCapacity: number;
}

const ecsResourceId = (cluster: string, service: string) => `service/${cluster}/${service}`;

export const describeScalableTarget = async (aws: AwsCli, cluster: string, service: string): Promise<ScalableTarget | undefined> =>
  (
    await aws.json<{ ScalableTargets?: ScalableTarget[] }>([
      "application-autoscaling", "describe-scalable-targets", "--service-namespace", "ecs", "--resource-ids", ecsResourceId(cluster, service),
    ])
  ).ScalableTargets?.[0];

/** Sets a service's autoscaling bounds; ECS follows them (Terraform ignores them where a schedule owns them). */
export const setScalingBounds = async (aws: AwsCli, cluster: string, service: string, min: number, max: number): Promise<void> => {
  await aws.json([
    "application-autoscaling", "register-scalable-target", "--service-namespace", "ecs", "--scalable-dimension", "ecs:service:DesiredCount",
    "--resource-id", ecsResourceId(cluster, service), "--min-capacity", String(min), "--max-capacity", String(max),
  ]);
};

/** `repo@sha256:…` → `sha256:…`. */
export function digestOf(image: string): string | undefined {
  return image.match(/@(sha256:[a-f0-9]{64})$/)?.[1];
}
