/**
 * A Fargate-sized box for a benchmark server: a cgroup v1 child of the cpu, cpuacct and memory
 * hierarchies with a CFS quota (0.25 CPU = 25 ms per 100 ms period) and a memory limit (512 MiB),
 * the way ECS confines a task of that size. The server is started inside it (a shell writes its own
 * PID into the three groups, then execs the server), so every thread it ever has is confined and
 * accounted from the first instruction. The load generator and this process stay outside.
 */
import { spawn, type Subprocess } from "bun";
import { existsSync, mkdirSync, readFileSync, realpathSync, rmdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const ROOT = "/sys/fs/cgroup";
const CONTROLLERS = ["cpu", "cpuacct", "memory"] as const;

export interface TaskSize {
  /** CPU quota as a fraction of one core. @default 0.25 */
  readonly cpu?: number;
  /** @default 512 */
  readonly memoryMiB?: number;
  /** CFS period. @default 100000 (the kernel's default, which ECS keeps) */
  readonly periodUs?: number;
}

export interface CpuStat {
  /** cpuacct.usage: CPU time of every task in the group, ns. */
  readonly usageNs: number;
  /** Periods in which the group ran out of quota. */
  readonly throttledPeriods: number;
  readonly periods: number;
}

/** Why the cgroups cannot be used here, or undefined when they can. */
export function cgroupUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return "creating cgroups needs root";
  for (const c of CONTROLLERS) {
    if (!existsSync(join(ROOT, c, "cgroup.procs"))) return `no cgroup v1 ${c} hierarchy at ${join(ROOT, c)}`;
  }
  return undefined;
}

export class TaskCgroup {
  readonly name: string;
  readonly cpu: number;
  readonly memoryMiB: number;
  #created: string[] = [];

  constructor(label: string, size: TaskSize = {}) {
    this.name = `bench-${label}-${process.pid}`;
    this.cpu = size.cpu ?? 0.25;
    this.memoryMiB = size.memoryMiB ?? 512;
    const periodUs = size.periodUs ?? 100_000;
    try {
      // Where cpu and cpuacct are mounted together, both names lead to one hierarchy.
      for (const root of new Set(CONTROLLERS.map((c) => realpathSync(join(ROOT, c))))) {
        const dir = join(root, this.name);
        mkdirSync(dir);
        this.#created.push(dir);
      }
      writeFileSync(this.#file("cpu", "cpu.cfs_period_us"), String(periodUs));
      writeFileSync(this.#file("cpu", "cpu.cfs_quota_us"), String(Math.round(periodUs * this.cpu)));
      writeFileSync(this.#file("memory", "memory.limit_in_bytes"), String(this.memoryMiB * 1024 * 1024));
    } catch (err) {
      this.remove();
      throw err;
    }
  }

  #file(controller: (typeof CONTROLLERS)[number], name: string): string {
    return join(ROOT, controller, this.name, name);
  }

  /** Starts `cmd` inside the group; nothing of it runs outside. */
  spawn(cmd: readonly string[], env: Record<string, string | undefined>): Subprocess<"ignore", "pipe", "inherit"> {
    const procs = this.#created.map((dir) => join(dir, "cgroup.procs"));
    const script = 'while [ "$1" != -- ]; do echo $$ > "$1" || exit 97; shift; done; shift; exec "$@"';
    return spawn(["/bin/sh", "-c", script, "sh", ...procs, "--", ...cmd], { env, stdin: "ignore", stdout: "pipe", stderr: "inherit" });
  }

  /** Whether `pid` is in all three groups (a check that the confinement took). */
  contains(pid: number): boolean {
    const lines = readFileSync(`/proc/${pid}/cgroup`, "utf8").split("\n");
    return CONTROLLERS.every((c) => lines.some((l) => l.split(":")[1]?.split(",").includes(c) && l.endsWith(`/${this.name}`)));
  }

  stat(): CpuStat {
    const stat = readFileSync(this.#file("cpu", "cpu.stat"), "utf8");
    const field = (key: string): number => Number(new RegExp(`^${key} (\\d+)$`, "m").exec(stat)?.[1] ?? NaN);
    return {
      usageNs: Number(readFileSync(this.#file("cpuacct", "cpuacct.usage"), "utf8").trim()),
      throttledPeriods: field("nr_throttled"),
      periods: field("nr_periods"),
    };
  }

  /** Peak memory of the group (RSS and page cache), MiB. */
  peakMemoryMiB(): number {
    return Number(readFileSync(this.#file("memory", "memory.max_usage_in_bytes"), "utf8").trim()) / (1024 * 1024);
  }

  /** Removes the groups; call once every process in them has exited. */
  remove(): void {
    for (const dir of this.#created.splice(0)) {
      for (let attempt = 0; attempt < 50; attempt++) {
        try {
          rmdirSync(dir);
          break;
        } catch {
          Bun.sleepSync(20);
        }
      }
    }
  }
}
