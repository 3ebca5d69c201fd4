/**
 * oha, the open-loop load generator of the Fargate benchmark, built from crates.io at a pinned
 * version into a cache outside the repository on first use.
 *
 * Why oha and not vegeta: both keep a constant arrival rate and measure latency from when each
 * request was due (oha with `-q` and `--latency-correction`), so a server that stalls is charged
 * for the requests queued behind it (no coordinated omission). What decides it is the generator's
 * own CPU on a two-core machine where it must stay far from saturation while the server gets its
 * quarter core: measured here against a bare Bun.serve at 10 000 req/s for 3 s, vegeta 12.13.0
 * (`attack | report`) used 48 µs of CPU per request and oha 1.16.0 16-19 µs, so oha leaves the
 * server's core and this process (which drains the access log pipe) alone up to the rates a 0.25
 * vCPU task can reach. oha also reports percentiles as JSON itself, without a second process.
 * The cost is a one-off build (~4-5 min on two cores).
 */
import { spawn, spawnSync } from "bun";
import { existsSync, mkdirSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

export const OHA_VERSION = "1.16.0";

/** `BENCH_TOOLS_DIR`, else ~/.cache/bun-fargate/bench-tools (XDG_CACHE_HOME honoured). */
export function toolsDir(): string {
  return process.env.BENCH_TOOLS_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "bun-fargate", "bench-tools");
}

/** The oha binary, built with `cargo install --locked` the first time. */
export function ensureOha(): string {
  const root = join(toolsDir(), `oha-${OHA_VERSION}`);
  const bin = join(root, "bin", "oha");
  if (existsSync(bin)) return bin;
  const cargo = Bun.which("cargo") ?? (existsSync(join(homedir(), ".cargo/bin/cargo")) ? join(homedir(), ".cargo/bin/cargo") : null);
  if (cargo === null) throw new Error(`oha ${OHA_VERSION} is not in ${root} and cargo is not installed to build it (https://rustup.rs), or set BENCH_TOOLS_DIR to a directory holding oha-${OHA_VERSION}/bin/oha`);
  mkdirSync(root, { recursive: true });
  console.log(`building oha ${OHA_VERSION} from crates.io into ${root} (once; a few minutes)…`);
  const r = spawnSync([cargo, "install", "--locked", `oha@${OHA_VERSION}`, "--root", root], { stdout: "inherit", stderr: "inherit" });
  if (r.exitCode !== 0 || !existsSync(bin)) throw new Error(`cargo install --locked oha@${OHA_VERSION} failed (exit ${r.exitCode})`);
  return bin;
}

export interface LoadSpec {
  readonly url: string;
  readonly rate: number;
  readonly seconds: number;
  readonly connections: number;
  readonly headers: readonly string[];
  /** @default "GET" */
  readonly method?: string;
  readonly body?: string;
  readonly contentType?: string;
}

export interface LoadResult {
  /** Responses received (any status). */
  readonly responses: number;
  /** Responses with an unexpected status, plus connection errors and timeouts. */
  readonly errors: number;
  readonly statuses: Readonly<Record<string, number>>;
  /** Responses per second over the run. */
  readonly achieved: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** The generator's own CPU per request, µs (user + system). */
  readonly generatorCpuUs: number;
}

interface OhaJson {
  summary: { total: number; slowest: number | null; successRate: number };
  latencyPercentiles: Record<string, number | null>;
  statusCodeDistribution: Record<string, number>;
  errorDistribution: Record<string, number>;
}

/**
 * One constant-rate run. `-w` lets requests still in flight at the deadline finish, so every
 * request sent is counted once; latency is measured from each request's scheduled time.
 */
export async function runLoad(oha: string, spec: LoadSpec, expectStatus: number): Promise<LoadResult> {
  const args = [
    oha,
    "--no-tui",
    "--output-format",
    "json",
    "-z",
    `${spec.seconds}s`,
    "-q",
    String(spec.rate),
    "--latency-correction",
    "-w",
    "-c",
    String(spec.connections),
    "-m",
    spec.method ?? "GET",
    ...spec.headers.flatMap((h) => ["-H", h]),
    ...(spec.body === undefined ? [] : ["-d", spec.body]),
    ...(spec.contentType === undefined ? [] : ["-T", spec.contentType]),
    spec.url,
  ];
  const proc = spawn(args, { stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  const usage = proc.resourceUsage();
  const cpu = usage === undefined ? NaN : Number(usage.cpuTime.user + usage.cpuTime.system);
  if (code !== 0) throw new Error(`oha exited ${code}: ${err.trim() || out.slice(0, 500)}`);
  const result = JSON.parse(out) as OhaJson;
  const statuses = result.statusCodeDistribution ?? {};
  const responses = Object.values(statuses).reduce((a, b) => a + b, 0);
  const unexpected = responses - (statuses[String(expectStatus)] ?? 0);
  const failures = Object.entries(result.errorDistribution ?? {}).reduce((a, [, n]) => a + n, 0);
  const p = result.latencyPercentiles;
  return {
    responses,
    errors: unexpected + failures,
    statuses,
    achieved: responses / spec.seconds,
    p50Ms: (p.p50 ?? NaN) * 1000,
    p99Ms: (p.p99 ?? NaN) * 1000,
    maxMs: (result.summary.slowest ?? NaN) * 1000,
    generatorCpuUs: responses > 0 ? cpu / responses : NaN,
  };
}
