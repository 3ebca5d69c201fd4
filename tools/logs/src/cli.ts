#!/usr/bin/env bun
// pnpm logs <env> <service> [--trace <id>] [--since <minutes>]
// Without --trace: the service's log lines of the last minutes (FilterLogEvents on its log group).
// With --trace: the saved "trace" Logs Insights query, over every service's log group of the
// environment. Credentials and region: the AWS SDK's usual chain (AWS_PROFILE, SSO, env keys);
// the region is the environment's. Every problem ends as one message and exit 1, never a stack trace.
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { ConfigError, defaultConfig, loadConfig, serviceLogGroupName } from "@bun-fargate/config";
import { existingLogGroups, recentEvents, TRACE_ID, traceEvents } from "./logs";
import { prettyLine } from "./pretty";

const USAGE = "usage: pnpm logs <env> <service> [--trace <id>] [--since <minutes>]";

class UsageError extends Error {}

export interface Args {
  readonly env: string;
  readonly service: string;
  readonly trace: string | undefined;
  readonly sinceMinutes: number;
}

export function parseArgs(argv: readonly string[]): Args {
  const positional: string[] = [];
  let trace: string | undefined;
  let since = 30;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--trace") {
      trace = argv[++i];
      if (!trace) throw new UsageError(`--trace needs a trace ID (the X-Trace-Id response header)\n${USAGE}`);
      if (!TRACE_ID.test(trace)) throw new UsageError(`--trace ${JSON.stringify(trace)}: not a trace ID the service logs (1-<8 hex>-<24 hex> from X-Trace-Id, or 32 hex)`);
    } else if (arg === "--since") {
      const value = Number(argv[++i]);
      if (!Number.isInteger(value) || value < 1 || value > 7 * 24 * 60) throw new UsageError(`--since ${JSON.stringify(argv[i] ?? "")}: must be a whole number of minutes from 1 to 10080`);
      since = value;
    } else if (arg.startsWith("-")) {
      throw new UsageError(`unknown option ${JSON.stringify(arg)}\n${USAGE}`);
    } else positional.push(arg);
  }
  if (positional.length !== 2) throw new UsageError(USAGE);
  return { env: positional[0]!, service: positional[1]!, trace, sinceMinutes: since };
}

/** What to tell a person for an error the SDK raised, or undefined when it is not one we can name. */
export function explain(err: unknown, where: string): string | undefined {
  const name = err instanceof Error ? err.name : "";
  const message = err instanceof Error ? err.message : String(err);
  if (name === "CredentialsProviderError" || /Could not load credentials|credential/i.test(message)) {
    return `no AWS credentials for ${where}: log in first (aws sso login --profile <profile>, then AWS_PROFILE=<profile> pnpm logs ...), or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`;
  }
  if (/ExpiredToken|TokenRefreshRequired/.test(name + message)) return `the AWS credentials for ${where} have expired: log in again (aws sso login)`;
  if (name === "AccessDeniedException" || /not authorized/.test(message)) return `the AWS credentials in use may not read ${where}'s logs: ${message.split("\n")[0]}`;
  if (name === "ResourceNotFoundException") return `${where}: ${message.split("\n")[0] || "a log group does not exist"} (is the environment deployed?)`;
  if (/ECONNREFUSED|ENOTFOUND|getaddrinfo|socket hang up|Unable to connect/i.test(message)) return `cannot reach CloudWatch Logs for ${where}: ${message.split("\n")[0]}`;
  return undefined;
}

export async function main(argv: readonly string[], out: (line: string) => void = console.log): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(err.message);
      return 1;
    }
    throw err;
  }
  let config;
  try {
    config = loadConfig(defaultConfig, { only: [args.env] });
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      return 1;
    }
    throw err;
  }
  const env = config.environments[0]!;
  const svc = env.services.find((s) => s.name === args.service);
  if (!svc) {
    console.error(`service = ${JSON.stringify(args.service)}: not a service of ${env.name}; configured: ${env.services.map((s) => s.name).join(", ")}`);
    return 1;
  }
  const where = `${env.name} (region ${env.region}, account ${env.allowedAccountIds.join(" or ")})`;
  const client = new CloudWatchLogsClient({ region: env.region, maxAttempts: 2 });
  const sinceMs = args.sinceMinutes * 60_000;
  try {
    if (args.trace) {
      const wanted = env.services.map((s) => serviceLogGroupName(env.project, env.name, s.name));
      const groups = await existingLogGroups(client, wanted, serviceLogGroupName(env.project, env.name, ""));
      const missing = wanted.filter((g) => !groups.includes(g));
      if (groups.length === 0) {
        console.error(`pnpm logs: ${where}: none of its services' log groups exists (${wanted.join(", ")}) (is the environment deployed?)`);
        return 1;
      }
      const events = await traceEvents(client, groups, args.trace, sinceMs);
      for (const e of events) out(prettyLine(e.message, e.timestamp));
      if (missing.length) console.error(`not searched, no log group yet: ${missing.join(", ")}`);
      console.error(`${events.length} line(s) of trace ${args.trace} in ${groups.length} log group(s) of ${env.name}, last ${args.sinceMinutes} minutes`);
    } else {
      const group = serviceLogGroupName(env.project, env.name, svc.name);
      const events = await recentEvents(client, group, sinceMs);
      for (const e of events) out(prettyLine(e.message, e.timestamp, svc.name));
      console.error(`${events.length} line(s) of ${group}, last ${args.sinceMinutes} minutes`);
    }
    return 0;
  } catch (err) {
    const said = explain(err, where);
    if (said) {
      console.error(`pnpm logs: ${said}`);
      return 1;
    }
    console.error(`pnpm logs: ${err instanceof Error ? `${err.name}: ${err.message.split("\n")[0]}` : String(err)}`);
    if (process.env.BF_DEBUG === "1" && err instanceof Error) console.error(err.stack);
    return 1;
  } finally {
    client.destroy();
  }
}

if (import.meta.main) process.exitCode = await main(process.argv.slice(2));
