/** The schema of an environment entry (`environments.ts`). Types in `../types.ts` derive from it. */
import * as v from "valibot";
import { cidrProblem } from "../cidr";
import { AWS_REGIONS } from "../regions";
import { isTimeZone } from "../time-zones";
import { QUOTAS } from "../quotas";
import { DeploymentSchema } from "./deployment";
import { CertificateSchema } from "./domain";
import { bool, dict, int, list, oneOf, stepped, strictObject, text } from "./fields";
import { NotificationsSchema } from "./operations";
import { LOG_LEVELS, SERVICE_NAME, ServiceSettingsSchema } from "./service";

export const ENVIRONMENT_NAME = /^[a-z][a-z0-9]{1,11}$/;
/** The retention values CloudWatch Logs accepts. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;
export const VPC_ENDPOINTS = ["ecr-api", "ecr-dkr", "logs", "secretsmanager", "ssm", "s3"] as const;

/** S3 bucket naming rules (general purpose buckets), as AWS documents them. */
export function bucketNameProblem(name: string): string | undefined {
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name)) return "must be 3-63 lower-case letters, digits, dots and hyphens, starting and ending with a letter or digit";
  if (name.includes("..")) return "must not contain two dots in a row";
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) return "must not look like an IP address";
  if (/^(xn--|sthree-|amzn-s3-demo-)/.test(name)) return "must not start with xn--, sthree- or amzn-s3-demo-";
  if (/(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/.test(name)) return "must not end with -s3alias, --ol-s3, .mrap, --x-s3 or --table-s3";
  return undefined;
}

const unique = <T>(items: readonly T[]) => new Set(items).size === items.length;

const ActiveHoursSchema = v.pipe(
  strictObject(
    {
      /** Days services run, as an EventBridge cron day-of-week field. @default "MON-FRI" */
      days: v.optional(oneOf(["MON-FRI", "MON-SUN"])),
      /** Hour (0-23) services wake. */
      startHour: int(0, 23, "must be a whole hour from 0 to 23"),
      /** Hour (1-24) services sleep; after startHour. */
      endHour: int(1, 24, "must be a whole hour from 1 to 24, after startHour"),
      /** IANA time zone of the hours, such as "Europe/Berlin" or "Etc/GMT+9". @default "UTC" */
      timezone: v.optional(
        v.pipe(
          v.string('must be an IANA time zone such as "UTC" or "Europe/Berlin"'),
          v.check(isTimeZone, 'must be an IANA time zone such as "UTC", "Europe/Berlin" or "Etc/GMT+9" (names are case-sensitive)'),
        ),
      ),
    },
    "an object { startHour, endHour, days?, timezone? }",
  ),
  v.forward(
    // Judged only against a valid startHour, which is reported on its own otherwise.
    v.check((h) => !(Number.isInteger(h.startHour) && h.startHour >= 0 && h.startHour <= 23) || h.endHour > h.startHour, (issue) => `must be a whole hour after startHour (${(issue.input as { startHour: number }).startHour}) and at most 24`),
    ["endHour"],
  ),
  v.check((h) => !(h.startHour === 0 && h.endHour === 24), "0-24 means always on (the wake and sleep actions would fire at the same minute); leave activeHours out"),
);

const quota = (name: keyof typeof QUOTAS) => {
  const q = QUOTAS[name];
  return v.optional(int(q.default, q.maximum, `must be the quota AWS granted this account: a whole number from the default ${q.default} to ${q.maximum}`));
};

export const EnvironmentSchema = strictObject(
  {
    /** AWS region, e.g. `us-east-1`. */
    region: oneOf(AWS_REGIONS, 'must be an AWS region such as "us-east-1" (if AWS opened a new one, add it to packages/config/src/regions.ts)'),
    /** Deploys refuse any other account (provider `allowed_account_ids`). */
    allowedAccountIds: v.pipe(
      list(text(/^\d{12}$/, "must be a 12-digit AWS account ID, as a string", 12), "a list of 12-digit AWS account IDs", 100),
      v.minLength(1, "list at least one 12-digit AWS account ID: deploys refuse any other account"),
      v.check(unique, "lists an account twice"),
    ),
    /** VPC CIDR, /16 to /22, written canonically (`10.10.0.0/16`). Environments must not overlap, so they can be peered later. */
    vpcCidr: v.pipe(
      v.string('must be an IPv4 CIDR such as "10.10.0.0/16"'),
      v.check((c) => cidrProblem(c) === undefined, (issue) => cidrProblem(String(issue.input)) ?? "is not a CIDR"),
    ),
    /** Availability zones used. @default 2 */
    azCount: v.optional(int(2, 4, "must be 2, 3 or 4 (an ALB needs at least 2 AZs)")),
    /** How private subnets reach the internet. @default "single" */
    natStrategy: v.optional(oneOf(["none", "single", "per-az"])),
    /** VPC endpoints, so private tasks can pull images and write logs without NAT. @default [] */
    vpcEndpoints: v.optional(v.pipe(list(oneOf(VPC_ENDPOINTS), "a list of VPC endpoint names", 6), v.check(unique, "lists an endpoint twice"))),
    /** HTTPS on the ALB with HTTP redirected; DNS records and a certificate where a hosted zone is given. @default - plain HTTP only */
    certificate: v.optional(CertificateSchema),
    /**
     * IPv6 as well as IPv4 on the internet side: an Amazon-provided IPv6 range for the VPC, a /64 of it
     * for each public subnet, a dual-stack ALB that admits `::/0`, and an AAAA record where a hosted
     * zone is given. Tasks stay IPv4-only behind the ALB. @default false
     */
    dualStack: v.optional(bool()),
    /** CloudWatch Logs retention for service logs. @default 30 */
    logRetentionDays: v.optional(oneOf(LOG_RETENTION_DAYS)),
    /** VPC flow logs to CloudWatch Logs. @default false */
    flowLogs: v.optional(bool()),
    /** ALB deletion protection. @default false */
    deletionProtection: v.optional(bool()),
    /** ALB access logs to a new S3 bucket. @default false */
    albAccessLogs: v.optional(bool()),
    /** Default share of tasks on FARGATE_SPOT, 0 to 1 in steps of 0.01. @default 0 */
    spotShare: v.optional(stepped(0, 1, 0.01, "must be a number from 0 to 1 in steps of 0.01")),
    /**
     * Strictness of the synth-time policy checks.
     * @default - the environment's name when it is dev, staging or prod; otherwise "prod"
     */
    policyTier: v.optional(oneOf(["dev", "staging", "prod"])),
    /** Container Insights metrics (about $6 a month per service). @default true */
    containerInsights: v.optional(bool()),
    /** Run services only in these hours; outside them every service scales to zero. @default - always */
    activeHours: v.optional(ActiveHoursSchema),
    /** Default service log level. @default "info" */
    logLevel: v.optional(oneOf(LOG_LEVELS)),
    /** Default for ECS Exec. @default false */
    enableExec: v.optional(bool()),
    /**
     * Who is told when an alarm fires: the environment's alarm topic (SNS, encrypted with its own
     * KMS key) and its subscriptions. @default - on, with no subscriptions (synth says so)
     */
    notifications: v.optional(NotificationsSchema),
    /**
     * How deploys replace the services' tasks, unless a service says otherwise.
     * @default - by policy tier: prod canary 10 % for 5 minutes then all, bake 10 minutes; staging
     * linear 25 % a minute, bake 5 minutes; dev rolling
     */
    deployment: v.optional(DeploymentSchema),
    /** S3 bucket for Terraform state when deploying with `BF_BACKEND=s3`. @default - none; required for s3 */
    stateBucket: v.optional(
      v.pipe(v.string("must be an S3 bucket name"), v.check((b) => bucketNameProblem(b) === undefined, (issue) => `must be a valid S3 bucket name: ${bucketNameProblem(String(issue.input))}`)),
    ),
    /**
     * AWS quotas this account has had raised, where AWS allows it; synth checks the stacks against
     * them. @default - the AWS defaults (see QUOTAS in packages/config/src/quotas.ts)
     */
    quotas: v.optional(
      strictObject(
        {
          /** Listener rules per ALB, excluding default rules. @default 100 */
          listenerRulesPerAlb: quota("listenerRulesPerAlb"),
          /** Targets (task IPs at maxTasks) per ALB. @default 1000 */
          targetsPerAlb: quota("targetsPerAlb"),
          /** Inbound or outbound rules per security group (each of IPv4 and IPv6). @default 60 */
          rulesPerSecurityGroup: quota("rulesPerSecurityGroup"),
          /** Elastic IP addresses per region, one per NAT gateway, summed over environments sharing an account and region. @default 5 */
          elasticIpsPerRegion: quota("elasticIpsPerRegion"),
          /** VPCs per region, summed over environments sharing an account and region. @default 5 */
          vpcsPerRegion: quota("vpcsPerRegion"),
        },
        "an object of raised AWS quotas",
      ),
    ),
    /** Per-service overrides, keyed by service name. @default {} */
    services: v.optional(
      dict(
        v.pipe(v.string(), v.regex(SERVICE_NAME, "is not a service name (2-24 lower-case letters, digits and hyphens)")),
        ServiceSettingsSchema,
        "an object of service names to settings",
      ),
    ),
  },
  "an object { region, allowedAccountIds, vpcCidr, ... }",
);
