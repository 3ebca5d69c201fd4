import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { applyPolicies, PolicyAspect } from "@bun-fargate/constructs";
import { Aspects, TerraformResource, type TerraformStack } from "cdktf";
import { buildApp, type PlatformApp } from "../app";

/**
 * The shipped stacks of every environment pass every policy rule: no errors and no warnings.
 * Suppressions are allowed, and listed, because each carries its reason.
 */

interface Annotation {
  readonly constructPath: string;
  readonly level: string;
  readonly message: string;
}

/**
 * Synthesizes every environment and returns the policy annotations from the manifest. Applies the
 * policies to stacks that do not already carry them, so this holds before and after the app wires
 * them in itself.
 */
function synthWithPolicies(mutate?: (platform: PlatformApp) => void): Annotation[] {
  // Read by each stack at construction: keep going so every finding is collected, not just the first stack's.
  process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS = "1";
  try {
    const outdir = mkdtempSync(join(tmpdir(), "policy-shipped-"));
    const platform = buildApp({ outdir });
    for (const env of platform.environments) {
      for (const stack of [env.network, env.cluster, ...env.services] as TerraformStack[]) {
        if (!Aspects.of(stack).all.some((a) => a instanceof PolicyAspect)) applyPolicies(stack, { environment: env.environment.name });
      }
    }
    mutate?.(platform);
    platform.app.synth();
    const manifest = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8")) as { stacks: Record<string, { annotations: Annotation[] }> };
    return Object.values(manifest.stacks).flatMap((stack) => stack.annotations.filter((a) => a.message.startsWith("[BF-")));
  } finally {
    delete process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS;
  }
}

const resourceOfType = (stack: TerraformStack, type: string): TerraformResource => {
  const found = stack.node.findAll().find((n): n is TerraformResource => TerraformResource.isTerraformResource(n) && n.terraformResourceType === type);
  if (!found) throw new Error(`${stack.node.id} has no ${type}`);
  return found;
};

describe("policy checks on the shipped stacks", () => {
  test("no errors or warnings in any environment", () => {
    const findings = synthWithPolicies();
    expect(findings.filter((f) => f.level !== "@cdktf/info").map((f) => `${f.constructPath}: ${f.message}`)).toEqual([]);
    for (const f of findings) expect(f.message).toMatch(/^\[BF-[A-Z]+-\d+\] suppressed on .+: .{10,}$/);
  });

  test("the checks see the shipped resources: breaking one prod service is an error, the same in dev a warning", () => {
    const findings = synthWithPolicies((platform) => {
      for (const env of platform.environments) {
        const service = env.services[0];
        if (service) resourceOfType(service, "aws_ecs_service").addOverride("deployment_circuit_breaker.rollback", false);
      }
    });
    const byEnv = Object.fromEntries(findings.filter((f) => f.message.startsWith("[BF-ECS-001]")).map((f) => [f.constructPath.split("-")[0], f.level]));
    expect(byEnv).toEqual({ dev: "@cdktf/warn", staging: "@cdktf/error", prod: "@cdktf/error" });
  });
});
