import { mkdirSync, readdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { stackInfo, type StackInfo } from "./results";

export interface PreparedScan {
  readonly stacks: ReadonlyMap<string, StackInfo>;
  /** Stacks whose copy had `terraform.required_version` removed. */
  readonly strippedRequiredVersion: readonly string[];
}

/**
 * Copies every `cdktf.out/stacks/<stack>/cdk.tf.json` into `dest/<stack>/`, without
 * `terraform.required_version`: checkov's terraform_json parser crashes on that key
 * (bridgecrewio/checkov#7454, open; fix proposed in #7467). Only the copy changes.
 */
export function prepareScanDir(outdir: string, dest: string): PreparedScan {
  const stacksDir = join(outdir, "stacks");
  if (!existsSync(stacksDir)) throw new Error(`no synthesized stacks in ${stacksDir}; run pnpm synth first`);
  const stacks = new Map<string, StackInfo>();
  const stripped: string[] = [];
  for (const name of readdirSync(stacksDir).sort()) {
    const file = join(stacksDir, name, "cdk.tf.json");
    if (!existsSync(file)) continue;
    const json = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
    const terraform = json.terraform as Record<string, unknown> | undefined;
    if (terraform && "required_version" in terraform) {
      delete terraform.required_version;
      stripped.push(name);
    }
    mkdirSync(join(dest, name), { recursive: true });
    writeFileSync(join(dest, name, "cdk.tf.json"), JSON.stringify(json, null, 2));
    stacks.set(name, stackInfo(name, json));
  }
  if (stacks.size === 0) throw new Error(`no cdk.tf.json under ${stacksDir}; run pnpm synth first`);
  return { stacks, strippedRequiredVersion: stripped };
}
