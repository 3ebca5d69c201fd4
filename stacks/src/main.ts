// Run directly (bun stacks/src/main.ts, as pnpm synth and cdktf.json do). Everything that can go
// wrong with what synth is given (the configuration, BF_* variables, a policy finding) ends here as
// a message and exit code 1, never as a stack trace.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import type { PlatformConfig } from "@bun-fargate/config";
import type { PolicyFinding } from "@bun-fargate/constructs";
import { skipCreationStacks } from "./creation-stacks";
import { installFastResolve } from "./fast-resolve";
import { cacheConstructPaths } from "./construct-tree";

// Before any construct exists: cdktf would record a stack trace for every token (see creation-stacks.ts).
skipCreationStacks();
// Before anything is resolved: cdktf's resolve without its per-value bookkeeping (see fast-resolve.ts).
installFastResolve();
// A construct's path computed once, stacks walked without a promise per construct (see construct-tree.ts).
cacheConstructPaths();

/** The repository root: source folders and BF_CONFIG paths are relative to it. Synth runs from there, or below it. */
function repositoryRoot(): string {
  for (let dir = process.cwd(); ; dir = dirname(dir)) {
    if (existsSync(join(dir, "pnpm-workspace.yaml"))) return dir;
    if (dirname(dir) === dir) return process.cwd();
  }
}

/**
 * The modules synth runs, loaded inside the error boundary: the shipped configuration is code, and
 * an exception while it evaluates is reported like any other problem. `require` rather than
 * `import()`, which the ts-node way of running this (bench/synth.mjs) cannot load TypeScript through.
 */
function load() {
  /* eslint-disable @typescript-eslint/no-require-imports */
  return {
    config: require("@bun-fargate/config") as typeof import("@bun-fargate/config"),
    constructs: require("@bun-fargate/constructs") as typeof import("@bun-fargate/constructs"),
    profile: require("./profile") as typeof import("./profile"),
    configModule: require("./config-module") as typeof import("./config-module"),
    app: require("./app") as typeof import("./app"),
    synth: require("./synth-every-stack") as typeof import("./synth-every-stack"),
  };
  /* eslint-enable @typescript-eslint/no-require-imports */
}

async function main(): Promise<number> {
  const findings: PolicyFinding[] = [];
  let modules: ReturnType<typeof load>;
  try {
    modules = load();
  } catch (err) {
    console.error("Synth's modules could not be loaded: an exception was raised while they were evaluated (the configuration's own files, packages/config/src/environments.ts and services.ts, are code too):");
    return unexpected(err);
  }
  const { ConfigError, selectedEnvironments } = modules.config;
  const { formatFinding } = modules.constructs;
  const { ProfileError, bootstrapFromEnv, profileFromEnv } = modules.profile;
  const { AnnotationErrors, synthEveryStack } = modules.synth;
  try {
    const { configFromEnv } = modules.configModule;
    const { buildApp, buildBootstrapApp } = modules.app;
    const environments = selectedEnvironments(process.env.BF_ENVIRONMENTS);
    const bootstrap = bootstrapFromEnv();
    const profile = profileFromEnv();
    const root = repositoryRoot();
    // Whatever the module exports; buildApp validates it before any construct exists.
    const config = (await configFromEnv(root)) as PlatformConfig | undefined;
    const onPolicyFinding = (finding: PolicyFinding) => findings.push(finding);
    // BF_BOOTSTRAP=1 synthesizes only the one-time `bootstrap` stack of the selected environments' account.
    const { app } = bootstrap
      ? buildBootstrapApp({ environments: environments ?? [], repository: process.env.BF_GITHUB_REPOSITORY, config, sourceRoot: root, onPolicyFinding })
      : buildApp({ environments, config, profile, sourceRoot: root, onPolicyFinding });
    try {
      synthEveryStack(app);
    } finally {
      for (const f of findings) console.error(formatFinding(f));
    }
    return 0;
  } catch (err) {
    if (err instanceof ConfigError || err instanceof ProfileError) {
      console.error(err.message);
      return 1;
    }
    if (err instanceof AnnotationErrors) {
      // Policy findings were printed above; other constructs' errors are only in the annotations.
      const printed = new Set(findings.map((f) => f.message));
      for (const message of err.messages) if (![...printed].some((p) => message.endsWith(p))) console.error(`error      ${message}`);
      const policy = findings.filter((f) => f.level === "error").length;
      console.error(
        `Synth stopped: ${err.messages.length} error(s) in ${err.stacks.length} stack(s) (${err.stacks.join(", ")})${policy > 0 ? `, ${policy} of them policy errors above` : ""}. ` +
          "Fix them, or suppress a policy rule with suppressPolicy(construct, ruleId, reason).",
      );
      return 1;
    }
    return unexpected(err);
  }
}

/** Not a problem synth knows how to name: say what it was, and where only when asked. */
function unexpected(err: unknown): number {
  const name = err instanceof Error ? err.name : typeof err;
  const message = err instanceof Error ? err.message : String(err);
  console.error(`synth failed: ${name}: ${message.split("\n")[0]!.slice(0, 500)}`);
  if (process.env.BF_DEBUG === "1" && err instanceof Error) console.error(err.stack);
  else console.error("(BF_DEBUG=1 prints where it was raised)");
  return 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.exitCode = unexpected(err);
  },
);
