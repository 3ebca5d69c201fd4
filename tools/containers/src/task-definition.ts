/**
 * Reads a service's container definition from a synthesized stack (`<out>/stacks/<env>-<service>/
 * cdk.tf.json`) and turns it into the settings of a local container run. Every field of the
 * definition is either translated or named here as one that has no local meaning; a field this
 * does not know stops the run, so a new setting in the task definition cannot be silently ignored.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

export interface HealthCheck {
  /** As in the task definition: `["CMD", ...]` or `["CMD-SHELL", "..."]`. */
  readonly command: readonly string[];
  readonly intervalSeconds: number;
  readonly timeoutSeconds: number;
  readonly retries: number;
  readonly startPeriodSeconds: number;
}

export interface MountSpec {
  readonly volume: string;
  readonly containerPath: string;
  readonly readOnly: boolean;
}

export interface RunSpec {
  readonly stack: string;
  readonly family: string;
  readonly containerName: string;
  /** "ARM64" or "X86_64", as Fargate would run it. */
  readonly architecture: string;
  readonly cpuUnits: number;
  readonly memoryMiB: number;
  readonly user: string | undefined;
  readonly readOnlyRoot: boolean;
  readonly mounts: readonly MountSpec[];
  /** Plain variables, with Terraform variables resolved and stand-ins for queue URLs (see {@link standInFor}). */
  readonly environment: Readonly<Record<string, string>>;
  /** Variables whose value is a local stand-in for a Terraform reference, and what they stand in for. */
  readonly standIns: Readonly<Record<string, string>>;
  /** Secret variable names and where ECS would read each from. */
  readonly secrets: Readonly<Record<string, string>>;
  readonly healthCheck: HealthCheck | undefined;
  readonly stopTimeoutSeconds: number;
  readonly containerPorts: readonly number[];
  readonly command: readonly string[] | undefined;
  readonly entryPoint: readonly string[] | undefined;
  readonly initProcess: boolean;
}

export class TaskDefinitionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TaskDefinitionError";
  }
}

/** ECS's default when a container sets no stopTimeout (Fargate). */
const DEFAULT_STOP_TIMEOUT_SECONDS = 30;
/** Fields with no meaning for a local run, and why. */
const NOT_LOCAL: Readonly<Record<string, string>> = {
  name: "the container's name in the task",
  image: "the locally built image is run instead",
  essential: "one container per task",
  privileged: "never set; a local run is never privileged",
  logConfiguration: "awslogs ships stdout to CloudWatch; locally stdout is shown",
  dockerLabels: "labels only",
};
const TRANSLATED = ["user", "readonlyRootFilesystem", "stopTimeout", "portMappings", "environment", "secrets", "mountPoints", "healthCheck", "linuxParameters", "command", "entryPoint", "cpu", "memory"];

type Json = Record<string, unknown>;

/** Where a stand-in queue URL points: the discard port on loopback, where nothing answers. */
export const STAND_IN_QUEUE_ENDPOINT = "http://127.0.0.1:9/000000000000";

/**
 * A local value for a Terraform reference that has one: an SQS queue's URL, the worker's own
 * (`aws_sqs_queue.<name>.url`) or a producer's through a cross-stack output. It is a queue URL of the
 * right shape on a loopback port where nothing listens, so the container starts and runs as in AWS
 * while its queue calls fail (a worker logs failed receives and keeps its heartbeat; POST /v1/jobs
 * answers 503). Undefined for anything else, which stops the run.
 */
export function standInFor(expr: string): string | undefined {
  const own = /^aws_sqs_queue\.([A-Za-z0-9_-]+)\.url$/.exec(expr);
  const remote = /^data\.terraform_remote_state\.[A-Za-z0-9_-]+\.outputs\.[A-Za-z0-9_-]*aws_sqs_queue([A-Za-z0-9_-]*?)_?url$/.exec(expr);
  const name = own?.[1] ?? remote?.[1];
  if (name === undefined) return undefined;
  return `${STAND_IN_QUEUE_ENDPOINT}/stand-in-${name.replace(/^_+/, "")}`.slice(0, STAND_IN_QUEUE_ENDPOINT.length + 81);
}

/** `${var.name}` references resolved from the given values, then from the variables' defaults; queue URLs from {@link standInFor}. */
function resolveVariables(value: string, variables: Json, given: Readonly<Record<string, string>>, where: string, standIns?: Record<string, string>): string {
  return value.replace(/\$\{([^}]*)\}/g, (all, expr: string) => {
    const m = /^var\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(expr);
    const local = m ? undefined : standInFor(expr);
    if (local !== undefined && standIns !== undefined && value === all) {
      standIns[where.replace(/^environment /, "")] = expr;
      return local;
    }
    if (!m) throw new TaskDefinitionError(`${where} = "${value}": ${all} is resolved by Terraform at deploy time and has no local value`);
    const name = m[1]!;
    if (given[name] !== undefined) return given[name]!;
    const def = (variables[name] as { default?: unknown } | undefined)?.default;
    if (typeof def !== "string") throw new TaskDefinitionError(`${where}: Terraform variable ${name} has no default; pass a value for it`);
    return def;
  });
}

export interface ReadOptions {
  /** Values for Terraform variables (`app_version`, …). @default - the variables' defaults */
  readonly variables?: Readonly<Record<string, string>>;
}

export function readRunSpec(synthOut: string, stack: string, options: ReadOptions = {}): RunSpec {
  const file = join(synthOut, "stacks", stack, "cdk.tf.json");
  if (!existsSync(file)) throw new TaskDefinitionError(`no synthesized stack ${stack} in ${synthOut} (run pnpm synth)`);
  const json = JSON.parse(readFileSync(file, "utf8")) as { resource?: Record<string, Record<string, Json>>; variable?: Json };
  const defs = Object.values(json.resource?.aws_ecs_task_definition ?? {});
  if (defs.length !== 1) throw new TaskDefinitionError(`${stack}: expected one aws_ecs_task_definition, found ${defs.length}`);
  const task = defs[0]!;
  const containers = JSON.parse(String(task.container_definitions)) as Json[];
  if (containers.length !== 1) throw new TaskDefinitionError(`${stack}: expected one container definition, found ${containers.length}`);
  const c = containers[0]!;
  for (const key of Object.keys(c)) {
    if (!TRANSLATED.includes(key) && !(key in NOT_LOCAL)) throw new TaskDefinitionError(`${stack}: container definition field "${key}" has no local translation yet (tools/containers/src/task-definition.ts)`);
  }
  if (c.privileged === true) throw new TaskDefinitionError(`${stack}: a privileged container is not run locally`);
  const variables = json.variable ?? {};
  const given = options.variables ?? {};

  const environment: Record<string, string> = {};
  const standIns: Record<string, string> = {};
  for (const e of (c.environment as { name: string; value: string }[] | undefined) ?? []) {
    environment[e.name] = resolveVariables(e.value, variables, given, `environment ${e.name}`, standIns);
  }
  const secrets: Record<string, string> = {};
  for (const s of (c.secrets as { name: string; valueFrom: string }[] | undefined) ?? []) secrets[s.name] = s.valueFrom;

  const volumes = new Set(((task.volume as { name: string; host?: unknown; efs_volume_configuration?: unknown }[] | undefined) ?? []).map((v) => {
    if (v.host !== undefined || v.efs_volume_configuration !== undefined) throw new TaskDefinitionError(`${stack}: volume ${v.name} is not an ephemeral bind mount; only those run locally`);
    return v.name;
  }));
  const mounts = ((c.mountPoints as { sourceVolume: string; containerPath: string; readOnly?: boolean }[] | undefined) ?? []).map((m) => {
    if (!volumes.has(m.sourceVolume)) throw new TaskDefinitionError(`${stack}: mount point ${m.containerPath} names volume "${m.sourceVolume}", which the task does not define`);
    return { volume: m.sourceVolume, containerPath: m.containerPath, readOnly: m.readOnly ?? false };
  });

  const hc = c.healthCheck as { command: string[]; interval?: number; timeout?: number; retries?: number; startPeriod?: number } | undefined;
  const linux = (c.linuxParameters as Json | undefined) ?? {};
  for (const key of Object.keys(linux)) {
    if (key !== "initProcessEnabled") throw new TaskDefinitionError(`${stack}: linuxParameters.${key} has no local translation yet`);
  }
  const platform = task.runtime_platform as { cpu_architecture?: string } | undefined;
  return {
    stack,
    family: String(task.family),
    containerName: String(c.name),
    architecture: platform?.cpu_architecture ?? "X86_64",
    cpuUnits: Number(c.cpu ?? task.cpu),
    memoryMiB: Number(c.memory ?? task.memory),
    user: c.user as string | undefined,
    readOnlyRoot: c.readonlyRootFilesystem === true,
    mounts,
    environment,
    standIns,
    secrets,
    healthCheck: hc && {
      command: hc.command,
      // ECS's defaults for fields the definition leaves out.
      intervalSeconds: hc.interval ?? 30,
      timeoutSeconds: hc.timeout ?? 5,
      retries: hc.retries ?? 3,
      startPeriodSeconds: hc.startPeriod ?? 0,
    },
    stopTimeoutSeconds: (c.stopTimeout as number | undefined) ?? DEFAULT_STOP_TIMEOUT_SECONDS,
    containerPorts: ((c.portMappings as { containerPort: number }[] | undefined) ?? []).map((p) => p.containerPort),
    command: c.command as string[] | undefined,
    entryPoint: c.entryPoint as string[] | undefined,
    initProcess: linux.initProcessEnabled === true,
  };
}
