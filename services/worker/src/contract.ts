/**
 * The worker's side of the runtime contract. The names and timings shared with the platform come
 * from packages/config/src/runtime.ts (the stacks set what the worker reads); the rest are SQS's
 * limits and the worker's own choices.
 */
import { WORKER_ENV, WORKER_HEARTBEAT_INTERVAL_SECONDS, WORKER_HEARTBEAT_STALE_SECONDS, WORKER_TUNING } from "@bun-fargate/config/runtime";

export { WORKER_ENV, WORKER_HEARTBEAT_INTERVAL_SECONDS, WORKER_HEARTBEAT_STALE_SECONDS };

/** The worker's own tuning (not injected; defaults below). */
export const WORKER_TUNING_ENV = {
  concurrency: WORKER_TUNING.concurrency.name,
  heartbeatFile: WORKER_TUNING.heartbeatFile.name,
} as const;

/** @default for HEARTBEAT_FILE */
export const DEFAULT_HEARTBEAT_FILE = WORKER_TUNING.heartbeatFile.default;
/** @default for WORKER_CONCURRENCY */
export const DEFAULT_CONCURRENCY = WORKER_TUNING.concurrency.default;
/** SQS long polling: the longest wait ReceiveMessage allows. */
export const WAIT_TIME_SECONDS = 20;
/** SQS's largest batch for ReceiveMessage and DeleteMessageBatch. */
export const MAX_BATCH = 10;
/** The message attribute that carries the producer's trace ID. */
export const TRACE_ATTRIBUTE = "traceId";
