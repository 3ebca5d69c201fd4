/**
 * A construct's path (`node.path`) is computed afresh on every read: the chain of scopes up to the
 * root collected into an array, then joined. cdktf reads it for every construct of a stack while it
 * runs aspects, for every reference it resolves, and for every logical ID: at 100 services about
 * 5 % of synth (`bun --cpu-prof`). A construct's scope and ID are fixed when it is made, so its path
 * never changes; `cacheConstructPaths` keeps each one after its first read. `construct-paths.test.ts`
 * compares every construct's cached path with a fresh one.
 */
import { Node } from "constructs";

const computed = Object.getOwnPropertyDescriptor(Node.prototype, "path")!;
const paths = new WeakMap<Node, string>();

function cachedPath(this: Node): string {
  let path = paths.get(this);
  if (path === undefined) {
    path = computed.get!.call(this) as string;
    paths.set(this, path);
  }
  return path;
}

/** Computes each construct's path once for the rest of the process, unless `BF_DEBUG=1`. Returns whether it does. */
export function cacheConstructPaths(env: Readonly<Record<string, string | undefined>> = process.env): boolean {
  if (env.BF_DEBUG === "1") return false;
  Object.defineProperty(Node.prototype, "path", { ...computed, get: cachedPath });
  return true;
}

/** The path as constructs computes it, whatever is installed (tests). */
export function freshPath(node: Node): string {
  return computed.get!.call(node) as string;
}

/** Puts constructs' own getter back (tests). */
export function restoreConstructPaths(): void {
  Object.defineProperty(Node.prototype, "path", computed);
}
