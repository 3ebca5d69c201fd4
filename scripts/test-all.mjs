#!/usr/bin/env node
// Runs every suite in scripts/test-suites.mjs, streams its output, and closes with one line
// "N passed, N failed, N skipped" over all of them. Exits non-zero if any suite failed.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { suites } from "./test-suites.mjs";

const root = resolve(import.meta.dirname, "..");
const only = process.argv.slice(2);
const work = mkdtempSync(join(tmpdir(), "test-all-"));

function run(cmd, cwd, env) {
  return new Promise((done) => {
    let out = "";
    const child = spawn(cmd[0], cmd.slice(1), { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    for (const stream of [child.stdout, child.stderr]) {
      stream.on("data", (chunk) => {
        out += chunk;
        (stream === child.stdout ? process.stdout : process.stderr).write(chunk);
      });
    }
    child.on("error", (err) => { out += String(err); done({ code: 127, out }); });
    child.on("close", (code, signal) => done({ code: code ?? (signal ? 128 : 1), out }));
  });
}

function countJest(file) {
  try {
    const r = JSON.parse(readFileSync(file, "utf8"));
    return { passed: r.numPassedTests, failed: r.numFailedTests + r.numRuntimeErrorTestSuites, skipped: r.numPendingTests + r.numTodoTests };
  } catch {
    return null;
  }
}

function countBun(out) {
  const n = (word) => Number((out.match(new RegExp(`^\\s*(\\d+) ${word}$`, "m")) ?? [])[1] ?? NaN);
  const c = { passed: n("pass"), failed: n("fail"), skipped: n("skip") || 0 };
  return Number.isNaN(c.passed) || Number.isNaN(c.failed) ? null : c;
}

function countPlain(out) {
  const lines = [...out.matchAll(/^(?:\w+: )?(\d+) passed, (\d+) failed(?:, (\d+) skipped)?$/gm)];
  const m = lines.at(-1);
  return m ? { passed: Number(m[1]), failed: Number(m[2]), skipped: Number(m[3] ?? 0) } : null;
}

const total = { passed: 0, failed: 0, skipped: 0 };
const rows = [];
for (const suite of suites) {
  if (only.length && !only.includes(suite.name)) continue;
  const started = Date.now();
  process.stdout.write(`\n=== ${suite.name} (${suite.cwd}: ${suite.cmd.join(" ")})\n`);
  const report = join(work, `${suite.name}.json`);
  const cmd = suite.parse === "jest" ? [...suite.cmd, "--json", `--outputFile=${report}`] : suite.cmd;
  const { code, out } = await run(cmd, join(root, suite.cwd), suite.env ?? {});
  let counts = suite.parse === "jest" ? countJest(report) : suite.parse === "bun" ? countBun(out) : countPlain(out);
  if (!counts) counts = { passed: 0, failed: 1, skipped: 0 };
  if (code !== 0 && counts.failed === 0) counts.failed = 1;
  for (const k of Object.keys(total)) total[k] += counts[k];
  rows.push({ suite: suite.name, ...counts, seconds: ((Date.now() - started) / 1000).toFixed(1), exit: code });
}
rmSync(work, { recursive: true, force: true });

console.log("\n" + "suite".padEnd(14) + "passed".padStart(8) + "failed".padStart(8) + "skipped".padStart(9) + "seconds".padStart(9) + "exit".padStart(6));
for (const r of rows) {
  console.log(r.suite.padEnd(14) + String(r.passed).padStart(8) + String(r.failed).padStart(8) + String(r.skipped).padStart(9) + r.seconds.padStart(9) + String(r.exit).padStart(6));
}
console.log(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(total.failed > 0 || rows.length === 0 ? 1 : 0);
