/**
 * Jobs: the message body's shape and the handlers the worker runs, by `type`.
 *
 * Body (the contract with every producer): `{"id": "<uuid v4>", "type": "<1-64 of [a-z0-9.-]>", "payload": <any JSON>}`.
 * To add a job type, add a handler to {@link JOB_HANDLERS}; a message of an unknown type fails
 * (and reaches the dead-letter queue after the queue's maxReceiveCount), so it is never lost.
 */

export interface Job {
  readonly id: string;
  readonly type: string;
  readonly payload: unknown;
}

export interface JobContext {
  readonly job: Job;
  /** How many times SQS has handed this message out, this time included. */
  readonly receiveCount: number;
  /** Aborted when the job runs past MAX_JOB_SECONDS or is released on shutdown: stop work. */
  readonly signal: AbortSignal;
}

/** Resolves when the job is done; throws (or rejects) when it failed and should be retried. */
export type JobHandler = (ctx: JobContext) => Promise<void> | void;

/** A job that failed on purpose or for a known reason: logged with its message, no stack. */
export class JobError extends Error {
  override name = "JobError";
}

/** The longest a `sleep` job may ask for, so a payload cannot park a worker slot for hours. */
export const MAX_SLEEP_MS = 600_000;

/**
 * The shipped handlers. They are the examples and what the tests and the benchmark run:
 * - `echo`: does nothing and succeeds (the no-op job of the benchmark);
 * - `sleep`: waits `payload.ms` milliseconds (0-600000), ending early if aborted; for long-running
 *   jobs (visibility extension, the SIGTERM drain);
 * - `fail`: always fails (poison messages: the dead-letter path).
 */
export const JOB_HANDLERS: Readonly<Record<string, JobHandler>> = {
  echo: () => {},
  sleep: ({ job, signal }) => {
    const ms = (job.payload as { ms?: unknown } | null)?.ms;
    if (typeof ms !== "number" || !Number.isInteger(ms) || ms < 0 || ms > MAX_SLEEP_MS) {
      throw new JobError(`payload.ms = ${JSON.stringify(ms)}: expected an integer from 0 to ${MAX_SLEEP_MS}`);
    }
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(resolve, ms);
      signal.addEventListener("abort", () => {
        clearTimeout(timer);
        reject(signal.reason);
      }, { once: true });
    });
  },
  fail: () => {
    throw new JobError("the fail job always fails");
  },
};

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
export const JOB_TYPE = /^[a-z0-9.-]{1,64}$/;

/** The job in a message body, or why it is not one (quoting the value). */
export function parseJob(body: string | undefined): { readonly job: Job } | { readonly error: string } {
  let value: unknown;
  try {
    value = JSON.parse(body ?? "");
  } catch {
    return { error: "body is not JSON" };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return { error: "body is not a JSON object" };
  const { id, type, payload } = value as Record<string, unknown>;
  if (typeof id !== "string" || !UUID_V4.test(id)) return { error: `id = ${quote(id)}: expected a UUID v4` };
  if (typeof type !== "string" || !JOB_TYPE.test(type)) return { error: `type = ${quote(type)}: expected 1 to 64 of a-z 0-9 . -` };
  return { job: { id, type, payload: payload ?? null } };
}

function quote(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}
