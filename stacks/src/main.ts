import { ConfigError, selectedEnvironments } from "@bun-fargate/config";
import { formatFinding, type PolicyFinding } from "@bun-fargate/constructs";
import { buildApp, buildBootstrapApp } from "./app";
import { ProfileError } from "./profile";

// Run directly (bun stacks/src/main.ts, as pnpm synth and cdktf.json do), so policy findings are
// printed here; errors are also annotations, which make app.synth() throw.
const findings: PolicyFinding[] = [];
try {
  const environments = selectedEnvironments(process.env.BF_ENVIRONMENTS);
  const onPolicyFinding = (finding: PolicyFinding) => findings.push(finding);
  // BF_BOOTSTRAP=1 synthesizes only the one-time `bootstrap` stack of the selected environments' account.
  const { app } =
    process.env.BF_BOOTSTRAP === "1"
      ? buildBootstrapApp({ environments: environments ?? [], repository: process.env.BF_GITHUB_REPOSITORY, onPolicyFinding })
      : buildApp({ environments, onPolicyFinding });
  try {
    app.synth();
  } finally {
    for (const f of findings) console.error(formatFinding(f));
  }
} catch (err) {
  if (err instanceof ConfigError || err instanceof ProfileError) {
    console.error(err.message);
    process.exit(1);
  }
  const errors = findings.filter((f) => f.level === "error").length;
  if (errors > 0) {
    console.error(`Synth stopped: ${errors} policy error(s) above. Fix them, or suppress one with suppressPolicy(construct, ruleId, reason).`);
    process.exit(1);
  }
  throw err;
}
