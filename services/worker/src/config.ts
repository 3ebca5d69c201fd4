import { DRAIN_TIMEOUT_MS, ENV, STOP_TIMEOUT_SECONDS } from "@bun-fargate/config/runtime";
import { ConfigError, integer, matching, oneOf, type Env } from "@bun-fargate/service-kit/env";
import { LEVEL_SETTINGS, type LevelSetting } from "@bun-fargate/service-kit/log/logger";
import { DEFAULT_CONCURRENCY, DEFAULT_HEARTBEAT_FILE, WORKER_ENV, WORKER_TUNING_ENV } from "./contract";

/** Settings read from the environment once, at start. */
export interface WorkerConfig {
  /** QUEUE_URL: the queue to consume (injected by the platform). Required. */
  readonly queueUrl: string;
  /** QUEUE_VISIBILITY_TIMEOUT_SECONDS: the queue's visibility timeout. @default 30 (SQS's default) */
  readonly visibilityTimeoutSeconds: number;
  /** MAX_JOB_SECONDS: a job running longer fails (and is retried). @default 60 */
  readonly maxJobSeconds: number;
  /** WORKER_CONCURRENCY: jobs in flight at once. @default 4 (DEFAULT_CONCURRENCY) */
  readonly concurrency: number;
  /** HEARTBEAT_FILE. @default "/tmp/worker-heartbeat" */
  readonly heartbeatFile: string;
  /** LOG_LEVEL. @default "info" */
  readonly logLevel: LevelSetting;
  /** SERVICE_NAME. @default "worker" */
  readonly serviceName: string;
  /** APP_VERSION. @default "dev" */
  readonly appVersion: string;
  /** ENVIRONMENT. @default "local" */
  readonly environment: string;
  /** DRAIN_TIMEOUT_MS: how long in-flight jobs get to finish after SIGTERM before they are released. @default 10000 */
  readonly drainTimeoutMs: number;
}

/** ECS sends SIGKILL this long after SIGTERM; the drain and the releases must end before it. */
const KILL_AFTER_MS = STOP_TIMEOUT_SECONDS * 1000;
/** Time kept after the drain for ChangeMessageVisibility of what did not finish, and the exit. */
const RELEASE_MARGIN_MS = 3000;

/** Reads and checks every variable; throws a {@link ConfigError} for the first bad one. */
export function loadConfig(env: Env): WorkerConfig {
  const queueUrl = env[WORKER_ENV.queueUrl];
  if (queueUrl === undefined || !/^https?:\/\/[^\s/]+\/\d{1,12}\/[A-Za-z0-9_-]{1,80}$/.test(queueUrl)) {
    throw new ConfigError(WORKER_ENV.queueUrl, queueUrl, "an SQS queue URL, https://sqs.<region>.amazonaws.com/<account>/<queue name>");
  }
  const visibilityTimeoutSeconds = integer(env, WORKER_ENV.visibilityTimeoutSeconds, 30, 1, 43_200, "an integer from 1 to 43200 (seconds; SQS's range, 0 excluded)");
  const maxJobSeconds = integer(env, WORKER_ENV.maxJobSeconds, 60, 1, 43_200, "an integer from 1 to 43200 (seconds)");
  const concurrency = integer(env, WORKER_TUNING_ENV.concurrency, DEFAULT_CONCURRENCY, 1, 100, "an integer from 1 to 100");
  const heartbeatFile = env[WORKER_TUNING_ENV.heartbeatFile] ?? DEFAULT_HEARTBEAT_FILE;
  if (!heartbeatFile.startsWith("/")) throw new ConfigError(WORKER_TUNING_ENV.heartbeatFile, heartbeatFile, "an absolute path");
  const logLevel = oneOf(env, ENV.logLevel, "info", LEVEL_SETTINGS);
  const serviceName = matching(env, ENV.serviceName, "worker", /^[a-z0-9][a-z0-9-]{0,62}$/, "1 to 63 lowercase letters, digits or hyphens, starting with a letter or digit");
  const appVersion = matching(env, ENV.appVersion, "dev", /^[0-9A-Za-z._+-]{1,128}$/, "1 to 128 letters, digits or . _ + -");
  const environment = matching(env, ENV.environment, "local", /^[a-z][a-z0-9-]{0,31}$/, "1 to 32 lowercase letters, digits or hyphens, starting with a letter");
  const maxDrain = KILL_AFTER_MS - RELEASE_MARGIN_MS;
  const drainTimeoutMs = integer(env, ENV.drainTimeoutMs, Math.min(DRAIN_TIMEOUT_MS, maxDrain), 0, maxDrain, `an integer from 0 to ${maxDrain} (milliseconds): releasing unfinished jobs must end before ECS sends SIGKILL at ${KILL_AFTER_MS} ms`);
  return { queueUrl, visibilityTimeoutSeconds, maxJobSeconds, concurrency, heartbeatFile, logLevel, serviceName, appVersion, environment, drainTimeoutMs };
}

/** The heartbeat file the health check reads (the only setting it needs). */
export function loadHeartbeatFile(env: Env): string {
  return env[WORKER_TUNING_ENV.heartbeatFile] ?? DEFAULT_HEARTBEAT_FILE;
}

export { ConfigError };
