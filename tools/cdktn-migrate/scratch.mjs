// The lane's working copy: the repository's files copied outside the worktree (so the pnpm
// workspace and its lockfile never see it), the CDK Terrain packages from lane/package-lock.json
// installed once into a cache, and the copy's node_modules made of links into that cache.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";

export const HERE = import.meta.dirname;
export const ROOT = resolve(HERE, "..", "..");
export const LANE = join(HERE, "lane");
export const CACHE = process.env.BF_CDKTN_CACHE ?? join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "bun-fargate", "cdktn-lane");
/** The project's Bun, the binary itself: the pnpm shim would add the main workspace to NODE_PATH. */
export const BUN = realpathSync(join(ROOT, "stacks", "node_modules", "bun", "bin", "bun.exe"));
// The workspace packages whose dependencies a copy gets.
const PACKAGES = ["stacks", "packages/config", "packages/constructs"];
// Left out of the links from the main workspace: the lane supplies these (or nothing does).
const FROM_LANE = new Set(["cdktf", "cdktf-cli", "@cdktf", "cdktn", "cdktn-cli", "@cdktn", "constructs", "@bun-fargate", ".bin", ".modules.yaml", ".pnpm"]);

/** An environment for child processes with nothing that could reach the main workspace's modules. */
export function cleanEnv(extra = {}) {
  const env = { ...process.env, CHECKPOINT_DISABLE: "1", ...extra };
  delete env.NODE_PATH;
  return env;
}

/** The cache entry for the lane's lockfile on this platform. */
export function cacheDir() {
  const hash = createHash("sha256");
  for (const f of ["package.json", "package-lock.json"]) hash.update(readFileSync(join(LANE, f)));
  hash.update(`${process.platform}-${process.arch}`);
  return join(CACHE, hash.digest("hex").slice(0, 16));
}

// npm's codes for a registry it could not reach or that would not serve the packages.
const UNREACHABLE = /\b(?:ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|ERR_SOCKET_TIMEOUT|E4\d\d|E5\d\d|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)\b|network request to .* failed/;

/**
 * Installs lane/package-lock.json with `npm ci` into the cache, once per lockfile. Returns the
 * cache entry and whether it was installed now, or `{ skip }` with npm's reason when the registry
 * cannot be reached. Any other npm failure throws.
 */
export function installLane(env = process.env) {
  const dir = cacheDir();
  const done = join(dir, "node_modules", ".bf-lane-complete");
  if (existsSync(done)) return { dir, cold: false, seconds: 0 };
  // One quick request first: npm ci's retries take over a minute to give up on a dead registry.
  const lane = JSON.parse(readFileSync(join(LANE, "package.json"), "utf8"));
  const probe = spawnSync("npm", ["view", `cdktn@${lane.dependencies.cdktn}`, "version", "--fetch-retries=0", "--fetch-timeout=20000"], { cwd: LANE, encoding: "utf8", env });
  const probed = `${probe.stderr ?? ""}${probe.stdout ?? ""}${probe.error ? String(probe.error) : ""}`;
  if (probe.status !== 0 && (UNREACHABLE.test(probed) || probe.error)) return { skip: `the npm registry cannot serve cdktn: ${reasonOf(probed)}` };
  mkdirSync(CACHE, { recursive: true });
  const staging = `${dir}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging);
  for (const f of ["package.json", "package-lock.json"]) cpSync(join(LANE, f), join(staging, f));
  const started = Date.now();
  // --ignore-scripts: nothing in the lockfile needs an install script (the lane checks that).
  // --engine-strict=false: the bindings ask for Node 22 and run here under Bun.
  const r = spawnSync("npm", ["ci", "--ignore-scripts", "--engine-strict=false", "--no-audit", "--no-fund", "--loglevel=error"], {
    cwd: staging,
    encoding: "utf8",
    env: { ...env, npm_config_update_notifier: "false" },
  });
  const seconds = (Date.now() - started) / 1000;
  if (r.status !== 0) {
    rmSync(staging, { recursive: true, force: true });
    const out = `${r.stderr ?? ""}${r.stdout ?? ""}${r.error ? String(r.error) : ""}`;
    if (UNREACHABLE.test(out) || r.error?.code === "ENOENT") return { skip: `npm ci of tools/cdktn-migrate/lane failed: ${reasonOf(out)}` };
    throw new Error(`npm ci of tools/cdktn-migrate/lane failed (exit ${r.status}):\n${out.slice(-2000)}`);
  }
  writeFileSync(join(staging, "node_modules", ".bf-lane-complete"), new Date().toISOString());
  if (existsSync(done)) {
    rmSync(staging, { recursive: true, force: true }); // another run finished first
  } else {
    rmSync(dir, { recursive: true, force: true });
    renameSync(staging, dir);
  }
  return { dir, cold: true, seconds };
}

function reasonOf(out) {
  return (out.split("\n").filter((l) => /npm error|ERR!|code |network/i.test(l)).slice(0, 4).join(" / ") || out.slice(-400)).trim();
}

/** The repository's files (tracked and untracked, not ignored) as they are in the worktree. */
function repoFiles(root) {
  const r = spawnSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: root, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`git ls-files failed in ${root}: ${r.stderr}`);
  return r.stdout.split("\0").filter(Boolean);
}

/** A fresh copy of the repository under the system temp directory; the caller removes it. */
export function copyRepo(root = ROOT) {
  const dir = mkdtempSync(join(tmpdir(), "bf-cdktn-lane-"));
  for (const file of repoFiles(root)) {
    const from = join(root, file);
    if (!existsSync(from)) continue; // deleted in the worktree, not yet committed
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    cpSync(from, join(dir, file), { verbatimSymlinks: true });
  }
  return dir;
}

function link(target, path) {
  mkdirSync(dirname(path), { recursive: true });
  symlinkSync(target, path);
}

/**
 * Gives a (migrated) copy its modules: the lane's packages from the cache at the copy's root, the
 * copy's own workspace packages beside them, and per workspace package the main workspace's other
 * dependencies (types, yaml) so that the copy type-checks as the repository does.
 */
export function linkModules(copy, laneDir, root = ROOT) {
  const nm = join(copy, "node_modules");
  mkdirSync(nm, { recursive: true });
  const laneNm = join(laneDir, "node_modules");
  for (const name of readdirSync(laneNm)) {
    if (name.startsWith(".") && name !== ".bin") continue;
    link(join(laneNm, name), join(nm, name));
  }
  for (const pkg of ["config", "constructs", "tsconfig"]) link(join(copy, "packages", pkg), join(nm, "@bun-fargate", pkg));
  for (const pkg of PACKAGES) {
    const main = join(root, pkg, "node_modules");
    if (!existsSync(main)) continue;
    for (const name of readdirSync(main)) {
      if (FROM_LANE.has(name)) continue;
      const entries = name.startsWith("@") ? readdirSync(join(main, name)).map((n) => `${name}/${n}`) : [name];
      for (const e of entries) link(realpathSync(join(main, e)), join(copy, pkg, "node_modules", e));
    }
  }
  // What scripts/synth.mjs and cdktf.json call: the project's Bun, as the binary itself.
  const bin = join(copy, "stacks", "node_modules", ".bin", "bun");
  if (existsSync(bin) || isLink(bin)) rmSync(bin);
  link(BUN, bin);
}

function isLink(path) {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/** sha256 over every file of a tree (path and content), node_modules and synth output left out. */
export function treeHash(dir) {
  const hash = createHash("sha256");
  const walk = (d) => {
    for (const name of readdirSync(d).sort()) {
      if (name === "node_modules" || name === ".git" || name.startsWith("cdktf.out")) continue;
      const path = join(d, name);
      const st = lstatSync(path);
      if (st.isDirectory()) walk(path);
      else if (st.isFile()) hash.update(`${path.slice(dir.length)}\0`).update(readFileSync(path)).update("\0");
    }
  };
  walk(dir);
  return hash.digest("hex");
}
