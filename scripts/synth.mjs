#!/usr/bin/env node
// Synthesizes every stack of every environment into cdktf.out/, all or nothing: the app writes
// into a fresh directory that replaces cdktf.out only when synth succeeds, so an invalid config
// or a failed policy check never leaves a half-written or stale mix behind.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, renameSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
// `--out <dir>` writes elsewhere (tests, e2e); the swap happens next to that directory.
const outArg = process.argv.indexOf("--out");
const out = outArg > 0 ? resolve(process.argv[outArg + 1] ?? "") : join(root, "cdktf.out");
const next = `${out}.next-${process.pid}`;
const old = `${out}.old-${process.pid}`;
const bun = join(root, "stacks", "node_modules", ".bin", "bun");

const started = process.hrtime.bigint();
const result = spawnSync(bun, [join(root, "stacks", "src", "main.ts")], {
  cwd: root,
  stdio: "inherit",
  env: { ...process.env, CDKTF_OUTDIR: next, CHECKPOINT_DISABLE: "1" },
});
if (result.status !== 0) {
  rmSync(next, { recursive: true, force: true });
  console.error(`synth failed (exit ${result.status ?? result.signal}); ${out} was left as it was.`);
  process.exit(1);
}
if (existsSync(out)) renameSync(out, old);
renameSync(next, out);
rmSync(old, { recursive: true, force: true });
const stacks = readdirSync(join(out, "stacks")).sort();
const ms = Number(process.hrtime.bigint() - started) / 1e6;
console.log(`Synthesized ${stacks.length} stacks into ${out} in ${ms.toFixed(0)} ms: ${stacks.join(", ")}`);
