import { cidrsOverlap, parseCidr } from "./cidr";
import type { ConfigIssue } from "./errors";
import { albName, MAX_LB_NAME_LENGTH, targetGroupName } from "./names";
import type { ResolvedEnvironment } from "./resolved";
import type { VpcEndpointName } from "./types";
import { validateService } from "./validate-service";

export const ENVIRONMENT_NAME = /^[a-z][a-z0-9]{1,11}$/;
const REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;
const ACCOUNT_ID = /^\d{12}$/;
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const NAT_STRATEGIES = ["none", "single", "per-az"];
const ENDPOINTS: readonly VpcEndpointName[] = ["ecr-api", "ecr-dkr", "logs", "secretsmanager", "ssm", "s3"];
/** The retention values CloudWatch Logs accepts. */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

function validateNetwork(env: ResolvedEnvironment, report: (f: string, v: unknown, p: string) => void): void {
  const cidr = parseCidr(env.vpcCidr);
  if (!cidr) report("vpcCidr", env.vpcCidr, "must be an IPv4 CIDR with no host bits set, e.g. \"10.10.0.0/16\"");
  else if (cidr.prefix < 16 || cidr.prefix > 22) report("vpcCidr", env.vpcCidr, "prefix must be /16 to /22 (room for 8 subnets of /19 to /25)");
  if (!Number.isInteger(env.azCount) || env.azCount < 2 || env.azCount > 4) {
    report("azCount", env.azCount, "must be 2, 3 or 4 (an ALB needs at least 2 AZs)");
  }
  if (!NAT_STRATEGIES.includes(env.natStrategy)) report("natStrategy", env.natStrategy, 'allowed: "none", "single", "per-az"');
  const seen = new Set<string>();
  for (const e of env.vpcEndpoints) {
    if (!ENDPOINTS.includes(e)) report("vpcEndpoints", e, `allowed: ${ENDPOINTS.map((x) => `"${x}"`).join(", ")}`);
    if (seen.has(e)) report("vpcEndpoints", e, "listed twice");
    seen.add(e);
  }
}

function validateSettings(env: ResolvedEnvironment, report: (f: string, v: unknown, p: string) => void): void {
  if (!REGION.test(env.region)) report("region", env.region, 'must be an AWS region such as "us-east-1"');
  if (env.allowedAccountIds.length === 0) report("allowedAccountIds", [], "list at least one 12-digit AWS account ID: deploys refuse any other account");
  for (const id of env.allowedAccountIds) if (!ACCOUNT_ID.test(id)) report("allowedAccountIds", id, "must be a 12-digit AWS account ID");
  if (!LOG_RETENTION_DAYS.includes(env.logRetentionDays)) {
    report("logRetentionDays", env.logRetentionDays, `allowed: ${LOG_RETENTION_DAYS.join(", ")}`);
  }
  if (!(env.spotShare >= 0 && env.spotShare <= 1)) report("spotShare", env.spotShare, "must be a number from 0 to 1");
  if (!["debug", "info", "warn", "error"].includes(env.logLevel)) report("logLevel", env.logLevel, 'allowed: "debug", "info", "warn", "error"');
  if (env.stateBucket !== undefined && !BUCKET.test(env.stateBucket)) {
    report("stateBucket", env.stateBucket, "must be a valid S3 bucket name (3-63 lower-case letters, digits, dots, hyphens)");
  }
  if (!["dev", "staging", "prod"].includes(env.policyTier)) report("policyTier", env.policyTier, 'allowed: "dev", "staging", "prod"');
  const hours = env.activeHours;
  if (hours) {
    if (!Number.isInteger(hours.startHour) || hours.startHour < 0 || hours.startHour > 23) {
      report("activeHours.startHour", hours.startHour, "must be a whole hour from 0 to 23");
    }
    if (!Number.isInteger(hours.endHour) || hours.endHour <= hours.startHour || hours.endHour > 24) {
      report("activeHours.endHour", hours.endHour, `must be a whole hour after startHour (${hours.startHour}) and at most 24`);
    }
    if (hours.startHour === 0 && hours.endHour === 24) {
      report("activeHours", hours, "0-24 means always on (the wake and sleep actions would fire at the same minute); leave activeHours out");
    }
    if (hours.days !== undefined && hours.days !== "MON-FRI" && hours.days !== "MON-SUN") {
      report("activeHours.days", hours.days, 'allowed: "MON-FRI", "MON-SUN"');
    }
    if (hours.timezone !== undefined && !/^[A-Za-z_]+(\/[A-Za-z_+-]+)*$/.test(hours.timezone)) {
      report("activeHours.timezone", hours.timezone, 'must be an IANA time zone such as "UTC" or "Europe/Berlin"');
    }
  }
  const cert = env.certificate;
  if (cert) {
    const arn = new RegExp(`^arn:aws[a-z-]*:acm:${env.region}:\\d{12}:certificate/[0-9a-f-]{36}$`);
    if (cert.certificateArn !== undefined && !arn.test(cert.certificateArn)) {
      report("certificate.certificateArn", cert.certificateArn, `must be an ACM certificate ARN in ${env.region} (the ALB's region)`);
    }
    if (!DOMAIN.test(cert.domainName)) report("certificate.domainName", cert.domainName, 'must be a lower-case domain name such as "api.example.com"');
  }
}

function validateRoutes(env: ResolvedEnvironment, issues: ConfigIssue[]): void {
  const priorities = new Map<number, string>();
  const routes = new Map<string, string>();
  for (const svc of env.services) {
    const r = svc.routing;
    if (!r || svc.kind !== "web") continue;
    const where = `${env.name} / service "${svc.name}"`;
    const other = priorities.get(r.priority);
    if (other) issues.push({ where, field: "routing.priority", value: r.priority, problem: `already used by service "${other}"; listener rule priorities must be unique` });
    priorities.set(r.priority, svc.name);
    // Order and repeats do not change what a rule matches; host headers match case-insensitively.
    const paths = [...new Set(r.pathPatterns ?? [])].sort();
    const hosts = [...new Set((r.hostHeaders ?? []).map((h) => h.toLowerCase()))].sort();
    const key = JSON.stringify([paths, hosts]);
    const same = routes.get(key);
    if (same) issues.push({ where, field: "routing", value: r, problem: `identical to the route of service "${same}"; one of them would never receive traffic` });
    routes.set(key, svc.name);
  }
}

function validateNames(env: ResolvedEnvironment, issues: ConfigIssue[]): void {
  const alb = albName(env.project, env.name);
  if (alb.length > MAX_LB_NAME_LENGTH) {
    issues.push({ where: env.name, field: "name", value: alb, problem: `makes the ALB name ${alb.length} characters long; AWS allows ${MAX_LB_NAME_LENGTH}` });
  }
  for (const svc of env.services) {
    if (svc.kind !== "web") continue;
    const tg = targetGroupName(env.project, env.name, svc.name);
    if (tg.length > MAX_LB_NAME_LENGTH) {
      issues.push({ where: `${env.name} / service "${svc.name}"`, field: "name", value: tg, problem: `makes the target group name ${tg.length} characters long; AWS allows ${MAX_LB_NAME_LENGTH}` });
    }
  }
}

/**
 * Tasks in private subnets with no NAT reach AWS only through endpoints; a secret store without
 * its endpoint means tasks that never start.
 */
function validateSecretReachability(env: ResolvedEnvironment, issues: ConfigIssue[]): void {
  if (env.natStrategy !== "none") return;
  const privateTasks = ["ecr-api", "ecr-dkr", "logs", "s3"].every((e) => env.vpcEndpoints.includes(e as VpcEndpointName));
  if (!privateTasks) return;
  for (const svc of env.services) {
    const refs = Object.values(svc.secrets as Record<string, Record<string, unknown>>);
    for (const [store, key] of [["secretsmanager", "secretsManagerArn"], ["ssm", "ssmParameterArn"]] as const) {
      if (refs.some((r) => typeof r === "object" && r !== null && key in r) && !env.vpcEndpoints.includes(store)) {
        issues.push({
          where: `${env.name} / service "${svc.name}"`,
          field: "secrets",
          value: Object.keys(svc.secrets),
          problem: `tasks run privately without NAT, so reading ${key === "ssmParameterArn" ? "SSM parameters" : "Secrets Manager secrets"} needs the "${store}" VPC endpoint in ${env.name}'s vpcEndpoints`,
        });
      }
    }
  }
}

/** Checks one resolved environment and its services; appends every problem to `issues`. */
export function validateEnvironment(env: ResolvedEnvironment, issues: ConfigIssue[]): void {
  const report = (field: string, value: unknown, problem: string) => issues.push({ where: env.name, field, value, problem });
  if (!ENVIRONMENT_NAME.test(env.name)) report("name", env.name, "environment names are 2-12 lower-case letters and digits, starting with a letter");
  validateSettings(env, report);
  validateNetwork(env, report);
  for (const svc of env.services) validateService(`${env.name} / service "${svc.name}"`, svc, issues);
  validateRoutes(env, issues);
  validateNames(env, issues);
  validateSecretReachability(env, issues);
}

/** Environments must not overlap, so they can be peered or joined by VPN later. */
export function validateCidrOverlaps(envs: readonly ResolvedEnvironment[], issues: ConfigIssue[]): void {
  for (let i = 0; i < envs.length; i++) {
    for (let j = i + 1; j < envs.length; j++) {
      const a = parseCidr(envs[i]!.vpcCidr);
      const b = parseCidr(envs[j]!.vpcCidr);
      if (a && b && cidrsOverlap(a, b)) {
        issues.push({ where: envs[j]!.name, field: "vpcCidr", value: envs[j]!.vpcCidr, problem: `overlaps ${envs[i]!.name}'s ${envs[i]!.vpcCidr}; give each environment its own range` });
      }
    }
  }
}
