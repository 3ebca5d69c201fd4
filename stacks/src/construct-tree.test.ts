// The cached construct path and the synchronous findAll against constructs' and cdktf's own, on the app.
import { TerraformBackend, TerraformProvider, TerraformStack } from "cdktf";
import { Node } from "constructs";
import { buildApp } from "./app";
import { cacheConstructPaths, cdktfStackFindAll, freshPath, restoreConstructPaths, stackFindAllOf } from "./construct-tree";
import { config as scaledConfig } from "../bench/scaled-config";
import { AWS_PROFILE } from "./testing";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { synthEveryStack } from "./synth-every-stack";

afterEach(() => restoreConstructPaths());

describe("cacheConstructPaths", () => {
  test("defaults: every construct of the benchmark's app keeps the path constructs computes, read before and after a synth", () => {
    expect(cacheConstructPaths({})).toBe(true);
    const outdir = mkdtempSync(join(tmpdir(), "construct-paths-"));
    try {
      const { app } = buildApp({ profile: AWS_PROFILE, outdir, config: scaledConfig });
      const before = app.node.findAll().map((c) => [c, c.node.path] as const);
      synthEveryStack(app);
      const nodes = app.node.findAll();
      expect(nodes.length).toBeGreaterThan(before.length); // prepare adds cross-stack outputs and remote state
      for (const c of nodes) expect(c.node.path).toBe(freshPath(c.node));
      for (const [c, path] of before) expect(c.node.path).toBe(path);
      expect(new Set(nodes.map((c) => c.node.path)).size).toBe(nodes.length);
      // Every stack's findAll, for its backends, providers and everything: the same constructs in the same order.
      const predicates = [TerraformBackend.isBackend, TerraformProvider.isTerraformProvider, () => true];
      for (const stack of nodes.filter(TerraformStack.isStack)) {
        for (const predicate of predicates) {
          const ours = stackFindAllOf(stack, predicate);
          const theirs = cdktfStackFindAll.call(stack, predicate);
          expect(ours.length).toBe(theirs.length);
          expect(ours.every((c, i) => c === theirs[i])).toBe(true);
        }
      }
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });

  test("BF_DEBUG=1 leaves constructs' own getter; restoring puts it back", () => {
    const own = Object.getOwnPropertyDescriptor(Node.prototype, "path");
    expect(cacheConstructPaths({ BF_DEBUG: "1" })).toBe(false);
    expect(Object.getOwnPropertyDescriptor(Node.prototype, "path")).toEqual(own);
    cacheConstructPaths({});
    expect(Object.getOwnPropertyDescriptor(Node.prototype, "path")?.get).not.toBe(own?.get);
    restoreConstructPaths();
    expect(Object.getOwnPropertyDescriptor(Node.prototype, "path")).toEqual(own);
  });
});
