/**
 * Two reads of the construct tree that cdktf repeats at every stack, made cheaper.
 *
 * A construct's path (`node.path`) is computed afresh on every read: the chain of scopes up to the
 * root collected into an array, then joined. cdktf reads it for every construct of a stack while it
 * runs aspects, for every reference it resolves, and for every logical ID: at 100 services about
 * 5 % of synth (`bun --cpu-prof`). A construct's scope and ID are fixed when it is made, so its path
 * never changes; `cacheConstructPaths` keeps each one after its first read.
 *
 * A stack's `findAll` (its backend for every cross-stack reference read from it, its providers)
 * walks the stack with an async function, so every construct visited allocates a promise that
 * nothing awaits: about 5 % of synth at 100 services. `syncStackFindAll` walks it the same way, in
 * the same order, without them. `construct-tree.test.ts` compares both with the originals.
 */
import { TerraformStack } from "cdktf";
import { Node, type IConstruct } from "constructs";

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

type FindAll = (this: TerraformStack, predicate: (node: IConstruct) => boolean) => IConstruct[];
// Private in cdktf's typings; called by its own stack methods.
const stackPrototype = TerraformStack.prototype as unknown as { findAll: FindAll };
const stackFindAll = stackPrototype.findAll;

/** cdktf's TerraformStack.findAll, visiting in the same pre-order without an async visitor. */
function findAll(this: TerraformStack, predicate: (node: IConstruct) => boolean): IConstruct[] {
  const items: IConstruct[] = [];
  const visit = (node: IConstruct): void => {
    try {
      if (predicate(node)) items.push(node);
      for (const child of node.node.children) visit(child);
    } catch (err) {
      // cdktf's async visitor turns a throwing predicate into a rejected promise nobody awaits.
      void Promise.reject(err);
    }
  };
  visit(this);
  return items;
}

/**
 * Computes each construct's path once for the rest of the process, and makes stacks' `findAll`
 * synchronous, unless `BF_DEBUG=1`. Returns whether it does.
 */
export function cacheConstructPaths(env: Readonly<Record<string, string | undefined>> = process.env): boolean {
  if (env.BF_DEBUG === "1") return false;
  Object.defineProperty(Node.prototype, "path", { ...computed, get: cachedPath });
  stackPrototype.findAll = findAll;
  return true;
}

/** cdktf's own TerraformStack.findAll (tests). */
export const cdktfStackFindAll: FindAll = stackFindAll;

/** A stack's findAll, whichever is installed (tests). */
export const stackFindAllOf = (stack: TerraformStack, predicate: (node: IConstruct) => boolean): IConstruct[] => stackPrototype.findAll.call(stack, predicate);

/** The path as constructs computes it, whatever is installed (tests). */
export function freshPath(node: Node): string {
  return computed.get!.call(node) as string;
}

/** Puts constructs' own getter and cdktf's findAll back (tests). */
export function restoreConstructPaths(): void {
  Object.defineProperty(Node.prototype, "path", computed);
  stackPrototype.findAll = stackFindAll;
}
