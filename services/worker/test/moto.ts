/**
 * moto's server on loopback, from the deploy proof's tool cache (as tools/logs' tests start it), and
 * the SQS calls the tests make with the real SDK. Where the cache has no moto, `hasMoto` is false
 * and the tests that need it are reported skipped with `MOTO_SKIP_REASON`.
 */
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient, type Message } from "@aws-sdk/client-sqs";
import { spawn, type Subprocess } from "bun";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { homedir } from "node:os";
import { join } from "node:path";

const CACHE = process.env.BF_E2E_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "bun-fargate", "e2e");
export const MOTO = join(CACHE, "venv", "bin", "moto_server");
export const hasMoto = existsSync(MOTO);
export const MOTO_SKIP_REASON = `the SQS tests need moto's server at ${MOTO} (the deploy proof's cache: npx pnpm e2e:setup)`;
if (!hasMoto) console.warn(`skipped: ${MOTO_SKIP_REASON}`);

export const REGION = "us-east-1";
export const CREDENTIALS = { accessKeyId: "test", secretAccessKey: "test" };

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

export interface Moto {
  readonly endpoint: string;
  readonly client: SQSClient;
  /** The variables a worker or bun-api process needs to reach this moto. */
  readonly env: Readonly<Record<string, string>>;
  stop(): void;
}

export async function startMoto(): Promise<Moto> {
  const port = await freePort();
  const proc: Subprocess = spawn([MOTO, "-H", "127.0.0.1", "-p", String(port)], { stdout: "ignore", stderr: "ignore" });
  const endpoint = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (await fetch(`${endpoint}/moto-api/`).then((r) => r.ok, () => false)) break;
    if (i > 300) throw new Error("moto did not start in 30 s");
    await Bun.sleep(100);
  }
  const client = new SQSClient({ region: REGION, endpoint, credentials: CREDENTIALS });
  return {
    endpoint,
    client,
    env: { AWS_REGION: REGION, AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey, AWS_ENDPOINT_URL_SQS: endpoint, AWS_EC2_METADATA_DISABLED: "true" },
    stop: () => {
      client.destroy();
      proc.kill();
    },
  };
}

let queueSeq = 0;

/** A queue and its dead-letter queue, with the redrive policy the platform creates. */
export async function createQueues(client: SQSClient, options: { visibilityTimeoutSeconds: number; maxReceiveCount: number }): Promise<{ url: string; dlqUrl: string }> {
  const name = `jobs-${process.pid}-${++queueSeq}-${Date.now()}`;
  const dlq = await client.send(new CreateQueueCommand({ QueueName: `${name}-dlq` }));
  const dlqArn = (await client.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ["QueueArn"] }))).Attributes!.QueueArn!;
  const queue = await client.send(
    new CreateQueueCommand({
      QueueName: name,
      Attributes: {
        VisibilityTimeout: String(options.visibilityTimeoutSeconds),
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: options.maxReceiveCount }),
      },
    }),
  );
  return { url: queue.QueueUrl!, dlqUrl: dlq.QueueUrl! };
}

/** Sends a job as a producer does: the contract's body and the traceId attribute. */
export async function sendJob(client: SQSClient, queueUrl: string, job: { id?: string; type: string; payload?: unknown }, traceId?: string): Promise<string> {
  const id = job.id ?? crypto.randomUUID();
  await client.send(
    new SendMessageCommand({
      QueueUrl: queueUrl,
      MessageBody: JSON.stringify({ id, type: job.type, payload: job.payload ?? null }),
      MessageAttributes: traceId === undefined ? undefined : { traceId: { DataType: "String", StringValue: traceId } },
    }),
  );
  return id;
}

/** Visible + in flight + delayed, as SQS reports them (approximate in AWS, exact in moto). */
export async function depth(client: SQSClient, queueUrl: string): Promise<number> {
  const a = (await client.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed"] }))).Attributes ?? {};
  return Number(a.ApproximateNumberOfMessages ?? 0) + Number(a.ApproximateNumberOfMessagesNotVisible ?? 0) + Number(a.ApproximateNumberOfMessagesDelayed ?? 0);
}

/** Everything in a queue (the dead-letter queue, in the tests), received until it answers empty. */
export async function drainQueue(client: SQSClient, queueUrl: string): Promise<Message[]> {
  const all: Message[] = [];
  for (;;) {
    const out = await client.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, VisibilityTimeout: 60 }));
    if (!out.Messages?.length) return all;
    all.push(...out.Messages);
  }
}

/** Polls `check` until it returns a value (not undefined) or `timeoutMs` passes. */
export async function eventually<T>(what: string, check: () => T | undefined | Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await Bun.sleep(50);
  }
}
