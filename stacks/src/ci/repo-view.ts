import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parse } from "yaml";
import type { RepoView } from "./workflow-checks";

/** The repository root, from this file's place in `stacks/src/ci`. */
export const REPO_ROOT = resolve(__dirname, "..", "..", "..");

function readJson(path: string): Record<string, unknown> | undefined {
  return existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>) : undefined;
}

/** Workspace package directories from pnpm-workspace.yaml (`dir` and `dir/*` patterns). */
export function workspaceDirs(root: string): string[] {
  const file = join(root, "pnpm-workspace.yaml");
  if (!existsSync(file)) return [];
  const patterns = ((parse(readFileSync(file, "utf8")) as { packages?: string[] })?.packages ?? []).filter((p) => !p.startsWith("!"));
  const dirs: string[] = [];
  for (const pattern of patterns) {
    const clean = pattern.replace(/\/$/, "");
    if (clean.endsWith("/*")) {
      const parent = clean.slice(0, -2);
      if (!existsSync(join(root, parent))) continue;
      for (const entry of readdirSync(join(root, parent), { withFileTypes: true })) {
        if (entry.isDirectory() && existsSync(join(root, parent, entry.name, "package.json"))) dirs.push(`${parent}/${entry.name}`);
      }
    } else if (existsSync(join(root, clean, "package.json"))) {
      dirs.push(clean);
    }
  }
  return dirs;
}

/** A RepoView over a checkout on disk. */
export function fsRepoView(root: string = REPO_ROOT): RepoView {
  const byName = new Map<string, string>();
  for (const dir of [".", ...workspaceDirs(root)]) {
    const name = readJson(join(root, dir, "package.json"))?.name;
    if (typeof name === "string") byName.set(name, dir);
  }
  return {
    exists: (path) => existsSync(join(root, path)),
    scripts: (dir) => {
      const pkg = readJson(join(root, dir, "package.json"));
      return pkg === undefined ? undefined : ((pkg.scripts ?? {}) as Record<string, string>);
    },
    packageDir: (name) => byName.get(name),
    read: (path) => {
      const file = join(root, path);
      try {
        return readFileSync(file, "utf8");
      } catch {
        return undefined;
      }
    },
  };
}
