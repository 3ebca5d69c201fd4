#!/usr/bin/env node
// Synthesizes every environment two ways, alternating, in one run:
//   ours:     `pnpm synth`'s path: bun running the bytecode bundle of stacks/src/main.ts
//             (per-resource provider imports, no type-check step), bundle already built;
//   template: `npx ts-node` running the same main.ts, the command the cdktf TypeScript template
//             puts in cdktf.json ("app": "npx ts-node main.ts").
// Prints median wall time and peak RSS of each, the ratio, checks both wrote the same JSON, and
// times the jest suites of stacks/ and packages/. Usage: pnpm bench:synth [rounds=3]
// `pnpm bench:synth --scale` measures synth as services grow instead (synth-scale.mjs).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join, resolve } from "node:path";

if (process.argv.includes("--scale")) {
  await import("./synth-scale.mjs");
  process.exit();
}

const root = resolve(import.meta.dirname, "../..");
const stacksDir = join(root, "stacks");
const rounds = Number(process.argv[2] ?? 3);
const bin = (name) => join(stacksDir, "node_modules", ".bin", name);
const gnuTime = existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;

const ways = {
  ours: { cmd: [bin("bun"), "../scripts/synth.mjs", "--out", "OUT"], env: {} },
  template: {
    cmd: ["npx", "ts-node", "src/main.ts"],
    // The template compiles to CommonJS; node16 resolution lets it read the workspace exports.
    env: { TS_NODE_COMPILER_OPTIONS: JSON.stringify({ module: "node16", moduleResolution: "node16" }) },
  },
};

function runOnce(way, outdir) {
  const { env } = ways[way];
  const cmd = ways[way].cmd.map((a) => (a === "OUT" ? outdir : a));
  const full = gnuTime ? [gnuTime, "-f", "%M", ...cmd] : cmd;
  const started = process.hrtime.bigint();
  const r = spawnSync(full[0], full.slice(1), {
    cwd: stacksDir,
    encoding: "utf8",
    env: { ...process.env, ...env, CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: "1" },
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.status !== 0) throw new Error(`${way} failed (exit ${r.status}):\n${r.stderr}`);
  const rssKiB = gnuTime ? Number(r.stderr.trim().split("\n").at(-1)) : NaN;
  return { ms, rssMiB: rssKiB / 1024 };
}

// A first synth after a source change also builds the bundle; measure that once, apart.
function coldOurs() {
  rmSync(join(root, "node_modules", ".cache", "bun-fargate-synth"), { recursive: true, force: true });
  return runOnce("ours", join(work, "ours-cold"));
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const work = mkdtempSync(join(tmpdir(), "bench-synth-"));
const results = { ours: [], template: [] };
try {
  const cold = coldOurs();
  for (let i = 0; i < rounds; i++) {
    for (const way of i % 2 === 0 ? ["ours", "template"] : ["template", "ours"]) {
      const out = join(work, `${way}-${i}`);
      results[way].push(runOnce(way, out));
      process.stderr.write(`round ${i + 1}/${rounds} ${way}: ${results[way].at(-1).ms.toFixed(0)} ms\n`);
    }
  }
  // Both ways must produce the same Terraform JSON, or the comparison is meaningless.
  const stacks = readdirSync(join(work, "ours-0", "stacks")).sort();
  for (const s of stacks) {
    const a = readFileSync(join(work, "ours-0", "stacks", s, "cdk.tf.json"), "utf8");
    const b = readFileSync(join(work, "template-0", "stacks", s, "cdk.tf.json"), "utf8");
    if (a !== b) throw new Error(`stack ${s} differs between the two ways`);
  }

  const jestStarted = process.hrtime.bigint();
  // The root jest.config.cjs runs the three packages as projects, as `pnpm test` does.
  const r = spawnSync(bin("jest"), ["--silent"], { cwd: root, encoding: "utf8", env: { ...process.env, CI: "true" } });
  if (r.status !== 0) throw new Error(`jest failed:\n${r.stderr.slice(-2000)}`);
  const jestSeconds = Number(process.hrtime.bigint() - jestStarted) / 1e9;

  const o = { ms: median(results.ours.map((r) => r.ms)), rss: median(results.ours.map((r) => r.rssMiB)) };
  const t = { ms: median(results.template.map((r) => r.ms)), rss: median(results.template.map((r) => r.rssMiB)) };
  console.log(`\nSynth of ${stacks.length} stacks (dev, staging, prod), median of ${rounds}, ${cpus().length} cores, ${new Date().toISOString().slice(0, 10)}`);
  console.log("way".padEnd(34) + "wall ms".padStart(10) + "peak RSS MiB".padStart(14));
  console.log("ours (pnpm synth: bun, bytecode)".padEnd(34) + o.ms.toFixed(0).padStart(10) + o.rss.toFixed(0).padStart(14));
  console.log("ours, first run after a change".padEnd(34) + cold.ms.toFixed(0).padStart(10) + cold.rssMiB.toFixed(0).padStart(14));
  console.log("template (npx ts-node)".padEnd(34) + t.ms.toFixed(0).padStart(10) + t.rss.toFixed(0).padStart(14));
  console.log(`speed-up: ${(t.ms / o.ms).toFixed(1)}x (target >= 15x), ${(t.ms / cold.ms).toFixed(1)}x on a first run after a change; ours ${o.ms < 1500 ? "meets" : "MISSES"} the 1.5 s target (${cold.ms < 1500 ? "met" : "missed"} on a first run too)`);
  console.log(`jest (packages/config, packages/constructs, stacks): ${jestSeconds.toFixed(1)} s (target < 20 s)`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
