/** A worker's job queue with its defaults applied, and the checks across services that `sends` needs. */
import { dependencyCycle } from "./calls";
import type { ConfigIssue } from "./errors";
import type { ResolvedService } from "./resolved";
import { QUEUE_DEFAULTS } from "./schema/queue";
import { MIN_VISIBILITY_TIMEOUT_SECONDS, producerQueueUrlVariable, visibilityTimeoutSeconds, WORKER_ENV } from "./runtime";
import { didYouMean } from "./suggest";
import type { ServiceConfig } from "./types";

export { QUEUE_DEFAULTS, QUEUE_RANGES } from "./schema/queue";

type QueueConfig = NonNullable<ServiceConfig["queue"]>;

/** A queue with every setting filled in. */
export interface ResolvedQueue {
  readonly maxReceiveCount: number;
  readonly retentionDays: number;
  readonly maxJobSeconds: number;
  /** VISIBILITY_TIMEOUT_RATIO x maxJobSeconds, at least MIN_VISIBILITY_TIMEOUT_SECONDS. */
  readonly visibilityTimeoutSeconds: number;
  readonly backlogPerTask: number;
  /**
   * The oldest-message alarm's threshold: two visibility timeouts (at least ten minutes, the time
   * to wake a worker from zero). A message that old waited for a worker that did not come, or
   * failed at least twice.
   */
  readonly oldestMessageAlarmSeconds: number;
}

/** Ten minutes: a worker woken from zero needs the wake alarm's minute, the scale-out and a task start. */
export const MIN_OLDEST_MESSAGE_ALARM_SECONDS = 600;

/** The service's queue with the environment's keys over it; undefined when neither declares one. */
export function resolveQueue(service: QueueConfig | undefined, override: QueueConfig | undefined): ResolvedQueue | undefined {
  if (service === undefined && override === undefined) return undefined;
  const maxJobSeconds = override?.maxJobSeconds ?? service?.maxJobSeconds ?? QUEUE_DEFAULTS.maxJobSeconds;
  const visibility = visibilityTimeoutSeconds(maxJobSeconds);
  return {
    maxReceiveCount: override?.maxReceiveCount ?? service?.maxReceiveCount ?? QUEUE_DEFAULTS.maxReceiveCount,
    retentionDays: override?.retentionDays ?? service?.retentionDays ?? QUEUE_DEFAULTS.retentionDays,
    maxJobSeconds,
    visibilityTimeoutSeconds: visibility,
    backlogPerTask: override?.backlogPerTask ?? service?.backlogPerTask ?? QUEUE_DEFAULTS.backlogPerTask,
    oldestMessageAlarmSeconds: Math.max(MIN_OLDEST_MESSAGE_ALARM_SECONDS, 2 * visibility),
  };
}

/** The variables the platform sets for queues on this service (its own queue's, and each target's URL). */
export function queueVariables(svc: Pick<ResolvedService, "queue" | "sends">): readonly string[] {
  return [...(svc.queue ? Object.values(WORKER_ENV) : []), ...svc.sends.map(producerQueueUrlVariable)];
}

/**
 * Checks the queues and the `sends` of one environment's services: a queue only on a worker, each
 * target a worker with a queue, not itself, once, with no cycle (the stacks are applied in that
 * order), and no variable of the service's own that the platform sets for its queues.
 */
export function validateQueues(environment: string, services: readonly ResolvedService[], issues: ConfigIssue[]): void {
  const byName = new Map(services.map((s) => [s.name, s]));
  for (const svc of services) {
    const report = (field: string, value: unknown, problem: string) => issues.push({ where: `${environment} / service "${svc.name}"`, field, value, problem });
    if (svc.queue && svc.kind !== "worker") report("queue", "(set)", `only a worker consumes a queue; this one is a ${svc.kind}`);
    const seen = new Set<string>();
    for (const [i, target] of svc.sends.entries()) {
      const field = `sends[${i}]`;
      if (seen.has(target)) report(field, target, "is listed twice; name each worker once");
      seen.add(target);
      const worker = byName.get(target);
      if (target === svc.name) report(field, target, "a service cannot send to its own queue; name another worker");
      else if (!worker) report(field, target, `is not a service of this config${didYouMean(target, [...byName.keys()])}; workers with a queue: ${workersWithQueue(services)}`);
      else if (worker.kind !== "worker" || !worker.queue) report(field, target, `is a ${worker.kind}${worker.kind === "worker" ? " without a queue" : ""}; only a worker with a queue takes jobs (workers with a queue: ${workersWithQueue(services)})`);
    }
    for (const name of queueVariables(svc)) {
      if (Object.hasOwn(svc.environment, name) || Object.hasOwn(svc.secrets, name)) {
        report(`environment.${name}`, name, "is set by the platform for this service's queues (packages/config/src/runtime.ts); leave it out");
      }
    }
    if (svc.queue && svc.queue.visibilityTimeoutSeconds < MIN_VISIBILITY_TIMEOUT_SECONDS) report("queue.maxJobSeconds", svc.queue.maxJobSeconds, "gives a visibility timeout under SQS's default");
  }
  const cycle = sendCycle(services);
  if (cycle) issues.push({ where: environment, field: "sends", value: cycle.join(" -> "), problem: "the services send to each other in a cycle; a producer's stack is applied after its worker's, so one of them must stop sending" });
}

function workersWithQueue(services: readonly ResolvedService[]): string {
  const names = services.filter((s) => s.kind === "worker" && s.queue).map((s) => s.name);
  return names.length > 0 ? names.join(", ") : "none";
}

/** A cycle of `sends` (as the names around it, first repeated at the end), if any. */
export function sendCycle(services: readonly Pick<ResolvedService, "name" | "sends">[]): string[] | undefined {
  return dependencyCycle(services, (s) => s.sends ?? []);
}

/**
 * The services in the order their stacks are applied: every worker before the services that send
 * to it, every callee before its callers, otherwise as configured (one order for both edges, in
 * calls.ts).
 */
export { deployOrder } from "./calls";
