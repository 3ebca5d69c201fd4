// Checks of the codemod that need no registry: a seeded property over generated sources, the
// manifest and catalog rewrites, and the CLI's refusals run as a real process. Run by lane.mjs.
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { RefusedError, rewriteCode, rewritePackageJson, rewriteWorkspace } from "./migrate.mjs";
import { random, SEED } from "./random.mjs";
import { HERE, ROOT, treeHash } from "./scratch.mjs";

const TARGETS = { cdktn: "0.24.0", "cdktn-cli": "0.24.0", "@cdktn/provider-aws": "25.7.0", constructs: "10.6.0", awsProvider: "6.66.0", node: ">=22.19" };
const RESOURCES = ["vpc", "ecs-service", "lb-listener-rule", "iam-role", "s3-bucket", "data-aws-iam-policy-document"];

// Fragments the codemod must rewrite (with how many module specifiers each holds) ...
const REWRITE = [
  (r, q) => [`import { App, TerraformStack } from ${q}cdktf${q};`, 1],
  (r, q) => [`import type { TerraformStack } from ${q}cdktf${q};`, 1],
  (r, q) => [`import { X } from ${q}@cdktf/provider-aws/lib/${r.pick(RESOURCES)}${q};`, 1],
  (r, q) => [`import {\n  Fn,\n  Token,\n} from ${q}cdktf${q};`, 1],
  (r, q) => [`export { Fn } from ${q}cdktf${q};`, 1],
  (r, q) => [`const core = require(${q}cdktf${q});`, 1],
  (r, q) => [`const m = await import(${q}@cdktf/provider-aws/lib/${r.pick(RESOURCES)}${q});`, 1],
  (r, q) => [`jest.mock(${q}cdktf${q}, () => ({}));`, 1],
  () => [`run("pnpm exec cdktf deploy dev-network --skip-synth");`, 0],
  () => [`repo.fake("pnpm", [{ match: "^exec cdktf diff" }]);`, 0],
  () => [`const bin = join(STACKS, "node_modules", ".bin", "cdktf");`, 0],
  () => [`expect(words).toEqual([["pnpm", "exec", "cdktf", "deploy", "dev-network"]]);`, 0],
  () => [`// then \`cdktf synth\` exits non-zero`, 0],
  () => [`// per-resource imports (@cdktf/provider-aws/lib/<resource>)`, 0],
];
// ... and ones it must leave byte for byte: cdktn reads the same names, and a tag is part of every resource.
const KEEP = [
  `tags: { ManagedBy: "cdktf" },`,
  `expect(level).toBe("@cdktf/warn");`,
  `const LEVELS = { "@cdktf/error": "error", "@cdktf/info": "info" };`,
  `const out = join(root, "cdktf.out");`,
  `const dir = process.env.CDKTF_OUTDIR ?? "cdktf.out";`,
  `const cdktf = join(STACKS, "x");`,
  `// cdktf records a full stack trace for every token it creates`,
  `await cdktfUserPath(tools);`,
  `const STACK = process.env.BF_E2E_CDKTF_STACK;`,
  `Symbol.for("@cdktf/core.TokenMap.STRING");`,
  `const name = "cdktf-cli";`,
  `readFileSync("cdktf.json");`,
];

function generate(r) {
  const lines = [];
  let specifiers = 0;
  const keep = new Map();
  for (let i = 0, n = 1 + r.int(25); i < n; i++) {
    if (r.next() < 0.55) {
      const [line, count] = r.pick(REWRITE)(r, r.pick(['"', "'"]));
      lines.push(line);
      specifiers += count;
    } else {
      const line = r.pick(KEEP);
      lines.push(line);
      keep.set(line, (keep.get(line) ?? 0) + 1);
    }
  }
  return { text: lines.join(r.pick(["\n", "\n\n", "\r\n"])) + "\n", specifiers, keep };
}

const occurrences = (text, s) => text.split(s).length - 1;

function propertyRewriteCode(check, runs = 300) {
  const r = random(SEED);
  for (let i = 0; i < runs; i++) {
    const c = generate(r);
    const { text, counts } = rewriteCode(c.text, TARGETS);
    const problems = [];
    if (counts.imports !== c.specifiers) problems.push(`rewrote ${counts.imports} module specifiers, expected ${c.specifiers}`);
    // Only the letters of the package name changed: turning them back gives the input.
    if (text.replaceAll("cdktn", "cdktf") !== c.text) problems.push("changed more than cdktf -> cdktn");
    for (const [line, n] of c.keep) if (occurrences(text, line) !== n) problems.push(`did not keep ${JSON.stringify(line)}`);
    const again = rewriteCode(text, TARGETS);
    if (again.text !== text) problems.push("not idempotent: a second run changed the output");
    if (problems.length) {
      return check(`codemod property: ${runs} generated sources rewritten exactly`, false, `case ${i} (BF_CDKTN_SEED=${SEED}): ${problems.join("; ")}\n--- input\n${c.text}--- output\n${text}`);
    }
  }
  return check(`codemod property: ${runs} generated sources rewritten exactly`, true, `seed ${SEED}; specifiers renamed, CLI runs renamed, tags, annotation names, cdktf.out and CDKTF_* kept; idempotent`);
}

function refuses(fn) {
  try {
    fn();
    return "";
  } catch (err) {
    return err instanceof RefusedError ? err.message : `threw ${err}`;
  }
}

function manifests(check) {
  const root = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
  const rootText = readFileSync(join(ROOT, "package.json"), "utf8");
  const out = rewritePackageJson(rootText, TARGETS);
  const parsed = JSON.parse(out.text);
  const keys = (o) => Object.keys(o ?? {}).join(",");
  check(
    "codemod: root package.json renames cdktf-cli, keeps catalog: and key order, raises engines.node",
    "cdktn-cli" in (parsed.devDependencies ?? {}) === "cdktf-cli" in (root.devDependencies ?? {}) &&
      !("cdktf-cli" in (parsed.devDependencies ?? {})) &&
      (parsed.devDependencies?.["cdktn-cli"] ?? "catalog:") === (root.devDependencies?.["cdktf-cli"] ?? "catalog:") &&
      keys(parsed.devDependencies) === keys(root.devDependencies).replace("cdktf-cli", "cdktn-cli") &&
      parsed.engines?.node === TARGETS.node &&
      rewritePackageJson(out.text, TARGETS).text === out.text,
    `devDependencies ${keys(parsed.devDependencies)}; engines.node ${root.engines?.node} -> ${parsed.engines?.node}`,
  );
  const explicit = rewritePackageJson(`{\n  "dependencies": {\n    "cdktf": "0.21.0",\n    "constructs": "10.4.5",\n    "zod": "4.0.0"\n  }\n}\n`, TARGETS);
  check(
    "codemod: an explicit version becomes the lane's, constructs is raised, layout kept",
    explicit.text === `{\n  "dependencies": {\n    "cdktn": "0.24.0",\n    "constructs": "10.6.0",\n    "zod": "4.0.0"\n  }\n}\n`,
    JSON.stringify(explicit.text),
  );
  const both = refuses(() => rewritePackageJson(`{ "dependencies": { "cdktf": "0.21.0", "cdktn": "0.24.0" } }`, TARGETS, "x/package.json"));
  check("codemod: refuses a package.json naming both cdktf and cdktn", /x\/package\.json: dependencies names both cdktf and cdktn/.test(both), both);
  const bad = refuses(() => rewritePackageJson(`{ "dependencies": `, TARGETS, "y/package.json"));
  check("codemod: refuses a package.json that is not JSON, naming the file", /^y\/package\.json: not valid JSON/.test(bad), bad);

  const ws = readFileSync(join(ROOT, "pnpm-workspace.yaml"), "utf8");
  const w = rewriteWorkspace(ws, TARGETS).text;
  const entry = (text, name) => (new RegExp(`^\\s+"?${name.replace("/", "\\/")}"?:\\s*(\\S+)`, "m").exec(text) ?? [])[1];
  check(
    "codemod: catalog entries renamed to the lane's versions; constructs raised; idempotent",
    entry(w, "cdktn") === TARGETS.cdktn &&
      entry(w, "cdktn-cli") === TARGETS["cdktn-cli"] &&
      entry(w, "@cdktn/provider-aws") === TARGETS["@cdktn/provider-aws"] &&
      entry(w, "constructs") === TARGETS.constructs &&
      entry(w, "cdktf") === undefined &&
      !w.includes("@cdktf/") &&
      rewriteWorkspace(w, TARGETS).text === w &&
      w.split("\n").length === ws.split("\n").length - (ws.includes("@cdktf/node-pty-prebuilt-multiarch") ? 1 : 0),
    `cdktn ${entry(w, "cdktn")}, cdktn-cli ${entry(w, "cdktn-cli")}, @cdktn/provider-aws ${entry(w, "@cdktn/provider-aws")}, constructs ${entry(w, "constructs")}`,
  );
  const kept = rewriteWorkspace("catalog:\n  constructs: 10.7.1\n  cdktf: 0.21.0\nonlyBuiltDependencies:\n  - bun\n", TARGETS).text;
  check("codemod: a constructs version cdktn accepts is left alone", kept === "catalog:\n  constructs: 10.7.1\n  cdktn: 0.24.0\nonlyBuiltDependencies:\n  - bun\n", JSON.stringify(kept));
}

/** A minimal tree the codemod recognises. */
function fixture(dir, extra = {}) {
  const files = {
    "package.json": `{\n  "name": "x",\n  "devDependencies": { "cdktf-cli": "catalog:" }\n}\n`,
    "pnpm-workspace.yaml": "packages:\n  - stacks\ncatalog:\n  cdktf: 0.21.0\n  cdktf-cli: 0.21.0\n  \"@cdktf/provider-aws\": 21.22.1\n",
    "cdktf.json": "{}\n",
    "stacks/src/main.ts": `import { App } from "cdktf";\nnew App().synth();\n`,
    ...extra,
  };
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(join(dir, f, ".."), { recursive: true });
    writeFileSync(join(dir, f), text);
  }
  return dir;
}

function cli(args, cwd) {
  return spawnSync(process.execPath, [join(HERE, "migrate.mjs"), ...args], { cwd, encoding: "utf8" });
}

function refusals(check, tmp) {
  const empty = join(tmp, "empty");
  mkdirSync(empty);
  let r = cli([], empty);
  check(
    "codemod CLI: refuses a directory that is not a repository root, writes nothing",
    r.status === 2 && /refused, nothing was written/.test(r.stderr) && /missing package\.json, pnpm-workspace\.yaml, cdktf\.json, stacks\/src\/main\.ts/.test(r.stderr) && readdirSync(empty).length === 0,
    `exit ${r.status}: ${r.stderr.trim().split("\n").at(-1)}`,
  );
  const other = fixture(join(tmp, "other"), { "pnpm-workspace.yaml": "packages:\n  - stacks\ncatalog:\n  typescript: 5.9.3\n" });
  const before = treeHash(other);
  r = cli(["--root", other], tmp);
  check(
    "codemod CLI: refuses a workspace whose catalog names neither cdktf nor cdktn",
    r.status === 2 && /catalog names neither cdktf nor cdktn/.test(r.stderr) && treeHash(other) === before,
    `exit ${r.status}: ${r.stderr.trim().split("\n").at(-1)}`,
  );
  const half = fixture(join(tmp, "half"), { "pnpm-workspace.yaml": "catalog:\n  cdktf: 0.21.0\n  cdktn: 0.24.0\n" });
  r = cli(["--root", half], tmp);
  check("codemod CLI: refuses a half-migrated catalog", r.status === 2 && /names both cdktf and cdktn/.test(r.stderr), `exit ${r.status}: ${r.stderr.trim().split("\n").at(-1)}`);
  const random = fixture(join(tmp, "random"), { "stacks/src/extra.ts": `import { App } from "cdktf";\nimport { Id } from "@cdktf/provider-random/lib/id";\n` });
  const randomBefore = treeHash(random);
  r = cli(["--root", random], tmp);
  check(
    "codemod CLI: refuses an import with no CDK Terrain counterpart here, naming file and line; nothing written",
    r.status === 2 && /stacks\/src\/extra\.ts:2: @cdktf\/provider-random/.test(r.stderr) && treeHash(random) === randomBefore,
    `exit ${r.status}: ${r.stderr.trim().split("\n").slice(-1)[0]}`,
  );
  r = cli(["--frobnicate"], tmp);
  check("codemod CLI: an unknown option is refused with the allowed ones", r.status === 2 && /unknown option --frobnicate; allowed: --root <dir>, --dry-run, --json/.test(r.stderr), r.stderr.trim());
  const dry = fixture(join(tmp, "dry"));
  const dryBefore = treeHash(dry);
  r = cli(["--root", dry, "--dry-run"], tmp);
  check(
    "codemod CLI: --dry-run reports the changes and writes nothing",
    r.status === 0 && /Would change 3 files/.test(r.stdout) && treeHash(dry) === dryBefore,
    r.stdout.split("\n")[0],
  );
}

export function migrateTests(check, tmp) {
  propertyRewriteCode(check);
  manifests(check);
  refusals(check, tmp);
}
