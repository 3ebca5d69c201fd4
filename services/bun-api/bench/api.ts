/**
 * pnpm bench:api: the service against a bare Bun.serve, and against itself logging through pino.
 *
 * Every target is compiled the way the image is (scripts/build.ts) and loaded in turn by the same
 * wrk command on 127.0.0.1, several rounds, order reversed each round. For each load the server's
 * CPU time is read from /proc/<pid>/stat before and after: CPU per request is much steadier than
 * req/s on a shared machine. Medians are reported.
 *
 *   pnpm bench:api [--rounds 5] [--seconds 5] [--connections 50] [--targets bare,ours,pino,cost:one-header]
 *
 * `cost:<variant>` adds a variant of bench/costs-server.ts (one piece of the service's work alone),
 * closed-loop, beside the others.
 *
 * `pnpm bench:api --fargate` runs bench/fargate.ts instead: open-loop load against servers confined
 * to 0.25 CPU / 512 MiB.
 */
import { spawn, spawnSync, type Subprocess } from "bun";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { buildBinary } from "../scripts/build";
import { ALB_HEADERS } from "./alb";
import { VARIANTS } from "./costs-server";

if (process.argv.includes("--fargate")) {
  await import("./fargate");
  process.exit(0);
}

const { values: args } = parseArgs({
  options: {
    rounds: { type: "string", default: "5" },
    seconds: { type: "string", default: "5" },
    connections: { type: "string", default: "50" },
    targets: { type: "string", default: "bare,ours,pino" },
    direct: { type: "boolean", default: false },
  },
});
const ROUNDS = Number(args.rounds);
const SECONDS = Number(args.seconds);
const CONNECTIONS = Number(args.connections);
const WARMUP_SECONDS = 2;
/** RSS is read once each target has served at least this many requests. */
const RSS_AFTER_REQUESTS = 100_000;

const TARGETS = {
  bare: { entry: "bench/bare.ts", path: "/", logs: false, label: "bare Bun.serve" },
  ours: { entry: "src/main.ts", path: "/", logs: true, label: "bun-api (own logger)" },
  pino: { entry: "bench/pino-server.ts", path: "/", logs: true, label: "bun-api with pino" },
} as const;
type TargetName = string;
const COST_PREFIX = "cost:";

interface TargetSpec {
  readonly entry: string;
  readonly path: string;
  readonly logs: boolean;
  readonly label: string;
  readonly env?: Readonly<Record<string, string>>;
}

function targetOf(name: TargetName): TargetSpec {
  if (name in TARGETS) return TARGETS[name as keyof typeof TARGETS];
  const variant = name.slice(COST_PREFIX.length);
  if (name.startsWith(COST_PREFIX) && variant in VARIANTS) {
    return { entry: "bench/costs-server.ts", path: "/", logs: false, label: `+ ${variant}`, env: { COST_VARIANT: variant } };
  }
  throw new Error(`unknown target ${name}; expected ${Object.keys(TARGETS).join(", ")} or ${COST_PREFIX}<variant> (${Object.keys(VARIANTS).join(", ")})`);
}

interface Load {
  requests: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  cpuUsPerRequest: number;
  errors: number;
}

interface Running {
  name: TargetName;
  proc: Subprocess<"ignore", "pipe", "inherit">;
  port: number;
  firstOkMs: number;
  served: number;
  lines: Promise<number>;
  loads: Load[];
  rssAfter100kKiB?: number;
}

const CLK_TCK = Number(spawnSync(["getconf", "CLK_TCK"]).stdout.toString().trim()) || 100;

function ensureWrk(): string {
  const found = Bun.which("wrk");
  if (found) return found;
  const canApt = process.getuid?.() === 0 && Bun.which("apt-get") !== null;
  if (!canApt) throw new Error("wrk is not installed: install it (Debian/Ubuntu: apt-get install -y wrk) and run again");
  console.log("wrk not found: apt-get install -y wrk");
  let r = spawnSync(["apt-get", "install", "-y", "wrk"], { stdout: "ignore", stderr: "inherit" });
  if (r.exitCode !== 0) {
    spawnSync(["apt-get", "update"], { stdout: "ignore", stderr: "inherit" });
    r = spawnSync(["apt-get", "install", "-y", "wrk"], { stdout: "ignore", stderr: "inherit" });
  }
  const installed = Bun.which("wrk");
  if (r.exitCode !== 0 || !installed) throw new Error("could not install wrk with apt-get");
  return installed;
}

/** utime + stime of the whole process (all threads), in microseconds. */
function cpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1e6) / CLK_TCK;
}

function statusKiB(pid: number, key: "VmRSS" | "VmHWM"): number {
  const m = new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) : NaN;
}

async function countLines(stream: ReadableStream<Uint8Array>): Promise<number> {
  let lines = 0;
  for await (const chunk of stream) {
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
  }
  return lines;
}

async function freePort(): Promise<number> {
  const probe = Bun.serve({ port: 0, fetch: () => new Response() });
  const port = probe.port!;
  await probe.stop(true);
  return port;
}

async function start(name: TargetName, binary: string): Promise<Running> {
  const port = await freePort();
  const started = performance.now();
  const proc = spawn([binary], {
    env: { ...process.env, PORT: String(port), LOG_LEVEL: "info", ENVIRONMENT: "bench", APP_VERSION: "bench", ...targetOf(name).env },
    stdout: "pipe",
    stderr: "inherit",
    stdin: "ignore",
  });
  const probe = name === "bare" ? "/" : "/healthz";
  let firstOkMs = NaN;
  let polls = 0;
  while (performance.now() - started < 10_000) {
    polls++;
    const ok = await fetch(`http://127.0.0.1:${port}${probe}`)
      .then((r) => r.status === 200)
      .catch(() => false);
    if (ok) {
      firstOkMs = performance.now() - started;
      break;
    }
    await Bun.sleep(1);
  }
  if (Number.isNaN(firstOkMs)) throw new Error(`${name} did not answer ${probe} within 10 s`);
  return { name, proc, port, firstOkMs, served: polls, lines: countLines(proc.stdout), loads: [] };
}

function parseLatencyMs(text: string, percentile: string): number {
  const m = new RegExp(`^\\s*${percentile}%\\s+([\\d.]+)(us|ms|s)\\s*$`, "m").exec(text);
  if (!m) return NaN;
  const value = Number(m[1]);
  return m[2] === "us" ? value / 1000 : m[2] === "s" ? value * 1000 : value;
}

/** Asynchronous, so this process keeps draining the servers' log pipes while wrk runs. */
async function wrk(binary: string, target: Running, seconds: number): Promise<Load> {
  const url = `http://127.0.0.1:${target.port}${targetOf(target.name).path}`;
  const before = cpuMicros(target.proc.pid);
  // Requests carry the ALB's headers; --direct sends bare ones instead (the service then generates
  // a trace ID and reads the peer address from the socket for each one).
  const headers = args.direct ? [] : ALB_HEADERS.flatMap((h) => ["-H", h]);
  const proc = spawn([binary, "-t1", `-c${CONNECTIONS}`, `-d${seconds}s`, "--latency", ...headers, url], { stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  const after = cpuMicros(target.proc.pid);
  if (code !== 0) throw new Error(`wrk failed: ${err}`);
  const requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? NaN);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const errors = non2xx + (socket ? socket.slice(1).reduce((a, b) => a + Number(b), 0) : 0);
  target.served += requests;
  return {
    requests,
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN),
    p50Ms: parseLatencyMs(out, "50"),
    p99Ms: parseLatencyMs(out, "99"),
    cpuUsPerRequest: (after - before) / requests,
    errors,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function fmt(value: number, digits = 1): string {
  return Number.isFinite(value) ? value.toFixed(digits) : "n/a";
}

async function main(): Promise<void> {
  const names = args.targets!.split(",").map((t) => t.trim());
  for (const name of names) targetOf(name);
  const wrkBinary = ensureWrk();
  const wrkVersion = spawnSync([wrkBinary, "--version"]).stdout.toString().split("\n")[0]?.trim();

  const dir = mkdtempSync(join(tmpdir(), "bench-api-"));
  const running: Running[] = [];
  try {
    console.log(`building ${names.join(", ")} with scripts/build.ts…`);
    const binaries = new Map<TargetName, string>();
    for (const name of names) {
      const outfile = join(dir, name);
      await buildBinary({ entry: targetOf(name).entry, outfile });
      binaries.set(name, outfile);
    }
    for (const name of names) running.push(await start(name, binaries.get(name)!));

    console.log(`warm-up ${WARMUP_SECONDS} s each, then ${ROUNDS} rounds × ${SECONDS} s × ${names.length} targets (wrk -t1 -c${CONNECTIONS}, ${args.direct ? "direct requests" : "requests with the ALB's headers"})`);
    for (const target of running) await wrk(wrkBinary, target, WARMUP_SECONDS);
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? running : [...running].reverse();
      for (const target of order) {
        const load = await wrk(wrkBinary, target, SECONDS);
        target.loads.push(load);
        if (target.rssAfter100kKiB === undefined && target.served >= RSS_AFTER_REQUESTS) target.rssAfter100kKiB = statusKiB(target.proc.pid, "VmRSS");
        console.log(
          `  round ${round + 1} ${target.name.padEnd(5)} ${fmt(load.rps, 0).padStart(7)} req/s  cpu ${fmt(load.cpuUsPerRequest, 2)} us/req  p50 ${fmt(load.p50Ms, 2)} ms  p99 ${fmt(load.p99Ms, 2)} ms${load.errors ? `  errors ${load.errors}` : ""}`,
        );
      }
    }

    const peak = new Map(running.map((t) => [t.name, statusKiB(t.proc.pid, "VmHWM")]));
    for (const target of running) target.proc.kill("SIGTERM");
    const exits = await Promise.all(running.map((t) => t.proc.exited));
    const lines = await Promise.all(running.map((t) => t.lines));

    const summary = running.map((t) => ({
      name: t.name,
      rps: median(t.loads.map((l) => l.rps)),
      cpu: median(t.loads.map((l) => l.cpuUsPerRequest)),
      p50: median(t.loads.map((l) => l.p50Ms)),
      p99: median(t.loads.map((l) => l.p99Ms)),
      errors: t.loads.reduce((a, l) => a + l.errors, 0),
      rssMiB: (t.rssAfter100kKiB ?? NaN) / 1024,
      peakMiB: peak.get(t.name)! / 1024,
      firstOkMs: t.firstOkMs,
      served: t.served,
    }));
    const bare = summary.find((s) => s.name === "bare");

    console.log(`\n${new Date().toISOString()}  ${cpus()[0]?.model ?? "cpu"} × ${cpus().length}  Bun ${Bun.version}  ${wrkVersion}`);
    console.log(`medians of ${ROUNDS} rounds; CPU = utime+stime of the server process per request; RSS read after ${RSS_AFTER_REQUESTS / 1000}k requests`);
    const header = ["target", "req/s", "cpu us/req", "p50 ms", "p99 ms", "RSS MiB", "peak MiB", "first 200 ms", "efficiency", "p99 × bare"];
    console.log(header.map((h, i) => (i === 0 ? h.padEnd(24) : h.padStart(12))).join(""));
    for (const s of summary) {
      const efficiency = bare ? bare.cpu / s.cpu : NaN;
      const p99x = bare ? s.p99 / bare.p99 : NaN;
      const row = [
        targetOf(s.name).label,
        fmt(s.rps, 0),
        fmt(s.cpu, 2),
        fmt(s.p50, 2),
        fmt(s.p99, 2),
        fmt(s.rssMiB),
        fmt(s.peakMiB),
        fmt(s.firstOkMs),
        fmt(efficiency, 2),
        fmt(p99x, 2),
      ];
      console.log(row.map((c, i) => (i === 0 ? c.padEnd(24) : c.padStart(12))).join(""));
    }

    const ours = summary.find((s) => s.name === "ours");
    if (ours && bare) {
      const efficiency = bare.cpu / ours.cpu;
      const checks = [
        [`efficiency (bare CPU/req ÷ ours) ${fmt(efficiency, 2)} >= 0.85`, efficiency >= 0.85],
        [`p99 ${fmt(ours.p99, 2)} ms <= 2 × bare ${fmt(bare.p99, 2)} ms`, ours.p99 <= 2 * bare.p99],
        [`RSS after ${RSS_AFTER_REQUESTS / 1000}k requests ${fmt(ours.rssMiB)} MiB < 64 MiB`, ours.rssMiB < 64],
        [`first 200 from /healthz ${fmt(ours.firstOkMs)} ms < 100 ms`, ours.firstOkMs < 100],
      ] as const;
      console.log("\ntargets for bun-api:");
      for (const [text, ok] of checks) console.log(`  ${ok ? "met " : "MISS"}  ${text}`);
    }
    const pino = summary.find((s) => s.name === "pino");
    if (ours && pino) console.log(`\nown logger vs pino: ${fmt(pino.cpu - ours.cpu, 2)} us less CPU per request (${fmt(pino.cpu / ours.cpu, 2)}×)`);
    running.forEach((t, i) => {
      if (targetOf(t.name).logs) console.log(`${t.name}: ${lines[i]} log lines for ${t.served} requests (wrk counts only completed ones), exit ${exits[i]}`);
    });
    const errors = summary.reduce((a, s) => a + s.errors, 0);
    if (errors > 0) console.log(`WARNING: ${errors} wrk errors or non-2xx responses`);
  } finally {
    for (const target of running) if (target.proc.exitCode === null) target.proc.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
