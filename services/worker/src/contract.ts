/**
 * The worker's side of the runtime contract (the platform's side is packages/config/src/runtime.ts).
 * Names and values here must equal the platform's; test/contract.test.ts checks them once the
 * platform exports them.
 */

/** Variables the platform injects on a worker task. */
export const WORKER_ENV = {
  queueUrl: "QUEUE_URL",
  visibilityTimeoutSeconds: "QUEUE_VISIBILITY_TIMEOUT_SECONDS",
  maxJobSeconds: "MAX_JOB_SECONDS",
} as const;

/** The worker's own tuning (not injected; defaults below). */
export const WORKER_TUNING_ENV = {
  concurrency: "WORKER_CONCURRENCY",
  heartbeatFile: "HEARTBEAT_FILE",
  logFormat: "LOG_FORMAT",
} as const;

/** `--healthcheck` fails when the heartbeat file is older than this. */
export const WORKER_HEARTBEAT_STALE_SECONDS = 60;
/** The poll loop touches the heartbeat file at least this often while it is alive. */
export const WORKER_HEARTBEAT_INTERVAL_SECONDS = 15;
/** @default for HEARTBEAT_FILE */
export const DEFAULT_HEARTBEAT_FILE = "/tmp/worker-heartbeat";
/** @default for WORKER_CONCURRENCY */
export const DEFAULT_CONCURRENCY = 4;
/** SQS long polling: the longest wait ReceiveMessage allows. */
export const WAIT_TIME_SECONDS = 20;
/** SQS's largest batch for ReceiveMessage and DeleteMessageBatch. */
export const MAX_BATCH = 10;
/** The message attribute that carries the producer's trace ID. */
export const TRACE_ATTRIBUTE = "traceId";
