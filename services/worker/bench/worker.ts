/**
 * Worker figures against moto's SQS on loopback, in one run:
 *
 * 1. Throughput: the compiled worker (what the image ships) in a cgroup v1 sized like the Fargate
 *    task (0.25 CPU quota, 512 MiB; services/bun-api/bench/cgroup.ts, the helper of
 *    bench:api:fargate) drains a queue preloaded with no-op (`echo`) jobs; jobs/s from its first to
 *    its last job line, at each concurrency given.
 * 2. End-to-end latency: a real bun-api process (outside the cgroup) answers POST /v1/jobs one at a
 *    time; the time from sending the request to reading the worker's line for that job on its
 *    stdout, median and p99.
 *
 *   pnpm bench:worker [--jobs 1000] [--requests 200] [--concurrency 4,10] [--cpu 0.25]
 *
 * Needs root and cgroup v1 for the cgroup (without them the worker runs unconfined and the table
 * says so), and moto's server from the deploy proof's cache. moto runs outside the cgroup on the
 * same machine and is the other side of every call: its speed is part of every figure.
 */
import { SendMessageBatchCommand } from "@aws-sdk/client-sqs";
import { spawn, type Subprocess } from "bun";
import { mkdtempSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { cgroupUnavailable, TaskCgroup } from "../../bun-api/bench/cgroup";
import { buildBinary } from "../scripts/build";
import { createQueues, depth, hasMoto, MOTO_SKIP_REASON, startMoto, type Moto } from "../test/moto";

const { values } = parseArgs({
  options: {
    jobs: { type: "string", default: "1000" },
    requests: { type: "string", default: "200" },
    concurrency: { type: "string", default: "4,10" },
    cpu: { type: "string", default: "0.25" },
  },
});
const JOBS = Number(values.jobs);
const REQUESTS = Number(values.requests);
const CONCURRENCY = values.concurrency.split(",").map(Number);
const CPU = Number(values.cpu);

if (!hasMoto) {
  console.error(`bench:worker: ${MOTO_SKIP_REASON}`);
  process.exit(1);
}

const dir = mkdtempSync(join(tmpdir(), "bench-worker-"));
const binary = join(dir, "server");
await buildBinary({ outfile: binary });
const confined = cgroupUnavailable();
const moto = await startMoto();

interface Worker {
  readonly proc: Subprocess;
  readonly cgroup: TaskCgroup | undefined;
  /** jobId -> performance.now() when its line was read. */
  readonly seen: Map<string, number>;
  readonly lines: () => number;
}

function startWorker(queueUrl: string, concurrency: number): Worker {
  const env = { ...moto.env, PATH: process.env.PATH ?? "", QUEUE_URL: queueUrl, WORKER_CONCURRENCY: String(concurrency), HEARTBEAT_FILE: join(dir, `hb-${concurrency}`), LOG_LEVEL: "info", ENVIRONMENT: "bench" };
  const cgroup = confined === undefined ? new TaskCgroup(`worker-${concurrency}`, { cpu: CPU }) : undefined;
  const proc = cgroup ? cgroup.spawn([binary], env) : spawn([binary], { env, stdin: "ignore", stdout: "pipe", stderr: "inherit" });
  const seen = new Map<string, number>();
  let count = 0;
  void (async () => {
    let rest = "";
    const decoder = new TextDecoder();
    for await (const chunk of proc.stdout as ReadableStream<Uint8Array>) {
      const now = performance.now();
      rest += decoder.decode(chunk, { stream: true });
      const lines = rest.split("\n");
      rest = lines.pop()!;
      for (const line of lines) {
        if (!line.includes('"msg":"job"')) continue;
        const record = JSON.parse(line) as { jobId: string; outcome: string };
        if (record.outcome === "done") {
          seen.set(record.jobId, now);
          count++;
        }
      }
    }
  })();
  return { proc, cgroup, seen, lines: () => count };
}

async function stopWorker(w: Worker): Promise<void> {
  w.proc.kill("SIGTERM");
  await w.proc.exited;
  w.cgroup?.remove();
}

async function preload(m: Moto, queueUrl: string, n: number): Promise<void> {
  const batches: Promise<unknown>[] = [];
  for (let at = 0; at < n; at += 10) {
    const entries = Array.from({ length: Math.min(10, n - at) }, (_, i) => ({ Id: String(i), MessageBody: JSON.stringify({ id: crypto.randomUUID(), type: "echo", payload: null }), MessageAttributes: { traceId: { DataType: "String", StringValue: "1-6b02f941-f12e7d0c409369c33074d233" } } }));
    batches.push(m.client.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries })));
    if (batches.length >= 8) await Promise.all(batches.splice(0));
  }
  await Promise.all(batches);
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
const rows: string[][] = [];

// 1. Throughput.
for (const concurrency of CONCURRENCY) {
  const q = await createQueues(moto.client, { visibilityTimeoutSeconds: 60, maxReceiveCount: 5 });
  await preload(moto, q.url, JOBS);
  const w = startWorker(q.url, concurrency);
  const before = w.cgroup?.stat();
  const started = performance.now();
  while (w.lines() < JOBS) {
    if (performance.now() - started > 600_000) throw new Error(`only ${w.lines()} of ${JOBS} jobs in 10 min`);
    await Bun.sleep(20);
  }
  const after = w.cgroup?.stat();
  const times = [...w.seen.values()].sort((a, b) => a - b);
  const seconds = (times.at(-1)! - times[0]!) / 1000;
  const cpuMsPerJob = before && after ? (after.usageNs - before.usageNs) / 1e6 / JOBS : NaN;
  const throttled = before && after ? `${after.throttledPeriods - before.throttledPeriods}/${after.periods - before.periods}` : "n/a";
  const left = await depth(moto.client, q.url);
  await stopWorker(w);
  rows.push([`throughput, no-op job, concurrency ${concurrency}`, `${((JOBS - 1) / seconds).toFixed(1)} jobs/s`, `${JOBS} jobs in ${seconds.toFixed(1)} s; worker CPU ${cpuMsPerJob.toFixed(2)} ms/job; throttled periods ${throttled}; left on queue ${left}`]);
}

// 2. End-to-end latency through a real bun-api process.
{
  const q = await createQueues(moto.client, { visibilityTimeoutSeconds: 60, maxReceiveCount: 5 });
  const api = spawn([process.execPath, join(import.meta.dir, "..", "..", "bun-api", "src", "main.ts")], {
    env: { ...moto.env, PATH: process.env.PATH ?? "", PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "info", WORKER_QUEUE_URL: q.url },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "inherit",
  });
  // Its stdout is read to the end (a full pipe would stall it); the listening line gives the port.
  const port = await new Promise<number>((resolve, reject) => {
    void (async () => {
      let text = "";
      let found = false;
      for await (const chunk of api.stdout) {
        if (found) continue;
        text += new TextDecoder().decode(chunk);
        const listening = text.split("\n").find((l) => l.includes('"msg":"listening"'));
        if (listening) {
          found = true;
          resolve((JSON.parse(listening) as { port: number }).port);
        }
      }
      if (!found) reject(new Error(`bun-api exited: ${text}`));
    })();
  });
  const base = `http://127.0.0.1:${port}`;
  const w = startWorker(q.url, 4);
  await Bun.sleep(1000);
  const post = () => fetch(`${base}/v1/jobs`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"type":"echo"}' });
  for (let i = 0; i < 5; i++) await post(); // warm-up: SDK loaded, connections open
  await Bun.sleep(500);
  const latencies: number[] = [];
  const accepted: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const sent = performance.now();
    const res = await post();
    accepted.push(performance.now() - sent);
    const { id } = (await res.json()) as { id: string };
    while (!w.seen.has(id)) {
      if (performance.now() - sent > 30_000) throw new Error(`job ${id} not seen in 30 s`);
      await Bun.sleep(0);
    }
    latencies.push(w.seen.get(id)! - sent);
  }
  await stopWorker(w);
  api.kill("SIGTERM");
  await api.exited;
  latencies.sort((a, b) => a - b);
  accepted.sort((a, b) => a - b);
  rows.push([`POST /v1/jobs -> job line, ${REQUESTS} sequential`, `median ${quantile(latencies, 0.5).toFixed(1)} ms, p99 ${quantile(latencies, 0.99).toFixed(1)} ms`, `202 answered in median ${quantile(accepted, 0.5).toFixed(1)} ms, p99 ${quantile(accepted, 0.99).toFixed(1)} ms`]);
}
moto.stop();

const where = confined === undefined ? `worker in a cgroup v1 (cpu.cfs_quota_us ${Math.round(CPU * 100_000)} / cfs_period_us 100000, 512 MiB)` : `worker UNCONFINED (${confined})`;
console.log(`\nbench:worker: ${where}; moto and bun-api outside it; ${cpus().length} × ${cpus()[0]?.model.trim()}; load average ${loadavg().map((l) => l.toFixed(2)).join(" ")}\n`);
const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i]!.length), ["figure", "value", "detail"][i]!.length));
const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
console.log(line(["figure", "value", "detail"]));
console.log(`| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`);
for (const r of rows) console.log(line(r));
