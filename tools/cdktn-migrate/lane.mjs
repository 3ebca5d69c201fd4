#!/usr/bin/env node
// The CDK Terrain lane of `pnpm test`: proves the way from cdktf to cdktn on a copy of this
// repository. Copies the worktree under the system temp directory, runs the codemod on the copy
// (twice: the second run must change nothing), installs lane/package-lock.json (cdktn, cdktn-cli,
// @cdktn/provider-aws, constructs; cached per lockfile), synthesizes the same apps from the copy and
// from the repository with the project's Bun, and compares every stack: only the version metadata,
// required_providers.aws.source and the provider version may differ. Then type-checks the copy,
// runs its jest suite with snapshots updated (only the provider lines may change), runs
// `cdktn synth` (Node 22) and checks what the provider jump does to Terraform state with the e2e
// tools when they exist. Without a registry the registry-bound checks are skipped, never passed.
//
// Options (env): BF_CDKTN_REQUIRE=1  a registry that cannot be reached fails instead of skipping;
// BF_CDKTN_KEEP=1  keep the work directory; BF_CDKTN_CACHE  package cache; BF_CDKTN_SEED  property seed.
// Closes with "N passed, N failed, N skipped" (read by scripts/test-all.mjs).
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compareOutputs, expectedDifferences, passes, tallyFound } from "./compare.mjs";
import { compareTests } from "./compare.test.mjs";
import { migrateTests } from "./migrate.test.mjs";
import { cliChecks, jestChecks, stateChecks } from "./lane-extras.mjs";
import { BUN, cacheDir, cleanEnv, copyRepo, installLane, LANE, linkModules, ROOT, treeHash } from "./scratch.mjs";

const results = [];
let skipped = 0;
const started = Date.now();
const phases = [];
const WORK = mkdtempSync(join(tmpdir(), "bf-cdktn-work-"));
const temp = [WORK]; // removed on exit, however the lane ends, unless BF_CDKTN_KEEP=1
process.on("exit", () => {
  if (process.env.BF_CDKTN_KEEP !== "1") for (const d of temp) rmSync(d, { recursive: true, force: true });
});

function check(name, ok, detail = "") {
  results.push({ name, ok, detail });
  console.log(`${ok ? "  ok  " : "  FAIL"} ${name}${detail ? ` — ${detail}` : ""}`);
  return ok;
}

function skip(name, reason) {
  skipped++;
  console.log(`  skip ${name} — ${reason}`);
}

function phase(name, fn) {
  const t = Date.now();
  const r = fn();
  phases.push([name, (Date.now() - t) / 1000]);
  return r;
}

function finish() {
  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed;
  console.log(`\nlane time: ${((Date.now() - started) / 1000).toFixed(1)} s (${phases.map(([n, s]) => `${n} ${s.toFixed(1)} s`).join(", ")})`);
  if (failed) {
    console.log("\nfailures:");
    for (const r of results.filter((x) => !x.ok)) console.log(`  ${r.name}${r.detail ? ` — ${r.detail.split("\n")[0]}` : ""}`);
  }
  if (process.env.BF_CDKTN_KEEP === "1") console.log(`kept: ${temp.join(", ")}`);
  console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
  process.exit(failed ? 1 : 0);
}

function run(cmd, args, opts = {}) {
  const t = Date.now();
  const r = spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 64 << 20, ...opts, env: cleanEnv(opts.env) });
  return { ...r, seconds: (Date.now() - t) / 1000, out: `${r.stdout ?? ""}${r.stderr ?? ""}${r.error ?? ""}` };
}

const tail = (s, n = 15) => s.trim().split("\n").slice(-n).join("\n");
const version = (dir, name) => JSON.parse(readFileSync(join(dir, "node_modules", name, "package.json"), "utf8"));

// The apps compared: the shipped one as `pnpm synth` writes it, its other profiles, the one-time
// bootstrap app, and 100 services (web, worker and scheduled) to cover every construct.
const VARIANTS = [
  { id: "shipped", label: "pnpm synth (dev, staging, prod)", env: {} },
  { id: "s3", label: "BF_BACKEND=s3", env: { BF_BACKEND: "s3" } },
  { id: "emulator", label: "BF_PROFILE=emulator", env: { BF_PROFILE: "emulator", BF_AWS_ENDPOINT: "http://127.0.0.1:4566" } },
  { id: "bootstrap", label: "BF_BOOTSTRAP=1 (prod)", env: { BF_BOOTSTRAP: "1", BF_ENVIRONMENTS: "prod" } },
  { id: "scaled", label: "100 services in dev", script: "tools/cdktn-migrate/scaled-app.ts", env: { BF_BENCH_SERVICES: "100" } },
];

/** Synthesizes one variant from `root` (the repository or the copy) into `out`. */
function synth(root, variant, out, extraEnv = {}) {
  const env = { ...variant.env, ...extraEnv };
  if (variant.script) return run(BUN, [join(root, variant.script)], { cwd: root, env: { ...env, CDKTF_OUTDIR: out } });
  return run(process.execPath, [join(root, "scripts", "synth.mjs"), "--out", out], { cwd: root, env });
}

// A repository already moved to cdktn has no cdktf side to compare.
if (!/^\s+cdktf:/m.test(readFileSync(join(ROOT, "pnpm-workspace.yaml"), "utf8")) || !existsSync(join(ROOT, "stacks", "node_modules", "cdktf"))) {
  skip("CDK Terrain lane", "this repository is on CDK Terrain already (no cdktf in the catalog or in stacks/node_modules); the lane compares a cdktf tree with its migration");
  finish();
}

// ---- 1. the codemod and the comparison, offline ---------------------------------------------------
console.log("== codemod and comparison checks (no registry needed)");
phase("checks", () => migrateTests(check, WORK));

const cdktfVersion = version(join(ROOT, "stacks"), "cdktf").version;
const awsFrom = version(join(ROOT, "stacks"), "@cdktf/provider-aws").cdktf.provider.version;
const laneManifest = JSON.parse(readFileSync(join(LANE, "package.json"), "utf8"));
const expected = expectedDifferences({ cdktf: cdktfVersion, cdktn: laneManifest.dependencies.cdktn, awsFrom, awsTo: laneManifest.cdktnMigrate.awsProvider });

console.log(`\n== cdktf synth from the repository (cdktf ${cdktfVersion}, AWS provider ${awsFrom})`);
const cdktfOut = {};
phase("cdktf synth", () => {
  for (const v of VARIANTS) {
    const out = join(WORK, `cdktf-${v.id}`);
    const r = synth(ROOT, v, out);
    if (check(`cdktf synth: ${v.label}`, r.status === 0, r.status === 0 ? `${readdirSync(join(out, "stacks")).length} stacks in ${r.seconds.toFixed(1)} s` : tail(r.out))) cdktfOut[v.id] = out;
  }
});
if (cdktfOut.shipped) {
  const dir = join(cdktfOut.shipped, "stacks");
  const texts = Object.fromEntries(readdirSync(dir).map((s) => [s, readFileSync(join(dir, s, "cdk.tf.json"), "utf8")]));
  phase("compare checks", () => compareTests(check, texts, expected));
}

// ---- 2. the codemod on a copy of the repository ---------------------------------------------------
console.log("\n== codemod on a copy of the repository");
const copy = phase("copy", () => copyRepo());
temp.push(copy);
const migrate = join(copy, "tools", "cdktn-migrate", "migrate.mjs");
const first = run(process.execPath, [migrate, "--json"], { cwd: copy });
let report;
try {
  report = JSON.parse(first.stdout);
} catch {
  report = undefined;
}
const t = report?.totals;
check(
  "codemod: rewrites the copy",
  first.status === 0 && t?.imports > 0 && t.dependencies > 0 && t.catalog > 0 && t.cli > 0,
  t ? `${report.files.length} files: ${t.imports} imports on ${t.importLines} lines, ${t.dependencies} package.json dependencies, ${t.catalog} catalog entries, ${t.engines} engines, ${t.cli} CLI runs, ${t.pins} provider pins, ${t.mentions} other mentions` : tail(first.out),
);
const hash = treeHash(copy);
const second = run(process.execPath, [migrate], { cwd: copy });
check("codemod: a second run changes nothing", second.status === 0 && /^Nothing to change/.test(second.stdout) && treeHash(copy) === hash, tail(second.out, 3));
const catalog = readFileSync(join(copy, "pnpm-workspace.yaml"), "utf8");
const deps = laneManifest.dependencies;
const catalogOk = ["cdktn", "cdktn-cli", "@cdktn/provider-aws", "constructs"].every((n) => new RegExp(`^\\s+"?${n.replace("/", "\\/")}"?: ${deps[n].replaceAll(".", "\\.")}$`, "m").test(catalog)) && !/cdktf/.test(catalog);
check("codemod: the copy's catalog pins the lane's versions and names no cdktf package", catalogOk, ["cdktn", "cdktn-cli", "@cdktn/provider-aws", "constructs"].map((n) => `${n} ${deps[n]}`).join(", "));

// ---- 3. the lane's packages -----------------------------------------------------------------------
console.log(`\n== CDK Terrain packages (tools/cdktn-migrate/lane, cache ${cacheDir()})`);
let lane;
try {
  lane = phase("install", () => installLane());
} catch (err) {
  check("npm ci of the lane's lockfile", false, String(err.message ?? err));
  finish();
}
if (lane.skip) {
  if (process.env.BF_CDKTN_REQUIRE === "1") check("npm ci of the lane's lockfile", false, lane.skip);
  else skip("CDK Terrain synth, comparison, typecheck, CLI and state checks", `${lane.skip}; set BF_CDKTN_REQUIRE=1 to fail instead`);
  finish();
}
console.log(`  ${lane.cold ? `installed in ${lane.seconds.toFixed(1)} s` : "from the cache"}`);
const installed = Object.fromEntries(["cdktn", "cdktn-cli", "@cdktn/provider-aws", "constructs"].map((n) => [n, version(lane.dir, n).version]));
const awsTo = version(lane.dir, "@cdktn/provider-aws").cdktf?.provider?.version;
check(
  "installed: the lane's exact versions; the binding is generated from the AWS provider the codemod pins",
  Object.entries(installed).every(([n, v]) => v === deps[n]) && awsTo === laneManifest.cdktnMigrate.awsProvider,
  `${Object.entries(installed).map(([n, v]) => `${n} ${v}`).join(", ")}; @cdktn/provider-aws is AWS provider ${awsTo}`,
);
const lock = JSON.parse(readFileSync(join(LANE, "package-lock.json"), "utf8"));
const scripted = Object.entries(lock.packages).filter(([, p]) => p.hasInstallScript).map(([k]) => k);
check("the lockfile has no package with an install script (so --ignore-scripts skips nothing)", scripted.length === 0, scripted.join(", ") || `${Object.keys(lock.packages).length - 1} packages`);
linkModules(copy, lane.dir);
const probe = `for (const m of ["cdktf", "@cdktf/provider-aws/lib/vpc", "cdktn", "@cdktn/provider-aws/lib/vpc"]) { let p; try { p = require.resolve(m); } catch { p = "-"; } console.log(m + " " + p); }`;
const where = run(BUN, ["-e", probe], { cwd: join(copy, "stacks", "src") });
const resolved = Object.fromEntries(where.stdout.trim().split("\n").map((l) => l.split(" ")));
check(
  "the copy resolves cdktn from the lane and cannot reach cdktf at all",
  resolved.cdktf === "-" && resolved["@cdktf/provider-aws/lib/vpc"] === "-" && resolved.cdktn?.startsWith(lane.dir) && resolved["@cdktn/provider-aws/lib/vpc"]?.startsWith(lane.dir),
  `cdktn -> ${resolved.cdktn}`,
);

// ---- 4. synth from the copy and compare -----------------------------------------------------------
console.log(`\n== cdktn synth from the copy (cdktn ${installed.cdktn}, AWS provider ${awsTo}) and comparison`);
const cdktnOut = {};
const summary = [];
phase("cdktn synth + compare", () => {
  for (const v of VARIANTS) {
    const out = join(WORK, `cdktn-${v.id}`);
    const r = synth(copy, v, out);
    if (!check(`cdktn synth: ${v.label}`, r.status === 0, r.status === 0 ? `${readdirSync(join(out, "stacks")).length} stacks in ${r.seconds.toFixed(1)} s` : tail(r.out))) continue;
    cdktnOut[v.id] = out;
    if (!cdktfOut[v.id]) continue;
    const c = compareOutputs(cdktfOut[v.id], out, expected);
    const bad = c.stacks.filter((s) => !passes(s, expected));
    const layoutOnly = c.stacks.filter((s) => s.layout === "empty-arrays").map((s) => s.stack);
    const counts = tallyFound(c.stacks, expected);
    summary.push({ variant: v.label, stacks: c.stacks.length, counts, bad: bad.length, layout: layoutOnly.length });
    const detail = bad.length || c.onlyCdktf.length || c.onlyCdktn.length || c.manifestDiffs.length
      ? [
          c.onlyCdktf.length ? `only in cdktf: ${c.onlyCdktf.join(", ")}` : "",
          c.onlyCdktn.length ? `only in cdktn: ${c.onlyCdktn.join(", ")}` : "",
          ...bad.slice(0, 5).map((s) => `${s.stack}: ${s.unexpected.slice(0, 5).map((u) => `${u.path} ${JSON.stringify(u.cdktf)} -> ${JSON.stringify(u.cdktn)}`).join("; ") || (!s.orderMatch ? "same values, keys in another order" : s.layout === "other" ? "same JSON, other whitespace" : `found only ${s.found.join(", ")}`)}`),
          ...c.manifestDiffs.slice(0, 5).map((d) => `manifest.json ${d.path}: ${JSON.stringify(d.cdktf)} -> ${JSON.stringify(d.cdktn)}`),
        ].filter(Boolean).join("\n      ")
      : `${c.stacks.length} stacks equal apart from ${expected.map((e) => `${e.name} ${JSON.stringify(e.from)} -> ${JSON.stringify(e.to)} (${counts[e.name]})`).join(", ")}; ` +
        `${c.stacks.length - layoutOnly.length} of them byte for byte${layoutOnly.length ? `, ${layoutOnly.length} with empty arrays laid out "[\\n ]" by cdktf and "[]" by cdktn (${layoutOnly.slice(0, 3).join(", ")}${layoutOnly.length > 3 ? ", ..." : ""})` : ""}; manifest.json equal as JSON apart from version`;
    check(`compare: ${v.label}`, bad.length === 0 && !c.onlyCdktf.length && !c.onlyCdktn.length && !c.manifestDiffs.length && c.stacks.length > 0, detail);
  }
  const flagged = join(WORK, "cdktn-scaled-nocreationstack");
  const r = synth(copy, VARIANTS.at(-1), flagged, { CDKTN_DISABLE_CREATION_STACK: "1" });
  const same = r.status === 0 && cdktnOut.scaled && treeHash(flagged) === treeHash(cdktnOut.scaled);
  check("CDKTN_DISABLE_CREATION_STACK=1 writes the same files (100 services)", same, r.status === 0 ? `${r.seconds.toFixed(1)} s; figures: node tools/cdktn-migrate/bench.mjs` : tail(r.out));
});

// ---- 5. the copy type-checks against cdktn's types ------------------------------------------------
console.log("\n== typecheck of the copy");
phase("typecheck", () => {
  // One program over the three packages (sources and tests) and the scaled app, with the packages'
  // compiler options.
  const dirs = ["stacks/src", "packages/config/src", "packages/constructs/src", "tools/cdktn-migrate/scaled-app.ts"];
  const config = join(copy, "tsconfig.cdktn-lane.json");
  writeFileSync(config, JSON.stringify({ extends: "./packages/tsconfig/base.json", compilerOptions: { types: ["node", "jest"], typeRoots: ["./stacks/node_modules/@types"] }, include: dirs }));
  const r = run(process.execPath, [join(copy, "stacks", "node_modules", "typescript", "bin", "tsc"), "-p", config], { cwd: copy });
  check(`tsc over ${dirs.join(", ")} of the migrated copy`, r.status === 0, r.status === 0 ? `${r.seconds.toFixed(1)} s` : tail(r.out, 20));
});

// ---- 6. jest, 7. the CLI and 8. state ------------------------------------------------------------
const ctx = { check, skip, run, tail, copy, work: WORK, laneDir: lane.dir, expected, cdktnShipped: cdktnOut.shipped, cdktfShipped: cdktfOut.shipped, awsFrom, awsTo };
phase("jest", () => jestChecks(ctx));
phase("cdktn CLI", () => cliChecks(ctx));
phase("state", () => stateChecks(ctx));

console.log("\n== summary: differences cdktf -> cdktn per app");
for (const s of summary) console.log(`  ${s.variant}: ${s.stacks} stacks, ${expected.map((e) => `${e.name} ${s.counts[e.name]}`).join(", ")}, empty-array layout ${s.layout}, other differences in ${s.bad} stacks`);
finish();
