/**
 * The schema of a service entry (`services.ts`) and of an environment's per-service override
 * (`environments.ts`, `services: { <name>: ... }`). The TypeScript types in `../types.ts` are
 * derived from it, with the comments below: this is the one place a setting is declared.
 */
import * as v from "valibot";
import { AlarmsSchema } from "./operations";
import { FARGATE_SIZES } from "../fargate";
import { ENV } from "../runtime";
import { scheduleProblem } from "../schedule";
import { secretFinding } from "../secrets";
import { CPU_TARGET_RANGE, REQUEST_TARGET_RANGE } from "../capacity";
import { DeploymentSchema } from "./deployment";
import { PermissionsSchema } from "./permissions";
import { SchedulingSchema } from "./scheduling";
import { bool, dict, int, list, oneOf, stepped, strictObject, text } from "./fields";
import { MIN_REASON_LENGTH } from "./reason";
import { QueueSchema, SendsSchema } from "./queue";

export const SERVICE_NAME = /^[a-z][a-z0-9-]{0,22}[a-z0-9]$/;
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** suppressPolicy's minimum: a reason must say something (declared in reason.ts, which the deployment schema reads too). */
export { MIN_REASON_LENGTH };
export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;

/** Variables the platform sets on every container, and the setting that controls each instead. */
export const PLATFORM_VARIABLES: Readonly<Record<(typeof ENV)[keyof typeof ENV], string>> = {
  [ENV.port]: "set containerPort instead",
  [ENV.logLevel]: "set logLevel instead",
  [ENV.serviceName]: "it is the service's name",
  [ENV.appVersion]: "it comes from the app_version variable at deploy (the git SHA in the pipeline)",
  [ENV.environment]: "it is the environment's name",
  [ENV.drainTimeoutMs]: "it is DRAIN_TIMEOUT_MS in packages/config/src/runtime.ts, shared with the service",
};
/** Variables ECS itself sets in a Fargate task. */
const ECS_VARIABLES = [
  "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
  "AWS_CONTAINER_CREDENTIALS_FULL_URI",
  "AWS_CONTAINER_AUTHORIZATION_TOKEN",
  "AWS_EXECUTION_ENV",
  "ECS_CONTAINER_METADATA_URI",
  "ECS_CONTAINER_METADATA_URI_V4",
  "ECS_AGENT_URI",
];

function reservedProblem(name: string): string | undefined {
  if (Object.hasOwn(PLATFORM_VARIABLES, name)) return `is set by the platform on every container; ${PLATFORM_VARIABLES[name as keyof typeof PLATFORM_VARIABLES]}`;
  if (ECS_VARIABLES.includes(name)) return "is set by ECS in every Fargate task; leave it out";
  return undefined;
}

const variableName = (what: string) =>
  v.pipe(
    v.string(),
    v.maxLength(255, `${what} names are at most 255 characters`),
    v.regex(ENV_NAME, what === "variable" ? "must be a valid environment variable name ([A-Za-z_][A-Za-z0-9_]*)" : "secret names must be valid environment variable names"),
    v.check((name) => reservedProblem(name) === undefined, (issue) => reservedProblem(String(issue.input)) ?? "is reserved"),
  );

const REDACTED = "<redacted>";

const environmentVariables = v.pipe(
  dict(variableName("variable"), v.string("must be a string"), "an object of variable names to string values"),
  // Values are judged with their names, so a check on the whole map: a credential never reaches the task definition.
  v.rawCheck(({ dataset, addIssue }) => {
    const vars = dataset.value;
    if (vars === null || typeof vars !== "object" || Array.isArray(vars)) return;
    for (const [name, value] of Object.entries(vars as Record<string, unknown>)) {
      if (typeof value !== "string") continue;
      const found = secretFinding(name, value);
      if (!found) continue;
      const message =
        found.by === "name"
          ? "looks like a secret: move it to `secrets` as a Secrets Manager or SSM reference"
          : `the value ${found.why}: move it to \`secrets\` as a Secrets Manager or SSM reference`;
      addIssue({ message, input: REDACTED, path: [{ type: "object", origin: "value", input: vars as Record<string, unknown>, key: name, value: REDACTED }] });
    }
  }),
);

const SECRETS_MANAGER_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/;
const SSM_PARAMETER_ARN = /^arn:aws[a-z-]*:ssm:[a-z0-9-]+:\d{12}:parameter\/[A-Za-z0-9/_.-]+$/;

const secretsManagerRef = strictObject(
  {
    /** ARN of a Secrets Manager secret. */
    secretsManagerArn: text(SECRETS_MANAGER_ARN, "must be a Secrets Manager ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>), not a value", 2048),
    /** A key inside a JSON secret. @default - the whole secret string */
    jsonKey: v.optional(text(/^[A-Za-z0-9_.-]+$/, "must be a key of the JSON secret (letters, digits, _ . -)", 256)),
  },
  "{ secretsManagerArn, jsonKey? }",
);
const ssmRef = strictObject(
  {
    /** ARN of an SSM Parameter Store parameter (SecureString recommended). */
    ssmParameterArn: text(SSM_PARAMETER_ARN, "must be an SSM parameter ARN (arn:aws:ssm:<region>:<account>:parameter/<name>), not a value", 2048),
  },
  "{ ssmParameterArn }",
);

/**
 * A secret is injected by ECS from a store at task start; the value never appears in
 * configuration, Terraform state or the task definition.
 */
export const SecretRefSchema = v.union([secretsManagerRef, ssmRef], (issue) => {
  const input = issue.input;
  if (input === null || typeof input !== "object" || Array.isArray(input)) return "secrets are references, never values: give { secretsManagerArn } or { ssmParameterArn }";
  if ("secretsManagerArn" in input) return "secretsManagerArn must be a Secrets Manager ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>), not a value";
  if ("ssmParameterArn" in input) return "ssmParameterArn must be an SSM parameter ARN (arn:aws:ssm:<region>:<account>:parameter/<name>), not a value";
  return "needs secretsManagerArn or ssmParameterArn";
});

const PATH_PATTERN = /^\/[A-Za-z0-9/_.*?~-]*$/;
// ALB host conditions: at least one dot, only letters after the last one.
const HOST_HEADER = /^[A-Za-z0-9*?._-]*\.[A-Za-z]+$/;
/** ALB quotas per rule, not adjustable. */
export const CONDITION_VALUES_PER_RULE = 5;
export const WILDCARDS_PER_RULE = 5;

export const RoutingSchema = v.pipe(
  strictObject(
    {
      /** Listener rule priority: unique per environment, lower wins. */
      priority: int(1, 50000),
      /** Path patterns such as `/api/*`. @default - any path (host headers must then be given) */
      pathPatterns: v.optional(list(text(PATH_PATTERN, "must start with / and use letters, digits, / _ . - * ? ~ (at most 128 characters)", 128), "a list of path patterns such as \"/orders/*\"")),
      /** Host headers such as `api.example.com`. @default - any host */
      hostHeaders: v.optional(
        list(text(HOST_HEADER, "must be a host name with a dot and letters after the last dot, e.g. \"api.example.com\" or \"*.example.com\"; wildcards * and ? allowed (at most 128 characters)", 128), "a list of host names such as \"api.example.com\""),
      ),
    },
    "an object { priority, pathPatterns?, hostHeaders? }",
  ),
  v.check((r) => (r.pathPatterns ?? []).length + (r.hostHeaders ?? []).length > 0, "give pathPatterns and/or hostHeaders"),
  v.check(
    (r) => (r.pathPatterns ?? []).length + (r.hostHeaders ?? []).length <= CONDITION_VALUES_PER_RULE,
    `at most ${CONDITION_VALUES_PER_RULE} path patterns and host headers in all (ALB limit)`,
  ),
  v.check(
    (r) => [...(r.pathPatterns ?? []), ...(r.hostHeaders ?? [])].join("").replace(/[^*?]/g, "").length <= WILDCARDS_PER_RULE,
    `at most ${WILDCARDS_PER_RULE} wildcards (* and ?) in all of a rule's values (ALB quota "Condition wildcards per rule", not adjustable)`,
  ),
);

const scheduleSchema = v.pipe(
  v.string('must be "cron(<6 fields>)" or "rate(<n> <unit>)"'),
  v.check((s) => scheduleProblem(s) === undefined, (issue) => scheduleProblem(String(issue.input)) ?? "is not a schedule"),
);

const FARGATE_CPUS = [...FARGATE_SIZES.keys()];

/** The settings of a service that an environment may override. */
export const serviceSettingsEntries = {
  /** Task CPU units (256 = 0.25 vCPU). @default 256 */
  cpu: v.optional(v.picklist(FARGATE_CPUS, `not a Fargate CPU value; allowed: ${FARGATE_CPUS.join(", ")}`)),
  /** Task memory. Must be a valid Fargate combination with `cpu`. @default 512 */
  memoryMiB: v.optional(int(512, 122880)),
  /**
   * Why the task needs more than 0.25 vCPU / 0.5 GB. Required by the policy checks when it does.
   * @default - none (the task must then stay at the default size)
   */
  sizeReason: v.optional(
    v.pipe(
      v.string("must be a sentence saying why the task needs more than 0.25 vCPU / 0.5 GB"),
      v.check((s) => s.trim().length >= MIN_REASON_LENGTH, `must say why the task needs more than 0.25 vCPU / 0.5 GB, in at least ${MIN_REASON_LENGTH} characters`),
      v.maxLength(500, "must be at most 500 characters"),
    ),
  ),
  /** @default "ARM64" (about 20% cheaper on Fargate) */
  architecture: v.optional(oneOf(["ARM64", "X86_64"])),
  /** Lower bound for autoscaling. @default 1 */
  minTasks: v.optional(int(0, 1000)),
  /** Upper bound for autoscaling. @default max(2, minTasks) */
  maxTasks: v.optional(int(0, 1000)),
  /** Tasks at first creation; autoscaling owns the count afterwards. @default minTasks */
  desiredTasks: v.optional(int(0, 1000)),
  /**
   * ALB requests per task per minute that autoscaling keeps a `web` service at (the
   * ALBRequestCountPerTarget target). Measure your own routes and set it (README, "How a service
   * scales"). @default 151500 (half the measured capacity of bun-api's heaviest route, 5,050 a second, x 60; packages/config/src/capacity.ts)
   */
  requestsPerTaskPerMinute: v.optional(
    int(
      REQUEST_TARGET_RANGE.min,
      REQUEST_TARGET_RANGE.max,
      `must be a whole number of requests per task per minute from ${REQUEST_TARGET_RANGE.min} to ${REQUEST_TARGET_RANGE.max} (1 to 60,000 a second)`,
    ),
  ),
  /**
   * Average CPU utilisation autoscaling keeps the tasks at. @default 85 for a `web` service (above
   * the utilisation measured at its request target, so requests lead), 60 for a `worker`
   */
  cpuTargetPercent: v.optional(int(CPU_TARGET_RANGE.min, CPU_TARGET_RANGE.max, `must be a whole percentage from ${CPU_TARGET_RANGE.min} to ${CPU_TARGET_RANGE.max}`)),
  /**
   * Share of tasks on FARGATE_SPOT, 0 to 1 in steps of 0.01 (capacity provider weights are whole
   * percentages). Interrupted spot tasks are replaced; keep web services partly on demand in production.
   * @default - the environment's `spotShare`
   */
  spotShare: v.optional(stepped(0, 1, 0.01, "must be a number from 0 to 1 in steps of 0.01")),
  /** Plain, non-secret environment variables. @default {} */
  environment: v.optional(environmentVariables),
  /** Secrets by reference, keyed by the variable name the container sees. @default {} */
  secrets: v.optional(dict(variableName("secret"), SecretRefSchema, "an object of variable names to { secretsManagerArn } or { ssmParameterArn }")),
  /** Service log level. @default - the environment's `logLevel` */
  logLevel: v.optional(oneOf(LOG_LEVELS)),
  /** Turn on ECS Exec (shell access through SSM). @default - the environment's `enableExec` */
  enableExec: v.optional(bool()),
  /** Schedule of a `scheduled` service (`cron(...)` or `rate(...)`, in `scheduling.timezone`). @default - none; required for `scheduled` */
  schedule: v.optional(scheduleSchema),
  /**
   * How EventBridge Scheduler starts a `scheduled` service's runs (time zone, retries, flexible
   * window); merged key by key over the service's own. @default - each field's own default (schema/scheduling.ts)
   */
  scheduling: v.optional(SchedulingSchema),
  /** Routing of a `web` service. @default - none; required for `web` */
  routing: v.optional(RoutingSchema),
  /**
   * How a deploy replaces this service's tasks; taken whole, not merged with a less specific level.
   * @default - the environment's `deployment`
   */
  deployment: v.optional(DeploymentSchema),
  /**
   * What the application may do in AWS: grants on existing resources by ARN, each expanded into
   * the exact actions of its access level, in the task role only. An environment's list is added
   * to the service's (resources of that environment's account go there). @default [] (the task
   * role grants nothing)
   */
  permissions: v.optional(PermissionsSchema),
  /**
   * Thresholds of the alarms that notify the environment's alarm topic (see docs/operations.md);
   * merged key by key over the service's own. @default - each threshold's own default
   */
  alarms: v.optional(AlarmsSchema),
  /**
   * The job queue of a `worker`: an SQS queue and a dead-letter queue in its stack, consumed by its
   * tasks; merged key by key over the service's own. @default - no queue
   */
  queue: v.optional(QueueSchema),
};

export const ServiceSettingsSchema = strictObject(serviceSettingsEntries, "an object of service settings");

const SOURCE = /^(?!.*(?:^|\/)\.\.?(?:\/|$))[A-Za-z0-9._-]+(?:\/[A-Za-z0-9._-]+)*$/;

export const ServiceSchema = strictObject(
  {
    /** Lower-case name, used in stack, resource and DNS names. */
    name: text(SERVICE_NAME, "must be 2-24 lower-case letters, digits and hyphens, starting with a letter", 24),
    /** `web` sits behind the ALB, `worker` runs without one, `scheduled` runs on a schedule. */
    kind: oneOf(["web", "worker", "scheduled"]),
    /** Folder holding the service's Dockerfile, relative to the repository root. */
    source: text(SOURCE, 'must be a folder relative to the repository root, such as "services/orders" (no leading /, no . or .. segments)', 512),
    /** Port the container listens on. @default 8080 */
    containerPort: v.optional(int(1024, 65535, "must be a whole number from 1024 to 65535 (non-root containers cannot bind lower ports)")),
    /** Path the ALB probes for readiness. @default - none; required for `web` */
    healthCheckPath: v.optional(text(/^\/[A-Za-z0-9/_.-]*$/, "must be an absolute path of letters, digits and / _ . - (at most 1024 characters)", 1024)),
    /** Command override for the container, one argument per item. @default - the image's entrypoint */
    command: v.optional(
      v.pipe(
        list(v.pipe(v.string("each argument must be a string"), v.maxLength(8192, "each argument must be at most 8192 characters")), "a list of arguments such as [\"serve\", \"--port\", \"8080\"] (ECS takes a list)", 256),
        v.minLength(1, "must list at least one argument; leave command out to run the image's entrypoint"),
        v.rawCheck(({ dataset, addIssue }) => {
          if (!dataset.typed) return;
          const found = dataset.value.map((arg) => secretFinding(undefined, arg)).find((f) => f !== undefined);
          if (found) addIssue({ input: REDACTED, message: `an argument ${found.why}: pass it in \`secrets\` and read it from the environment` });
        }),
      ),
    ),
    /**
     * Workers this service enqueues jobs for: each must be a `worker` with a `queue`. The service's
     * task role may send to exactly those queues, it gets `<WORKER>_QUEUE_URL`, and its stack is
     * applied after theirs. The same in every environment, since it orders the stacks.
     * @default [] (sends to no queue)
     */
    sends: v.optional(SendsSchema),
    ...serviceSettingsEntries,
  },
  "an object { name, kind, source, ... }",
);
