// The creation-stack and fast-resolve shims that `pnpm synth` installs (main.ts), and what the policy checks' single
// resolution writes: the same files, byte for byte, as without either.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Annotations, Lazy, TerraformStack, Testing } from "cdktf";
import { restoreCreationStacks, skipCreationStacks } from "./creation-stacks";
import { defaultConfig } from "@bun-fargate/config";
import { buildApp } from "./app";
import { synthEveryStack } from "./synth-every-stack";
import { config as scaledConfig } from "../bench/scaled-config";
import { AWS_PROFILE } from "./testing";

/** Network, cluster and operations, plus one stack per service, in every environment. */
const SHIPPED_STACKS = Object.keys(defaultConfig.environments).length * (3 + defaultConfig.services.length);

const root = resolve(__dirname, "../..");
const script = join(root, "scripts", "synth.mjs");
const bun = join(root, "stacks", "node_modules", ".bin", "bun");

/** Runs `fn` with the runtime's own stack formatting (jest's setup file blanks plain-object traces). */
function withRealTraces<T>(fn: () => T): T {
  const previous = Error.prepareStackTrace;
  Reflect.deleteProperty(Error, "prepareStackTrace");
  try {
    return fn();
  } finally {
    if (previous) Error.prepareStackTrace = previous;
    restoreCreationStacks();
  }
}

/** The trace cdktf captured when it made a Lazy token. */
function creationStackOf(): string[] {
  return (Lazy.anyValue({ produce: () => 1 }) as unknown as { creationStack: string[] }).creationStack;
}

describe("skipCreationStacks", () => {
  test("defaults: tokens get no creation stack; errors and annotations keep theirs", () =>
    withRealTraces(() => {
      expect(creationStackOf().length).toBeGreaterThan(0);
      expect(skipCreationStacks({})).toBe(true);
      expect(creationStackOf()).toEqual([]);
      expect(new Error("boom").stack).toMatch(/\n\s+at /);
      const stack = new TerraformStack(Testing.app({ stackTraces: true }), "s");
      Annotations.of(stack).addWarning("kept");
      expect(stack.node.metadata[0]?.trace?.length).toBeGreaterThan(0);
    }));

  test("BF_DEBUG=1 keeps creation stacks, for an error about a token that does not resolve", () =>
    withRealTraces(() => {
      expect(skipCreationStacks({ BF_DEBUG: "1" })).toBe(false);
      expect(creationStackOf().length).toBeGreaterThan(0);
    }));
});

function tree(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else files.set(join(d, e.name).slice(dir.length), readFileSync(join(d, e.name), "utf8"));
    }
  };
  walk(dir);
  return files;
}

describe("pnpm synth writes the same bytes with and without the savings", () => {
  const work = mkdtempSync(join(tmpdir(), "creation-stacks-"));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  test("the shims: BF_DEBUG=1 (creation stacks recorded, cdktf's own resolve) and the default write identical trees", () => {
    // Two web services in dev, staging and prod; prod's deploys carry a suppression (an override).
    const env = { ...process.env, BF_CONFIG: "stacks/bench/scaled-config.ts", BF_BENCH_SERVICES: "2", CHECKPOINT_DISABLE: "1" };
    const outs = ["1", "0"].map((debug) => {
      const out = join(work, `debug-${debug}`);
      const r = spawnSync(bun, [script, "--out", out], { cwd: root, encoding: "utf8", env: { ...env, BF_DEBUG: debug } });
      expect(r.stderr).not.toContain("synth failed");
      expect(r.status).toBe(0);
      return tree(out);
    });
    expect(outs[0]!.size).toBe(1 + 15); // the manifest and 15 stacks
    expect([...outs[1]!.keys()]).toEqual([...outs[0]!.keys()]);
    for (const [file, text] of outs[0]!) expect({ file, text: outs[1]!.get(file) }).toEqual({ file, text });
    expect(outs[0]!.get("/stacks/prod-web000/cdk.tf.json")).toContain("policy_suppressions");
  }, 60_000);

  test.each([
    ["the shipped app", undefined, SHIPPED_STACKS],
    ["the benchmark's 10 web services in 3 environments (prod's carry a suppression)", scaledConfig, 39],
  ])("the checks' resolution: every stack of %s is written as a fresh resolution of it gives", (_, config, count) => {
    const outdir = join(work, `in-process-${count}`);
    const { app, environments } = buildApp({ profile: AWS_PROFILE, outdir, config });
    synthEveryStack(app);
    const stacks = environments.flatMap((e) => [e.network, e.cluster, ...e.services, e.operations]);
    expect(stacks).toHaveLength(count);
    for (const stack of stacks) {
      const written: unknown = JSON.parse(readFileSync(join(outdir, "stacks", stack.node.id, "cdk.tf.json"), "utf8"));
      expect(written).toEqual(JSON.parse(JSON.stringify(TerraformStack.prototype.toTerraform.call(stack))));
    }
  });
});
