/**
 * The poll loop: long polling, batch receive (never more than the free slots), bounded concurrency,
 * visibility extension, batch delete, and the SIGTERM drain. See README.md for the behaviour.
 */
import {
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  type Message,
  type SQSClient,
} from "@aws-sdk/client-sqs";
import type { Logger } from "@bun-fargate/service-kit/log/logger";
import { newTraceId, rootFromAmznTraceId } from "@bun-fargate/service-kit/trace/trace-id";
import { withTraceId } from "@bun-fargate/service-kit/trace/context";
import { MAX_BATCH, TRACE_ATTRIBUTE, WAIT_TIME_SECONDS, WORKER_HEARTBEAT_INTERVAL_SECONDS } from "./contract";
import { JobError, parseJob, type Job, type JobHandler } from "./jobs";
import { touchHeartbeat } from "./heartbeat";

export interface WorkerOptions {
  readonly client: SQSClient;
  readonly logger: Logger;
  readonly queueUrl: string;
  readonly handlers: Readonly<Record<string, JobHandler>>;
  /** Jobs in flight at once. */
  readonly concurrency: number;
  /** The queue's visibility timeout; a job still running at half of it gets it extended. */
  readonly visibilityTimeoutSeconds: number;
  /** A job running longer is aborted and fails. */
  readonly maxJobSeconds: number;
  /** After SIGTERM, how long in-flight jobs may run before they are released. */
  readonly drainTimeoutMs: number;
  /** Touched while the poll loop is alive; undefined: no heartbeat. */
  readonly heartbeatFile?: string;
  /** @default WAIT_TIME_SECONDS (20, SQS's longest) */
  readonly waitTimeSeconds?: number;
}

export type Outcome = "done" | "failed" | "released";

interface InFlight {
  readonly message: Message;
  readonly abort: AbortController;
  /** "running" until the handler settles; then "finishing" while its delete and log line happen. */
  state: "running" | "finishing" | "released";
  settled: Promise<void>;
}

/** A receive still outstanding this long means the loop is stuck (the long poll plus the SDK's retries). */
/** After SIGTERM, how long a receive already sent may take to return before it is aborted. */
export const RECEIVE_GRACE_MS = 500;
const LOOP_STALL_MS = (WAIT_TIME_SECONDS + 40) * 1000;
const MAX_BACKOFF_MS = 20_000;

export class Worker {
  readonly #o: WorkerOptions;
  readonly #inFlight = new Map<string, InFlight>();
  readonly #receiveAbort = new AbortController();
  #stopping = false;
  /** Jobs whose handler is running: what the concurrency bounds (a finished job's delete does not hold a slot). */
  #running = 0;
  #loop: Promise<void> | undefined;
  #slotFreed: (() => void) | undefined;
  /** When the loop last proved it is alive (started a receive, got an answer, or waited for a slot). */
  #aliveAt = Date.now();
  #heartbeat: ReturnType<typeof setInterval> | undefined;
  #pendingDeletes: { id: string; receiptHandle: string; done: (ok: boolean) => void }[] = [];
  #deleteScheduled = false;
  /** Counts since start, for the final log line and for tests. */
  readonly counts = { received: 0, done: 0, failed: 0, released: 0 };

  constructor(options: WorkerOptions) {
    this.#o = options;
  }

  /** Starts the poll loop. */
  start(): void {
    if (this.#loop) return;
    this.#beat();
    if (this.#o.heartbeatFile !== undefined) {
      this.#heartbeat = setInterval(() => this.#beat(), WORKER_HEARTBEAT_INTERVAL_SECONDS * 1000);
    }
    this.#loop = this.#run();
  }

  get inFlight(): number {
    return this.#inFlight.size;
  }

  /**
   * Stops receiving, gives in-flight jobs the drain timeout to finish, releases the rest
   * (visibility 0, so another task takes them at once), and resolves to the exit code (0).
   */
  async stop(signal: string = "SIGTERM"): Promise<number> {
    if (this.#stopping) return 0;
    this.#stopping = true;
    const started = performance.now();
    this.#o.logger.info("draining", { signal, inFlight: this.#inFlight.size, drainTimeoutMs: this.#o.drainTimeoutMs });
    this.#slotFreed?.();
    const all = () => Promise.all([...this.#inFlight.values()].map((f) => f.settled));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.#o.drainTimeoutMs)));
    // A receive the queue has already answered holds messages now in flight: cut off, they would stay
    // invisible for their whole visibility timeout. So the receive gets a short grace to return (its
    // messages are then released); only one still waiting in its long poll, holding nothing, is
    // aborted. The drain timeout bounds the wait for a receive that ignores the abort (the SDK still
    // resolving credentials), so the exit is never late.
    const grace = setTimeout(() => this.#receiveAbort.abort(new Error("stopping")), Math.min(RECEIVE_GRACE_MS, this.#o.drainTimeoutMs));
    await Promise.race([this.#loop, deadline]);
    clearTimeout(grace);
    this.#receiveAbort.abort(new Error("stopping"));
    await Promise.race([all(), deadline]);
    clearTimeout(timer);
    const running = [...this.#inFlight.values()].filter((f) => f.state === "running");
    if (running.length > 0) await this.#release(running);
    // Jobs that finished meanwhile are deleting; wait for those deletes.
    await all();
    if (this.#heartbeat) clearInterval(this.#heartbeat);
    this.#o.logger.info("stopped", { signal, ...this.counts, drainMs: Math.round(performance.now() - started) });
    return 0;
  }

  #beat(): void {
    if (this.#o.heartbeatFile === undefined) return;
    if (this.#stopping || Date.now() - this.#aliveAt > LOOP_STALL_MS) return;
    try {
      touchHeartbeat(this.#o.heartbeatFile);
    } catch (err) {
      this.#o.logger.error("heartbeat file not writable", { file: this.#o.heartbeatFile, err });
    }
  }

  async #run(): Promise<void> {
    const { client, queueUrl, concurrency } = this.#o;
    let backoffMs = 0;
    while (!this.#stopping) {
      this.#aliveAt = Date.now();
      const free = concurrency - this.#running;
      if (free <= 0) {
        await new Promise<void>((resolve) => (this.#slotFreed = resolve));
        this.#slotFreed = undefined;
        continue;
      }
      let messages: Message[];
      try {
        const out = await client.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: Math.min(MAX_BATCH, free),
            WaitTimeSeconds: this.#o.waitTimeSeconds ?? WAIT_TIME_SECONDS,
            MessageAttributeNames: [TRACE_ATTRIBUTE],
            MessageSystemAttributeNames: ["ApproximateReceiveCount"],
          }),
          { abortSignal: this.#receiveAbort.signal },
        );
        messages = out.Messages ?? [];
        backoffMs = 0;
      } catch (err) {
        if (this.#stopping) break;
        backoffMs = Math.min(MAX_BACKOFF_MS, Math.max(500, backoffMs * 2));
        this.#o.logger.error("receive failed", { err: brief(err), retryInMs: backoffMs });
        await sleep(backoffMs, this.#receiveAbort.signal);
        continue;
      }
      this.#aliveAt = Date.now();
      this.counts.received += messages.length;
      if (this.#stopping) {
        // Received as the stop began: hand them back untouched.
        await this.#release(messages.map((message) => ({ message, abort: new AbortController(), state: "running", settled: Promise.resolve() })));
        break;
      }
      for (const message of messages) this.#startJob(message);
    }
  }

  #startJob(message: Message): void {
    const entry: InFlight = { message, abort: new AbortController(), state: "running", settled: Promise.resolve() };
    this.#inFlight.set(message.MessageId!, entry);
    this.#running++;
    entry.settled = this.#runJob(entry).finally(() => {
      this.#inFlight.delete(message.MessageId!);
      this.#slotFreed?.();
    });
  }

  async #runJob(entry: InFlight): Promise<void> {
    const { message } = entry;
    const started = performance.now();
    const receiveCount = Number(message.Attributes?.ApproximateReceiveCount ?? "1");
    const traceId = validTraceId(message.MessageAttributes?.[TRACE_ATTRIBUTE]?.StringValue) ?? newTraceId();
    const parsed = parseJob(message.Body);
    const job: Job | undefined = "job" in parsed ? parsed.job : undefined;
    const line = (outcome: Outcome, extra: Record<string, unknown> = {}) => {
      this.counts[outcome]++;
      const fields = { traceId, jobId: job?.id ?? null, jobType: job?.type ?? null, outcome, durationMs: round(performance.now() - started), receiveCount, messageId: message.MessageId, ...extra };
      if (outcome === "failed") this.#o.logger.warn("job", fields);
      else this.#o.logger.info("job", fields);
    };

    await withTraceId(traceId, async () => {
      const extender = this.#extendWhileRunning(entry);
      let error: unknown;
      try {
        if (!job) throw new JobError(`poison message: ${(parsed as { error: string }).error}`);
        const handler = this.#o.handlers[job.type];
        if (!handler) throw new JobError(`no handler for type ${JSON.stringify(job.type)}; known: ${Object.keys(this.#o.handlers).join(", ")}`);
        await withTimeout(handler({ job, receiveCount, signal: entry.abort.signal }), entry.abort, this.#o.maxJobSeconds * 1000);
      } catch (err) {
        error = err ?? new Error("job failed");
      } finally {
        clearInterval(extender);
        // The slot is free as soon as the handler ends: the next receive overlaps this job's delete.
        this.#running--;
        this.#slotFreed?.();
      }
      if (entry.state === "released") return; // logged by #release; the message belongs to the queue again
      entry.state = "finishing";
      if (error !== undefined) {
        // Left as is: it becomes visible again after the visibility timeout, and the queue's
        // redrive policy moves it to the dead-letter queue after maxReceiveCount receives.
        line("failed", { err: summarize(error) });
        return;
      }
      const deleted = await this.#delete(message);
      line("done", deleted ? {} : { deleteFailed: true });
    });
  }

  /** ChangeMessageVisibility each half visibility timeout while the job runs, back to a full timeout. */
  #extendWhileRunning(entry: InFlight): ReturnType<typeof setInterval> {
    const seconds = this.#o.visibilityTimeoutSeconds;
    return setInterval(() => {
      if (entry.state !== "running") return;
      this.#o.client
        .send(new ChangeMessageVisibilityCommand({ QueueUrl: this.#o.queueUrl, ReceiptHandle: entry.message.ReceiptHandle, VisibilityTimeout: seconds }))
        .then(
          () => this.#o.logger.debug("visibility extended", { messageId: entry.message.MessageId, visibilityTimeoutSeconds: seconds }),
          (err: unknown) => this.#o.logger.warn("visibility extension failed", { messageId: entry.message.MessageId, err: summarize(err) }),
        );
    }, (seconds * 1000) / 2);
  }

  /** Queues a delete for the next batch (jobs that end in the same turn share one DeleteMessageBatch). */
  #delete(message: Message): Promise<boolean> {
    return new Promise((done) => {
      this.#pendingDeletes.push({ id: message.MessageId!, receiptHandle: message.ReceiptHandle!, done });
      if (this.#pendingDeletes.length >= MAX_BATCH) this.#flushDeletes();
      else if (!this.#deleteScheduled) {
        this.#deleteScheduled = true;
        setImmediate(() => this.#flushDeletes());
      }
    });
  }

  #flushDeletes(): void {
    this.#deleteScheduled = false;
    while (this.#pendingDeletes.length > 0) {
      const batch = this.#pendingDeletes.splice(0, MAX_BATCH);
      const entries = batch.map((d, i) => ({ Id: String(i), ReceiptHandle: d.receiptHandle }));
      this.#o.client.send(new DeleteMessageBatchCommand({ QueueUrl: this.#o.queueUrl, Entries: entries })).then(
        (out) => {
          const failed = new Set((out.Failed ?? []).map((f) => f.Id));
          for (const f of out.Failed ?? []) this.#o.logger.error("delete failed", { messageId: batch[Number(f.Id)]?.id, code: f.Code, reason: f.Message });
          batch.forEach((d, i) => d.done(!failed.has(String(i))));
        },
        (err: unknown) => {
          this.#o.logger.error("delete failed", { messages: batch.length, err: summarize(err) });
          for (const d of batch) d.done(false);
        },
      );
    }
  }

  /** Visibility 0 for jobs that did not finish in the drain window: the queue hands them out again at once. */
  async #release(entries: InFlight[]): Promise<void> {
    for (const e of entries) {
      e.state = "released";
      e.abort.abort(new Error("released on shutdown"));
    }
    for (let at = 0; at < entries.length; at += MAX_BATCH) {
      const batch = entries.slice(at, at + MAX_BATCH);
      try {
        const out = await this.#o.client.send(
          new ChangeMessageVisibilityBatchCommand({ QueueUrl: this.#o.queueUrl, Entries: batch.map((e, i) => ({ Id: String(i), ReceiptHandle: e.message.ReceiptHandle, VisibilityTimeout: 0 })) }),
        );
        for (const f of out.Failed ?? []) this.#o.logger.error("release failed", { messageId: batch[Number(f.Id)]?.message.MessageId, code: f.Code, reason: f.Message });
      } catch (err) {
        this.#o.logger.error("release failed", { messages: batch.length, err: summarize(err) });
      }
      for (const e of batch) {
        const parsed = parseJob(e.message.Body);
        const job = "job" in parsed ? parsed.job : undefined;
        this.counts.released++;
        this.#o.logger.info("job", {
          traceId: validTraceId(e.message.MessageAttributes?.[TRACE_ATTRIBUTE]?.StringValue) ?? newTraceId(),
          jobId: job?.id ?? null,
          jobType: job?.type ?? null,
          outcome: "released",
          durationMs: null,
          receiveCount: Number(e.message.Attributes?.ApproximateReceiveCount ?? "1"),
          messageId: e.message.MessageId,
        });
      }
    }
  }
}

const W3C_TRACE_ID = /^[0-9a-f]{32}$/;

/** The producer's trace ID when it is one the service-kit logger would write (X-Ray root or W3C), else undefined. */
export function validTraceId(value: string | undefined): string | undefined {
  if (value === undefined || value.length > 64) return undefined;
  if (W3C_TRACE_ID.test(value)) return /^0+$/.test(value) ? undefined : value;
  return rootFromAmznTraceId(`Root=${value}`);
}

/** The error without its stack (the logger writes `err` as type and message): for the SDK's errors (unreachable, credentials, throttling), whose stacks say nothing. */
function brief(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  const out = new Error(err.message);
  out.name = err.name;
  out.stack = undefined;
  return out;
}

/** For a job's line: JobError and SDK errors without a stack (expected failures), anything else (a bug in a handler) with it. */
function summarize(err: unknown): unknown {
  return err instanceof Error && (err instanceof JobError || "$metadata" in err) ? brief(err) : err;
}

function withTimeout(work: Promise<void> | void, abort: AbortController, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<void>((_, reject) => {
    timer = setTimeout(() => {
      const err = new JobError(`ran past MAX_JOB_SECONDS (${ms / 1000} s)`);
      abort.abort(err);
      reject(err);
    }, ms);
  });
  const aborted = new Promise<void>((_, reject) => abort.signal.addEventListener("abort", () => reject(abort.signal.reason), { once: true }));
  return Promise.race([Promise.resolve(work), timeout, aborted]).finally(() => clearTimeout(timer));
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => (clearTimeout(t), resolve()), { once: true });
  });
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
