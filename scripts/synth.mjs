#!/usr/bin/env node
// Synthesizes every stack of every environment into cdktf.out/, all or nothing: the app writes
// into a fresh directory that replaces cdktf.out only when synth succeeds, so an invalid config
// or a failed policy check never leaves a half-written or stale mix behind.
//
// The app runs from a bytecode bundle of stacks/src/main.ts (bun build --bytecode), rebuilt
// whenever a source file, the lockfile or the Bun version changes: parsing cdktf and the provider
// bindings is a third of a synth, and the bundle skips it. BF_SYNTH_BUNDLE=0 runs the TypeScript
// sources directly instead (same output; stack traces point at the sources).
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

const root = resolve(import.meta.dirname, "..");
// `--out <dir>` writes elsewhere (tests, e2e); the swap happens next to that directory.
const outArg = process.argv.indexOf("--out");
const out = outArg > 0 ? resolve(process.argv[outArg + 1] ?? "") : join(root, "cdktf.out");
const next = `${out}.next-${process.pid}`;
const old = `${out}.old-${process.pid}`;
const bun = join(root, "stacks", "node_modules", ".bin", "bun");
const entry = join(root, "stacks", "src", "main.ts");
const SOURCES = ["stacks/src", "packages/config/src", "packages/constructs/src"];

/** Every file the app is built from, with size and mtime: any edit changes the key. */
function sourceKey() {
  const hash = createHash("sha256");
  const walk = (dir) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const st = statSync(path);
      if (st.isDirectory()) {
        if (name !== "__snapshots__" && name !== "node_modules") walk(path);
      } else if (!name.endsWith(".test.ts")) {
        hash.update(`${path}\0${st.size}\0${st.mtimeMs}\n`);
      }
    }
  };
  for (const dir of SOURCES) walk(join(root, dir));
  hash.update(readFileSync(join(root, "pnpm-lock.yaml")));
  hash.update(readFileSync(join(root, "stacks", "node_modules", "bun", "package.json")));
  return hash.digest("hex");
}

/** The bundle to run, rebuilt when its key is stale; undefined when bundling is turned off. */
function bundle() {
  if (process.env.BF_SYNTH_BUNDLE === "0") return undefined;
  const dir = join(root, "node_modules", ".cache", "bun-fargate-synth");
  const key = sourceKey();
  const main = join(dir, "main.js");
  if (existsSync(main) && readKey(join(dir, "key")) === key) return main;
  const staging = `${dir}.build-${process.pid}`;
  const built = spawnSync(bun, ["build", entry, "--target=bun", "--format=cjs", "--bytecode", "--outdir", staging], { encoding: "utf8" });
  if (built.status !== 0) {
    rmSync(staging, { recursive: true, force: true });
    console.error(`synth: bundling failed, running the sources directly:\n${built.stderr}`);
    return undefined;
  }
  writeFileSync(join(staging, "key"), key);
  mkdirSync(dirname(dir), { recursive: true });
  rmSync(dir, { recursive: true, force: true });
  renameSync(staging, dir);
  return main;
}

function dirname(path) {
  return resolve(path, "..");
}

function readKey(path) {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

const started = process.hrtime.bigint();
const app = bundle() ?? entry;
const result = spawnSync(bun, [app], {
  cwd: root,
  stdio: "inherit",
  env: { ...process.env, CDKTF_OUTDIR: next, CHECKPOINT_DISABLE: "1" },
});
if (result.status !== 0) {
  rmSync(next, { recursive: true, force: true });
  console.error(`synth failed (exit ${result.status ?? result.signal}); ${out} was left as it was.`);
  process.exit(1);
}
const before = subscriptionsIn(out);
if (existsSync(out)) renameSync(out, old);
renameSync(next, out);
rmSync(old, { recursive: true, force: true });
const stacks = readdirSync(join(out, "stacks")).sort();
const ms = Number(process.hrtime.bigint() - started) / 1e6;
console.log(`Synthesized ${stacks.length} stacks into ${out} in ${ms.toFixed(0)} ms: ${stacks.join(", ")}`);
for (const line of subscriptionNotices(before, subscriptionsIn(out))) console.log(line);

/**
 * Per stack, the alarm topics and the email subscriptions of each, read from synthesized JSON
 * (`undefined` when there is no earlier output to compare with).
 */
function subscriptionsIn(dir) {
  const stacksDir = join(dir, "stacks");
  if (!existsSync(stacksDir)) return undefined;
  const found = new Map();
  for (const stack of readdirSync(stacksDir)) {
    let json;
    try {
      json = JSON.parse(readFileSync(join(stacksDir, stack, "cdk.tf.json"), "utf8"));
    } catch {
      continue;
    }
    const topics = Object.keys(json.resource?.aws_sns_topic ?? {});
    if (topics.length === 0) continue;
    const subscriptions = Object.values(json.resource?.aws_sns_topic_subscription ?? {});
    const chatbot = Object.keys(json.resource?.aws_chatbot_slack_channel_configuration ?? {}).length;
    found.set(stack, { emails: subscriptions.filter((s) => s.protocol === "email").map((s) => s.endpoint), others: subscriptions.length + chatbot });
  }
  return found;
}

/** Email subscriptions new since the last synth here must be confirmed; a topic nobody hears is said too. */
function subscriptionNotices(before, after) {
  const lines = [];
  for (const [stack, now] of after ?? []) {
    const old = new Set(before?.get(stack)?.emails ?? []);
    const added = now.emails.filter((e) => !old.has(e));
    if (added.length > 0) {
      lines.push(
        `notice: ${stack}: ${added.length} new email subscription(s) to the alarm topic (${added.join(", ")}): after the deploy SNS mails each ` +
          "address a confirmation link; nothing reaches it until that link is opened (the link is valid for 3 days).",
      );
    }
    if (now.others === 0) lines.push(`notice: ${stack}: the alarm topic has no subscriptions, so its alarms reach nobody (set notifications.emails, webhooks or slack in environments.ts).`);
  }
  return lines;
}
