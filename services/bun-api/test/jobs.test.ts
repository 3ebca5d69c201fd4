/**
 * POST /v1/jobs in process: validation and the 503s without a queue, then SqsJobQueue's real
 * SendMessage calls against moto's SQS on loopback (from the deploy proof's tool cache; those tests
 * are reported skipped without it). services/worker's tests follow the job into the worker.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { spawn, type Subprocess } from "bun";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { homedir } from "node:os";
import { join } from "node:path";
import { JsonLogger } from "@bun-fargate/service-kit/log/logger";
import { memorySink } from "@bun-fargate/service-kit/log/sink";
import { createApp } from "../src/app";
import { Lifecycle } from "../src/lifecycle";
import { JOB_LIMITS, SqsJobQueue, type JobQueue } from "../src/routes/jobs";
import { currentTraceId } from "../src/trace/context";

const ROOT = "1-6b02f941-f12e7d0c409369c33074d233";
const CACHE = process.env.BF_E2E_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "bun-fargate", "e2e");
const MOTO = join(CACHE, "venv", "bin", "moto_server");
const hasMoto = existsSync(MOTO);
const NO_STACK = /\n\s+at \S/;
const CREDENTIALS = { accessKeyId: "test", secretAccessKey: "test" };

function setup(jobs?: JobQueue) {
  const sink = memorySink();
  const logger = new JsonLogger({ base: { service: "bun-api", version: "1", env: "test" }, sink, level: "debug", traceId: currentTraceId });
  const lifecycle = new Lifecycle();
  lifecycle.ready();
  const app = createApp({ config: { serviceName: "bun-api", appVersion: "1", environment: "test" }, logger, lifecycle, jobs });
  const post = (body: string | null, headers: Record<string, string> = { "content-type": "application/json" }) => app.request("/v1/jobs", { method: "POST", body, headers });
  return { sink, app, post };
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

describe("POST /v1/jobs: the client's mistakes are 4xx, whatever the queue", () => {
  const sent: string[] = [];
  const recording: JobQueue = { send: async (body) => void sent.push(body) };

  test.each([
    ["not JSON content", null, { "content-type": "text/plain" }, 415, "expected content-type application/json"],
    ["empty", "", undefined, 400, "the request body is empty"],
    ["an array", "[1]", undefined, 400, "must be a JSON object, got an array"],
    ["broken JSON", "{", undefined, 400, "not valid JSON"],
    ["no type", "{}", undefined, 400, "type: must be 1 to 64 lowercase letters, digits, dots or hyphens, got nothing"],
    ["upper case type", JSON.stringify({ type: "Echo" }), undefined, 400, 'got "Echo"'],
    ["numeric type", JSON.stringify({ type: 7 }), undefined, 400, "got a number"],
    ["65-character type", JSON.stringify({ type: "x".repeat(65) }), undefined, 400, "type: must be 1 to 64"],
    ["unknown field", JSON.stringify({ type: "echo", priority: 1 }), undefined, 400, "priority: unknown field; allowed fields are type, payload"],
    ["a message over 256 KiB", JSON.stringify({ type: "echo", payload: "x".repeat(JOB_LIMITS.messageBytes) }), undefined, 413, "SQS takes at most 262144"],
  ] as const)("%s: %#", async (_label, body, headers, status, message) => {
    for (const queue of [recording, undefined]) {
      const t = setup(queue);
      const res = await t.post(body, headers ?? { "content-type": "application/json" });
      expect(res.status).toBe(status);
      const text = await res.text();
      expect(JSON.parse(text).error).toContain(message);
      expect(text).not.toMatch(NO_STACK);
      expect(t.sink.records()).toEqual([expect.objectContaining({ msg: "request", route: "/v1/jobs", status })]);
    }
    expect(sent).toEqual([]);
  });

  test("a valid job goes to the queue with the request's trace ID; 202 with its id", async () => {
    const calls: [string, string][] = [];
    const t = setup({ send: async (body, traceId) => void calls.push([body, traceId]) });
    const res = await t.post(JSON.stringify({ type: "echo", payload: { n: 1 } }), { "content-type": "application/json", "x-amzn-trace-id": `Root=${ROOT}` });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(calls).toEqual([[JSON.stringify({ id, type: "echo", payload: { n: 1 } }), ROOT]]);
    expect(t.sink.records()).toEqual([expect.objectContaining({ msg: "request", status: 202, traceId: ROOT })]);
  });

  test("no queue configured: 503 queue_unavailable with the reason, Retry-After, one access line", async () => {
    const t = setup(undefined);
    const res = await t.post(JSON.stringify({ type: "echo" }));
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("5");
    const body = (await res.json()) as Record<string, string>;
    expect(body).toEqual({ error: "queue_unavailable", reason: "no queue is configured for jobs (WORKER_QUEUE_URL is not set)", traceId: expect.any(String) });
    expect(t.sink.records()).toEqual([expect.objectContaining({ msg: "request", level: "error", status: 503 })]);
  });

  test("a queue that throws: 503, the error in the access line without a stack, none in the response", async () => {
    const t = setup({ send: async () => Promise.reject(new Error("boom\n    at secret (/src/x.ts:1:1)")) });
    const res = await t.post(JSON.stringify({ type: "echo" }));
    expect(res.status).toBe(503);
    const text = await res.text();
    expect(text).not.toContain("boom");
    const line = t.sink.records()[0]!;
    expect(line.err).toEqual({ type: "Error", message: "boom\n    at secret (/src/x.ts:1:1)" });
  });
});

if (!hasMoto) test.skip(`POST /v1/jobs against moto (needs ${MOTO}: npx pnpm e2e:setup)`, () => {});

describe.skipIf(!hasMoto)("POST /v1/jobs against moto's SQS", () => {
  let moto: Subprocess | undefined;
  let endpoint = "";
  let client: SQSClient;
  beforeAll(async () => {
    const port = await freePort();
    moto = spawn([MOTO, "-H", "127.0.0.1", "-p", String(port)], { stdout: "ignore", stderr: "ignore" });
    endpoint = `http://127.0.0.1:${port}`;
    for (let i = 0; !(await fetch(`${endpoint}/moto-api/`).then((r) => r.ok, () => false)); i++) {
      if (i > 300) throw new Error("moto did not start in 30 s");
      await Bun.sleep(100);
    }
    client = new SQSClient({ region: "us-east-1", endpoint, credentials: CREDENTIALS });
  }, 40_000);
  afterAll(() => {
    client?.destroy();
    moto?.kill();
  });

  test("SendMessage: the contract's body and the traceId attribute arrive on the queue", async () => {
    const url = (await client.send(new CreateQueueCommand({ QueueName: `api-jobs-${Date.now()}` }))).QueueUrl!;
    const queue = new SqsJobQueue(url, { region: "us-east-1", endpoint, credentials: CREDENTIALS });
    const t = setup(queue);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await t.post(JSON.stringify({ type: "echo", payload: { i } }), { "content-type": "application/json", "x-amzn-trace-id": `Root=${ROOT}` });
      expect(res.status).toBe(202);
      ids.push(((await res.json()) as { id: string }).id);
    }
    queue.destroy();
    const got = await client.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, MessageAttributeNames: ["All"] }));
    const bodies = got.Messages!.map((m) => JSON.parse(m.Body!) as { id: string; type: string; payload: { i: number } });
    expect(bodies.map((b) => b.id).sort()).toEqual([...ids].sort());
    for (const b of bodies) expect(b).toEqual({ id: ids[b.payload.i]!, type: "echo", payload: { i: b.payload.i } });
    for (const m of got.Messages!) expect(m.MessageAttributes).toEqual({ traceId: { DataType: "String", StringValue: ROOT } });
  });

  test("a queue that does not exist, or an endpoint that refuses: 503 queue_unavailable, never a stack trace", async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    for (const [url, at] of [[`${endpoint}/123456789012/no-such-queue`, endpoint], [`${closed}/123456789012/jobs`, closed]] as const) {
      const queue = new SqsJobQueue(url, { region: "us-east-1", endpoint: at, credentials: CREDENTIALS, maxAttempts: 1 });
      const t = setup(queue);
      const started = performance.now();
      const res = await t.post(JSON.stringify({ type: "echo" }));
      expect(performance.now() - started).toBeLessThan(JOB_LIMITS.sendTimeoutMs + 500);
      expect(res.status).toBe(503);
      const text = await res.text();
      expect(JSON.parse(text)).toMatchObject({ error: "queue_unavailable", reason: "the job queue did not accept the job; try again later" });
      expect(text).not.toMatch(NO_STACK);
      const line = t.sink.records()[0]!;
      expect(line).toMatchObject({ level: "error", status: 503 });
      expect((line.err as { stack?: string }).stack).toBeUndefined();
      queue.destroy();
    }
  });
});
