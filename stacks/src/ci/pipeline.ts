/**
 * The workflows' entry point into the config and AWS (run with bun from the stacks package):
 *
 *   services                         matrix=<json> of images to build, for $GITHUB_OUTPUT
 *   target <env> --json <file>       region, account-id, role-arn, registry, infra-stacks for
 *                                    $GITHUB_OUTPUT; the full target (services…) into <file>
 *   verify --target <file> --service <name> --image <ref> --version <sha>
 *          [--accept-digests <d,d>] [--stack-dir <dir>] [--timeout-seconds <n>] [--poll-seconds <n>]
 *                                    fails unless the deploy is steady, runs <ref>, and (web) the
 *                                    readiness URL answers 200 with <sha>
 *   rollback --target <file> [--service <name>] [--digest <sha256:…>]
 *                                    {"<service>": {"image", "version"}} to redeploy
 */
import { execFileSync } from "node:child_process";
import { appendFileSync, readFileSync, writeFileSync } from "node:fs";
import { loadConfig, selectedEnvironments } from "@bun-fargate/config";
import { awsCli } from "./aws-cli";
import { deployTarget, serviceBuilds, type DeployTarget } from "./pipeline-config";
import { rollbackRelease } from "./previous-release";
import { verifyDeployment } from "./verify-deploy";

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
    console.log(`region=${target.region}\naccount-id=${target.accountId}\nrole-arn=${target.roleArn}\nregistry=${target.registry}\ninfra-stacks=${target.infraStacks.join(" ")}`);
  } else if (command === "verify") {
    const target = readTarget(required(named, "target"));
    const name = required(named, "service");
    const service = target.services.find((s) => s.name === name);
    if (!service) throw new Error(`--service ${name}: not a service of ${target.environment}`);
    const stackDir = named.get("stack-dir");
    const serviceUrl = service.kind === "web" && stackDir ? stackUrl(stackDir) : undefined;
    const url = serviceUrl ? new URL(service.healthCheckPath ?? "/", serviceUrl).toString() : undefined;
    const report = await verifyDeployment(
      {
        target: service,
        cluster: target.cluster,
        image: required(named, "image"),
        acceptedDigests: (named.get("accept-digests") ?? "").split(",").filter(Boolean),
        version: required(named, "version"),
        url,
        versionUrl: serviceUrl,
      },
      {
        aws: awsCli,
        http: async (u) => {
          const res = await fetch(u, { signal: AbortSignal.timeout(5_000), redirect: "manual" });
          return { status: res.status, body: await res.text() };
        },
        sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
        now: () => Date.now(),
        log: (line) => console.log(line),
      },
      { timeoutMs: Number(named.get("timeout-seconds") ?? 1200) * 1000, pollMs: Number(named.get("poll-seconds") ?? 15) * 1000 },
    );
    summary(`| ${target.environment} | ${report.service} | \`${report.digest}\` | ${report.runningTasks} | ${report.readiness ?? "n/a"} | verified |`);
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
