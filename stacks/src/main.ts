// Run directly (bun stacks/src/main.ts, as pnpm synth and cdktf.json do). Everything that can go
// wrong with what synth is given (the configuration, BF_* variables, a policy finding) ends here as
// a message and exit code 1, never as a stack trace.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import type { PlatformConfig } from "@bun-fargate/config";
import type { PolicyFinding } from "@bun-fargate/constructs";

/** The repository root: source folders and BF_CONFIG paths are relative to it. Synth runs from there, or below it. */
function repositoryRoot(): string {
  for (let dir = process.cwd(); ; dir = dirname(dir)) {
    if (existsSync(join(dir, "pnpm-workspace.yaml"))) return dir;
    if (dirname(dir) === dir) return process.cwd();
  }
}

async function main(): Promise<number> {
  const findings: PolicyFinding[] = [];
  // Imported here, not at the top, so that an exception while the shipped configuration's own
  // modules evaluate is reported like every other problem.
  const { ConfigError, selectedEnvironments } = await import("@bun-fargate/config");
  const { formatFinding } = await import("@bun-fargate/constructs");
  const { ProfileError } = await import("./profile");
  const { AnnotationErrors } = await import("./synth-every-stack");
  try {
    const { bootstrapFromEnv, profileFromEnv } = await import("./profile");
    const { configFromEnv } = await import("./config-module");
    const { buildApp, buildBootstrapApp } = await import("./app");
    const { synthEveryStack } = await import("./synth-every-stack");
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
