/** Checks across the fields of one resolved service (its entry with one environment's override and defaults). */
import { fargateSizeProblem } from "./fargate";
import type { ConfigIssue } from "./errors";
import type { ResolvedService } from "./resolved";

type Report = (field: string, value: unknown, problem: string) => void;

function validateCapacity(svc: ResolvedService, report: Report): void {
  const sizeProblem = fargateSizeProblem(svc.cpu, svc.memoryMiB);
  if (sizeProblem) report("cpu/memoryMiB", `${svc.cpu}/${svc.memoryMiB}`, `not a valid Fargate combination: ${sizeProblem}`);
  if (svc.minTasks > svc.maxTasks) report("minTasks", svc.minTasks, `must not exceed maxTasks (${svc.maxTasks})`);
  if (svc.desiredTasks < svc.minTasks || svc.desiredTasks > svc.maxTasks) {
    report("desiredTasks", svc.desiredTasks, `must be within [minTasks, maxTasks] = [${svc.minTasks}, ${svc.maxTasks}]`);
  }
  if (svc.maxTasks < 1 && svc.kind !== "scheduled") report("maxTasks", svc.maxTasks, "must be at least 1");
}

function validateKind(svc: ResolvedService, report: Report): void {
  if (svc.kind === "web") {
    if (svc.healthCheckPath === undefined) report("healthCheckPath", undefined, 'a web service needs a health check path, e.g. "/readyz"');
    if (!svc.routing) report("routing", undefined, "a web service needs routing: { priority, pathPatterns and/or hostHeaders }");
  } else if (svc.routing) {
    report("routing", svc.routing, `only web services are routed by the ALB; this one is a ${svc.kind}`);
  }
  if (svc.kind === "scheduled") {
    if (svc.schedule === undefined) report("schedule", undefined, 'a scheduled service needs a schedule: "cron(<6 fields>)" or "rate(<n> <unit>)", e.g. "cron(0 3 * * ? *)"');
  } else if (svc.schedule !== undefined) {
    report("schedule", svc.schedule, `only scheduled services take a schedule; this one is a ${svc.kind}`);
  }
}

function validateVariables(svc: ResolvedService, report: Report): void {
  for (const name of Object.keys(svc.secrets)) {
    if (Object.hasOwn(svc.environment, name)) {
      report(`environment.${name}`, name, "is also a secret of this service; a variable is either plain (environment) or a secret (secrets), not both");
    }
  }
}

/** Checks one service as one environment resolves it; appends every problem to `issues`. */
export function validateService(where: string, svc: ResolvedService, issues: ConfigIssue[]): void {
  const report: Report = (field, value, problem) => issues.push({ where, field, value, problem });
  validateKind(svc, report);
  validateCapacity(svc, report);
  validateVariables(svc, report);
}
