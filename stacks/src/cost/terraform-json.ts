import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** A synthesized stack: its name and its cdk.tf.json. */
export interface StackJson {
  readonly name: string;
  readonly json: Json;
}

export type Json = Record<string, unknown>;

export interface Resource {
  readonly stack: string;
  readonly type: string;
  readonly name: string;
  readonly attrs: Json;
}

/** Every `cdktf.out/stacks/<stack>/cdk.tf.json`, sorted by stack name. */
export function readStacks(outdir: string): StackJson[] {
  const dir = join(outdir, "stacks");
  if (!existsSync(dir)) throw new Error(`no synthesized stacks in ${dir}; run pnpm synth first`);
  return readdirSync(dir)
    .sort()
    .filter((name) => existsSync(join(dir, name, "cdk.tf.json")))
    .map((name) => ({ name, json: JSON.parse(readFileSync(join(dir, name, "cdk.tf.json"), "utf8")) as Json }));
}

export function resources(stack: StackJson, type: string, mode: "resource" | "data" = "resource"): Resource[] {
  const byName = ((stack.json[mode] ?? {}) as Record<string, Record<string, Json>>)[type] ?? {};
  return Object.entries(byName).map(([name, attrs]) => ({ stack: stack.name, type, name, attrs }));
}

/** How many instances a resource block creates: its `count` when literal, else one. */
export function instances(resource: Resource): number {
  const count = resource.attrs.count;
  return typeof count === "number" ? count : 1;
}

/** How many instances the resource blocks create together. */
export function totalInstances(list: readonly Resource[]): number {
  return list.reduce((n, r) => n + instances(r), 0);
}

export function asRecord(value: unknown): Json | undefined {
  if (Array.isArray(value)) return asRecord(value[0]);
  return value !== null && typeof value === "object" ? (value as Json) : undefined;
}

export function asList<T = Json>(value: unknown): T[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]) as T[];
}

const REMOTE = /^\$\{data\.terraform_remote_state\.cross-stack-reference-input-(.+)\.outputs\.([^.[}]+)\}$/;
const REFERENCE = /^\$\{(?:data\.)?([A-Za-z0-9_]+)\.([A-Za-z0-9_-]+)(?:\[[^\]]*\])?\.[A-Za-z0-9_]+(?:\[[^\]]*\])?\}$/;

/**
 * The resource a `${type.name.attr}` reference points at, following cdktf's cross-stack outputs
 * (`data.terraform_remote_state.cross-stack-reference-input-<stack>.outputs.<name>`).
 */
export function follow(stacks: ReadonlyMap<string, StackJson>, value: unknown, from: string, depth = 0): Resource | undefined {
  if (typeof value !== "string" || depth > 5) return undefined;
  const remote = REMOTE.exec(value);
  if (remote) {
    const producer = stacks.get(remote[1] as string);
    const output = asRecord((producer?.json.output as Json | undefined)?.[remote[2] as string]);
    return producer ? follow(stacks, output?.value, producer.name, depth + 1) : undefined;
  }
  const ref = REFERENCE.exec(value);
  const stack = stacks.get(from);
  if (!ref || !stack) return undefined;
  return resources(stack, ref[1] as string).find((r) => r.name === ref[2]);
}
