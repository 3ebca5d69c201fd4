import { activeHoursPerWeek, runsPerMonth } from "./schedule";
import { asList, asRecord, follow, instances, resources, totalInstances, type Json, type Resource, type StackJson } from "./terraform-json";

export type Architecture = "X86_64" | "ARM64";

export interface TaskSize {
  readonly cpuUnits: number;
  readonly memoryMiB: number;
  readonly architecture: Architecture;
  readonly ephemeralGiB: number;
}

/** Share of tasks per capacity provider: `base` tasks first, the rest by weight. */
export interface CapacityStrategy {
  readonly base: { readonly provider: string; readonly tasks: number } | undefined;
  readonly weights: Readonly<Record<string, number>>;
}

/** Something that runs Fargate tasks: a long-running service or a scheduled task. */
export interface Workload {
  readonly stack: string;
  readonly name: string;
  readonly kind: "service" | "scheduled";
  readonly size: TaskSize;
  /** Tasks running (services) at minimum and maximum capacity: all month, or while awake under `activeHours`. */
  readonly tasks: { readonly min: number; readonly max: number };
  /** Set when scheduled actions wake and put the service to sleep each week. */
  readonly activeHours?: ActiveHours;
  /** Task-hours per month of a scheduled task. */
  readonly scheduledTaskHours?: number;
  readonly strategy: CapacityStrategy | undefined;
  readonly publicIp: boolean;
  /** Behind a load balancer (for the AWS CDK comparison: one ALB per web service). */
  readonly web: boolean;
  /** The target of its target-tracking policy on ALB requests per task per minute, if it has one. */
  readonly requestsPerTaskPerMinute?: number;
}

/** A service's week under a wake/sleep pair of scheduled scaling actions. */
export interface ActiveHours {
  readonly hoursPerWeek: number;
  /** Awake share of the month: hoursPerWeek / 168. */
  readonly share: number;
  /** Tasks at minimum and maximum capacity while asleep (0 and 0 for a service pinned to zero). */
  readonly asleep: { readonly min: number; readonly max: number };
  /** e.g. "weekdays 07:00-19:00 UTC". */
  readonly description: string;
}

export interface LoadBalancer {
  readonly name: string;
  readonly type: "application" | "network";
  /** Internet-facing load balancers hold one public IPv4 address per AZ. */
  readonly publicIps: number;
}

export interface EnvironmentInventory {
  readonly name: string;
  readonly region: string;
  readonly accounts: readonly string[];
  readonly stacks: readonly string[];
  readonly workloads: readonly Workload[];
  readonly loadBalancers: readonly LoadBalancer[];
  readonly natGateways: number;
  readonly elasticIps: number;
  /** Endpoint-AZs: each interface endpoint is billed once per subnet it sits in. */
  readonly interfaceEndpointAzs: number;
  readonly interfaceEndpoints: number;
  readonly alarms: number;
  readonly flowLogs: number;
  readonly insightsClusters: number;
  readonly ecrRepositories: number;
  readonly kmsKeys: number;
  readonly dashboards: number;
  /** Log metric filters: each writes one custom metric. */
  readonly logMetricFilters: number;
  readonly snsTopics: number;
  /** Hosted zones the stacks create (a zone that is looked up is the account's, billed there). */
  readonly hostedZones: number;
  /** Hosted zones the stacks look up by name: the account's, named in a note. */
  readonly hostedZonesLookedUp: readonly string[];
  /** Alias records (to the ALB): their queries are free. */
  readonly aliasRecords: number;
  /** Public ACM certificates the stacks request: free. */
  readonly certificates: number;
  /** SQS queues (a worker's queue and its dead-letter queue). */
  readonly sqsQueues: number;
  /** Stacks whose workload long-polls a queue of its stack (the receives are billed requests). */
  readonly queueConsumerStacks: readonly string[];
  /** What could not be read and was assumed instead. */
  readonly notes: readonly string[];
}

const FALLBACK_AZS = 2;

/** Environment of a stack: the provider's default `Environment` tag, else the stack-name prefix. */
export function environmentOf(stack: StackJson): string {
  const provider = asRecord(asRecord(stack.json.provider)?.aws);
  const tags = asRecord(asRecord(provider?.default_tags)?.tags);
  const tagged = tags?.Environment ?? tags?.environment;
  return typeof tagged === "string" ? tagged : (stack.name.split("-")[0] ?? stack.name);
}

const fmtHours = (h: number) => (Number.isInteger(h) ? String(h) : h.toFixed(2));

const numberOf = (value: unknown): number | undefined => {
  const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  return typeof n === "number" && Number.isFinite(n) ? n : undefined;
};

function taskSize(taskDefinition: Resource | undefined, notes: string[], owner: string): TaskSize {
  if (!taskDefinition) {
    notes.push(`${owner}: task definition not found in the synthesized JSON; assumed 0.25 vCPU / 0.5 GB x86`);
    return { cpuUnits: 256, memoryMiB: 512, architecture: "X86_64", ephemeralGiB: 20 };
  }
  const platform = asRecord(taskDefinition.attrs.runtime_platform);
  return {
    cpuUnits: numberOf(taskDefinition.attrs.cpu) ?? 256,
    memoryMiB: numberOf(taskDefinition.attrs.memory) ?? 512,
    architecture: platform?.cpu_architecture === "ARM64" ? "ARM64" : "X86_64",
    ephemeralGiB: numberOf(asRecord(taskDefinition.attrs.ephemeral_storage)?.size_in_gib) ?? 20,
  };
}

function strategyOf(items: unknown, launchType: unknown): CapacityStrategy | undefined {
  const list = asList<Json>(items);
  if (list.length === 0) return launchType === "FARGATE" ? { base: undefined, weights: { FARGATE: 1 } } : undefined;
  const weights: Record<string, number> = {};
  let base: CapacityStrategy["base"];
  for (const item of list) {
    const provider = String(item.capacity_provider);
    weights[provider] = (weights[provider] ?? 0) + (numberOf(item.weight) ?? 0);
    const tasks = numberOf(item.base) ?? 0;
    if (tasks > 0) base = { provider, tasks };
  }
  return { base, weights };
}

function scalableTargetOf(stack: StackJson, service: Resource): Resource | undefined {
  const name = service.attrs.name;
  return resources(stack, "aws_appautoscaling_target").find((t) => {
    const id = t.attrs.resource_id;
    if (typeof id !== "string" || t.attrs.scalable_dimension !== "ecs:service:DesiredCount") return false;
    return id.includes(`aws_ecs_service.${service.name}.name}`) || (typeof name === "string" && id.endsWith(`/${name}`));
  });
}

/** The request-count target of the target-tracking policies on a scaling target (predefined, or summed over target groups). */
function requestTargetOf(stack: StackJson, target: Resource): number | undefined {
  const ref = `\${aws_appautoscaling_target.${target.name}.resource_id}`;
  for (const policy of resources(stack, "aws_appautoscaling_policy")) {
    if (policy.attrs.resource_id !== ref && policy.attrs.resource_id !== target.attrs.resource_id) continue;
    const config = asRecord(policy.attrs.target_tracking_scaling_policy_configuration);
    const predefined = asRecord(config?.predefined_metric_specification)?.predefined_metric_type;
    const custom = asList<Json>(asRecord(config?.customized_metric_specification)?.metrics);
    const counts = predefined === "ALBRequestCountPerTarget" || custom.some((m) => asRecord(asRecord(m.metric_stat)?.metric)?.metric_name === "RequestCountPerTarget");
    if (counts) return numberOf(config?.target_value);
  }
  return undefined;
}

interface Bounds {
  readonly min: number;
  readonly max: number;
}

/**
 * The wake/sleep pair of scheduled actions on a scaling target, read into awake bounds and hours.
 * Undefined without scheduled actions; a note and undefined (tasks around the clock, the costlier
 * reading) for any shape that is not one readable weekly pair.
 */
function activeHoursOf(stack: StackJson, target: Resource, owner: string, notes: string[]): { awake: Bounds; hours: ActiveHours } | undefined {
  const ref = `\${aws_appautoscaling_target.${target.name}.resource_id}`;
  const actions = resources(stack, "aws_appautoscaling_scheduled_action").filter(
    (a) => a.attrs.resource_id === ref || (typeof target.attrs.resource_id === "string" && a.attrs.resource_id === target.attrs.resource_id),
  );
  if (actions.length === 0) return undefined;
  const fallback = (reason: string) => {
    notes.push(`${owner}: cannot read the active hours of its scheduled scaling actions (${reason}); assumed its tasks run around the clock`);
    return undefined;
  };
  if (actions.length !== 2) return fallback(`${actions.length} scheduled actions on its scaling target; only a wake/sleep pair is read`);
  const read = actions.map((a) => {
    const bounds = asRecord(a.attrs.scalable_target_action);
    return { action: a, min: numberOf(bounds?.min_capacity), max: numberOf(bounds?.max_capacity) };
  });
  for (const r of read) {
    if (r.min === undefined || r.max === undefined) return fallback(`${r.action.name} does not set both min_capacity and max_capacity`);
    if (r.action.attrs.start_time !== undefined || r.action.attrs.end_time !== undefined) return fallback(`${r.action.name} has a start_time or end_time`);
    if (typeof r.action.attrs.schedule !== "string") return fallback(`${r.action.name} has no literal schedule`);
  }
  const [sleep, wake] = [...read].sort((a, b) => (a.max as number) - (b.max as number) || (a.min as number) - (b.min as number)) as [(typeof read)[0], (typeof read)[0]];
  if (sleep.max === wake.max && sleep.min === wake.min) return fallback("both actions set the same capacity");
  const zone = (a: Resource) => (typeof a.attrs.timezone === "string" ? a.attrs.timezone : "UTC");
  if (zone(wake.action) !== zone(sleep.action)) return fallback(`wake in ${zone(wake.action)}, sleep in ${zone(sleep.action)}`);
  const week = activeHoursPerWeek(wake.action.attrs.schedule as string, sleep.action.attrs.schedule as string, zone(wake.action));
  if (typeof week === "string") return fallback(week);
  return {
    awake: { min: wake.min as number, max: wake.max as number },
    hours: { ...week, share: week.hoursPerWeek / 168, asleep: { min: sleep.min as number, max: sleep.max as number } },
  };
}

/** Counts what is billed in one environment, from its stacks' JSON only. */
export function inventory(name: string, stacks: readonly StackJson[], all: ReadonlyMap<string, StackJson>, scheduledRunMinutes: number): EnvironmentInventory {
  const notes: string[] = [];
  const workloads: Workload[] = [];
  const loadBalancers: LoadBalancer[] = [];
  let natGateways = 0;
  let elasticIps = 0;
  let interfaceEndpointAzs = 0;
  let interfaceEndpoints = 0;
  let alarms = 0;
  let flowLogs = 0;
  let insightsClusters = 0;
  let ecrRepositories = 0;
  let kmsKeys = 0;
  let dashboards = 0;
  let logMetricFilters = 0;
  let snsTopics = 0;
  let hostedZones = 0;
  const hostedZonesLookedUp: string[] = [];
  let aliasRecords = 0;
  let certificates = 0;
  let sqsQueues = 0;
  const queueConsumerStacks: string[] = [];
  let region = "";
  const accounts = new Set<string>();
  let clusterDefault: CapacityStrategy | undefined;

  for (const stack of stacks) {
    const provider = asRecord(asRecord(stack.json.provider)?.aws);
    if (!region && typeof provider?.region === "string") region = provider.region;
    for (const id of asList<unknown>(provider?.allowed_account_ids)) if (typeof id === "string") accounts.add(id);
    for (const cp of resources(stack, "aws_ecs_cluster_capacity_providers")) {
      clusterDefault = strategyOf(cp.attrs.default_capacity_provider_strategy, undefined) ?? clusterDefault;
    }
  }

  for (const stack of stacks) {
    for (const service of resources(stack, "aws_ecs_service")) {
      const owner = `${stack.name}/${service.name}`;
      const target = scalableTargetOf(stack, service);
      const desired = numberOf(service.attrs.desired_count) ?? 0;
      const scheduled = target ? activeHoursOf(stack, target, owner, notes) : undefined;
      const min = scheduled?.awake.min ?? numberOf(target?.attrs.min_capacity) ?? desired;
      const max = scheduled?.awake.max ?? numberOf(target?.attrs.max_capacity) ?? desired;
      const name = typeof service.attrs.name === "string" ? service.attrs.name : service.name;
      if (scheduled) {
        const { hours } = scheduled;
        const asleep = hours.asleep.max > 0 ? `, ${hours.asleep.min}-${hours.asleep.max} tasks the other hours` : "";
        notes.push(`${name} runs ${fmtHours(hours.hoursPerWeek)} of 168 hours a week (${hours.description})${asleep}; tasks, their public IPs and logs are counted for that share of the month`);
      }
      const taskDefinition = follow(all, service.attrs.task_definition, stack.name);
      const network = asRecord(service.attrs.network_configuration);
      workloads.push({
        stack: stack.name,
        name,
        kind: "service",
        size: taskSize(taskDefinition, notes, owner),
        tasks: { min: min * instances(service), max: max * instances(service) },
        ...(scheduled ? { activeHours: { ...scheduled.hours, asleep: { min: scheduled.hours.asleep.min * instances(service), max: scheduled.hours.asleep.max * instances(service) } } } : {}),
        strategy: strategyOf(service.attrs.capacity_provider_strategy, service.attrs.launch_type) ?? clusterDefault,
        publicIp: network?.assign_public_ip === true,
        web: asList(service.attrs.load_balancer).length > 0,
        ...(target && requestTargetOf(stack, target) !== undefined ? { requestsPerTaskPerMinute: requestTargetOf(stack, target) } : {}),
      });
    }
    for (const schedule of resources(stack, "aws_scheduler_schedule")) {
      const owner = `${stack.name}/${schedule.name}`;
      const ecs = asRecord(asRecord(schedule.attrs.target)?.ecs_parameters);
      if (!ecs) continue;
      const expression = String(schedule.attrs.schedule_expression ?? "");
      let runs = runsPerMonth(expression);
      if (runs === undefined) {
        notes.push(`${owner}: cannot read schedule "${expression}"; assumed one run a day`);
        runs = 730 / 24;
      }
      const taskCount = numberOf(ecs.task_count) ?? 1;
      workloads.push({
        stack: stack.name,
        name: schedule.attrs.name && typeof schedule.attrs.name === "string" ? schedule.attrs.name : schedule.name,
        kind: "scheduled",
        size: taskSize(follow(all, ecs.task_definition_arn, stack.name), notes, owner),
        tasks: { min: 0, max: 0 },
        scheduledTaskHours: (runs * taskCount * Math.max(1, scheduledRunMinutes)) / 60,
        strategy: strategyOf(ecs.capacity_provider_strategy, ecs.launch_type) ?? clusterDefault,
        publicIp: asRecord(ecs.network_configuration)?.assign_public_ip === true,
        web: false,
      });
    }
    for (const lb of [...resources(stack, "aws_lb"), ...resources(stack, "aws_alb")]) {
      const type = lb.attrs.load_balancer_type === "network" ? "network" : lb.attrs.load_balancer_type === "gateway" ? undefined : "application";
      if (!type) continue;
      const subnets = Array.isArray(lb.attrs.subnets) ? lb.attrs.subnets.length : asList(lb.attrs.subnet_mapping).length;
      if (subnets === 0) notes.push(`${stack.name}/${lb.name}: subnets are computed; assumed ${FALLBACK_AZS} AZs`);
      const azs = subnets || FALLBACK_AZS;
      loadBalancers.push({ name: typeof lb.attrs.name === "string" ? lb.attrs.name : lb.name, type, publicIps: lb.attrs.internal === true ? 0 : azs * instances(lb) });
    }
    for (const nat of resources(stack, "aws_nat_gateway")) natGateways += instances(nat);
    for (const eip of resources(stack, "aws_eip")) elasticIps += instances(eip);
    for (const endpoint of resources(stack, "aws_vpc_endpoint")) {
      if (endpoint.attrs.vpc_endpoint_type !== "Interface") continue;
      const subnets = Array.isArray(endpoint.attrs.subnet_ids) ? endpoint.attrs.subnet_ids.length : 0;
      if (subnets === 0) notes.push(`${stack.name}/${endpoint.name}: subnets are computed; assumed ${FALLBACK_AZS} AZs`);
      interfaceEndpoints += instances(endpoint);
      interfaceEndpointAzs += (subnets || FALLBACK_AZS) * instances(endpoint);
    }
    // An alarm is billed per metric it reads: a metric math alarm over two target groups counts twice.
    const metricsOf = (queries: unknown, key: string) => Math.max(1, asList<Json>(queries).filter((q) => q[key] !== undefined).length);
    for (const alarm of resources(stack, "aws_cloudwatch_metric_alarm")) alarms += metricsOf(alarm.attrs.metric_query, "metric") * instances(alarm);
    // Target tracking creates its own alarms: one to scale out and, unless scale-in is off, one to scale in.
    for (const policy of resources(stack, "aws_appautoscaling_policy")) {
      if (policy.attrs.policy_type !== "TargetTrackingScaling") continue;
      const config = asRecord(policy.attrs.target_tracking_scaling_policy_configuration);
      const scaleIn = config?.disable_scale_in !== true;
      alarms += (scaleIn ? 2 : 1) * metricsOf(asRecord(config?.customized_metric_specification)?.metrics, "metric_stat") * instances(policy);
    }
    for (const flow of resources(stack, "aws_flow_log")) {
      const destination = flow.attrs.log_destination_type ?? "cloud-watch-logs";
      if (destination === "cloud-watch-logs") flowLogs += instances(flow);
    }
    for (const cluster of resources(stack, "aws_ecs_cluster")) {
      const settings = asList<Json>(cluster.attrs.setting);
      if (settings.some((s) => s.name === "containerInsights" && (s.value === "enabled" || s.value === "enhanced"))) insightsClusters += instances(cluster);
    }
    ecrRepositories += totalInstances(resources(stack, "aws_ecr_repository"));
    kmsKeys += totalInstances(resources(stack, "aws_kms_key"));
    dashboards += totalInstances(resources(stack, "aws_cloudwatch_dashboard"));
    logMetricFilters += totalInstances(resources(stack, "aws_cloudwatch_log_metric_filter"));
    snsTopics += totalInstances(resources(stack, "aws_sns_topic"));
    hostedZones += totalInstances(resources(stack, "aws_route53_zone"));
    for (const zone of resources(stack, "aws_route53_zone", "data")) {
      if (typeof zone.attrs.name === "string") hostedZonesLookedUp.push(zone.attrs.name);
    }
    aliasRecords += totalInstances(resources(stack, "aws_route53_record").filter((r) => r.attrs.alias !== undefined));
    certificates += totalInstances(resources(stack, "aws_acm_certificate"));
    const queues = resources(stack, "aws_sqs_queue");
    sqsQueues += totalInstances(queues);
    // A queue with long polling is a worker's: its tasks poll it all the time they run.
    if (queues.some((q) => (numberOf(q.attrs.receive_wait_time_seconds) ?? 0) > 0)) queueConsumerStacks.push(stack.name);
  }

  return {
    name,
    region: region || "us-east-1",
    accounts: [...accounts],
    stacks: stacks.map((s) => s.name),
    workloads,
    loadBalancers,
    natGateways,
    elasticIps,
    interfaceEndpointAzs,
    interfaceEndpoints,
    alarms,
    flowLogs,
    insightsClusters,
    ecrRepositories,
    kmsKeys,
    dashboards,
    logMetricFilters,
    snsTopics,
    hostedZones,
    hostedZonesLookedUp,
    aliasRecords,
    certificates,
    sqsQueues,
    queueConsumerStacks,
    notes,
  };
}

/** Groups stacks by environment and counts each; environments in first-seen order. */
export function inventories(stacks: readonly StackJson[], scheduledRunMinutes: (env: string) => number): EnvironmentInventory[] {
  const all = new Map(stacks.map((s) => [s.name, s]));
  const byEnv = new Map<string, StackJson[]>();
  for (const stack of stacks) {
    const env = environmentOf(stack);
    byEnv.set(env, [...(byEnv.get(env) ?? []), stack]);
  }
  return [...byEnv].map(([env, list]) => inventory(env, list, all, scheduledRunMinutes(env)));
}
