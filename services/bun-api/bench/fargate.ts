/**
 * pnpm bench:api --fargate (or pnpm bench:api:fargate): the service and a bare Bun.serve, each
 * confined like a Fargate task of the size the stacks ship (cgroup v1: 0.25 CPU quota, 512 MiB),
 * loaded open-loop at constant rates by oha from outside the cgroup. For each server: the highest
 * constant rate whose p99 stays under 50 ms (bracketing, then bisection, a few seconds per step),
 * and the CPU per request and p99 at one fixed moderate rate, from the cgroup's cpuacct.usage.
 * The servers alternate step by step, order reversed every repeat; medians of the repeats. A step
 * that fails while its cgroup was never throttled is run once more (the delay came from outside
 * the task).
 *
 *   pnpm bench:api:fargate [--repeats 3] [--step-seconds 4] [--cpu-rate 4000] [--connections 100]
 *                          [--p99-ms 50] [--targets bare,ours,cost:one-header] [--binary label=/path/to/server]
 *   pnpm bench:api:fargate --fixed-only  only the fixed-rate CPU measurement (quick comparisons)
 *   pnpm bench:api:fargate --routes     capacity of each route of the service, and the cgroup's
 *                                       CPU utilisation at 25/50/75/90 % of each route's maximum
 *
 * Needs root and cgroup v1 (cpu, cpuacct, memory) at /sys/fs/cgroup, and oha (built on first use,
 * see bench/oha.ts). Every request carries the ALB's headers; the service writes one access line
 * per request to a pipe this process drains and counts (the bare server writes nothing).
 */
import { cpus, loadavg, tmpdir } from "node:os";
import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { spawnSync, type Subprocess } from "bun";
import { buildBinary } from "../scripts/build";
import { ALB_HEADERS } from "./alb";
import { cgroupUnavailable, TaskCgroup } from "./cgroup";
import { VARIANTS } from "./costs-server";
import { ensureOha, OHA_VERSION, runLoad, type LoadResult } from "./oha";
import { RateSearch } from "./search";

const { values: args } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== "--fargate"),
  options: {
    repeats: { type: "string", default: "3" },
    "step-seconds": { type: "string", default: "4" },
    "cpu-rate": { type: "string", default: "4000" },
    "cpu-seconds": { type: "string", default: "5" },
    connections: { type: "string", default: "100" },
    "p99-ms": { type: "string", default: "50" },
    start: { type: "string", default: "4000" },
    targets: { type: "string", default: "bare,ours" },
    binary: { type: "string", multiple: true, default: [] },
    routes: { type: "boolean", default: false },
    "fixed-only": { type: "boolean", default: false },
    only: { type: "string" },
  },
});
const REPEATS = positive("repeats");
const STEP_SECONDS = positive("step-seconds");
const CPU_RATE = positive("cpu-rate");
const CPU_SECONDS = positive("cpu-seconds");
const CONNECTIONS = positive("connections");
const P99_MS = positive("p99-ms");
const START = positive("start");
/** A step whose responses per second fall this far below the rate asked for failed (the server fell behind). */
const MIN_ACHIEVED = 0.97;
/** Rest between steps, so one step's backlog and garbage do not land on the next. */
const PAUSE_MS = 500;
const WARMUP = { rate: 2000, seconds: 3 };
const UTILISATION_POINTS = [0.25, 0.5, 0.75, 0.9] as const;

function positive(name: keyof typeof args): number {
  const value = Number(args[name]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number, got ${JSON.stringify(args[name])}`);
  return value;
}

interface Route {
  readonly name: string;
  readonly path: string;
  readonly method: "GET" | "POST";
  readonly status: number;
  readonly body?: string;
}

const NOTE_BODY = JSON.stringify({ title: "benchmark note", body: "a small note, as a client would post it", tags: ["bench", "alb"] });
/** The service's routes that carry traffic (readiness is the ALB's, at a few requests a minute). */
const ROUTES: readonly Route[] = [
  { name: "GET /", path: "/", method: "GET", status: 200 },
  { name: "GET /healthz", path: "/healthz", method: "GET", status: 200 },
  { name: "POST /v1/notes", path: "/v1/notes", method: "POST", status: 201, body: NOTE_BODY },
  { name: "GET /v1/notes", path: "/v1/notes", method: "GET", status: 200 },
];
const ROOT_ROUTE = ROUTES[0]!;

/** `--targets cost:one-header` adds a variant of bench/costs-server.ts: one piece of the service's work alone. */
const COST_PREFIX = "cost:";
const BUILT = {
  bare: { entry: "bench/bare.ts", label: "bare Bun.serve, no log", logs: false, probe: "/" },
  ours: { entry: "src/main.ts", label: "bun-api", logs: true, probe: "/healthz" },
} as const;

interface Target {
  readonly name: string;
  readonly label: string;
  readonly logs: boolean;
  readonly probe: string;
  readonly binary: string;
  readonly env?: Readonly<Record<string, string>>;
}

interface Running extends Target {
  readonly cgroup: TaskCgroup;
  readonly proc: Subprocess<"ignore", "pipe", "inherit">;
  readonly port: number;
  /** Access lines (`"msg":"request"`) read from its stdout so far. */
  readonly requestLines: () => number;
  readonly drained: Promise<void>;
  /** Responses it gave: every load's, and the probes'. */
  answered: number;
}

interface Step extends LoadResult {
  readonly rate: number;
  readonly ok: boolean;
  readonly cpuUsPerRequest: number;
  /** CPU used ÷ (wall time × quota). */
  readonly utilisation: number;
  readonly throttled: number;
  readonly periods: number;
}

async function freePort(): Promise<number> {
  const probe = Bun.serve({ port: 0, fetch: () => new Response() });
  const port = probe.port!;
  await probe.stop(true);
  return port;
}

const REQUEST_MARK = '"msg":"request"';

/** Counts access lines as they arrive; the partial last line of a chunk is carried over. */
function countRequestLines(stream: ReadableStream<Uint8Array>): { count: () => number; done: Promise<void> } {
  let count = 0;
  const done = (async () => {
    const decoder = new TextDecoder();
    let carry = "";
    for await (const chunk of stream) {
      const text = carry + decoder.decode(chunk, { stream: true });
      const last = text.lastIndexOf("\n");
      for (let at = text.indexOf(REQUEST_MARK); at !== -1 && at < last; at = text.indexOf(REQUEST_MARK, at + REQUEST_MARK.length)) count++;
      carry = text.slice(last + 1);
    }
  })();
  return { count: () => count, done };
}

async function start(target: Target): Promise<Running> {
  const cgroup = new TaskCgroup(target.name);
  const port = await freePort();
  const proc = cgroup.spawn([target.binary], {
    PATH: process.env.PATH,
    PORT: String(port),
    HOST: "127.0.0.1",
    LOG_LEVEL: "info",
    ENVIRONMENT: "bench",
    APP_VERSION: "bench",
    ...target.env,
  });
  const lines = countRequestLines(proc.stdout);
  const running: Running = { ...target, cgroup, proc, port, requestLines: lines.count, drained: lines.done, answered: 0 };
  const started = performance.now();
  while (performance.now() - started < 10_000) {
    const ok = await fetch(`http://127.0.0.1:${port}${target.probe}`)
      .then((r) => r.status === 200)
      .catch(() => false);
    if (ok) {
      running.answered++;
      if (!cgroup.contains(proc.pid)) throw new Error(`${target.name} (pid ${proc.pid}) is not in its cgroup ${cgroup.name}`);
      return running;
    }
    if (proc.exitCode !== null) break;
    await Bun.sleep(20);
  }
  proc.kill("SIGKILL");
  cgroup.remove();
  throw new Error(`${target.name} did not answer ${target.probe} within 10 s (exit ${proc.exitCode})`);
}

async function step(oha: string, server: Running, route: Route, rate: number, seconds: number): Promise<Step> {
  const before = server.cgroup.stat();
  const startedAt = performance.now();
  const load = await runLoad(
    oha,
    {
      url: `http://127.0.0.1:${server.port}${route.path}`,
      rate,
      seconds,
      connections: CONNECTIONS,
      headers: ALB_HEADERS,
      method: route.method,
      body: route.body,
      contentType: route.body === undefined ? undefined : "application/json",
    },
    route.status,
  );
  const wallNs = (performance.now() - startedAt) * 1e6;
  const after = server.cgroup.stat();
  server.answered += load.responses;
  const cpuNs = after.usageNs - before.usageNs;
  await Bun.sleep(PAUSE_MS);
  return {
    ...load,
    rate,
    ok: load.errors === 0 && load.p99Ms < P99_MS && load.achieved >= rate * MIN_ACHIEVED,
    cpuUsPerRequest: cpuNs / 1000 / load.responses,
    utilisation: cpuNs / (wallNs * server.cgroup.cpu),
    throttled: after.throttledPeriods - before.throttledPeriods,
    periods: after.periods - before.periods,
  };
}

function describeStep(prefix: string, s: Step): string {
  return (
    `${prefix} ${fmt(s.rate, 0).padStart(7)}/s  got ${fmt(s.achieved, 0).padStart(6)}/s  p50 ${fmt(s.p50Ms, 2).padStart(6)}  p99 ${fmt(s.p99Ms, 2).padStart(7)} ms` +
    `  cpu ${fmt(s.cpuUsPerRequest, 1).padStart(5)} µs/req  ${fmt(s.utilisation * 100, 0).padStart(3)}% of quota  throttled ${s.throttled}/${s.periods}` +
    `  oha ${fmt(s.generatorCpuUs, 1)} µs/req${s.errors ? `  errors ${s.errors} ${JSON.stringify(s.statuses)}` : ""}  ${s.ok ? "ok" : "FAIL"}`
  );
}

/** Searches several (server, route) pairs in lockstep: one step each in turn, so noise lands on all alike. */
async function searchAll(oha: string, pairs: { server: Running; route: Route; search: RateSearch; tag: string }[]): Promise<void> {
  for (;;) {
    let any = false;
    for (const p of pairs) {
      const rate = p.search.next();
      if (rate === undefined) continue;
      any = true;
      let s = await step(oha, p.server, p.route, rate, STEP_SECONDS);
      console.log(describeStep(`  ${p.tag}`, s));
      if (!s.ok && s.throttled === 0 && s.errors === 0) {
        // The task never ran out of quota, so the slow tail came from outside it (the shared
        // machine): the step is run once more before it counts as a failure.
        s = await step(oha, p.server, p.route, rate, STEP_SECONDS);
        console.log(describeStep(`  ${p.tag} (again: not throttled)`, s));
      }
      p.search.record(rate, s.ok);
    }
    if (!any) return;
  }
}

function startFor(previous: number[]): { start: number; factor: number } {
  // Later repeats start just under the first one's answer and bracket finely: fewer steps, same answer.
  return previous.length === 0 ? { start: START, factor: 1.6 } : { start: previous[0]! * 0.9, factor: 1.2 };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function fmt(value: number, digits = 1): string {
  if (!Number.isFinite(value)) return "n/a";
  return digits === 0 ? Math.round(value).toLocaleString("en-US") : value.toFixed(digits);
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]): string => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(" | ")} |`;
  console.log(line(header));
  console.log(`|${widths.map((w, i) => (i === 0 ? "-".repeat(w + 2) : `${"-".repeat(w + 1)}:`)).join("|")}|`);
  for (const r of rows) console.log(line(r));
}

function banner(oha: string): void {
  const ohaVersion = spawnSync([oha, "--version"]).stdout.toString().trim();
  const load = loadavg().map((l) => l.toFixed(2)).join(" ");
  console.log(`\n${new Date().toISOString()}  ${cpus()[0]?.model ?? "cpu"} × ${cpus().length}  Bun ${Bun.version}  ${ohaVersion}  load average ${load}`);
  console.log(
    `each server in its own cgroup (cpu.cfs_quota_us 25000 / cfs_period_us 100000, memory.limit_in_bytes 512 MiB); oha outside it: -q <rate> --latency-correction -c ${CONNECTIONS}, ${STEP_SECONDS} s per step, pass = p99 < ${P99_MS} ms, no errors, ≥ ${MIN_ACHIEVED * 100} % of the rate answered; medians of ${REPEATS} repeats`,
  );
}

async function stopAll(running: readonly Running[]): Promise<void> {
  for (const r of running) if (r.proc.exitCode === null) r.proc.kill("SIGTERM");
  await Promise.all(running.map((r) => Promise.race([r.proc.exited, Bun.sleep(15_000)])));
  for (const r of running) if (r.proc.exitCode === null) r.proc.kill("SIGKILL");
  await Promise.all(running.map((r) => Promise.race([r.drained, Bun.sleep(2_000)])));
  for (const r of running) r.cgroup.remove();
}

function reportLines(running: readonly Running[]): void {
  for (const r of running) {
    if (!r.logs) continue;
    const lines = r.requestLines();
    const verdict = lines === r.answered ? "one per response" : `MISMATCH: ${lines - r.answered}`;
    console.log(`${r.name}: ${lines.toLocaleString("en-US")} access lines for ${r.answered.toLocaleString("en-US")} responses (${verdict})`);
  }
}

async function compareServers(oha: string, targets: readonly Target[]): Promise<void> {
  const running: Running[] = [];
  try {
    for (const t of targets) running.push(await start(t));
    console.log(`warm-up: ${WARMUP.rate}/s for ${WARMUP.seconds} s each`);
    for (const r of running) await step(oha, r, ROOT_ROUTE, WARMUP.rate, WARMUP.seconds);
    const maxima = new Map<string, number[]>(running.map((r) => [r.name, []]));
    const atRate = new Map<string, Step[]>(running.map((r) => [r.name, []]));
    for (let repeat = 0; repeat < REPEATS; repeat++) {
      const order = repeat % 2 === 0 ? running : [...running].reverse();
      console.log(`repeat ${repeat + 1}/${REPEATS}: ${CPU_RATE}/s for ${CPU_SECONDS} s each, then the rate search`);
      for (const r of order) {
        const s = await step(oha, r, ROOT_ROUTE, CPU_RATE, CPU_SECONDS);
        atRate.get(r.name)!.push(s);
        console.log(describeStep(`  ${r.name.padEnd(6)} fixed `, s));
      }
      if (args["fixed-only"]) continue;
      const pairs = order.map((server) => ({ server, route: ROOT_ROUTE, tag: `${server.name.padEnd(6)} search`, search: new RateSearch(startFor(maxima.get(server.name)!)) }));
      await searchAll(oha, pairs);
      for (const p of pairs) maxima.get(p.server.name)!.push(p.search.result);
      console.log(`  maxima: ${pairs.map((p) => `${p.server.name} ${fmt(p.search.result, 0)}/s`).join(", ")}`);
    }
    const peaks = new Map(running.map((r) => [r.name, r.cgroup.peakMemoryMiB()]));
    await stopAll(running);

    banner(oha);
    const bare = running.find((r) => r.name === "bare");
    const bareMax = bare ? median(maxima.get("bare")!) : NaN;
    const bareCpu = bare ? median(atRate.get("bare")!.map((s) => s.cpuUsPerRequest)) : NaN;
    console.log(`GET /, ${ALB_HEADERS.length} ALB headers; CPU, p99 and utilisation at a constant ${fmt(CPU_RATE, 0)} req/s for ${CPU_SECONDS} s\n`);
    table(
      ["server (0.25 vCPU, 512 MiB)", "max rate at p99 < 50 ms", "repeats", "× bare", `CPU µs/req @ ${fmt(CPU_RATE, 0)}/s`, "bare CPU ÷ this", `p99 ms @ ${fmt(CPU_RATE, 0)}/s`, "% of quota", "peak MiB"],
      running.map((r) => {
        const max = median(maxima.get(r.name)!);
        const steps = atRate.get(r.name)!;
        const cpu = median(steps.map((s) => s.cpuUsPerRequest));
        return [
          r.label,
          fmt(max, 0),
          maxima.get(r.name)!.map((m) => fmt(m, 0)).join(" "),
          fmt(max / bareMax, 2),
          fmt(cpu, 1),
          fmt(bareCpu / cpu, 2),
          fmt(median(steps.map((s) => s.p99Ms)), 2),
          fmt(median(steps.map((s) => s.utilisation * 100)), 0),
          fmt(peaks.get(r.name)!, 0),
        ];
      }),
    );
    reportLines(running);
  } finally {
    await stopAll(running);
  }
}

async function measureRoutes(oha: string, target: Target): Promise<void> {
  const routes = args.only === undefined ? ROUTES : ROUTES.filter((r) => args.only!.split(",").includes(r.name));
  const running: Running[] = [];
  try {
    const server = await start(target);
    running.push(server);
    // A full store, as after any stretch of POSTs: GET /v1/notes pages through what a task holds.
    for (let i = 0; i < 1000; i++) {
      const res = await fetch(`http://127.0.0.1:${server.port}/v1/notes`, { method: "POST", body: NOTE_BODY, headers: { "content-type": "application/json" } });
      if (res.status !== 201) throw new Error(`seeding notes: ${res.status}`);
      server.answered++;
    }
    console.log(`warm-up: ${WARMUP.rate}/s for ${WARMUP.seconds} s per route`);
    for (const route of routes) await step(oha, server, route, WARMUP.rate, WARMUP.seconds);
    const maxima = new Map<string, number[]>(routes.map((r) => [r.name, []]));
    for (let repeat = 0; repeat < REPEATS; repeat++) {
      console.log(`repeat ${repeat + 1}/${REPEATS}: rate search per route`);
      const order = repeat % 2 === 0 ? routes : [...routes].reverse();
      const pairs = order.map((route) => ({ server, route, tag: route.name.padEnd(15), search: new RateSearch(startFor(maxima.get(route.name)!)) }));
      await searchAll(oha, pairs);
      for (const p of pairs) maxima.get(p.route.name)!.push(p.search.result);
    }
    const utilisation = new Map<string, Step[][]>(routes.map((r) => [r.name, UTILISATION_POINTS.map(() => [])]));
    for (let repeat = 0; repeat < REPEATS; repeat++) {
      console.log(`repeat ${repeat + 1}/${REPEATS}: CPU utilisation at ${UTILISATION_POINTS.map((f) => `${f * 100} %`).join(", ")} of each route's maximum`);
      for (const route of repeat % 2 === 0 ? routes : [...routes].reverse()) {
        const max = median(maxima.get(route.name)!);
        for (const [i, fraction] of UTILISATION_POINTS.entries()) {
          const s = await step(oha, server, route, Math.round(max * fraction), CPU_SECONDS);
          utilisation.get(route.name)![i]!.push(s);
          console.log(describeStep(`  ${route.name.padEnd(15)} ${String(fraction * 100).padStart(2)}%`, s));
        }
      }
    }
    const peak = server.cgroup.peakMemoryMiB();
    await stopAll(running);

    banner(oha);
    console.log(`${target.label}: capacity per task (0.25 vCPU, 512 MiB) by route; the store holds 1 000 notes; POST bodies ${NOTE_BODY.length} bytes; peak memory ${fmt(peak, 0)} MiB\n`);
    table(
      ["route", "max rate at p99 < 50 ms", "repeats", "per minute", ...UTILISATION_POINTS.flatMap((f) => [`CPU % @ ${f * 100} %`, `p99 ms @ ${f * 100} %`])],
      routes.map((route) => {
        const max = median(maxima.get(route.name)!);
        const points = utilisation.get(route.name)!;
        return [
          route.name,
          fmt(max, 0),
          maxima.get(route.name)!.map((m) => fmt(m, 0)).join(" "),
          fmt(max * 60, 0),
          ...points.flatMap((steps) => [fmt(median(steps.map((s) => s.utilisation * 100)), 0), fmt(median(steps.map((s) => s.p99Ms)), 2)]),
        ];
      }),
    );
    console.log("CPU % = the cgroup's cpuacct.usage over the step ÷ (wall time × 0.25 CPU): what ECS reports as the service's CPUUtilization.");
    reportLines(running);
  } finally {
    await stopAll(running);
  }
}

async function main(): Promise<void> {
  const unavailable = cgroupUnavailable();
  if (unavailable !== undefined) throw new Error(`bench:api --fargate needs cgroup v1 confinement: ${unavailable}`);
  const names = args.routes ? ["ours"] : args.targets!.split(",").map((t) => t.trim()).filter((t) => t.length > 0);
  for (const name of names) {
    if (name in BUILT || (name.startsWith(COST_PREFIX) && name.slice(COST_PREFIX.length) in VARIANTS)) continue;
    throw new Error(`unknown target ${JSON.stringify(name)}; expected ${Object.keys(BUILT).join(", ")} or ${COST_PREFIX}<variant> (${Object.keys(VARIANTS).join(", ")})`);
  }
  const oha = ensureOha();
  const dir = mkdtempSync(join(tmpdir(), "bench-fargate-"));
  try {
    console.log(`building ${names.join(", ")} with scripts/build.ts… (oha ${OHA_VERSION})`);
    const targets: Target[] = [];
    for (const name of names) {
      if (name.startsWith(COST_PREFIX)) {
        // One binary of bench/costs-server.ts serves every variant.
        const binary = join(dir, "costs-server");
        if (!targets.some((t) => t.binary === binary)) await buildBinary({ entry: "bench/costs-server.ts", outfile: binary });
        const variant = name.slice(COST_PREFIX.length);
        targets.push({ name: variant, label: `Bun.serve + ${variant} (bench/costs-server.ts)`, logs: false, probe: "/healthz", binary, env: { COST_VARIANT: variant } });
        continue;
      }
      const built = BUILT[name as keyof typeof BUILT];
      const binary = join(dir, name);
      await buildBinary({ entry: built.entry, outfile: binary });
      targets.push({ name, ...built, binary });
    }
    for (const spec of args.binary ?? []) {
      const at = spec.indexOf("=");
      if (at <= 0) throw new Error(`--binary takes label=/path/to/server, got ${JSON.stringify(spec)}`);
      targets.push({ name: spec.slice(0, at), label: spec.slice(0, at), logs: true, probe: "/healthz", binary: spec.slice(at + 1) });
    }
    if (args.routes) await measureRoutes(oha, targets[0]!);
    else await compareServers(oha, targets);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
