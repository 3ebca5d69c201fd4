/** The job queue of a `worker` service (`queue: { ... }`), and the producers' `sends`. */
import * as v from "valibot";
import { MAX_VISIBILITY_TIMEOUT_SECONDS, VISIBILITY_TIMEOUT_RATIO } from "../runtime";
import { int, list, strictObject, text } from "./fields";

/** What a queue's settings may be: SQS's own limits, and a visibility timeout within SQS's 12 hours. */
export const QUEUE_RANGES = {
  maxReceiveCount: { min: 1, max: 1000 },
  retentionDays: { min: 1, max: 14 },
  maxJobSeconds: { min: 1, max: MAX_VISIBILITY_TIMEOUT_SECONDS / VISIBILITY_TIMEOUT_RATIO },
  backlogPerTask: { min: 1, max: 100_000 },
} as const;

/** The defaults of a queue's settings (documented below, applied in queue.ts). */
export const QUEUE_DEFAULTS = { maxReceiveCount: 5, retentionDays: 4, maxJobSeconds: 60, backlogPerTask: 10 } as const;

const r = QUEUE_RANGES;

export const QueueSchema = strictObject(
  {
    /**
     * Receives of a message before SQS moves it to the dead-letter queue (a job that failed this
     * many times is not retried again). @default 5
     */
    maxReceiveCount: v.optional(int(r.maxReceiveCount.min, r.maxReceiveCount.max, `must be a whole number of receives from ${r.maxReceiveCount.min} to ${r.maxReceiveCount.max} (SQS redrive limit)`)),
    /** Days SQS keeps a message, in the queue and in its dead-letter queue. @default 4 (SQS's default) */
    retentionDays: v.optional(int(r.retentionDays.min, r.retentionDays.max, `must be a whole number of days from ${r.retentionDays.min} to ${r.retentionDays.max} (SQS retention limit)`)),
    /**
     * The longest one job runs. The visibility timeout is 6 times it (at least 30 s), and the
     * oldest-message alarm is derived from it. @default 60
     */
    maxJobSeconds: v.optional(
      int(r.maxJobSeconds.min, r.maxJobSeconds.max, `must be a whole number of seconds from ${r.maxJobSeconds.min} to ${r.maxJobSeconds.max} (the visibility timeout, ${VISIBILITY_TIMEOUT_RATIO} x it, must stay within SQS's 12 hours)`),
    ),
    /** Visible messages per running task that autoscaling keeps the worker at. @default 10 */
    backlogPerTask: v.optional(int(r.backlogPerTask.min, r.backlogPerTask.max, `must be a whole number of messages per task from ${r.backlogPerTask.min} to ${r.backlogPerTask.max}`)),
  },
  "an object { maxReceiveCount?, retentionDays?, maxJobSeconds?, backlogPerTask? }",
);

const SERVICE_REF = /^[a-z][a-z0-9-]{0,22}[a-z0-9]$/;

/** Names of the workers a service enqueues jobs for. */
export const SendsSchema = list(text(SERVICE_REF, "must name a worker service of this config (2-24 lower-case letters, digits and hyphens)", 24), 'a list of worker names such as ["worker"]', 100);
