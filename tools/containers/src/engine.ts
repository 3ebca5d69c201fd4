/**
 * The container engine on this machine: podman or docker, whichever can run a container. On
 * machines like the ones this project is tested on (no systemd, hybrid cgroup v1/v2, low ulimits)
 * podman needs a few settings; they go to a containers.conf of our own (CONTAINERS_CONF), never to
 * the machine's.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cacheDir } from "./paths";

export type EngineName = "podman" | "docker";

export interface Engine {
  readonly name: EngineName;
  /** Environment for every call of the engine's CLI. */
  readonly env: Readonly<Record<string, string>>;
}

export interface CommandResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

export class EngineUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EngineUnavailable";
  }
}

/** Runs the engine's CLI and waits. `input` is written to its stdin. */
export function engineRun(engine: Engine, args: readonly string[], options: { input?: string | Buffer; timeoutMs?: number; env?: Record<string, string> } = {}): CommandResult {
  const r = spawnSync(engine.name, args, {
    env: { ...process.env, ...engine.env, ...options.env },
    input: options.input,
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
    timeout: options.timeoutMs,
  });
  if (r.error && (r.error as NodeJS.ErrnoException).code === "ENOENT") throw new EngineUnavailable(`${engine.name} is not installed`);
  return { status: r.status ?? 1, stdout: r.stdout ?? "", stderr: r.stderr ?? (r.error ? String(r.error) : "") };
}

/** Like engineRun, but throws with the command's own error output when it fails. */
export function engineOk(engine: Engine, args: readonly string[], options: Parameters<typeof engineRun>[2] = {}): string {
  const r = engineRun(engine, args, options);
  if (r.status !== 0) throw new Error(`${engine.name} ${args.slice(0, 3).join(" ")} … failed (exit ${r.status}):\n${lastLines(r.stderr || r.stdout, 30)}`);
  return r.stdout;
}

export function lastLines(text: string, n: number): string {
  return text.trimEnd().split("\n").slice(-n).join("\n");
}

function commandWorks(cmd: string, args: string[], env: Record<string, string> = {}): { ok: boolean; why: string } {
  const r = spawnSync(cmd, args, { env: { ...process.env, ...env }, encoding: "utf8", timeout: 20_000 });
  if (r.error) return { ok: false, why: (r.error as NodeJS.ErrnoException).code === "ENOENT" ? `${cmd} is not installed` : String(r.error) };
  if (r.status !== 0) return { ok: false, why: `\`${cmd} ${args.join(" ")}\` failed: ${lastLines(r.stderr || r.stdout, 3)}` };
  return { ok: true, why: "" };
}

/**
 * Settings podman needs where systemd is absent (no cgroup manager, no journald) and where crun
 * refuses the hybrid cgroup layout ("cgroups in hybrid mode not supported"); default ulimits are
 * pinned to the host's hard limits, which podman's defaults exceed on some machines.
 */
export function podmanConfig(): string {
  const lines = ["[containers]"];
  const hard = spawnSync("sh", ["-c", "ulimit -Hn; ulimit -Hu"], { encoding: "utf8" }).stdout.trim().split("\n");
  const limit = (value: string | undefined, fallback: number) => (value && /^\d+$/.test(value) ? Math.min(Number(value), fallback) : fallback);
  lines.push(`default_ulimits = ["nofile=${limit(hard[0], 65536)}:${limit(hard[0], 65536)}", "nproc=${limit(hard[1], 32768)}:${limit(hard[1], 32768)}"]`);
  lines.push("[engine]");
  if (!existsSync("/run/systemd/system")) lines.push('cgroup_manager = "cgroupfs"', 'events_logger = "file"');
  const hybrid = existsSync("/sys/fs/cgroup/memory") && (existsSync("/sys/fs/cgroup/unified") || cgroupV2Listed());
  if (hybrid && existsSync("/usr/bin/runc")) lines.push('runtime = "runc"');
  return lines.join("\n") + "\n";
}

function cgroupV2Listed(): boolean {
  try {
    return /^0::/m.test(readFileSync("/proc/self/cgroup", "utf8"));
  } catch {
    return false;
  }
}

let found: Engine | undefined;

/**
 * The first engine that can run a container: BF_CONTAINER_ENGINE if set, else podman, else docker
 * (a docker client without a running engine does not count). Throws EngineUnavailable naming why
 * each one cannot.
 */
export function findEngine(): Engine {
  if (found) return found;
  const wanted = process.env.BF_CONTAINER_ENGINE;
  if (wanted !== undefined && wanted !== "podman" && wanted !== "docker") {
    throw new EngineUnavailable(`BF_CONTAINER_ENGINE = "${wanted}" is not allowed; use "podman" or "docker"`);
  }
  const reasons: string[] = [];
  const candidates: readonly EngineName[] = wanted ? [wanted] : ["podman", "docker"];
  for (const name of candidates) {
    let env: Record<string, string> = {};
    if (name === "podman" && process.env.CONTAINERS_CONF === undefined) {
      const dir = cacheDir();
      mkdirSync(dir, { recursive: true });
      const conf = join(dir, "containers.conf");
      const text = podmanConfig();
      if (!existsSync(conf) || readFileSync(conf, "utf8") !== text) writeFileSync(conf, text);
      env = { CONTAINERS_CONF: conf };
    }
    const probe = commandWorks(name, ["info", "--format", "{{.Host.OCIRuntime.Name}}"].slice(0, name === "podman" ? 3 : 1), env);
    if (probe.ok) {
      const engine: Engine = { name, env };
      found = engine;
      return engine;
    }
    reasons.push(probe.why);
  }
  throw new EngineUnavailable(`no container engine can run here (install podman, or start Docker): ${reasons.join("; ")}`);
}

/** linux/amd64 or linux/arm64 for this machine. */
export function hostPlatformArch(): "amd64" | "arm64" {
  if (process.arch === "x64") return "amd64";
  if (process.arch === "arm64") return "arm64";
  throw new EngineUnavailable(`no Linux image platform for architecture ${process.arch}`);
}
