/**
 * The workflows' entry point into the config and AWS (run with bun from the stacks package):
 *
 *   services                         matrix=<json> of images to build, for $GITHUB_OUTPUT
 *   target <env> --json <file>       region, account-id, role-arn, registry, infra-stacks for
 *                                    $GITHUB_OUTPUT; the full target (services…) into <file>
 *   verify --target <file> --service <name> --image <ref> --version <sha>
 *          [--accept-digests <d,d>] [--stack-dir <dir>] [--since <epoch seconds>]
 *          [--timeout-seconds <n>] [--poll-seconds <n>]
 *                                    follows the service deployment begun since <since> stage by
 *                                    stage (smoke-testing a traffic-shifting one through its test
 *                                    rule), then fails unless the deploy is steady, runs <ref>, and
 *                                    (web) the readiness URL answers 200 with <sha>
 *   rollback --target <file> [--service <name>] [--digest <sha256:…>]
 *                                    {"<service>": {"image", "version"}} to redeploy
 */
import { execFileSync } from "node:child_process";
import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { loadConfig, selectedEnvironments } from "@bun-fargate/config";
import { awsCli } from "./aws-cli";
import { deployTarget, serviceBuilds, type DeployTarget } from "./pipeline-config";
import { STAGE_PHASE, type Stage } from "./deployment-stages";
import { rollbackRelease } from "./previous-release";
import { VerificationError, verifyDeployment } from "./verify-deploy";

function flags(args: readonly string[]): { positional: string[]; named: Map<string, string> } {
  const positional: string[] = [];
  const named = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg.startsWith("--")) {
      const value = args[i + 1];
      if (value === undefined || value.startsWith("--")) throw new Error(`${arg} needs a value`);
      named.set(arg.slice(2), value);
      i++;
    } else positional.push(arg);
  }
  return { positional, named };
}

const required = (named: Map<string, string>, name: string): string => {
  const value = named.get(name);
  if (value === undefined || value === "") throw new Error(`--${name} is required`);
  return value;
};

const readTarget = (file: string): DeployTarget => JSON.parse(readFileSync(file, "utf8")) as DeployTarget;

function summary(markdown: string): void {
  if (process.env.GITHUB_STEP_SUMMARY) appendFileSync(process.env.GITHUB_STEP_SUMMARY, `${markdown}\n`);
}

/** Minutes the verification may take: a rolling deploy's 20, plus the shift and bake of the others. */
export function verifyTimeoutSeconds(deployment: DeployTarget["services"][number]["deployment"]): number {
  return 60 * (20 + (deployment?.shiftMinutes ?? 0) + (deployment?.bakeTimeMinutes ?? 0));
}

/** The stages a deploy went through, for the job summary: `scale-up +0s → traffic shift +95s → …`. */
function stageLine(stages: readonly Stage[]): string {
  return stages.map((s) => `${STAGE_PHASE[s.stage] ?? s.stage}${s.status.startsWith("ROLLBACK") ? ` (${s.status.toLowerCase().replace(/_/g, " ")})` : ""} +${s.at}s`).join(" → ");
}

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** The service's URL output (`Url`), read from its deployed stack's state. */
function stackUrl(stackDir: string): string {
  return execFileSync("terraform", [`-chdir=${stackDir}`, "output", "-raw", "Url"], { encoding: "utf8" }).trim();
}

async function main(argv: readonly string[]): Promise<void> {
  const [command, ...rest] = argv;
  const { positional, named } = flags(rest);
  const config = () => loadConfig(undefined, { only: selectedEnvironments(process.env.BF_ENVIRONMENTS) });

  if (command === "services") {
    console.log(`matrix=${JSON.stringify(serviceBuilds(config()))}`);
  } else if (command === "target") {
    const target = deployTarget(config(), positional[0] ?? "");
    writeFileSync(required(named, "json"), JSON.stringify(target, null, 2));
    console.log(`region=${target.region}\naccount-id=${target.accountId}\nrole-arn=${target.roleArn}\nregistry=${target.registry}\ninfra-stacks=${target.infraStacks.join(" ")}\noperations-stacks=${target.operationsStacks.join(" ")}`);
  } else if (command === "verify") {
    const target = readTarget(required(named, "target"));
    const name = required(named, "service");
    const service = target.services.find((s) => s.name === name);
    if (!service) throw new Error(`--service ${name}: not a service of ${target.environment}`);
    const stackDir = named.get("stack-dir");
    const serviceUrl = service.kind === "web" && stackDir ? stackUrl(stackDir) : undefined;
    const url = serviceUrl ? new URL(service.healthCheckPath ?? "/", serviceUrl).toString() : undefined;
    const since = named.get("since");
    const strategy = service.deployment?.strategy ?? "n/a";
    const verification = verifyDeployment(
      {
        target: service,
        cluster: target.cluster,
        image: required(named, "image"),
        acceptedDigests: (named.get("accept-digests") ?? "").split(",").filter(Boolean),
        version: required(named, "version"),
        url,
        versionUrl: serviceUrl,
        ...(since ? { since: Number(since) * 1000 } : {}),
      },
      {
        aws: awsCli,
        http: async (u, headers) => {
          const res = await fetch(u, { signal: AbortSignal.timeout(5_000), redirect: "manual", headers });
          return { status: res.status, body: await res.text() };
        },
        sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
        now: () => Date.now(),
        log: (line) => console.log(line),
      },
      { timeoutMs: Number(named.get("timeout-seconds") ?? verifyTimeoutSeconds(service.deployment)) * 1000, pollMs: Number(named.get("poll-seconds") ?? 15) * 1000 },
    );
    const report = await verification.catch((err: unknown) => {
      // The verdict goes into the summary too: which stage a rollback came in, and why.
      if (err instanceof VerificationError) {
        summary(`| ${target.environment} | ${name} | ${strategy} | ${cell(stageLine(err.stages)) || "n/a"} | n/a | n/a | **failed**: ${cell(err.message)} |`);
      }
      throw err;
    });
    const checks = [report.readiness, report.smokeTest && `smoke test: ${report.smokeTest}`].filter(Boolean).join("; ");
    summary(`| ${target.environment} | ${report.service} | ${strategy} | ${cell(stageLine(report.stages ?? [])) || "n/a"} | \`${report.digest}\` | ${report.runningTasks} | verified${checks ? `: ${cell(checks)}` : ""} |`);
  } else if (command === "rollback") {
    const target = readTarget(required(named, "target"));
    const only = named.get("service");
    const services = target.services.filter((s) => only === undefined || only === "" || s.name === only);
    if (services.length === 0) throw new Error(`--service ${only}: not a service of ${target.environment}`);
    const digest = named.get("digest") || undefined;
    if (digest !== undefined && services.length !== 1) throw new Error("--digest needs exactly one --service");
    const releases: Record<string, { image: string; version: string }> = {};
    for (const svc of services) {
      const release = await rollbackRelease(awsCli, target.cluster, svc, digest);
      releases[svc.name] = { image: `${target.registry}/${svc.repository}@${release.digest}`, version: release.version };
    }
    console.log(JSON.stringify(releases, null, 2));
  } else {
    throw new Error(`unknown command ${JSON.stringify(command)}; use services, target, verify or rollback`);
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  console.error(`::error::${err instanceof Error ? err.message.replace(/\n/g, "%0A") : String(err)}`);
  process.exit(1);
});
