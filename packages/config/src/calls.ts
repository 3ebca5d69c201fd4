/**
 * Whom a service calls (`calls` in services.ts): the callee's URL through ECS Service Connect, the
 * checks of the call graph, and the order its stacks are deployed in.
 *
 * Which cycles are refused: all of them (a choice; see the README, "Another service"). At run time
 * none would deadlock startup: Service Connect starts a caller whether or not its callee runs, and
 * readiness (/readyz) never calls a callee. At deploy time every one does: the callee's security
 * group rule that admits a caller lives in the caller's stack and names the callee's group, so each
 * call is a Terraform stack dependency (callee first), and a cycle of calls is a cycle of stacks,
 * which cdktf cannot order and no pipeline can deploy. Refusing them also keeps a first deploy's
 * order well defined: every callee runs before the services that call it.
 */
import type { ConfigIssue } from "./errors";
import type { ResolvedEnvironment, ResolvedService } from "./resolved";
import type { ServiceKind } from "./types";
import { didYouMean } from "./suggest";

/** Kinds that serve HTTP to other services through Service Connect. */
export const CALLABLE_KINDS: readonly ServiceKind[] = ["web", "internal"];

/** The variable holding a callee's URL: `orders` -> `ORDERS_URL`, `bun-api` -> `BUN_API_URL`. */
export function callUrlVariable(callee: string): string {
  return `${callee.toUpperCase().replace(/-/g, "_")}_URL`;
}

/** Where a caller reaches a callee: Service Connect's client alias, `http://<name>:<port>`. */
export function serviceConnectUrl(callee: Pick<ResolvedService, "name" | "containerPort">): string {
  return `http://${callee.name}:${callee.containerPort}`;
}

/** A service as deployOrder sees it: its name and its deploy-time edges (`calls`, `sends`). */
export interface DeployNode {
  readonly name: string;
  readonly calls?: readonly string[];
  readonly sends?: readonly string[];
}

/**
 * What a service depends on at deploy time: the services it calls (their security groups) and the
 * workers it sends to (their queues). (One place to add other edges.)
 */
export function deployDependencies(svc: Omit<DeployNode, "name">): readonly string[] {
  return [...(svc.calls ?? []), ...(svc.sends ?? [])];
}

/**
 * The services in deploy order: each after everything it depends on, otherwise in config order.
 * Throws on a cycle, naming it; validation refuses cycles first, so this only throws for a
 * caller that skipped loadConfig.
 */
export function deployOrder<T extends DeployNode>(services: readonly T[]): T[] {
  const byName = new Map(services.map((s) => [s.name, s]));
  const done = new Set<string>();
  const order: T[] = [];
  const visit = (svc: T, path: readonly string[]) => {
    if (done.has(svc.name)) return;
    if (path.includes(svc.name)) throw new Error(`calls form a cycle: ${[...path.slice(path.indexOf(svc.name)), svc.name].join(" -> ")}; no deploy order exists`);
    for (const dep of deployDependencies(svc)) {
      const next = byName.get(dep);
      if (next && next !== svc) visit(next, [...path, svc.name]);
    }
    done.add(svc.name);
    order.push(svc);
  };
  for (const svc of services) visit(svc, []);
  return order;
}

/** The first cycle of calls through `start`, as names from `start` back to it, if any. */
function cycleFrom(start: string, byName: ReadonlyMap<string, ResolvedService>): string[] | undefined {
  const seen = new Set<string>();
  const walk = (name: string, path: string[]): string[] | undefined => {
    for (const next of byName.get(name)?.calls ?? []) {
      // A self-call is its own issue, reported once as such.
      if (next === name) continue;
      if (next === start) return [...path, next];
      if (seen.has(next) || !byName.has(next)) continue;
      seen.add(next);
      const found = walk(next, [...path, next]);
      if (found) return found;
    }
    return undefined;
  };
  return walk(start, [start]);
}

/**
 * A cycle of deploy-time edges (calls and sends together; self-edges and unknown names left to
 * their own checks), as the names around it with the first repeated at the end, if any.
 */
export function dependencyCycle(services: readonly DeployNode[], edges: (svc: DeployNode) => readonly string[] = deployDependencies): string[] | undefined {
  const next = new Map(services.map((s) => [s.name, edges(s).filter((t) => t !== s.name)]));
  const state = new Map<string, "open" | "done">();
  const path: string[] = [];
  const visit = (name: string): string[] | undefined => {
    if (state.get(name) === "done") return undefined;
    if (state.get(name) === "open") return [...path.slice(path.indexOf(name)), name];
    state.set(name, "open");
    path.push(name);
    for (const to of next.get(name) ?? []) {
      if (!next.has(to)) continue;
      const found = visit(to);
      if (found) return found;
    }
    path.pop();
    state.set(name, "done");
    return undefined;
  };
  for (const s of services) {
    const found = visit(s.name);
    if (found) return found;
  }
  return undefined;
}

/**
 * A cycle that needs both kinds of edge (A calls B, B sends to A's queue): neither the calls check
 * nor the sends check sees it, and the stacks still cannot be ordered. Reported only when no cycle
 * of one kind exists (that one is reported by its own check, and fixing it may break this one).
 */
function validateMixedCycle(env: ResolvedEnvironment, issues: ConfigIssue[]): void {
  if (dependencyCycle(env.services, (s) => s.calls ?? []) || dependencyCycle(env.services, (s) => s.sends ?? [])) return;
  const cycle = dependencyCycle(env.services);
  if (!cycle) return;
  const hops = cycle.slice(0, -1).map((from, i) => {
    const to = cycle[i + 1]!;
    const svc = env.services.find((s) => s.name === from)!;
    return `${from} ${svc.calls.includes(to) ? "calls" : "sends to"} ${to}`;
  });
  issues.push({
    where: env.name,
    field: "calls and sends",
    value: hops.join(", "),
    problem:
      "form a cycle: a caller's stack is applied after its callee's and a producer's after its worker's, so these stacks cannot be deployed in any order; drop one call or send (e.g. report back through the worker's logs or a second queue read by a service outside the cycle)",
  });
}

/** Checks every service's `calls` in one environment; appends every problem to `issues`. */
export function validateCalls(env: ResolvedEnvironment, issues: ConfigIssue[]): void {
  const byName = new Map(env.services.map((s) => [s.name, s]));
  const names = [...byName.keys()];
  const reported = new Set<string>();
  for (const svc of env.services) {
    const where = `${env.name} / service "${svc.name}"`;
    const report = (value: unknown, problem: string) => issues.push({ where, field: "calls", value, problem });
    if (svc.calls.length > 0 && svc.kind === "scheduled") {
      // A scheduled task is started by EventBridge Scheduler (RunTask), which cannot join Service Connect.
      report(svc.calls, "a scheduled task runs outside any ECS service and cannot use Service Connect; only web, internal and worker services may call others");
    }
    const seen = new Set<string>();
    for (const callee of svc.calls) {
      if (seen.has(callee)) report(callee, "is listed twice; list each callee once");
      seen.add(callee);
      if (callee === svc.name) {
        report(callee, "a service cannot call itself through Service Connect; call your own code directly");
        continue;
      }
      const target = byName.get(callee);
      if (!target) {
        report(callee, `unknown service${didYouMean(callee, names)}; allowed: ${names.filter((n) => n !== svc.name && CALLABLE_KINDS.includes(byName.get(n)!.kind)).join(", ") || "none (no web or internal service)"}`);
        continue;
      }
      if (!CALLABLE_KINDS.includes(target.kind)) {
        report(callee, `is a ${target.kind} service, which serves no HTTP; allowed callees are web and internal services`);
      }
      const variable = callUrlVariable(callee);
      if (Object.hasOwn(svc.environment, variable) || Object.hasOwn(svc.secrets, variable)) {
        issues.push({ where, field: `environment.${variable}`, value: variable, problem: `is set by the platform because this service calls "${callee}"; leave it out` });
      }
    }
    const cycle = cycleFrom(svc.name, byName);
    if (cycle && !cycle.some((n) => reported.has(n))) {
      for (const n of cycle) reported.add(n);
      report(
        cycle.join(" -> "),
        "calls form a cycle, which is refused: each call puts the callee's security group rule in the caller's stack, so a cycle is a cycle of Terraform stacks that cannot be deployed in any order; break it (e.g. call back through a queue)",
      );
    }
  }
  validateMixedCycle(env, issues);
}
