import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultConfig, type PlatformConfig } from "@bun-fargate/config";
import { Annotations, App, TerraformStack } from "cdktf";
import { buildApp } from "./app";
import { AnnotationErrors, synthEveryStack } from "./synth-every-stack";
import { AWS_PROFILE } from "./testing";

let outdir: string;
beforeEach(() => (outdir = mkdtempSync(join(tmpdir(), "synth-every-"))));
afterEach(() => rmSync(outdir, { recursive: true, force: true }));

const twoFaultyProdServices: PlatformConfig = {
  ...defaultConfig,
  environments: { ...defaultConfig.environments, prod: { ...defaultConfig.environments.prod!, services: { ...defaultConfig.environments.prod!.services, "bun-api": { minTasks: 1 }, orders: { minTasks: 1 } } } },
  services: [...defaultConfig.services, { ...defaultConfig.services[0]!, name: "orders", routing: { priority: 50, pathPatterns: ["/orders/*"] } }],
};

describe("synthEveryStack", () => {
  test("reports the errors of every stack, not only the first stack's, and writes the stacks without errors", () => {
    const { app } = buildApp({ config: twoFaultyProdServices, profile: AWS_PROFILE, outdir });
    let error: unknown;
    try {
      synthEveryStack(app);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AnnotationErrors);
    const { stacks, messages } = error as AnnotationErrors;
    expect(stacks).toEqual(["prod-bun-api", "prod-orders"]);
    expect(messages.filter((m) => m.includes("[BF-ECS-003]"))).toHaveLength(2);
    expect(existsSync(join(outdir, "stacks", "prod-cluster", "cdk.tf.json"))).toBe(true);
    expect(existsSync(join(outdir, "stacks", "prod-orders", "cdk.tf.json"))).toBe(false);
  });

  test("cdktf's own synth stops at the first stack with an error (why this exists)", () => {
    const { app } = buildApp({ config: twoFaultyProdServices, profile: AWS_PROFILE, outdir });
    expect(() => app.synth()).toThrow(/prod-bun-api/);
    expect(existsSync(join(outdir, "stacks", "prod-orders"))).toBe(false);
  });

  test("an error that is not an annotation is thrown as it is", () => {
    const app = new App({ outdir });
    const stack = new TerraformStack(app, "broken");
    stack.synthesizer = { synthesize: () => { throw new RangeError("disk full"); } };
    expect(() => synthEveryStack(app)).toThrow(RangeError);
  });

  test("an annotation error of any construct, not only a policy finding, is collected", () => {
    const app = new App({ outdir });
    const stack = new TerraformStack(app, "annotated");
    Annotations.of(stack).addError("something is wrong");
    expect(() => synthEveryStack(app)).toThrow(AnnotationErrors);
  });
});
