/**
 * The compiled worker (what the image ships) as a process against moto's SQS on loopback, with real
 * signals: the SIGTERM drain across a restart, the health check, bad configuration; and the trace ID
 * of a real bun-api request followed into the worker's line for that job (two real processes).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { spawn, spawnSync, type Subprocess } from "bun";
import { mkdtempSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildBinary } from "../scripts/build";
import { createQueues, depth, drainQueue, eventually, hasMoto, MOTO_SKIP_REASON, sendJob, startMoto, type Moto } from "./moto";

const DIR = mkdtempSync(join(tmpdir(), "worker-process-"));
const BINARY = join(DIR, "server");
const BUN_API = join(import.meta.dir, "..", "..", "bun-api", "src", "main.ts");
const TRACE = "1-6b02f941-f12e7d0c409369c33074d233";

/** A running process whose stdout is collected as JSON lines. */
export interface Proc {
  readonly proc: Subprocess<"ignore", "pipe", "pipe">;
  lines(): Record<string, unknown>[];
  stderr(): string;
  exited: Promise<number>;
}

export function run(cmd: string[], env: Record<string, string>): Proc {
  const proc = spawn(cmd, { env: { PATH: process.env.PATH ?? "", HOME: DIR, ...env }, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  let out = "";
  let err = "";
  const decoder = new TextDecoder();
  void (async () => {
    for await (const chunk of proc.stdout) out += decoder.decode(chunk, { stream: true });
  })();
  void (async () => {
    for await (const chunk of proc.stderr) err += decoder.decode(chunk, { stream: true });
  })();
  return {
    proc,
    lines: () => out.split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l) as Record<string, unknown>),
    stderr: () => err,
    exited: proc.exited,
  };
}

beforeAll(async () => {
  await buildBinary({ outfile: BINARY });
}, 60_000);

describe("worker process without SQS", () => {
  test("QUEUE_URL unset: one JSON line naming the variable and what is allowed, exit 78, nothing on stderr", async () => {
    const p = run([BINARY], {});
    expect(await p.exited).toBe(78);
    expect(p.lines()).toEqual([expect.objectContaining({ level: "fatal", msg: "invalid configuration", variable: "QUEUE_URL", value: null, allowed: expect.stringContaining("SQS queue URL") })]);
    expect(p.stderr()).toBe("");
  });

  test("WORKER_CONCURRENCY=0 is refused, quoting the value", async () => {
    const p = run([BINARY], { QUEUE_URL: "https://sqs.us-east-1.amazonaws.com/123456789012/jobs", WORKER_CONCURRENCY: "0" });
    expect(await p.exited).toBe(78);
    expect(p.lines()[0]).toMatchObject({ variable: "WORKER_CONCURRENCY", value: "0", allowed: "an integer from 1 to 100" });
  });

  test("--healthcheck: 1 with one JSON line when the heartbeat file is missing or stale, 0 when fresh", () => {
    const file = join(DIR, "hb-check");
    const check = () => spawnSync([BINARY, "--healthcheck"], { env: { HEARTBEAT_FILE: file } });
    const missing = check();
    expect(missing.exitCode).toBe(1);
    expect(JSON.parse(missing.stderr.toString())).toMatchObject({ msg: "health check failed", file, ageSeconds: null, staleAfterSeconds: 60 });
    writeFileSync(file, "");
    expect(check().exitCode).toBe(0);
    const old = new Date(Date.now() - 61_000);
    utimesSync(file, old, old);
    const stale = check();
    expect(stale.exitCode).toBe(1);
    expect(JSON.parse(stale.stderr.toString()).ageSeconds).toBeGreaterThanOrEqual(61);
  });
});

if (!hasMoto) test.skip(`worker process against moto (${MOTO_SKIP_REASON})`, () => {});

describe.skipIf(!hasMoto)("worker process against moto's SQS", () => {
  let moto: Moto;
  const procs: Subprocess[] = [];
  beforeAll(async () => {
    moto = await startMoto();
  }, 40_000);
  afterAll(() => {
    for (const p of procs) p.kill("SIGKILL");
    moto?.stop();
  });

  function worker(queueUrl: string, extra: Record<string, string> = {}): Proc {
    const p = run([BINARY], { ...moto.env, QUEUE_URL: queueUrl, QUEUE_VISIBILITY_TIMEOUT_SECONDS: "30", MAX_JOB_SECONDS: "60", HEARTBEAT_FILE: join(DIR, `hb-${procs.length}`), LOG_LEVEL: "info", ...extra });
    procs.push(p.proc);
    return p;
  }
  const jobLines = (p: Proc) => p.lines().filter((l) => l.msg === "job");

  test("SIGTERM mid-batch: short jobs finish, long ones are released, exit 0 in the drain window; after a restart every job is done exactly once", async () => {
    const q = await createQueues(moto.client, { visibilityTimeoutSeconds: 30, maxReceiveCount: 5 });
    const sent: string[] = [];
    for (let i = 0; i < 12; i++) sent.push(await sendJob(moto.client, q.url, { type: "sleep", payload: { ms: i % 3 === 0 ? 4000 : 150 } }, TRACE));
    const first = worker(q.url, { WORKER_CONCURRENCY: "4", DRAIN_TIMEOUT_MS: "1000" });
    // Long jobs hold slots; wait until at least one has been running a while and some short ones are done.
    await eventually("two jobs done", () => (jobLines(first).filter((l) => l.outcome === "done").length >= 2 ? true : undefined));
    await Bun.sleep(300);
    const signalled = performance.now();
    first.proc.kill("SIGTERM");
    expect(await first.exited).toBe(0);
    const drainMs = performance.now() - signalled;
    expect(drainMs).toBeLessThan(1000 + 2500);
    const firstLines = jobLines(first);
    const released = firstLines.filter((l) => l.outcome === "released").map((l) => l.jobId as string);
    expect(released.length).toBeGreaterThan(0);
    expect(first.lines().at(-1)).toMatchObject({ msg: "stopped", signal: "SIGTERM", released: released.length });

    // Released messages are visible at once (their 30 s visibility timeout is not waited out).
    const second = worker(q.url, { WORKER_CONCURRENCY: "4" });
    await eventually("the rest done", async () => ((await depth(moto.client, q.url)) === 0 && jobLines(second).length + firstLines.filter((l) => l.outcome === "done").length >= sent.length ? true : undefined), 20_000);
    second.proc.kill("SIGTERM");
    expect(await second.exited).toBe(0);

    const done = [...firstLines, ...jobLines(second)].filter((l) => l.outcome === "done").map((l) => l.jobId as string);
    const failed = [...firstLines, ...jobLines(second)].filter((l) => l.outcome === "failed");
    const dead = await drainQueue(moto.client, q.dlqUrl);
    console.log(`sigterm: sent ${sent.length}, done ${done.length} (${done.length - new Set(done).size} twice), released ${released.length}, failed ${failed.length}, dead-lettered ${dead.length}, drain ${Math.round(drainMs)} ms`);
    expect(done.sort()).toEqual([...sent].sort()); // each sent job done once: none lost, none twice
    expect(failed).toEqual([]);
    expect(dead).toEqual([]);
    for (const id of released) expect(firstLines.some((l) => l.jobId === id && l.outcome === "done")).toBe(false);
    for (const l of [...firstLines, ...jobLines(second)]) expect(l.traceId).toBe(TRACE);
  }, 60_000);

  test("a real bun-api process's POST /v1/jobs: its trace ID and job ID are on the worker process's line for that job", async () => {
    const q = await createQueues(moto.client, { visibilityTimeoutSeconds: 30, maxReceiveCount: 5 });
    const api = run([process.execPath, BUN_API], { ...moto.env, PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "info", ENVIRONMENT: "test", WORKER_QUEUE_URL: q.url });
    procs.push(api.proc);
    const listening = await eventually("bun-api listening", () => api.lines().find((l) => l.msg === "listening"));
    const base = `http://127.0.0.1:${listening.port as number}`;
    const w = worker(q.url);
    const accepted: { id: string; trace: string }[] = [];
    for (const trace of [TRACE, "1-6b02f942-0123456789abcdef01234567"]) {
      const res = await fetch(`${base}/v1/jobs`, { method: "POST", headers: { "content-type": "application/json", "x-amzn-trace-id": `Root=${trace}` }, body: JSON.stringify({ type: "echo", payload: { from: "api" } }) });
      expect(res.status).toBe(202);
      accepted.push({ id: ((await res.json()) as { id: string }).id, trace });
    }
    // A request with no trace header gets a new ID from bun-api; the worker logs that one too.
    const untraced = await fetch(`${base}/v1/jobs`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ type: "echo" }) });
    expect(untraced.status).toBe(202);
    accepted.push({ id: ((await untraced.json()) as { id: string }).id, trace: untraced.headers.get("x-trace-id")! });
    await eventually("three job lines", () => (jobLines(w).length >= 3 ? true : undefined));
    for (const { id, trace } of accepted) {
      const access = api.lines().filter((l) => l.msg === "request" && l.route === "/v1/jobs" && l.traceId === trace);
      expect(access).toEqual([expect.objectContaining({ method: "POST", status: 202 })]);
      expect(jobLines(w).filter((l) => l.jobId === id)).toEqual([expect.objectContaining({ traceId: trace, jobType: "echo", outcome: "done", service: "worker" })]);
    }
    api.proc.kill("SIGTERM");
    w.proc.kill("SIGTERM");
    expect(await api.exited).toBe(0);
    expect(await w.exited).toBe(0);
    expect(await depth(moto.client, q.url)).toBe(0);
  }, 40_000);

  test("the heartbeat of a running worker passes the health check; a stopped one's goes stale", async () => {
    const q = await createQueues(moto.client, { visibilityTimeoutSeconds: 30, maxReceiveCount: 5 });
    const file = join(DIR, "hb-running");
    const p = worker(q.url, { HEARTBEAT_FILE: file });
    await eventually("polling", () => (p.lines().some((l) => l.msg === "polling") ? true : undefined));
    expect(spawnSync([BINARY, "--healthcheck"], { env: { HEARTBEAT_FILE: file } }).exitCode).toBe(0);
    p.proc.kill("SIGTERM");
    expect(await p.exited).toBe(0);
    // 61 s later the file would be stale: moved back instead of waiting.
    const old = new Date(Date.now() - 61_000);
    utimesSync(file, old, old);
    expect(spawnSync([BINARY, "--healthcheck"], { env: { HEARTBEAT_FILE: file } }).exitCode).toBe(1);
  }, 30_000);
});
