import { FORMER_REQUESTS_PER_TASK_PER_MINUTE } from "@bun-fargate/config";
import { estimate } from "./estimate";
import type { EnvironmentInventory, Workload } from "./inventory";
import type { PriceTable } from "./prices";

/** Tasks autoscaling keeps for a steady rate: ceil(60 x rate / target), within the scaling bounds. */
export function tasksAt(requestsPerSecond: number, targetPerMinute: number, bounds: { readonly min: number; readonly max: number }): { tasks: number; wanted: number; capped: boolean } {
  const wanted = Math.ceil((requestsPerSecond * 60) / targetPerMinute);
  return { tasks: Math.min(bounds.max, Math.max(bounds.min, wanted)), wanted, capped: wanted > bounds.max };
}

export interface ServiceAtTraffic {
  readonly name: string;
  readonly targetPerMinute: number;
  readonly now: ReturnType<typeof tasksAt>;
  readonly former: ReturnType<typeof tasksAt>;
}

/** An environment's bill with every web service at a steady rate, under its own target and under the former one. */
export interface TrafficModel {
  readonly requestsPerSecond: number;
  readonly services: readonly ServiceAtTraffic[];
  readonly monthly: { readonly now: number; readonly former: number };
}

/**
 * What the request-count target does to the bill: the environment's estimate (at minimum capacity
 * for everything else) with each web service at the tasks that `requestsPerSecond` keeps running,
 * once at its synthesized target and once at the former 1,000 a minute. CPU and memory targets can
 * add tasks on top; they are not modelled. Undefined without web services scaled on requests.
 */
export function trafficModel(env: EnvironmentInventory, table: PriceTable, requestsPerSecond: number, all: readonly EnvironmentInventory[] = [env]): TrafficModel | undefined {
  const scaled = env.workloads.filter((w) => w.requestsPerTaskPerMinute !== undefined);
  if (scaled.length === 0) return undefined;
  const at = (target: (w: Workload) => number) => {
    const workloads = env.workloads.map((w) => {
      if (w.requestsPerTaskPerMinute === undefined) return w;
      const { tasks } = tasksAt(requestsPerSecond, target(w), w.tasks);
      return { ...w, tasks: { min: tasks, max: tasks } };
    });
    const modelled = { ...env, workloads };
    // The same environment for the free-tier check, which compares environments by identity.
    return estimate(modelled, table, all.map((e) => (e === env ? modelled : e))).total.min;
  };
  const services = scaled.map((w) => {
    const now = tasksAt(requestsPerSecond, w.requestsPerTaskPerMinute!, w.tasks);
    const former = tasksAt(requestsPerSecond, FORMER_REQUESTS_PER_TASK_PER_MINUTE, w.tasks);
    return { name: w.name, targetPerMinute: w.requestsPerTaskPerMinute!, now, former };
  });
  return { requestsPerSecond, services, monthly: { now: at((w) => w.requestsPerTaskPerMinute!), former: at(() => FORMER_REQUESTS_PER_TASK_PER_MINUTE) } };
}

const tasksText = (t: ReturnType<typeof tasksAt>) => `${t.tasks} task${t.tasks === 1 ? "" : "s"}${t.capped ? ` (maxTasks; ${t.wanted} wanted)` : ""}`;

/** One line per environment: `at 500 req/s per web service: bun-api 2 tasks at 151,500/min (former 1,000/min: 10 tasks (maxTasks; 30 wanted)); bill $X a month (former target: $Y)`. */
export function trafficLine(m: TrafficModel): string {
  const services = m.services
    .map((s) => `${s.name} ${tasksText(s.now)} at ${s.targetPerMinute.toLocaleString("en-US")}/min (former ${FORMER_REQUESTS_PER_TASK_PER_MINUTE.toLocaleString("en-US")}/min: ${tasksText(s.former)})`)
    .join("; ");
  return `at ${m.requestsPerSecond} req/s per web service: ${services}; bill $${m.monthly.now.toFixed(2)} a month (former target: $${m.monthly.former.toFixed(2)})`;
}
