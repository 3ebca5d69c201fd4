import { Aspects, TerraformElement, TerraformStack, type IAspect } from "cdktf";
import type { IConstruct } from "constructs";

type Json = Record<string, unknown>;

/**
 * The policy checks read each stack as Terraform will see it, `stack.toTerraform()`, and cdktf's
 * synthesizer then resolves the whole token tree again to write `cdk.tf.json`: at 100 services a
 * quarter of synth. The JSON the checks read is handed to that write instead, once, when nothing
 * can have changed in between:
 * - it was resolved after the app's last `prepareStack` (cross-stack references add outputs and
 *   remote-state data sources to stacks then), which `app.synth()` runs before any stack is written
 *   (a synthesizer that prepares its stack itself, as CDK Terrain's does outside `app.synth()`,
 *   makes the JSON stale);
 * - every aspect in the stack is a policy check (another aspect could change the stack after the
 *   checks) and no construct has custom synthesis;
 * - no check recorded a suppression in the stack (`invalidate`): that is an override, and it
 *   changes the JSON and the stack's metadata.
 * Otherwise the write resolves the stack itself, as before. `resolve-once.test.ts` compares the
 * written files with a fresh resolution of every stack.
 *
 * The checks' resolution itself starts from `prepareStack`'s: cdktf resolves every element of every
 * stack once there only to find cross-stack references, and drops the result. Each element's
 * resolved fragment is kept (by catching what cdktf's prepare loop resolves, `_tokens.resolve`, for
 * the element's `toTerraform()`), and that element's next `toTerraform()` returns it while the same
 * conditions hold; resolving an already resolved fragment gives it back unchanged. A suppression
 * drops the fragment of the element it overrides, a stack that is not reusable drops all of its
 * own, and a stack's write drops what is left, so nothing outlives the synth that prepared it.
 */
interface Pending {
  readonly json: Json;
  readonly generation: number;
}

const pending = new WeakMap<TerraformStack, Pending>();
/** Bumped by every `prepareStack` of an app: a JSON resolved before it may be stale. */
const generations = new WeakMap<IConstruct, number>();
const hooked = new WeakSet<TerraformStack>();

const generationOf = (stack: TerraformStack) => generations.get(stack.node.root) ?? 0;

/**
 * Marks a fragment as resolve's own output (non-enumerable, so neither JSON nor cdktf's merge sees
 * it); `stacks/src/fast-resolve.ts` returns such an object as it is instead of copying it.
 */
export const RESOLVED = Symbol.for("bun-fargate.resolved-fragment");
/** Each hooked element's fragment as the last prepare resolved it. */
const fragments = new WeakMap<TerraformElement, unknown>();
/** A hooked stack's elements that hold a fragment. */
const holding = new WeakMap<TerraformStack, Set<TerraformElement>>();
/** While a hooked stack prepares: whose `toTerraform()` produced each object handed to cdktf's resolve. */
let preparing: { readonly stack: TerraformStack; readonly owners: WeakMap<object, TerraformElement> } | undefined;

// cdktf's module of the resolve its stacks call (`(0, _tokens.resolve)(stack, element.toTerraform(), true)`
// in prepareStack), looked up at each call, so a stand-in placed on it is what prepare calls.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const tokens = require("cdktf/lib/_tokens") as { resolve: (scope: IConstruct, obj: unknown, preparing?: boolean) => unknown };

function keepingResolve(scope: IConstruct, obj: unknown, isPreparing?: boolean): unknown {
  const resolved = cdktfResolve(scope, obj, isPreparing);
  const owner = preparing && isPreparing && scope === preparing.stack && typeof obj === "object" && obj !== null ? preparing.owners.get(obj) : undefined;
  if (owner && preparing) {
    // Resolving it again gives it back unchanged; the mark lets a resolve that knows it skip the copy.
    if (typeof resolved === "object" && resolved !== null) Object.defineProperty(resolved, RESOLVED, { value: true });
    fragments.set(owner, resolved);
    holding.get(preparing.stack)?.add(owner);
  }
  return resolved;
}
const cdktfResolve = tokens.resolve;

/** Drops the kept fragments of `stack`'s elements: its next resolution starts afresh. */
function dropFragments(stack: TerraformStack): void {
  for (const element of holding.get(stack) ?? []) fragments.delete(element);
  holding.get(stack)?.clear();
}

/**
 * Resolves `stack` for the checks; the JSON is kept for the stack's write when `ownAspect` is true of
 * every aspect in the stack (the checks' own).
 */
export function resolveForChecks(stack: TerraformStack, ownAspect: (aspect: IAspect) => boolean): Json {
  const resolve = Object.getPrototypeOf(stack) as { toTerraform(): unknown };
  const reuse = hooked.has(stack) && reusable(stack, ownAspect);
  if (!reuse) dropFragments(stack);
  const json = resolve.toTerraform.call(stack) as Json;
  if (reuse) pending.set(stack, { json, generation: generationOf(stack) });
  return json;
}

/**
 * The stack changed after it was resolved for the checks: its write resolves it again, and
 * `element` (the construct that changed, when it is an element) from its own `toTerraform()`.
 */
export function invalidate(stack: TerraformStack, element?: IConstruct): void {
  pending.delete(stack);
  if (element && TerraformElement.isTerraformElement(element)) {
    fragments.delete(element);
    holding.get(stack)?.delete(element);
  }
}

/**
 * Lets `stack`'s next `toTerraform()` (the synthesizer's write) return the JSON the checks read, and
 * makes its `prepareStack` mark every JSON resolved before as stale.
 */
export function reuseForWrite(stack: TerraformStack): void {
  if (hooked.has(stack)) return;
  hooked.add(stack);
  const proto = Object.getPrototypeOf(stack) as { toTerraform(): unknown };
  Object.defineProperty(stack, "toTerraform", {
    configurable: true,
    writable: true,
    value: function toTerraform(this: TerraformStack): unknown {
      const kept = pending.get(this);
      pending.delete(this);
      try {
        return kept && kept.generation === generationOf(this) ? kept.json : proto.toTerraform.call(this);
      } finally {
        dropFragments(this);
      }
    },
  });
  holding.set(stack, new Set());
  for (const node of stack.node.findAll()) if (TerraformElement.isTerraformElement(node) && TerraformStack.of(node) === stack) hookElement(node);
  // CDK Terrain also runs the preparing resolve alone (Testing.synth), under its own name.
  for (const name of ["prepareStack", "_runPreparingResolve"] as const) {
    const method = (proto as unknown as Record<string, unknown>)[name];
    if (typeof method !== "function") continue;
    Object.defineProperty(stack, name, {
      configurable: true,
      writable: true,
      value: function prepare(this: TerraformStack, ...args: unknown[]): unknown {
        generations.set(this.node.root, generationOf(this) + 1);
        dropFragments(this);
        const outer = preparing;
        const resolve = tokens.resolve;
        preparing = { stack: this, owners: new WeakMap() };
        tokens.resolve = keepingResolve;
        try {
          return (method as (...a: unknown[]) => unknown).apply(this, args);
        } finally {
          tokens.resolve = resolve;
          preparing = outer;
        }
      },
    });
  }
}

/**
 * While its stack prepares, the element says which object its `toTerraform()` made (for
 * `keepingResolve`); otherwise it returns the fragment kept from that prepare, once resolved.
 */
function hookElement(element: TerraformElement): void {
  const proto = Object.getPrototypeOf(element) as { toTerraform(): unknown };
  Object.defineProperty(element, "toTerraform", {
    configurable: true,
    writable: true,
    value: function toTerraform(this: TerraformElement): unknown {
      if (fragments.has(this) && !preparing) return fragments.get(this);
      const made = proto.toTerraform.call(this);
      if (preparing && typeof made === "object" && made !== null) preparing.owners.set(made, this);
      return made;
    },
  });
}

const CUSTOM_SYNTHESIS = Symbol.for("cdktf/customSynthesis");

function reusable(stack: TerraformStack, ownAspect: (aspect: IAspect) => boolean): boolean {
  return stack.node.findAll().every((node) => Aspects.of(node).all.every(ownAspect) && !(CUSTOM_SYNTHESIS in node));
}
