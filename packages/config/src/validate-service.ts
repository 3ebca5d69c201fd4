import { fargateSizeProblem } from "./fargate";
import type { ConfigIssue } from "./errors";
import type { ResolvedService } from "./resolved";

type Report = (field: string, value: unknown, problem: string) => void;

/** Variable names that say "this is a secret": such values belong in `secrets`, by reference. */
const SECRET_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIAL)/i;
/** Values that carry credentials whatever their name. */
const SECRET_VALUE = [
  /:\/\/[^/\s:@]+:[^/\s@]+@/, // user:password@ in a connection string
  /\bAKIA[0-9A-Z]{16}\b/, // AWS access key ID
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  /\b(sk|pk|rk)_(live|test)_[0-9a-zA-Z]{10,}/, // payment provider keys
  /\bgh[pousr]_[0-9A-Za-z]{30,}/, // GitHub tokens
];
const SECRETS_MANAGER_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/;
const SSM_PARAMETER_ARN = /^arn:aws[a-z-]*:ssm:[a-z0-9-]+:\d{12}:parameter\/[A-Za-z0-9/_.-]+$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
// EventBridge wants the singular unit for 1 and the plural otherwise: rate(1 hour), rate(5 hours).
const SCHEDULE = /^(cron\(\S+( \S+){5}\)|rate\((1 (minute|hour|day)|([2-9]|[1-9]\d+) (minutes|hours|days))\))$/;
/** cron(minutes hours day-of-month month day-of-week year): one of the two day fields must be `?`. */
const CRON_DAYS = /^cron\(\S+ \S+ (\S+) \S+ (\S+) \S+\)$/;
const HEALTH_PATH = /^\/[A-Za-z0-9/_.-]*$/;
const PATH_PATTERN = /^\/[A-Za-z0-9/_.*?~-]*$/;
const HOST_HEADER = /^[A-Za-z0-9*?.-]+$/;

function validateSecrets(svc: ResolvedService, report: Report): void {
  for (const [name, ref] of Object.entries(svc.secrets as Record<string, unknown>)) {
    const field = `secrets.${name}`;
    if (!ENV_NAME.test(name)) report(field, name, "secret names must be valid environment variable names");
    if (typeof ref !== "object" || ref === null) {
      report(field, "<redacted>", "secrets are references, never values: give { secretsManagerArn } or { ssmParameterArn }");
      continue;
    }
    const r = ref as { secretsManagerArn?: unknown; ssmParameterArn?: unknown };
    if (r.secretsManagerArn !== undefined) {
      if (typeof r.secretsManagerArn !== "string" || !SECRETS_MANAGER_ARN.test(r.secretsManagerArn)) {
        report(`${field}.secretsManagerArn`, "<redacted>", "must be a Secrets Manager ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>), not a value");
      }
    } else if (r.ssmParameterArn !== undefined) {
      if (typeof r.ssmParameterArn !== "string" || !SSM_PARAMETER_ARN.test(r.ssmParameterArn)) {
        report(`${field}.ssmParameterArn`, "<redacted>", "must be an SSM parameter ARN (arn:aws:ssm:<region>:<account>:parameter/<name>), not a value");
      }
    } else {
      report(field, Object.keys(r), "needs secretsManagerArn or ssmParameterArn");
    }
  }
}

function validateEnvironmentVariables(svc: ResolvedService, report: Report): void {
  for (const [name, value] of Object.entries(svc.environment)) {
    const field = `environment.${name}`;
    if (!ENV_NAME.test(name)) report(field, name, "must be a valid environment variable name ([A-Za-z_][A-Za-z0-9_]*)");
    if (typeof value !== "string") {
      report(field, SECRET_NAME.test(name) ? "<redacted>" : value, "must be a string");
      continue;
    }
    if (SECRET_NAME.test(name)) {
      report(field, "<redacted>", "looks like a secret: move it to `secrets` as a Secrets Manager or SSM reference");
    } else if (SECRET_VALUE.some((p) => p.test(value))) {
      report(field, "<redacted>", "the value contains credentials: move it to `secrets` as a Secrets Manager or SSM reference");
    }
  }
}

function validateCapacity(svc: ResolvedService, report: Report): void {
  const sizeProblem = fargateSizeProblem(svc.cpu, svc.memoryMiB);
  if (sizeProblem) report("cpu/memoryMiB", `${svc.cpu}/${svc.memoryMiB}`, `not a valid Fargate combination: ${sizeProblem}`);
  for (const field of ["minTasks", "maxTasks", "desiredTasks"] as const) {
    const v = svc[field];
    if (!Number.isInteger(v) || v < 0 || v > 1000) report(field, v, "must be a whole number from 0 to 1000");
  }
  if (svc.minTasks > svc.maxTasks) report("minTasks", svc.minTasks, `must not exceed maxTasks (${svc.maxTasks})`);
  if (svc.desiredTasks < svc.minTasks || svc.desiredTasks > svc.maxTasks) {
    report("desiredTasks", svc.desiredTasks, `must be within [minTasks, maxTasks] = [${svc.minTasks}, ${svc.maxTasks}]`);
  }
  if (svc.maxTasks < 1 && svc.kind !== "scheduled") report("maxTasks", svc.maxTasks, "must be at least 1");
  if (!(svc.spotShare >= 0 && svc.spotShare <= 1)) report("spotShare", svc.spotShare, "must be a number from 0 to 1");
  if (svc.architecture !== "ARM64" && svc.architecture !== "X86_64") {
    report("architecture", svc.architecture, 'allowed: "ARM64", "X86_64"');
  }
  if (!["debug", "info", "warn", "error"].includes(svc.logLevel)) {
    report("logLevel", svc.logLevel, 'allowed: "debug", "info", "warn", "error"');
  }
}

function validateKind(svc: ResolvedService, report: Report): void {
  if (!["web", "worker", "scheduled"].includes(svc.kind)) {
    report("kind", svc.kind, 'allowed: "web", "worker", "scheduled"');
    return;
  }
  if (svc.kind === "web") {
    if (svc.healthCheckPath === undefined) report("healthCheckPath", undefined, "a web service needs a health check path, e.g. \"/readyz\"");
    else if (!HEALTH_PATH.test(svc.healthCheckPath) || svc.healthCheckPath.length > 1024) {
      report("healthCheckPath", svc.healthCheckPath, "must be an absolute path of letters, digits and / _ . - (at most 1024 characters)");
    }
    if (!svc.routing) report("routing", undefined, "a web service needs routing: { priority, pathPatterns and/or hostHeaders }");
  } else if (svc.routing) {
    report("routing", svc.routing, `only web services are routed by the ALB; this one is a ${svc.kind}`);
  }
  if (svc.kind === "scheduled") {
    const days = svc.schedule ? CRON_DAYS.exec(svc.schedule) : null;
    if (!svc.schedule || !SCHEDULE.test(svc.schedule)) {
      report("schedule", svc.schedule, 'a scheduled service needs "cron(<6 fields>)", "rate(1 minute|hour|day)" or "rate(<n> minutes|hours|days)"');
    } else if (days && (days[1] === "?") === (days[2] === "?")) {
      report("schedule", svc.schedule, 'exactly one of day-of-month and day-of-week must be "?", e.g. "cron(0 3 * * ? *)"');
    }
  } else if (svc.schedule !== undefined) {
    report("schedule", svc.schedule, `only scheduled services take a schedule; this one is a ${svc.kind}`);
  }
}

function validateRouting(svc: ResolvedService, report: Report): void {
  const r = svc.routing;
  if (!r) return;
  if (!Number.isInteger(r.priority) || r.priority < 1 || r.priority > 50000) {
    report("routing.priority", r.priority, "must be a whole number from 1 to 50000");
  }
  const paths = r.pathPatterns ?? [];
  const hosts = r.hostHeaders ?? [];
  if (paths.length === 0 && hosts.length === 0) report("routing", r, "give pathPatterns and/or hostHeaders");
  // The ALB allows at most 5 condition values per rule.
  if (paths.length + hosts.length > 5) report("routing", r, "at most 5 path patterns and host headers in all (ALB limit)");
  for (const p of paths) if (!PATH_PATTERN.test(p) || p.length > 128) report("routing.pathPatterns", p, "must start with / and use letters, digits, / _ . - * ? ~ (at most 128 characters)");
  for (const h of hosts) if (!HOST_HEADER.test(h) || h.length > 128) report("routing.hostHeaders", h, "must be a host name, wildcards * and ? allowed (at most 128 characters)");
}

export function validateService(where: string, svc: ResolvedService, issues: ConfigIssue[]): void {
  const report: Report = (field, value, problem) => issues.push({ where, field, value, problem });
  if (!Number.isInteger(svc.containerPort) || svc.containerPort < 1024 || svc.containerPort > 65535) {
    report("containerPort", svc.containerPort, "must be a whole number from 1024 to 65535 (non-root containers cannot bind lower ports)");
  }
  validateKind(svc, report);
  validateRouting(svc, report);
  validateCapacity(svc, report);
  validateEnvironmentVariables(svc, report);
  validateSecrets(svc, report);
}
