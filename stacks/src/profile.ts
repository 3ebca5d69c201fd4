import type { AwsProviderEndpoints } from "@cdktf/provider-aws/lib/provider";

/**
 * How a synth is targeted, read from the process environment:
 * - `BF_PROFILE`: `aws` (default) or `emulator` (a local AWS emulator such as moto; only the
 *   provider block changes, the infrastructure stays the production one);
 * - `BF_AWS_ENDPOINT`: the emulator's URL, required with `emulator`, loopback only;
 * - `BF_BACKEND`: `local` (default, synth and plans need no AWS) or `s3` (real deploys; needs the
 *   environment's `stateBucket`);
 * - `BF_ENVIRONMENTS`: comma-separated environments to synthesize (default: all).
 */
export interface SynthProfile {
  readonly target: "aws" | "emulator";
  /** Emulator URL, set when `target` is `emulator`. */
  readonly endpoint: string | undefined;
  readonly backend: "local" | "s3";
}

/**
 * AWS services the stacks call, by provider `endpoints` key (the binding's names, so a misspelt one
 * fails to compile instead of being dropped from the JSON): all of them go to the emulator.
 */
export const EMULATED_SERVICES = [
  "acm",
  "applicationautoscaling",
  "chatbot",
  "cloudwatch",
  "cloudwatchlogs",
  "ec2",
  "ecr",
  "ecs",
  "elbv2",
  // EventBridge: the rule on a scheduled task's failed runs.
  "events",
  "iam",
  "kms",
  "route53",
  "s3",
  "s3Control",
  "scheduler",
  "secretsmanager",
  "sns",
  "sqs",
  "ssm",
  "sts",
] as const satisfies readonly (keyof AwsProviderEndpoints)[];

const LOOPBACK_URL = /^http:\/\/(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|\[::1\]):\d{1,5}\/?$/;

export class ProfileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ProfileError";
  }
}

export function profileFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): SynthProfile {
  const target = env.BF_PROFILE ?? "aws";
  if (target !== "aws" && target !== "emulator") {
    throw new ProfileError(`BF_PROFILE = "${target}" is not allowed; use "aws" (default) or "emulator"`);
  }
  const backend = env.BF_BACKEND ?? "local";
  if (backend !== "local" && backend !== "s3") {
    throw new ProfileError(`BF_BACKEND = "${backend}" is not allowed; use "local" (default) or "s3"`);
  }
  const endpoint = env.BF_AWS_ENDPOINT;
  if (target === "emulator") {
    if (!endpoint || !LOOPBACK_URL.test(endpoint)) {
      throw new ProfileError(`BF_AWS_ENDPOINT = "${endpoint ?? ""}" must be an http URL on loopback (e.g. http://127.0.0.1:5000) when BF_PROFILE=emulator`);
    }
    if (backend === "s3") throw new ProfileError(`BF_BACKEND = "s3" cannot be used with BF_PROFILE=emulator; the emulator profile uses local state`);
  }
  return { target, endpoint: target === "emulator" ? endpoint!.replace(/\/$/, "") : undefined, backend };
}

/**
 * `BF_BOOTSTRAP=1` synthesizes the one-time bootstrap stack of an account instead of the platform.
 * Only "1" and unset are taken: `true`, `yes` or `0` would otherwise silently pick one of the two.
 */
export function bootstrapFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): boolean {
  const value = env.BF_BOOTSTRAP;
  if (value === undefined) return false;
  if (value === "1") return true;
  throw new ProfileError(`BF_BOOTSTRAP = ${JSON.stringify(value)} is not allowed; set BF_BOOTSTRAP=1 to synthesize the account's bootstrap stack, or leave it unset for the platform's stacks`);
}
