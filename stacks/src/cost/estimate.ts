import type { Architecture, CapacityStrategy, EnvironmentInventory, TaskSize, Workload } from "./inventory";
import { assumptionsFor, regionPrices, type Assumptions, type PriceTable, type Range, type RegionPrices } from "./prices";

/** One billed item at minimum and at maximum capacity. */
export interface CostLine {
  readonly item: string;
  readonly quantity: { readonly min: string; readonly max: string };
  readonly monthly: Range;
}

export interface EnvironmentEstimate {
  readonly environment: string;
  readonly region: string;
  readonly lines: readonly CostLine[];
  readonly total: Range;
  readonly notes: readonly string[];
}

/** On-demand and spot tasks out of `n`: the base goes first, the rest splits by weight. */
export function splitTasks(n: number, strategy: CapacityStrategy | undefined): { onDemand: number; spot: number } {
  if (!strategy) return { onDemand: n, spot: 0 };
  const out = { onDemand: 0, spot: 0 };
  const add = (provider: string, tasks: number) => {
    if (provider === "FARGATE_SPOT") out.spot += tasks;
    else out.onDemand += tasks;
  };
  let rest = n;
  if (strategy.base) {
    const tasks = Math.min(strategy.base.tasks, n);
    add(strategy.base.provider, tasks);
    rest -= tasks;
  }
  const entries = Object.entries(strategy.weights);
  const totalWeight = entries.reduce((sum, [, w]) => sum + w, 0);
  if (rest > 0 && totalWeight === 0) add(strategy.base?.provider ?? "FARGATE", rest);
  else for (const [provider, weight] of entries) add(provider, (rest * weight) / totalWeight);
  return out;
}

const money = (n: number) => Math.round(n * 100) / 100;
const fmt = (n: number, digits = 1) => (Number.isInteger(n) ? String(n) : n.toFixed(digits));

interface Tally {
  min: number;
  max: number;
}

interface FargateBucket {
  readonly vcpuHours: Tally;
  readonly gbHours: Tally;
  readonly cost: Tally;
}

function taskHourPrice(size: TaskSize, p: RegionPrices, spotRatio: number, spot: boolean): number {
  const rate = p.fargate[size.architecture];
  const compute = (size.cpuUnits / 1024) * rate.vcpuHour + (size.memoryMiB / 1024) * rate.gbHour;
  const storage = Math.max(0, size.ephemeralGiB - 20) * p.fargate.ephemeralGbHourAbove20;
  return (spot ? compute * spotRatio : compute) + storage;
}

/**
 * A service's month as phases: all of it at its task counts, or, under active hours, the awake share
 * at the wake bounds and the rest at the sleep bounds. Splitting on-demand/spot happens per phase,
 * because a capacity provider base applies to the tasks running at that time, not to an average.
 */
export function phases(w: Workload): { share: number; tasks: Range }[] {
  if (!w.activeHours) return [{ share: 1, tasks: w.tasks }];
  return [
    { share: w.activeHours.share, tasks: w.tasks },
    { share: 1 - w.activeHours.share, tasks: w.activeHours.asleep },
  ];
}

/** Task-hours per month of a workload at min and max, split on-demand / spot. */
function taskHours(w: Workload, hours: number): { onDemand: Range; spot: Range } {
  if (w.kind === "scheduled") {
    const split = splitTasks(1, w.strategy);
    const h = w.scheduledTaskHours ?? 0;
    return { onDemand: { min: split.onDemand * h, max: split.onDemand * h }, spot: { min: split.spot * h, max: split.spot * h } };
  }
  const out = { onDemand: { min: 0, max: 0 }, spot: { min: 0, max: 0 } };
  for (const phase of phases(w)) {
    for (const k of ["min", "max"] as const) {
      const split = splitTasks(phase.tasks[k], w.strategy);
      out.onDemand[k] += split.onDemand * hours * phase.share;
      out.spot[k] += split.spot * hours * phase.share;
    }
  }
  return out;
}

/** Fargate lines by architecture and purchase option. */
export function fargateLines(workloads: readonly Workload[], p: RegionPrices, table: PriceTable, forceX86OnDemand = false): CostLine[] {
  const buckets = new Map<string, FargateBucket>();
  for (const w0 of workloads) {
    const w: Workload = forceX86OnDemand ? { ...w0, size: { ...w0.size, architecture: "X86_64" }, strategy: undefined } : w0;
    const hours = taskHours(w, table.hoursPerMonth);
    for (const spot of [false, true]) {
      const h = spot ? hours.spot : hours.onDemand;
      if (h.max === 0 && h.min === 0) continue;
      const key = `${w.size.architecture} ${spot ? "spot" : "on-demand"}`;
      const b = buckets.get(key) ?? { vcpuHours: { min: 0, max: 0 }, gbHours: { min: 0, max: 0 }, cost: { min: 0, max: 0 } };
      const price = taskHourPrice(w.size, p, table.spotPriceRatio, spot);
      for (const k of ["min", "max"] as const) {
        b.vcpuHours[k] += h[k] * (w.size.cpuUnits / 1024);
        b.gbHours[k] += h[k] * (w.size.memoryMiB / 1024);
        b.cost[k] += h[k] * price;
      }
      buckets.set(key, b);
    }
  }
  const order = (key: string) => ["ARM64 on-demand", "ARM64 spot", "X86_64 on-demand", "X86_64 spot"].indexOf(key);
  return [...buckets]
    .sort(([a], [b]) => order(a) - order(b))
    .map(([key, b]) => ({
      item: `Fargate ${key as `${Architecture} ${string}`}`,
      quantity: { min: `${fmt(b.vcpuHours.min)} vCPU-h, ${fmt(b.gbHours.min)} GB-h`, max: `${fmt(b.vcpuHours.max)} vCPU-h, ${fmt(b.gbHours.max)} GB-h` },
      monthly: { min: b.cost.min, max: b.cost.max },
    }));
}

const flat = (item: string, quantity: string, monthly: number): CostLine => ({ item, quantity: { min: quantity, max: quantity }, monthly: { min: monthly, max: monthly } });

/** Tasks running on average over the month at min/max, for per-task assumptions (logs) and public IPs. */
export function runningTasks(workloads: readonly Workload[], hours: number, only?: (w: Workload) => boolean): Range {
  const r = { min: 0, max: 0 };
  for (const w of workloads) {
    if (only && !only(w)) continue;
    if (w.kind === "scheduled") {
      const avg = (w.scheduledTaskHours ?? 0) / hours;
      r.min += avg;
      r.max += avg;
    } else {
      for (const phase of phases(w)) {
        r.min += phase.tasks.min * phase.share;
        r.max += phase.tasks.max * phase.share;
      }
    }
  }
  return r;
}

export interface CloudWatchUse {
  readonly logsGb: Range;
  readonly metrics: number;
  readonly alarms: number;
  /** @default 0 */
  readonly dashboards?: number;
  /** Custom metrics written by log metric filters. @default 0 */
  readonly logMetrics?: number;
}

/** CloudWatch lines after the always-free tier, which only an account of its own gets to itself. */
export function cloudWatchLines(use: CloudWatchUse, p: RegionPrices, freeTier: boolean): CostLine[] {
  const free = freeTier ? p.cloudwatchFreeTier : { logsGb: 0, metrics: 0, alarms: 0, dashboards: 0 };
  const lines: CostLine[] = [];
  if (use.logsGb.max > 0) {
    lines.push({
      item: "CloudWatch Logs ingestion",
      quantity: { min: `${fmt(use.logsGb.min)} GB`, max: `${fmt(use.logsGb.max)} GB` },
      monthly: { min: Math.max(0, use.logsGb.min - free.logsGb) * p.logsIngestionGb, max: Math.max(0, use.logsGb.max - free.logsGb) * p.logsIngestionGb },
    });
  }
  // The free metrics go to Container Insights first, then to the log metric filters.
  const logMetrics = use.logMetrics ?? 0;
  const freeLeft = Math.max(0, free.metrics - use.metrics);
  if (use.metrics > 0) lines.push(flat("Container Insights metrics", `${use.metrics} metrics`, Math.max(0, use.metrics - free.metrics) * p.metricMonth));
  if (logMetrics > 0) lines.push(flat("Log metric filters (error lines)", `${logMetrics} metrics`, Math.max(0, logMetrics - freeLeft) * p.metricMonth));
  if (use.alarms > 0) lines.push(flat("CloudWatch alarms", `${use.alarms} alarms`, Math.max(0, use.alarms - free.alarms) * p.alarmMonth));
  const dashboards = use.dashboards ?? 0;
  if (dashboards > 0) lines.push(flat("CloudWatch dashboards", `${dashboards} dashboard${dashboards > 1 ? "s" : ""}`, Math.max(0, dashboards - free.dashboards) * p.dashboardMonth));
  return lines;
}

export function albLines(count: number, a: Assumptions, p: RegionPrices, hours: number): CostLine[] {
  if (count === 0) return [];
  return [
    flat("Application Load Balancer", `${count} ALB`, count * p.albHour * hours),
    {
      item: "ALB capacity units (assumed)",
      quantity: { min: `${fmt(a.albLcuPerHour.min * count)} LCU`, max: `${fmt(a.albLcuPerHour.max * count)} LCU` },
      monthly: { min: a.albLcuPerHour.min * count * p.albLcuHour * hours, max: a.albLcuPerHour.max * count * p.albLcuHour * hours },
    },
  ];
}

export function natLines(gateways: number, a: Assumptions, p: RegionPrices, hours: number): CostLine[] {
  if (gateways === 0) return [];
  return [
    flat("NAT gateways", `${gateways} gateway(s)`, gateways * p.natGatewayHour * hours),
    {
      item: "NAT data processing (assumed)",
      quantity: { min: `${fmt(a.natGbPerMonth.min)} GB`, max: `${fmt(a.natGbPerMonth.max)} GB` },
      monthly: { min: a.natGbPerMonth.min * p.natGatewayGb, max: a.natGbPerMonth.max * p.natGatewayGb },
    },
  ];
}

export function publicIpLine(fixed: number, perTask: Range, p: RegionPrices, hours: number): CostLine | undefined {
  const min = fixed + perTask.min;
  const max = fixed + perTask.max;
  if (max === 0) return undefined;
  // Tasks that sleep part of the week hold their addresses only while running: an average count.
  const ips = (n: number) => `${fmt(n)} IPs${Number.isInteger(n) ? "" : " on average"}`;
  return { item: "Public IPv4 addresses", quantity: { min: ips(min), max: ips(max) }, monthly: { min: min * p.publicIpv4Hour * hours, max: max * p.publicIpv4Hour * hours } };
}

export function sum(lines: readonly CostLine[]): Range {
  return { min: money(lines.reduce((s, l) => s + l.monthly.min, 0)), max: money(lines.reduce((s, l) => s + l.monthly.max, 0)) };
}

/** Whether the environment's AWS accounts are its own, so the per-account free tier is its alone. */
export function ownsAccounts(env: EnvironmentInventory, all: readonly EnvironmentInventory[]): boolean {
  if (env.accounts.length === 0) return false;
  return all.every((other) => other === env || !other.accounts.some((a) => env.accounts.includes(a)));
}

/** A long-polling receive waits 20 s: an idle consumer task makes 3 requests a minute. */
export const IDLE_RECEIVES_PER_TASK_HOUR = 3600 / 20;

/**
 * SQS requests of an idle month: the queue consumers' long-polling receives, from their running
 * tasks. Jobs add about three requests each (send, receive, delete), not estimated: the job rate is
 * the application's. The first million a month is free per account.
 */
export function sqsLine(env: EnvironmentInventory, p: RegionPrices, hours: number, freeTier: boolean): CostLine | undefined {
  if (env.sqsQueues === 0) return undefined;
  const consumers = runningTasks(env.workloads, hours, (w) => env.queueConsumerStacks.includes(w.stack));
  const requests = (tasks: number) => tasks * IDLE_RECEIVES_PER_TASK_HOUR * hours;
  const free = freeTier ? p.sqsFreeRequests : 0;
  const cost = (tasks: number) => (Math.max(0, requests(tasks) - free) / 1e6) * p.sqsRequestsPerMillion;
  const label = (tasks: number) => `${fmt(requests(tasks) / 1e6)}M requests`;
  return {
    item: `SQS: ${env.sqsQueues} queues, idle long polling (jobs add ~3 requests each)`,
    quantity: { min: label(consumers.min), max: label(consumers.max) },
    monthly: { min: cost(consumers.min), max: cost(consumers.max) },
  };
}

export function estimate(env: EnvironmentInventory, table: PriceTable, all: readonly EnvironmentInventory[] = [env]): EnvironmentEstimate {
  const { prices: p, note } = regionPrices(table, env.region);
  const a = assumptionsFor(table, env.name);
  const hours = table.hoursPerMonth;
  const notes = [...env.notes, ...(note ? [note] : [])];
  const albs = env.loadBalancers.filter((lb) => lb.type === "application");
  const nlbs = env.loadBalancers.filter((lb) => lb.type === "network");
  const tasks = runningTasks(env.workloads, hours);
  const publicTasks = runningTasks(env.workloads, hours, (w) => w.publicIp);
  const services = env.workloads.filter((w) => w.kind === "service").length;

  const lines: (CostLine | undefined)[] = [
    ...fargateLines(env.workloads, p, table),
    ...albLines(albs.length, a, p, hours),
    nlbs.length > 0 ? flat("Network Load Balancer", `${nlbs.length} NLB`, nlbs.length * p.nlbHour * hours) : undefined,
    ...natLines(env.natGateways, a, p, hours),
    publicIpLine(env.elasticIps + env.loadBalancers.reduce((n, lb) => n + lb.publicIps, 0), publicTasks, p, hours),
    env.interfaceEndpointAzs > 0
      ? flat("Interface VPC endpoints", `${env.interfaceEndpoints} endpoints, ${env.interfaceEndpointAzs} endpoint-AZs`, env.interfaceEndpointAzs * p.interfaceEndpointAzHour * hours)
      : undefined,
    ...cloudWatchLines(
      {
        logsGb: { min: tasks.min * a.logsGbPerTaskMonth + env.flowLogs * a.flowLogsGbPerMonth, max: tasks.max * a.logsGbPerTaskMonth + env.flowLogs * a.flowLogsGbPerMonth },
        metrics: env.insightsClusters > 0 ? env.insightsClusters * a.containerInsightsMetricsPerCluster + services * a.containerInsightsMetricsPerService : 0,
        alarms: env.alarms,
        dashboards: env.dashboards,
        logMetrics: env.logMetricFilters,
      },
      p,
      ownsAccounts(env, all),
    ),
    env.ecrRepositories > 0 ? flat("ECR storage (assumed)", `${fmt(env.ecrRepositories * a.ecrGbPerRepository)} GB`, env.ecrRepositories * a.ecrGbPerRepository * p.ecrGbMonth) : undefined,
    env.kmsKeys > 0 ? flat("KMS keys", `${env.kmsKeys} keys`, env.kmsKeys * p.kmsKeyMonth) : undefined,
    // Alarm messages stay far inside SNS's free deliveries (1,000 emails, 100,000 https a month).
    env.snsTopics > 0 ? flat("SNS alarm topic (deliveries in the free tier)", `${env.snsTopics} topic${env.snsTopics > 1 ? "s" : ""}`, 0) : undefined,
    env.hostedZones > 0 ? flat("Route 53 hosted zones", `${env.hostedZones} zone${env.hostedZones > 1 ? "s" : ""}`, env.hostedZones * p.hostedZoneMonth) : undefined,
    // Route 53 does not charge for alias queries to an ALB; the other queries of the domain are the validation record's, a few a month.
    env.aliasRecords > 0 ? flat("Route 53 alias records to the ALB (queries free)", `${env.aliasRecords} record${env.aliasRecords > 1 ? "s" : ""}`, 0) : undefined,
    sqsLine(env, p, hours, ownsAccounts(env, all)),
    env.certificates > 0 ? flat("ACM public certificate (free)", `${env.certificates} certificate${env.certificates > 1 ? "s" : ""}`, 0) : undefined,
  ];
  const kept = lines.filter((l): l is CostLine => l !== undefined);
  const zoneNotes = env.hostedZonesLookedUp.map((z) => `hosted zone ${z} is the account's (looked up, not created): $${p.hostedZoneMonth.toFixed(2)} a month, billed whether or not these stacks exist`);
  return { environment: env.name, region: env.region, lines: kept, total: sum(kept), notes: [...notes, ...zoneNotes] };
}
