/**
 * The poll loop in process against moto's SQS on loopback: real SDK calls, real long polling, a
 * real redrive policy. Skipped, with the reason, where the deploy proof's cache has no moto.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { JsonLogger } from "@bun-fargate/service-kit/log/logger";
import { memorySink, type MemorySink } from "@bun-fargate/service-kit/log/sink";
import { currentTraceId } from "@bun-fargate/service-kit/trace/context";
import { JOB_HANDLERS, type JobHandler } from "../src/jobs";
import { Worker, type WorkerOptions } from "../src/worker";
import { createQueues, depth, drainQueue, eventually, hasMoto, MOTO_SKIP_REASON, sendJob, startMoto, type Moto } from "./moto";

const TRACE = "1-6b02f941-f12e7d0c409369c33074d233";

if (!hasMoto) test.skip(`worker against moto (${MOTO_SKIP_REASON})`, () => {});

describe.skipIf(!hasMoto)("worker against moto's SQS", () => {
  let moto: Moto;
  beforeAll(async () => {
    moto = await startMoto();
  }, 40_000);
  afterAll(() => moto?.stop());

  function worker(queueUrl: string, options: Partial<WorkerOptions> = {}): { worker: Worker; sink: MemorySink; jobs: () => Record<string, unknown>[] } {
    const sink = memorySink();
    const logger = new JsonLogger({ base: { service: "worker", version: "test", env: "test" }, level: "debug", sink, traceId: currentTraceId });
    const w = new Worker({ client: moto.client, logger, queueUrl, handlers: JOB_HANDLERS, concurrency: 4, visibilityTimeoutSeconds: 30, maxJobSeconds: 60, drainTimeoutMs: 2000, ...options });
    return { worker: w, sink, jobs: () => sink.records().filter((r) => r.msg === "job") };
  }

  test("a job is received by long polling, run, logged once with the producer's trace ID, and deleted", async () => {
    const q = await createQueues(moto.client, { visibilityTimeoutSeconds: 30, maxReceiveCount: 3 });
    const { worker: w, jobs } = worker(q.url);
    w.start();
    // Sent after the worker is already waiting in a long poll: the poll returns with it.
    await Bun.sleep(300);
    const id = await sendJob(moto.client, q.url, { type: "echo", payload: { hello: "world" } }, TRACE);
    const line = await eventually("the job line", () => jobs()[0]);
    expect(line).toMatchObject({ level: "info", traceId: TRACE, jobId: id, jobType: "echo", outcome: "done", receiveCount: 1 });
    expect(typeof line.durationMs).toBe("number");
    expect(await depth(moto.client, q.url)).toBe(0);
    expect(await w.stop()).toBe(0);
    expect(jobs()).toHaveLength(1);
  }, 30_000);

  test("a job that always fails is retried until maxReceiveCount, then the redrive policy moves it to the DLQ", async () => {
    const maxReceiveCount = 3;
    const q = await createQueues(moto.client, { visibilityTimeoutSeconds: 1, maxReceiveCount });
    const { worker: w, jobs } = worker(q.url, { visibilityTimeoutSeconds: 1 });
    const id = await sendJob(moto.client, q.url, { type: "fail" }, TRACE);
    w.start();
    await eventually("three failed attempts", () => (jobs().length >= maxReceiveCount ? true : undefined), 20_000);
    // The next receive after the last failure finds it past maxReceiveCount: moved, not handed out.
    await eventually("the source queue empty", async () => ((await depth(moto.client, q.url)) === 0 ? true : undefined), 10_000);
    await w.stop();
    expect(jobs().map((j) => [j.outcome, j.receiveCount, j.jobId, j.traceId])).toEqual([1, 2, 3].map((n) => ["failed", n, id, TRACE]));
    expect(jobs()[0]!.err).toEqual({ type: "JobError", message: "the fail job always fails" });
    const dead = await drainQueue(moto.client, q.dlqUrl);
    expect(dead.map((m) => (JSON.parse(m.Body!) as { id: string }).id)).toEqual([id]);
  }, 40_000);

  test("poison bodies (not JSON, bad id, unknown type) fail with a reason and are never deleted by the worker", async () => {
    const q = await createQueues(moto.client, { visibilityTimeoutSeconds: 1, maxReceiveCount: 1 });
    const { SendMessageCommand } = await import("@aws-sdk/client-sqs");
    for (const body of ["not json", JSON.stringify({ id: "x", type: "echo" }), JSON.stringify({ id: crypto.randomUUID(), type: "no-such-type" })]) {
      await moto.client.send(new SendMessageCommand({ QueueUrl: q.url, MessageBody: body }));
    }
    const { worker: w, jobs } = worker(q.url, { visibilityTimeoutSeconds: 1 });
    w.start();
    await eventually("three failed lines", () => (jobs().length >= 3 ? true : undefined));
    await eventually("all three dead-lettered", async () => ((await depth(moto.client, q.url)) === 0 ? true : undefined), 10_000);
    await w.stop();
    const reasons = jobs().map((j) => (j.err as { message: string }).message).sort();
    expect(reasons).toEqual([
      'id = "x": expected a UUID v4',
      "body is not JSON",
      'no handler for type "no-such-type"; known: echo, sleep, fail',
    ].map((r, i) => (i < 2 ? `poison message: ${r}` : r)).sort());
    // No trace attribute: each line gets a fresh, valid trace ID.
    for (const j of jobs()) expect(j.traceId).toMatch(/^1-[0-9a-f]{8}-[0-9a-f]{24}$/);
    expect(await drainQueue(moto.client, q.dlqUrl)).toHaveLength(3);
  }, 40_000);

  test("a job that runs past half the visibility timeout gets it extended, and is run once", async () => {
    const q = await createQueues(moto.client, { visibilityTimeoutSeconds: 2, maxReceiveCount: 5 });
    const { worker: w, jobs, sink } = worker(q.url, { visibilityTimeoutSeconds: 2 });
    const id = await sendJob(moto.client, q.url, { type: "sleep", payload: { ms: 5000 } });
    w.start();
    const line = await eventually("the job line", () => jobs()[0], 15_000);
    // Had the visibility lapsed, a free slot of this worker would have received it again meanwhile.
    await Bun.sleep(500);
    await w.stop();
    expect(line).toMatchObject({ jobId: id, outcome: "done", receiveCount: 1 });
    expect(jobs()).toHaveLength(1);
    expect(sink.records().filter((r) => r.msg === "visibility extended").length).toBeGreaterThanOrEqual(3);
    expect(await depth(moto.client, q.url)).toBe(0);
  }, 30_000);

  test("concurrency is bounded, receives ask for no more than the free slots, and every job runs once", async () => {
    const q = await createQueues(moto.client, { visibilityTimeoutSeconds: 30, maxReceiveCount: 5 });
    let running = 0;
    let peak = 0;
    const seen: string[] = [];
    const counted: JobHandler = async ({ job }) => {
      running++;
      peak = Math.max(peak, running);
      seen.push(job.id);
      await Bun.sleep(100);
      running--;
    };
    const ids = await Promise.all(Array.from({ length: 25 }, () => sendJob(moto.client, q.url, { type: "counted" })));
    const asked: number[] = [];
    const client = moto.client;
    const spy = { send: (cmd: unknown, opts?: unknown) => {
      if (cmd instanceof ReceiveMessageCommand) asked.push(cmd.input.MaxNumberOfMessages!);
      return (client.send as (c: unknown, o?: unknown) => Promise<unknown>)(cmd, opts);
    } } as unknown as typeof client;
    const { worker: w, jobs } = worker(q.url, { client: spy, concurrency: 3, handlers: { counted } });
    w.start();
    await eventually("25 jobs", () => (jobs().length >= 25 ? true : undefined), 20_000);
    await w.stop();
    expect(peak).toBe(3);
    expect(Math.max(...asked)).toBeLessThanOrEqual(3);
    expect(seen.sort()).toEqual(ids.sort());
    expect(jobs().every((j) => j.outcome === "done")).toBe(true);
    expect(await depth(moto.client, q.url)).toBe(0);
  }, 30_000);

  test("stop during a job: stops receiving, lets a short job finish, releases a long one at once (visibility 0)", async () => {
    const q = await createQueues(moto.client, { visibilityTimeoutSeconds: 30, maxReceiveCount: 5 });
    const short = await sendJob(moto.client, q.url, { type: "sleep", payload: { ms: 300 } });
    const long = await sendJob(moto.client, q.url, { type: "sleep", payload: { ms: 20_000 } });
    const { worker: w, jobs } = worker(q.url, { drainTimeoutMs: 1000 });
    w.start();
    await eventually("both in flight", () => (w.inFlight === 2 ? true : undefined));
    const started = performance.now();
    expect(await w.stop()).toBe(0);
    expect(performance.now() - started).toBeLessThan(3000);
    const byId = Object.fromEntries(jobs().map((j) => [j.jobId as string, j.outcome]));
    expect(byId).toEqual({ [short]: "done", [long]: "released" });
    // Released: visible again at once, with its 30 s visibility timeout not waited out.
    const again = await moto.client.send(new ReceiveMessageCommand({ QueueUrl: q.url, WaitTimeSeconds: 1, MessageSystemAttributeNames: ["ApproximateReceiveCount"] }));
    expect(again.Messages?.map((m) => (JSON.parse(m.Body!) as { id: string }).id)).toEqual([long]);
    expect(again.Messages![0]!.Attributes?.ApproximateReceiveCount).toBe("2");
  }, 30_000);
});
