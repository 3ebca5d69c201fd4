/** Checks across the fields of one resolved service (its entry with one environment's override and defaults). */
import { TEST_TRAFFIC_HEADER, TRAFFIC_SHIFTING } from "./deployment";
import { fargateSizeProblem } from "./fargate";
import { CONDITION_VALUES_PER_RULE } from "./schema/service";
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
  if (svc.kind !== "web" && svc.requestsPerTaskPerMinute !== undefined) {
    report("requestsPerTaskPerMinute", svc.requestsPerTaskPerMinute, `only web services scale on ALB requests; this one is a ${svc.kind} (${svc.kind === "worker" ? "it scales on cpuTargetPercent" : "it has no autoscaling"})`);
  }
  if (svc.kind === "scheduled" && svc.cpuTargetPercent !== undefined) {
    report("cpuTargetPercent", svc.cpuTargetPercent, "a scheduled service starts a task per run and has no autoscaling; leave cpuTargetPercent out");
  }
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
  } else {
    if (svc.schedule !== undefined) report("schedule", svc.schedule, `only scheduled services take a schedule; this one is a ${svc.kind}`);
    if (svc.schedulingWritten) report("scheduling", svc.schedulingWritten, `only scheduled services are started by EventBridge Scheduler; this one is a ${svc.kind}`);
  }
}

function validateVariables(svc: ResolvedService, report: Report): void {
  for (const name of Object.keys(svc.secrets)) {
    if (Object.hasOwn(svc.environment, name)) {
      report(`environment.${name}`, name, "is also a secret of this service; a variable is either plain (environment) or a secret (secrets), not both");
    }
  }
}

/** The strategy a service's kind can use, and what the test listener rule of a web service needs. */
function validateDeployment(svc: ResolvedService, report: Report): void {
  const d = svc.deployment;
  if (svc.kind === "scheduled") {
    if (d.setIn === "service") report("deployment", d.strategy, "a scheduled service starts a fresh task on every run and has no ECS service to deploy; leave deployment out");
    return;
  }
  if (svc.kind === "worker" && TRAFFIC_SHIFTING.has(d.strategy)) {
    report("deployment.strategy", d.strategy, `shifts traffic through a load balancer, which a ${svc.kind} has none of; allowed: "rolling", or "blue-green" (a full new revision watched by its alarms for bakeTimeMinutes)`);
  }
  if (svc.kind !== "web" || d.strategy === "rolling" || !svc.routing) return;
  const values = (svc.routing.pathPatterns ?? []).length + (svc.routing.hostHeaders ?? []).length;
  if (values > CONDITION_VALUES_PER_RULE - 1) {
    report(
      "routing",
      svc.routing,
      `has ${values} path patterns and host headers; a "${d.strategy}" deployment's test listener rule adds the header condition ${TEST_TRAFFIC_HEADER.name}: ${TEST_TRAFFIC_HEADER.value}, and the ALB allows ${CONDITION_VALUES_PER_RULE} condition values per rule: give at most ${CONDITION_VALUES_PER_RULE - 1}, or deploy with "rolling"`,
    );
  }
  if (svc.routing.priority < 2) {
    report("routing.priority", svc.routing.priority, `a "${d.strategy}" deployment puts its test listener rule one priority before the service's rule, so the priority must be at least 2`);
  }
}

/** Checks one service as one environment resolves it; appends every problem to `issues`. */
export function validateService(where: string, svc: ResolvedService, issues: ConfigIssue[]): void {
  const report: Report = (field, value, problem) => issues.push({ where, field, value, problem });
  validateKind(svc, report);
  validateCapacity(svc, report);
  validateVariables(svc, report);
  validateDeployment(svc, report);
}
