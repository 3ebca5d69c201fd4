/**
 * The contract between the infrastructure and the service container: the timings, paths and
 * names that both sides must agree on. The stacks read these to configure the ALB, the target
 * group and the task definition; services/bun-api reads them for its defaults. Change a value
 * here and both sides move together.
 */

/** ALB idle timeout. The app's keep-alive must outlast it, or clients see 502s. */
export const ALB_IDLE_TIMEOUT_SECONDS = 60;

/** Bun.serve idleTimeout: longer than the ALB's (Bun's maximum is 255). */
export const APP_IDLE_TIMEOUT_SECONDS = 75;

/**
 * How long the ALB drains a target before ECS stops the task. ECS waits for draining to finish
 * before sending SIGTERM, so this bounds how long a deploy waits per task. AWS suggests 5-30 s for
 * APIs whose requests finish in well under a second.
 */
export const DEREGISTRATION_DELAY_SECONDS = 15;

/** Time the app gives in-flight requests after SIGTERM before it exits. */
export const DRAIN_TIMEOUT_MS = 10_000;

/** Time ECS waits after SIGTERM before SIGKILL. Must exceed the drain timeout (Fargate max 120). */
export const STOP_TIMEOUT_SECONDS = 30;

/** Seconds ECS ignores failing ALB health checks after a task starts. */
export const HEALTH_CHECK_GRACE_PERIOD_SECONDS = 30;

/** Liveness: used by the container health check. */
export const LIVENESS_PATH = "/healthz";

/** Readiness: used by the ALB target group; 503 while starting or draining. */
export const READINESS_PATH = "/readyz";

/** Where the service binary lives in the image (the Dockerfile's ENTRYPOINT). */
export const CONTAINER_BINARY = "/app/server";

/** Argument that turns the binary into its own health check client (exit 0 healthy, 1 not). */
export const HEALTHCHECK_ARG = "--healthcheck";

/** Non-root user the image runs as (distroless "nonroot"); the task definition enforces it too. */
export const CONTAINER_USER = "65532:65532";

/** Default container port. */
export const DEFAULT_CONTAINER_PORT = 8080;

/** Environment variables the platform sets on every service container. */
export const ENV = {
  port: "PORT",
  logLevel: "LOG_LEVEL",
  serviceName: "SERVICE_NAME",
  appVersion: "APP_VERSION",
  environment: "ENVIRONMENT",
  drainTimeoutMs: "DRAIN_TIMEOUT_MS",
} as const;

/**
 * The worker contract: what the platform injects into a `worker` with a `queue` and into each
 * service that `sends` to it, and how the worker shows it is alive. services/worker reads these
 * names; the stacks set them.
 *
 * Health: a worker serves no HTTP. Its container health check is the same command as every
 * service's (`CONTAINER_BINARY HEALTHCHECK_ARG`): it exits 0 when `HEARTBEAT_FILE` was modified
 * within the last WORKER_HEARTBEAT_STALE_SECONDS, 1 otherwise. The worker touches the file at start
 * and at least every WORKER_HEARTBEAT_INTERVAL_SECONDS while its poll loop is alive, so a stuck loop
 * fails the check within a minute and ECS replaces the task.
 */
export const WORKER_ENV = {
  /** The worker's own queue. */
  queueUrl: "QUEUE_URL",
  /** The queue's visibility timeout (VISIBILITY_TIMEOUT_RATIO x maxJobSeconds, at least MIN_VISIBILITY_TIMEOUT_SECONDS). */
  visibilityTimeoutSeconds: "QUEUE_VISIBILITY_TIMEOUT_SECONDS",
  /** The longest a job may run, as declared in the worker's `queue.maxJobSeconds`. */
  maxJobSeconds: "MAX_JOB_SECONDS",
} as const;

/** The worker's own tuning: not injected, read by the worker with these defaults. */
export const WORKER_TUNING = {
  concurrency: { name: "WORKER_CONCURRENCY", default: 4 },
  heartbeatFile: { name: "HEARTBEAT_FILE", default: "/tmp/worker-heartbeat" },
} as const;

/** How often a live worker touches its heartbeat file. */
export const WORKER_HEARTBEAT_INTERVAL_SECONDS = 15;

/** A heartbeat older than this fails the worker's health check (four missed intervals). */
export const WORKER_HEARTBEAT_STALE_SECONDS = 60;

/**
 * Visibility timeout = this x the job's maximum duration: the ratio AWS recommends for Lambda's SQS
 * event sources, so that a slow job is not handed to a second worker while the first still runs.
 */
export const VISIBILITY_TIMEOUT_RATIO = 6;

/** SQS's default visibility timeout, the floor for short jobs. */
export const MIN_VISIBILITY_TIMEOUT_SECONDS = 30;

/** SQS's maximum visibility timeout (12 hours). */
export const MAX_VISIBILITY_TIMEOUT_SECONDS = 43_200;

/** The visibility timeout of a queue whose jobs run at most `maxJobSeconds`. */
export function visibilityTimeoutSeconds(maxJobSeconds: number): number {
  return Math.max(MIN_VISIBILITY_TIMEOUT_SECONDS, VISIBILITY_TIMEOUT_RATIO * maxJobSeconds);
}

/** The variable a producer reads its target worker's queue URL from: `WORKER_QUEUE_URL` for `worker`. */
export function producerQueueUrlVariable(worker: string): string {
  return `${worker.toUpperCase().replace(/-/g, "_")}_QUEUE_URL`;
}
