import type { SQSClient, SQSClientConfig } from "@aws-sdk/client-sqs";
import { readJsonObject } from "../http/body";
import { json, problem } from "../http/respond";
import type { RouteTable } from "../http/router";
import type { RequestContext } from "../trace/context";

/**
 * `POST /v1/jobs`: enqueues a job for the worker (`{"type", "payload"?}` → 202 `{"id"}`). The
 * message body is `{"id", "type", "payload"}` and its `traceId` attribute is the request's trace ID,
 * so the worker's line for the job carries the same ID as this request's access line.
 */
export const JOB_LIMITS = {
  /** SQS's largest message (body and attributes): 256 KiB. */
  messageBytes: 256 * 1024,
  /** How long one SendMessage may take, retries included, before the answer is a 503. */
  sendTimeoutMs: 5_000,
} as const;

/** The job types a producer may name: what the worker's registry accepts. */
const TYPE = /^[a-z0-9.-]{1,64}$/;
const FIELDS = new Set(["type", "payload"]);
const TRACE_ATTRIBUTE = "traceId";

export interface EnqueuedJob {
  readonly id: string;
  readonly type: string;
  readonly payload: unknown;
}

/** Where jobs go: SQS in the service, anything in tests. Rejects when the job was not accepted. */
export interface JobQueue {
  send(body: string, traceId: string): Promise<void>;
}

/**
 * SQS through @aws-sdk/client-sqs. The SDK is imported on first use, or by `warm()` after the
 * server listens, so it costs nothing before the first /healthz answer (README: "Jobs"); the client
 * is created once and reused (its connections are kept alive).
 */
export class SqsJobQueue implements JobQueue {
  #client: Promise<{ client: SQSClient; SendMessageCommand: typeof import("@aws-sdk/client-sqs").SendMessageCommand }> | undefined;

  constructor(
    readonly queueUrl: string,
    /** @default {} - region, credentials and endpoint from the environment (AWS_REGION, the task role, AWS_ENDPOINT_URL_SQS) */
    readonly clientConfig: SQSClientConfig = {},
  ) {}

  /** Starts loading the SDK in the background. */
  warm(): void {
    void this.#load().catch(() => {});
  }

  #load() {
    this.#client ??= import("@aws-sdk/client-sqs").then((sdk) => ({ client: new sdk.SQSClient(this.clientConfig), SendMessageCommand: sdk.SendMessageCommand }));
    return this.#client;
  }

  async send(body: string, traceId: string): Promise<void> {
    const { client, SendMessageCommand } = await this.#load();
    await client.send(
      new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: body, MessageAttributes: { [TRACE_ATTRIBUTE]: { DataType: "String", StringValue: traceId } } }),
      { abortSignal: AbortSignal.timeout(JOB_LIMITS.sendTimeoutMs) },
    );
  }

  destroy(): void {
    void this.#client?.then(({ client }) => client.destroy(), () => {});
  }
}

/** Checks a parsed body against the job shape; messages name the field and what is allowed. */
export function validateJob(body: Record<string, unknown>): { readonly type: string; readonly payload: unknown } | { readonly field: string; readonly message: string } {
  for (const key of Object.keys(body)) {
    if (!FIELDS.has(key)) return { field: key.slice(0, 64), message: `unknown field; allowed fields are ${[...FIELDS].join(", ")}` };
  }
  const { type, payload = null } = body;
  if (typeof type !== "string" || !TYPE.test(type)) {
    const got = typeof type === "string" ? JSON.stringify(type.length > 70 ? `${type.slice(0, 70)}…` : type) : type === undefined ? "nothing" : `a ${type === null ? "null" : typeof type}`;
    return { field: "type", message: `must be 1 to 64 lowercase letters, digits, dots or hyphens, got ${got}` };
  }
  return { type, payload };
}

/** `queue` undefined: WORKER_QUEUE_URL is not set, and every valid request is answered 503. */
export function jobRoutes(queue: JobQueue | undefined): RouteTable {
  return {
    "/v1/jobs": {
      POST: async (req, ctx) => {
        const parsed = await readJsonObject(req, ctx);
        if (!parsed.ok) return parsed.response;
        const input = validateJob(parsed.value);
        if ("field" in input) return problem(ctx, 400, `${input.field}: ${input.message}`, { field: input.field });
        const job: EnqueuedJob = { id: crypto.randomUUID(), type: input.type, payload: input.payload };
        const body = JSON.stringify(job);
        const size = Buffer.byteLength(body) + TRACE_ATTRIBUTE.length + "String".length + ctx.traceId.length;
        if (size > JOB_LIMITS.messageBytes) {
          return problem(ctx, 413, `the job is ${size} bytes as a queue message; SQS takes at most ${JOB_LIMITS.messageBytes}`, { field: "payload" });
        }
        if (queue === undefined) return unavailable(ctx, "no queue is configured for jobs (WORKER_QUEUE_URL is not set)");
        try {
          await queue.send(body, ctx.traceId);
        } catch (err) {
          ctx.err = brief(err);
          return unavailable(ctx, "the job queue did not accept the job; try again later");
        }
        return json(ctx, 202, { id: job.id });
      },
    },
  };
}

function unavailable(ctx: RequestContext, reason: string): Response {
  return problem(ctx, 503, "queue_unavailable", { reason }, { "retry-after": "5" });
}

/** The SDK's error by name and message: its stack says nothing about an unreachable or refusing queue. */
function brief(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  const out = new Error(err.message);
  out.name = err.name;
  out.stack = undefined;
  return out;
}
