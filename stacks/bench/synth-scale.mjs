#!/usr/bin/env node
// Synth as services grow: `pnpm synth` (scripts/synth.mjs, bundle already built) of a generated
// configuration (bench/scaled-config.ts) of N web services in E environments, each run a child
// process timed by GNU time: CPU (user + sys) and peak RSS. Prints a table, then a least-squares
// fit over every run, CPU and memory = fixed + slope x stacks.
//
// --base <git ref> also runs that commit's tree (extracted with git archive, given this
// install's node_modules) alternately with this one and prints the two side by side; --head <ref>
// runs a commit in place of the working tree. The output of each configuration (every
// cdk.tf.json byte for byte, and manifest.json without the annotations' stack traces, which name
// files and lines of the bundle) must be the same in every run of a tree; between the trees the
// bench says whether it is, names the files that differ, and --same makes a difference fatal (for
// changes meant to keep it). The shipped configuration (every environment) is synthesized by each
// tree once and compared the same way, untimed. With --base it prints the head's CPU and memory per
// stack as a ratio of the base's.
//
// Usage: pnpm bench:synth --scale [--base <ref>] [--head <ref>] [--same] [--rounds 1] [--grid 1,10,30,100x3+1,10,30x10]
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, symlinkSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "../..");
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const rounds = Number(arg("--rounds", "1"));
const base = arg("--base", undefined);
const head = arg("--head", undefined);
const same = process.argv.includes("--same");
const grid = arg("--grid", "1,10,30,100x3+1,10,30x10")
  .split("+")
  .flatMap((part) => {
    const [ns, e] = part.split("x");
    return ns.split(",").map((n) => ({ services: Number(n), environments: Number(e) }));
  });
if (!existsSync("/usr/bin/time")) throw new Error("bench:synth --scale needs GNU time (/usr/bin/time) for CPU time and peak RSS");
const work = mkdtempSync(join(tmpdir(), "bench-synth-scale-"));

/** A commit's tree beside this one, running on this install's packages (the workspace's own from the copy). */
function extract(ref, name) {
  const dir = join(work, name);
  mkdirSync(dir);
  const tar = spawnSync("bash", ["-c", `git -C "${root}" archive "${ref}" | tar -x -C "${dir}"`], { encoding: "utf8" });
  if (tar.status !== 0) throw new Error(`git archive ${ref} failed: ${tar.stderr}`);
  mkdirSync(join(dir, "node_modules"), { recursive: true });
  for (const pkg of ["stacks", "packages/config", "packages/constructs"]) {
    const from = join(root, pkg, "node_modules");
    for (const name of readdirSync(from)) {
      if (name === "@bun-fargate" || name === ".bin" || name.startsWith(".")) continue;
      const entries = name.startsWith("@") ? readdirSync(join(from, name)).map((n) => `${name}/${n}`) : [name];
      for (const e of entries) {
        mkdirSync(resolve(dir, pkg, "node_modules", e, ".."), { recursive: true });
        symlinkSync(realpathSync(join(from, e)), join(dir, pkg, "node_modules", e));
      }
    }
    mkdirSync(join(dir, pkg, "node_modules", "@bun-fargate"), { recursive: true });
    for (const ws of ["config", "constructs", "tsconfig"]) symlinkSync(join(dir, "packages", ws), join(dir, pkg, "node_modules", "@bun-fargate", ws));
  }
  mkdirSync(join(dir, "stacks", "node_modules", ".bin"));
  symlinkSync(realpathSync(join(root, "stacks", "node_modules", ".bin", "bun")), join(dir, "stacks", "node_modules", ".bin", "bun"));
  // Its own generated configuration, so that both trees synthesize the same one.
  mkdirSync(join(dir, "stacks", "bench"), { recursive: true });
  copyFileSync(join(root, "stacks", "bench", "scaled-config.ts"), join(dir, "stacks", "bench", "scaled-config.local.ts"));
  return dir;
}

const trees = [head ? { name: head, dir: extract(head, "head"), config: "stacks/bench/scaled-config.local.ts" } : { name: "this tree", dir: root, config: "stacks/bench/scaled-config.ts" }];
if (base) trees.unshift({ name: base, dir: extract(base, "base"), config: "stacks/bench/scaled-config.local.ts" });

/** One `pnpm synth` of a tree: the generated configuration of `services` x `environments`, or the shipped one. */
function synth(tree, { services, environments, shipped = false }, out) {
  const bun = join(tree.dir, "stacks", "node_modules", ".bin", "bun");
  const env = { ...process.env, BF_CONFIG: tree.config, BF_BENCH_SERVICES: String(services), BF_BENCH_ENVIRONMENTS: String(environments), CHECKPOINT_DISABLE: "1" };
  if (shipped) for (const name of ["BF_CONFIG", "BF_BENCH_SERVICES", "BF_BENCH_ENVIRONMENTS", "BF_ENVIRONMENTS"]) delete env[name];
  const r = spawnSync("/usr/bin/time", ["-f", "%U %S %M", bun, join(tree.dir, "scripts", "synth.mjs"), "--out", out], { cwd: tree.dir, encoding: "utf8", env, maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${tree.name}: synth of ${shipped ? "the shipped configuration" : `${services} x ${environments}`} failed (exit ${r.status}):\n${r.stderr.slice(-3000)}`);
  const [user, sys, kib] = r.stderr.trim().split("\n").at(-1).split(" ").map(Number);
  return { cpuMs: (user + sys) * 1000, rssMiB: kib / 1024, stacks: readdirSync(join(out, "stacks")).length, hash: outputHash(out) };
}

/** The files of two outputs that differ (the manifest without annotation stack traces), or exist in one only. */
function differingFiles(a, b) {
  const list = (dir) => readdirSync(join(dir, "stacks")).sort().map((s) => `stacks/${s}/cdk.tf.json`);
  const names = [...new Set([...list(a), ...list(b), "manifest.json"])].sort();
  const read = (dir, name) => {
    if (!existsSync(join(dir, name))) return undefined;
    if (name !== "manifest.json") return readFileSync(join(dir, name), "utf8");
    const manifest = JSON.parse(readFileSync(join(dir, name), "utf8"));
    for (const stack of Object.values(manifest.stacks)) for (const x of stack.annotations) delete x.stacktrace;
    return JSON.stringify(manifest);
  };
  return names.filter((name) => read(a, name) !== read(b, name));
}

/** What synth wrote, minus the stack traces of annotations (file names and lines of the bundle that ran). */
export function outputHash(out) {
  const hash = createHash("sha256");
  for (const s of readdirSync(join(out, "stacks")).sort()) hash.update(s).update(readFileSync(join(out, "stacks", s, "cdk.tf.json")));
  const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8"));
  for (const stack of Object.values(manifest.stacks)) for (const a of stack.annotations) delete a.stacktrace;
  return hash.update(JSON.stringify(manifest)).digest("hex");
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
/** Least squares y = a + b x. */
function fit(points) {
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const b = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0) / points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  return { fixed: my - b * mx, slope: b };
}

try {
  // Both trees build their bundles before anything is timed.
  for (const t of trees) synth(t, { services: 1, environments: 1 }, join(work, `warm-${trees.indexOf(t)}`));
  // The shipped configuration too (every environment), compared between the trees but not timed.
  const shipped = trees.map((t, k) => {
    const out = join(work, `shipped-${k}`);
    const { hash, stacks } = synth(t, { shipped: true }, out);
    return { hash, stacks, out };
  });
  const rows = grid.map((g) => ({ ...g, runs: trees.map(() => []) }));
  for (let i = 0; i < rounds; i++) {
    for (const row of rows) {
      const order = i % 2 === 0 ? trees.map((_, k) => k) : trees.map((_, k) => k).reverse();
      for (const k of order) {
        const out = join(work, `out-${k}`);
        rmSync(out, { recursive: true, force: true });
        row.runs[k].push(synth(trees[k], row, out));
        // The first round's output of each tree is kept, to name the files that differ between trees.
        if (i === 0 && trees.length > 1) renameSync(out, join(work, `keep-${rows.indexOf(row)}-${k}`));
        else rmSync(out, { recursive: true, force: true });
        const last = row.runs[k].at(-1);
        process.stderr.write(`round ${i + 1}/${rounds} ${trees[k].name} ${row.services} x ${row.environments}: ${last.cpuMs.toFixed(0)} ms CPU, ${last.rssMiB.toFixed(0)} MiB\n`);
      }
    }
  }
  const differing = [];
  for (const row of rows) {
    const what = `${row.services} services x ${row.environments} environments`;
    for (const [k, runs] of row.runs.entries()) if (new Set(runs.map((r) => r.hash)).size !== 1) throw new Error(`${what}: ${trees[k].name} wrote different output in different runs`);
    if (new Set(row.runs.map((runs) => runs[0].hash)).size !== 1) {
      const files = trees.slice(1).flatMap((_, k) => differingFiles(join(work, `keep-${rows.indexOf(row)}-0`), join(work, `keep-${rows.indexOf(row)}-${k + 1}`)));
      differing.push(`${what}: ${files.slice(0, 10).join(", ")}${files.length > 10 ? `, and ${files.length - 10} more` : ""}`);
    }
  }
  console.log(`\nSynth of N web services in E environments (pnpm synth, bundle built), median of ${rounds}, ${cpus().length} cores, ${new Date().toISOString().slice(0, 16)} UTC`);
  const head = ["N", "E", "stacks", ...trees.flatMap((t) => [`CPU ms (${t.name})`, `peak MiB (${t.name})`])];
  console.log(`| ${head.join(" | ")} |\n|${head.map(() => "---:").join("|")}|`);
  for (const row of rows) {
    const cells = row.runs.flatMap((runs) => [median(runs.map((r) => r.cpuMs)).toFixed(0), median(runs.map((r) => r.rssMiB)).toFixed(0)]);
    console.log(`| ${row.services} | ${row.environments} | ${row.runs[0][0].stacks} | ${cells.join(" | ")} |`);
  }
  console.log("\nPer stack (least squares over the rows): fixed + slope x stacks");
  for (const [k, t] of trees.entries()) {
    const cpu = fit(rows.map((r) => ({ x: r.runs[k][0].stacks, y: median(r.runs[k].map((x) => x.cpuMs)) })));
    const mem = fit(rows.map((r) => ({ x: r.runs[k][0].stacks, y: median(r.runs[k].map((x) => x.rssMiB)) })));
    console.log(`${t.name.padEnd(24)} CPU ${cpu.slope.toFixed(2)} ms/stack + ${(cpu.fixed / 1000).toFixed(2)} s; peak RSS ${mem.slope.toFixed(3)} MiB/stack + ${mem.fixed.toFixed(0)} MiB`);
  }
  if (base) {
    const ratio = (k) => {
      const [b, h] = [0, k].map((t) => fit(rows.map((r) => ({ x: r.runs[t][0].stacks, y: median(r.runs[t].map((x) => x.cpuMs)) }))));
      const [bm, hm] = [0, k].map((t) => fit(rows.map((r) => ({ x: r.runs[t][0].stacks, y: median(r.runs[t].map((x) => x.rssMiB)) }))));
      return `${(h.slope / b.slope).toFixed(2)}x the CPU per stack, ${(hm.slope / bm.slope).toFixed(2)}x the memory per stack`;
    };
    for (let k = 1; k < trees.length; k++) console.log(`${trees[k].name} against ${trees[0].name}: ${ratio(k)}`);
    const files = shipped.slice(1).flatMap((s) => differingFiles(shipped[0].out, s.out));
    console.log(`shipped configuration (${shipped[0].stacks} stacks): ${files.length === 0 ? "the same output in both trees" : `differs in ${files.join(", ")}`}`);
    if (files.length > 0) differing.push(`the shipped configuration: ${files.join(", ")}`);
  }
  if (!base) console.log(`output: the same in every run (${rows.length} configurations)`);
  else if (differing.length === 0) console.log(`output: the same in every run and in both trees, all ${rows.length} generated configurations and the shipped one`);
  else {
    console.log(`output: differs between the trees in ${differing.length} of ${rows.length + 1} configurations:\n  ${differing.join("\n  ")}`);
    if (same) process.exitCode = 1;
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
