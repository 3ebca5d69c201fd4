import { Aspects, TerraformStack, type IAspect } from "cdktf";
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
 * Resolves `stack` for the checks; the JSON is kept for the stack's write when `ownAspect` is true of
 * every aspect in the stack (the checks' own).
 */
export function resolveForChecks(stack: TerraformStack, ownAspect: (aspect: IAspect) => boolean): Json {
  const resolve = Object.getPrototypeOf(stack) as { toTerraform(): unknown };
  const json = resolve.toTerraform.call(stack) as Json;
  if (hooked.has(stack) && reusable(stack, ownAspect)) pending.set(stack, { json, generation: generationOf(stack) });
  return json;
}

/** The stack changed after it was resolved for the checks: its write resolves it again. */
export function invalidate(stack: TerraformStack): void {
  pending.delete(stack);
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
      return kept && kept.generation === generationOf(this) ? kept.json : proto.toTerraform.call(this);
    },
  });
  // CDK Terrain also runs the preparing resolve alone (Testing.synth), under its own name.
  for (const name of ["prepareStack", "_runPreparingResolve"] as const) {
    const method = (proto as unknown as Record<string, unknown>)[name];
    if (typeof method !== "function") continue;
    Object.defineProperty(stack, name, {
      configurable: true,
      writable: true,
      value: function prepare(this: TerraformStack, ...args: unknown[]): unknown {
        generations.set(this.node.root, generationOf(this) + 1);
        return (method as (...a: unknown[]) => unknown).apply(this, args);
      },
    });
  }
}

const CUSTOM_SYNTHESIS = Symbol.for("cdktf/customSynthesis");

function reusable(stack: TerraformStack, ownAspect: (aspect: IAspect) => boolean): boolean {
  return stack.node.findAll().every((node) => Aspects.of(node).all.every(ownAspect) && !(CUSTOM_SYNTHESIS in node));
}
