/**
 * pnpm bench:api:costs: what each piece of the service's request path costs in Bun itself. Every
 * variant of bench/costs-server.ts runs in its own 0.25 CPU / 512 MiB cgroup and takes the same
 * constant open-loop load (oha, the ALB's headers) in turn, order reversed every repeat; CPU per
 * request from the cgroup's cpuacct.usage, medians, and the difference to the plain `text` server.
 *
 *   pnpm bench:api:costs [--rate 12000] [--seconds 5] [--repeats 3] [--variants bare,text,url]
 */
import { parseArgs } from "node:util";
import { ALB_HEADERS } from "./alb";
import { cgroupUnavailable, TaskCgroup } from "./cgroup";
import { VARIANTS } from "./costs-server";
import { ensureOha, runLoad } from "./oha";

const { values: args } = parseArgs({
  options: {
    rate: { type: "string", default: "12000" },
    seconds: { type: "string", default: "5" },
    repeats: { type: "string", default: "3" },
    variants: { type: "string", default: Object.keys(VARIANTS).join(",") },
  },
});
const RATE = Number(args.rate);
const SECONDS = Number(args.seconds);
const REPEATS = Number(args.repeats);

const unavailable = cgroupUnavailable();
if (unavailable !== undefined) throw new Error(`bench:api:costs needs cgroup v1 confinement: ${unavailable}`);
const names = args.variants!.split(",").map((v) => v.trim());
for (const name of names) if (!(name in VARIANTS)) throw new Error(`unknown variant ${JSON.stringify(name)}; expected one of ${Object.keys(VARIANTS).join(", ")}`);
const oha = ensureOha();

interface Server {
  readonly name: string;
  readonly cgroup: TaskCgroup;
  readonly proc: ReturnType<TaskCgroup["spawn"]>;
  readonly port: number;
  readonly cpu: number[];
  readonly p99: number[];
}

async function freePort(): Promise<number> {
  const probe = Bun.serve({ port: 0, fetch: () => new Response() });
  const port = probe.port!;
  await probe.stop(true);
  return port;
}

const servers: Server[] = [];
try {
  for (const [i, name] of names.entries()) {
    const cgroup = new TaskCgroup(`cost${i}`);
    const port = await freePort();
    const proc = cgroup.spawn([process.execPath, `${import.meta.dir}/costs-server.ts`], { PATH: process.env.PATH, PORT: String(port), COST_VARIANT: name });
    void new Response(proc.stdout).arrayBuffer();
    servers.push({ name, cgroup, proc, port, cpu: [], p99: [] });
    for (let tries = 0; ; tries++) {
      if (await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok, () => false)) break;
      if (tries > 200) throw new Error(`${name} did not start`);
      await Bun.sleep(20);
    }
  }
  const load = (s: Server, seconds: number) =>
    runLoad(oha, { url: `http://127.0.0.1:${s.port}/`, rate: RATE, seconds, connections: 100, headers: ALB_HEADERS }, 200);
  for (const s of servers) await load(s, 2);
  for (let repeat = 0; repeat < REPEATS; repeat++) {
    for (const s of repeat % 2 === 0 ? servers : [...servers].reverse()) {
      const before = s.cgroup.stat().usageNs;
      const r = await load(s, SECONDS);
      const cpu = (s.cgroup.stat().usageNs - before) / 1000 / r.responses;
      s.cpu.push(cpu);
      s.p99.push(r.p99Ms);
      console.log(`  ${repeat + 1} ${s.name.padEnd(26)} ${cpu.toFixed(2).padStart(6)} µs/req  p99 ${r.p99Ms.toFixed(2)} ms${r.errors ? `  errors ${r.errors}` : ""}`);
      await Bun.sleep(300);
    }
  }
  const median = (v: number[]): number => [...v].sort((a, b) => a - b)[v.length >> 1]!;
  const base = servers.find((s) => s.name === "text");
  console.log(`\n${new Date().toISOString()}  Bun ${Bun.version}  ${RATE} req/s for ${SECONDS} s, medians of ${REPEATS}, each in a 0.25 CPU cgroup\n`);
  console.log("| variant | CPU µs/req | − text | p99 ms |\n|---|---:|---:|---:|");
  for (const s of servers) {
    const cpu = median(s.cpu);
    console.log(`| ${s.name} | ${cpu.toFixed(2)} | ${base ? (cpu - median(base.cpu)).toFixed(2) : "n/a"} | ${median(s.p99).toFixed(2)} |`);
  }
} finally {
  for (const s of servers) s.proc.kill("SIGKILL");
  await Promise.all(servers.map((s) => s.proc.exited));
  for (const s of servers) s.cgroup.remove();
}
