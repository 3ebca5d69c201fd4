#!/usr/bin/env node
// Moves a bun-fargate tree from CDK for Terraform (cdktf) to CDK Terrain (cdktn), the code part:
// imports, manifests, the workspace catalog, the CLI in scripts and the e2e provider pin. Target
// versions come from lane/package.json beside this file, the set the CDK Terrain lane of
// `pnpm test` synthesizes and compares. Safe to run twice (a migrated tree has nothing to change);
// refuses a tree it does not recognise and writes nothing then.
//
// Usage: node tools/cdktn-migrate/migrate.mjs [--root <dir>] [--dry-run] [--json]
//   --root     the repository root (default: the current directory)
//   --dry-run  report what would change, write nothing
//   --json     print the report as JSON (for the lane)
// Exit: 0 done (or nothing to do), 2 refused (nothing written).
import { existsSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { pathToFileURL } from "node:url";

const HERE = import.meta.dirname;

/** Thrown for a tree the codemod does not know how to migrate; nothing has been written. */
export class RefusedError extends Error {}

/** The versions to move to, from the lane's pinned manifest. */
export function loadTargets(manifest = join(HERE, "lane", "package.json")) {
  const m = JSON.parse(readFileSync(manifest, "utf8"));
  const deps = m.dependencies ?? {};
  const targets = {
    cdktn: deps.cdktn,
    "cdktn-cli": deps["cdktn-cli"],
    "@cdktn/provider-aws": deps["@cdktn/provider-aws"],
    constructs: deps.constructs,
    awsProvider: m.cdktnMigrate?.awsProvider,
    node: m.cdktnMigrate?.node,
  };
  for (const [k, v] of Object.entries(targets)) {
    if (typeof v !== "string" || v === "") throw new Error(`${manifest}: no version for ${k} (got ${JSON.stringify(v)})`);
  }
  return targets;
}

// Old package name -> new one. Only these @cdktf packages have a CDK Terrain counterpart here.
const RENAMES = { cdktf: "cdktn", "cdktf-cli": "cdktn-cli", "@cdktf/provider-aws": "@cdktn/provider-aws" };
const DEP_SECTIONS = ["dependencies", "devDependencies", "peerDependencies", "optionalDependencies"];
// constructs versions cdktn 0.24 and @cdktn/provider-aws 25 accept (their peerDependencies).
const CONSTRUCTS_OK = (v) => /^10\.[67]\.\d+$/.test(v);

const CODE = /\.(?:[cm]?[jt]sx?)$/;
const SHELL = /\.(?:sh|bash)$/;
const SKIP_DIRS = new Set(["node_modules", ".git", "cdktf.out", ".e2e", ".venv", ".gen", ".terraform", "coverage", "dist", "__pycache__", "__snapshots__"]);
// Where a module is named: import/export ... from, import(), require(), declare module, jest.mock().
const SPECIFIER = /(\b(?:from|import|require|module)\s*\(?\s*|\bjest\.(?:mock|doMock|unmock|requireActual|requireMock)\s*\(\s*)(["'`])(@cdktf\/[\w.-]+|cdktf)((?:\/[^"'`\s]*)?)\2/g;
// A cdktf CLI run: `pnpm exec cdktf`, `npx cdktf`, `cdktf <subcommand>`, node_modules/.bin/cdktf,
// ["exec", "cdktf"].
const CLI = [
  /(\b(?:exec|dlx|npx(?:[ \t]+--yes)?)[ \t]+)cdktf(?=[\s"'`)\]]|$)/gm,
  /()\bcdktf(?=[ \t]+(?:deploy|diff|destroy|synth|get|output|list|plan|watch|init|convert|provider|debug|login)\b)/g,
  /(\.bin[/\\])cdktf(?![\w.-])/g,
  /(["']\.bin["']\s*,\s*["'])cdktf(?=["'])/g,
  // The same run as a list of words, as tests of command lines spell it.
  /(["']exec["']\s*,\s*["'])cdktf(?=["'])/g,
];

/** Counts of what one rewrite changed, by kind. */
function tally() {
  return { imports: 0, importLines: 0, cli: 0, mentions: 0, dependencies: 0, catalog: 0, engines: 0, pins: 0 };
}

/**
 * Rewrites one TypeScript/JavaScript source: cdktf and @cdktf/provider-aws module specifiers, the
 * cdktf CLI where the code runs it, and other mentions of @cdktf/provider-aws (lint rules, comments).
 * Everything else is left byte for byte: `cdktf.out`, `CDKTF_*`, annotation names (`@cdktf/warn`)
 * and tag values keep working under cdktn, and changing a tag would change every resource.
 */
export function rewriteCode(text, targets, file = "<source>") {
  const counts = tally();
  const unknown = [];
  const lines = new Set();
  let out = text.replace(SPECIFIER, (whole, lead, q, pkg, rest, offset) => {
    if (pkg !== "cdktf" && !RENAMES[pkg]) {
      unknown.push(`${file}:${lineOf(text, offset)}: ${pkg}`);
      return whole;
    }
    counts.imports++;
    lines.add(lineOf(text, offset));
    return `${lead}${q}${RENAMES[pkg]}${rest}${q}`;
  });
  if (unknown.length) {
    throw new RefusedError(`imports of packages without a CDK Terrain counterpart here (only cdktf, cdktf-cli and @cdktf/provider-aws are handled):\n  ${unknown.join("\n  ")}`);
  }
  counts.importLines = lines.size;
  out = rewriteCli(out, counts);
  out = out.replace(/@cdktf\/provider-aws(\s+)\d+\.\d+\.\d+/g, (_, s) => {
    counts.mentions++;
    return `@cdktn/provider-aws${s}${targets["@cdktn/provider-aws"]}`;
  });
  out = out.replace(/@cdktf\/provider-aws\b/g, () => {
    counts.mentions++;
    return "@cdktn/provider-aws";
  });
  return { text: out, counts };
}

function rewriteCli(text, counts) {
  let out = text;
  for (const re of CLI) {
    out = out.replace(re, (_, lead) => {
      counts.cli++;
      return `${lead}cdktn`;
    });
  }
  return out;
}

/** Rewrites a shell script or workflow: the CLI runs only. */
export function rewriteShell(text) {
  const counts = tally();
  return { text: rewriteCli(text, counts), counts };
}

/** The e2e tool versions: the AWS provider release the stacks now pin. */
export function rewriteToolsEnv(text, targets) {
  const counts = tally();
  let out = text.replace(/^(AWS_PROVIDER_PIN=)(\S+)$/m, (whole, lead, v) => {
    if (v === targets.awsProvider) return whole;
    counts.pins++;
    return `${lead}${targets.awsProvider}`;
  });
  out = out.replace(/@cdktf\/provider-aws(\s+)\d+\.\d+\.\d+/g, (_, s) => {
    counts.mentions++;
    return `@cdktn/provider-aws${s}${targets["@cdktn/provider-aws"]}`;
  });
  return { text: out, counts };
}

/**
 * Renames the dependencies of one package.json (a `catalog:` or `workspace:` value is kept, an
 * explicit version becomes the target) and raises engines.node to what cdktn-cli needs. Edits the
 * text in place so the file's layout survives, then checks the result parses to what was meant.
 */
export function rewritePackageJson(text, targets, file = "package.json") {
  const counts = tally();
  let pkg;
  try {
    pkg = JSON.parse(text);
  } catch (err) {
    throw new RefusedError(`${file}: not valid JSON (${err.message})`);
  }
  const expected = structuredClone(pkg);
  let out = text;
  for (const section of DEP_SECTIONS) {
    const deps = pkg[section];
    if (!deps || typeof deps !== "object") continue;
    for (const [from, to] of Object.entries(RENAMES)) {
      if (!(from in deps)) continue;
      if (to in deps) throw new RefusedError(`${file}: ${section} names both ${from} and ${to}; remove one first`);
      const value = keepValue(deps[from]) ? deps[from] : targets[to];
      expected[section] = renameKey(expected[section], from, to, value);
      out = replaceEntry(out, section, from, to, value, file);
      counts.dependencies++;
    }
    if (typeof deps.constructs === "string" && !keepValue(deps.constructs) && !CONSTRUCTS_OK(deps.constructs)) {
      expected[section].constructs = targets.constructs;
      out = replaceEntry(out, section, "constructs", "constructs", targets.constructs, file);
      counts.dependencies++;
    }
  }
  const node = pkg.engines?.node;
  if (typeof node === "string" && belowNode(node, targets.node)) {
    expected.engines.node = targets.node;
    out = replaceEntry(out, "engines", "node", "node", targets.node, file);
    counts.engines++;
  }
  if (JSON.stringify(JSON.parse(out)) !== JSON.stringify(expected)) {
    throw new RefusedError(`${file}: its layout is not one this codemod can edit in place; rename the cdktf entries by hand`);
  }
  return { text: out, counts };
}

const keepValue = (v) => typeof v === "string" && /^(?:catalog|workspace):/.test(v);

function renameKey(obj, from, to, value) {
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => (k === from ? [to, value] : [k, v])));
}

/** Replaces `"from": "..."` inside the object that follows `"section":` (first match). */
function replaceEntry(text, section, from, to, value, file) {
  const start = text.indexOf(`"${section}"`);
  const end = start < 0 ? -1 : text.indexOf("}", start);
  if (end < 0) throw new RefusedError(`${file}: cannot find the ${section} object`);
  const body = text.slice(start, end);
  const re = new RegExp(`"${escape(from)}"(\\s*:\\s*)"[^"]*"`);
  if (!re.test(body)) throw new RefusedError(`${file}: cannot find "${from}" in ${section}`);
  return text.slice(0, start) + body.replace(re, (_, sepr) => `"${to}"${sepr}${JSON.stringify(value)}`) + text.slice(end);
}

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

/** True when a `>=X.Y[.Z]` range starts below the target's `>=X.Y`. Other forms are left alone. */
function belowNode(range, target) {
  const v = (s) => (/^>=\s*(\d+)(?:\.(\d+))?/.exec(s) ?? []).slice(1).map((n) => Number(n ?? 0));
  const [a, b] = [v(range), v(target)];
  if (a.length !== 2 || b.length !== 2) return false;
  return a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
}

/**
 * The workspace catalog: cdktf entries renamed and set to the target versions, constructs raised
 * into the range cdktn accepts, and cdktf-cli's node-pty dropped from ignoredBuiltDependencies
 * (cdktn-cli has no install scripts).
 */
export function rewriteWorkspace(text, targets, file = "pnpm-workspace.yaml") {
  const counts = tally();
  const lines = text.split("\n");
  let block = "";
  const out = [];
  for (const line of lines) {
    const top = /^([A-Za-z][\w-]*):/.exec(line);
    if (top) block = top[1];
    const entry = /^(\s+)(["']?)([@\w./-]+)\2:(\s*)(["']?)([^\s"'#]+)\5(\s*#.*)?$/.exec(line);
    if (block === "catalog" && entry) {
      const [, indent, q, name, gap, , version, comment = ""] = entry;
      const to = RENAMES[name];
      if (to) {
        const key = to.startsWith("@") ? `"${to}"` : q ? `${q}${to}${q}` : to;
        out.push(`${indent}${key}:${gap}${targets[to]}${comment}`);
        counts.catalog++;
        continue;
      }
      if (name === "constructs" && !CONSTRUCTS_OK(version)) {
        out.push(`${indent}${q}${name}${q}:${gap}${targets.constructs}${comment}`);
        counts.catalog++;
        continue;
      }
    }
    // An emptied list would read as null, which pnpm rejects: drop the entry only beside others.
    if (block === "ignoredBuiltDependencies" && NODE_PTY.test(line) && itemsOf(lines, "ignoredBuiltDependencies") > 1) {
      counts.catalog++;
      continue;
    }
    out.push(line);
  }
  return { text: out.join("\n"), counts, file };
}

const NODE_PTY = /^\s+-\s+["']?@cdktf\/node-pty-prebuilt-multiarch["']?\s*$/;

function itemsOf(lines, key) {
  const start = lines.findIndex((l) => l.startsWith(`${key}:`));
  if (start < 0) return 0;
  let n = 0;
  for (const l of lines.slice(start + 1)) {
    if (/^\S/.test(l)) break;
    if (/^\s+-\s+\S/.test(l)) n++;
  }
  return n;
}

/** Why `root` is not a tree this codemod knows, or undefined when it is one. */
export function recognise(root) {
  const need = ["package.json", "pnpm-workspace.yaml", "cdktf.json", join("stacks", "src", "main.ts")];
  const missing = need.filter((p) => !existsSync(join(root, p)));
  if (missing.length) {
    return `${root} is not a bun-fargate repository root: missing ${missing.join(", ")}. Run this from the repository root or pass --root <dir>.`;
  }
  const ws = readFileSync(join(root, "pnpm-workspace.yaml"), "utf8");
  const catalog = (/^catalog:\n((?:[ \t]+.*\n?|\n)*)/m.exec(ws) ?? [])[1] ?? "";
  const has = (name) => new RegExp(`^\\s+["']?${escape(name)}["']?:`, "m").test(catalog);
  const old = ["cdktf", "@cdktf/provider-aws"].filter(has);
  const neu = ["cdktn", "@cdktn/provider-aws"].filter(has);
  if (old.length && neu.length) {
    return `${join(root, "pnpm-workspace.yaml")}: the catalog names both ${old.join(", ")} and ${neu.join(", ")}; a half-migrated catalog needs fixing by hand.`;
  }
  if (old.length === 0 && neu.length === 0) {
    return `${join(root, "pnpm-workspace.yaml")}: the catalog names neither cdktf nor cdktn (nor their AWS providers); this codemod only knows bun-fargate's layout.`;
  }
  return undefined;
}

/** Files the codemod reads, relative to root: every source, manifest and script outside build output. */
function walk(root, skip) {
  const files = [];
  const visit = (dir) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const st = statSync(path);
      if (st.isDirectory()) {
        if (!SKIP_DIRS.has(name) && !name.startsWith("cdktf.out") && path !== skip) visit(path);
      } else if (st.isFile()) {
        files.push(relative(root, path));
      }
    }
  };
  visit(root);
  return files;
}

/**
 * Works out every change without writing anything. Returns the files to write and a report; throws
 * RefusedError for a tree it does not recognise or cannot edit.
 */
export function plan(root, targets = loadTargets()) {
  const why = recognise(root);
  if (why) throw new RefusedError(why);
  // This tool's folder (tools/cdktn-migrate in any copy of the repository) mentions cdktf on purpose.
  const skip = join(resolve(root), relative(resolve(HERE, "..", ".."), HERE));
  const changes = [];
  for (const file of walk(root, skip)) {
    const name = file.split(sep).at(-1);
    let rewrite;
    if (name === "package.json") rewrite = rewritePackageJson;
    else if (file === "pnpm-workspace.yaml") rewrite = rewriteWorkspace;
    else if (file === join("stacks", "e2e", "tools.env")) rewrite = rewriteToolsEnv;
    else if (CODE.test(name)) rewrite = rewriteCode;
    else if (SHELL.test(name) || (file.startsWith(`.github${sep}`) && /\.ya?ml$/.test(name))) rewrite = rewriteShell;
    else continue;
    const before = readFileSync(join(root, file), "utf8");
    const { text, counts } = rewrite(before, targets, file);
    if (text !== before) changes.push({ file, text, counts });
  }
  const totals = tally();
  for (const c of changes) for (const k of Object.keys(totals)) totals[k] += c.counts[k];
  return { root, targets, changes, totals };
}

/** Writes each changed file through a temporary file and a rename, so none is left half-written. */
export function apply(result) {
  for (const c of result.changes) {
    const path = join(result.root, c.file);
    const tmp = `${path}.cdktn-migrate-${process.pid}`;
    writeFileSync(tmp, c.text);
    renameSync(tmp, path);
  }
}

/** What is left for the user, after the code part. */
export function nextSteps(targets) {
  return [
    `use Node.js ${targets.node.replace(">=", "")} or later: cdktn-cli requires it, and .npmrc's engine-strict=true makes pnpm refuse older ones`,
    "pnpm install (writes pnpm-lock.yaml for the new packages)",
    "stacks/node_modules/.bin/jest --ci=false -u, then review the snapshot changes: required_providers.aws source aws -> hashicorp/aws and version, empty objects written as {}",
    `pnpm e2e:setup again before pnpm e2e: the stacks now require AWS provider ${targets.awsProvider}`,
    "a stack directory that keeps an old .terraform.lock.hcl needs terraform init -upgrade (cdktn deploy and diff add -upgrade themselves when the lock does not fit)",
    "docs and READMEs that mention the cdktf CLI are not rewritten",
  ];
}

function format(result, dryRun) {
  const t = result.totals;
  const out = [];
  if (result.changes.length === 0) {
    out.push(`Nothing to change in ${result.root}: it is already on CDK Terrain (cdktn ${result.targets.cdktn}).`);
    return out.join("\n");
  }
  out.push(`${dryRun ? "Would change" : "Changed"} ${result.changes.length} files in ${result.root}:`);
  for (const c of result.changes) {
    const parts = Object.entries(c.counts)
      .filter(([k, v]) => v > 0 && k !== "importLines")
      .map(([k, v]) => `${v} ${k}`);
    out.push(`  ${c.file}: ${parts.join(", ")}`);
  }
  out.push(
    `${t.imports} imports on ${t.importLines} lines, ${t.dependencies} package.json dependencies, ${t.catalog} catalog entries, ` +
      `${t.engines} engines, ${t.cli} CLI runs, ${t.pins} provider pins, ${t.mentions} other mentions of @cdktf/provider-aws.`,
  );
  out.push("Left for you:", ...nextSteps(result.targets).map((s) => `  - ${s}`));
  return out.join("\n");
}

function main(argv) {
  const arg = (name) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const known = new Set(["--root", "--dry-run", "--json"]);
  const bad = argv.filter((a, i) => a.startsWith("-") && !known.has(a) && argv[i - 1] !== "--root");
  if (bad.length) {
    console.error(`cdktn-migrate: unknown option ${bad.join(", ")}; allowed: --root <dir>, --dry-run, --json`);
    return 2;
  }
  const rootArg = arg("--root");
  if (argv.includes("--root") && !rootArg) {
    console.error("cdktn-migrate: --root needs a directory");
    return 2;
  }
  const root = resolve(rootArg ?? process.cwd());
  const dryRun = argv.includes("--dry-run");
  let result;
  try {
    result = plan(root);
  } catch (err) {
    if (!(err instanceof RefusedError)) throw err;
    console.error(`cdktn-migrate: refused, nothing was written.\n${err.message}`);
    return 2;
  }
  if (!dryRun) apply(result);
  if (argv.includes("--json")) {
    const { root: r, targets, totals } = result;
    console.log(JSON.stringify({ root: r, dryRun, targets, totals, files: result.changes.map((c) => ({ file: c.file, ...c.counts })) }));
  } else {
    console.log(format(result, dryRun));
  }
  return 0;
}

function lineOf(text, offset) {
  let n = 1;
  for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 10) n++;
  return n;
}

if (process.argv[1] && pathToFileURL(isAbsolute(process.argv[1]) ? process.argv[1] : resolve(process.argv[1])).href === import.meta.url) {
  process.exitCode = main(process.argv.slice(2));
}
