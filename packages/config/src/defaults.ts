import * as v from "valibot";
import { DEFAULT_CPU_TARGET_PERCENT, DEFAULT_REQUESTS_PER_TASK_PER_MINUTE, DEFAULT_WEB_CPU_TARGET_PERCENT } from "./capacity";
import { deploymentFor, TIER_DEPLOYMENTS } from "./deployment";
import { resolveCertificate } from "./domain";
import { DeploymentSchema } from "./schema/deployment";
import { resolveAlarms, resolveNotifications } from "./operations";
import { resolveQuotas } from "./quotas";
import { resolveQueue } from "./queue";
import { resolveScheduling } from "./scheduling";
import { DEFAULT_CONTAINER_PORT } from "./runtime";
import type { EnvironmentConfig, PolicyTier, ServiceConfig } from "./types";
import type { ResolvedEnvironment, ResolvedService } from "./resolved";

/** Right-sized by default: 0.25 vCPU / 0.5 GB is plenty for a Bun API at startup scale. */
export const DEFAULT_CPU = 256;
export const DEFAULT_MEMORY_MIB = 512;

/** The policy tier of an environment: its own setting, else its name when that is a tier, else prod. */
export function policyTierOf(name: string, env: EnvironmentConfig): PolicyTier {
  const isTier = (t: unknown): t is PolicyTier => t === "dev" || t === "staging" || t === "prod";
  // An invalid policyTier is reported by the schema; until then the name decides.
  return isTier(env.policyTier) ? env.policyTier : isTier(name) ? name : "prod";
}

/** Applies defaults: environment override, then the service entry, then the platform default. */
export function resolveService(env: EnvironmentConfig, svc: ServiceConfig, environmentName = ""): ResolvedService {
  // hasOwn: a service named like an Object.prototype member ("constructor") has no override.
  const o = (env.services && Object.hasOwn(env.services, svc.name) ? env.services[svc.name] : undefined) ?? {};
  const minTasks = o.minTasks ?? svc.minTasks ?? 1;
  return {
    name: svc.name,
    kind: svc.kind,
    source: svc.source,
    containerPort: svc.containerPort ?? DEFAULT_CONTAINER_PORT,
    healthCheckPath: svc.healthCheckPath,
    command: svc.command,
    cpu: o.cpu ?? svc.cpu ?? DEFAULT_CPU,
    memoryMiB: o.memoryMiB ?? svc.memoryMiB ?? DEFAULT_MEMORY_MIB,
    sizeReason: o.sizeReason ?? svc.sizeReason,
    architecture: o.architecture ?? svc.architecture ?? "ARM64",
    minTasks,
    maxTasks: o.maxTasks ?? svc.maxTasks ?? Math.max(2, minTasks),
    desiredTasks: o.desiredTasks ?? svc.desiredTasks ?? minTasks,
    // Defaults only where the kind scales on them; a value set anywhere else is kept, for validation to name.
    requestsPerTaskPerMinute: o.requestsPerTaskPerMinute ?? svc.requestsPerTaskPerMinute ?? (svc.kind === "web" ? DEFAULT_REQUESTS_PER_TASK_PER_MINUTE : undefined),
    cpuTargetPercent:
      o.cpuTargetPercent ?? svc.cpuTargetPercent ?? (svc.kind === "web" ? DEFAULT_WEB_CPU_TARGET_PERCENT : svc.kind === "worker" ? DEFAULT_CPU_TARGET_PERCENT : undefined),
    spotShare: o.spotShare ?? svc.spotShare ?? env.spotShare ?? 0,
    // Environment-level variables extend, not replace, the service's own.
    environment: { ...(svc.environment ?? {}), ...(o.environment ?? {}) },
    secrets: { ...(svc.secrets ?? {}), ...(o.secrets ?? {}) },
    logLevel: o.logLevel ?? svc.logLevel ?? env.logLevel ?? "info",
    enableExec: o.enableExec ?? svc.enableExec ?? env.enableExec ?? false,
    schedule: o.schedule ?? svc.schedule,
    scheduling: resolveScheduling(svc.scheduling, o.scheduling),
    schedulingWritten: o.scheduling ?? svc.scheduling,
    routing: o.routing ?? svc.routing,
    // Grants add up: the service's own, then the environment's (ARNs of its account).
    permissions: [...(svc.permissions ?? []), ...(o.permissions ?? [])],
    deployment: deploymentFor(svc.kind, deploymentChoice(env, svc, o.deployment, environmentName)),
    alarms: resolveAlarms(svc.alarms, o.alarms),
    queue: resolveQueue(svc.queue, o.queue),
    sends: svc.sends ?? [],
  };
}

function deploymentChoice(env: EnvironmentConfig, svc: ServiceConfig, override: ServiceConfig["deployment"], environmentName: string) {
  const service = override ?? svc.deployment;
  if (service) return { config: service, setIn: "service" as const };
  // An invalid environment setting is reported by the schema; the services are checked with the tier's meanwhile.
  if (env.deployment && v.is(DeploymentSchema, env.deployment)) return { config: env.deployment, setIn: "environment" as const };
  return { config: TIER_DEPLOYMENTS[policyTierOf(environmentName, env)], setIn: "default" as const };
}

export function resolveEnvironment(
  project: string,
  name: string,
  env: EnvironmentConfig,
  services: readonly ServiceConfig[],
): ResolvedEnvironment {
  return {
    name,
    project,
    region: env.region,
    allowedAccountIds: env.allowedAccountIds,
    vpcCidr: env.vpcCidr,
    azCount: env.azCount ?? 2,
    natStrategy: env.natStrategy ?? "single",
    vpcEndpoints: env.vpcEndpoints ?? [],
    certificate: resolveCertificate(env.certificate, policyTierOf(name, env)),
    dualStack: env.dualStack ?? false,
    logRetentionDays: env.logRetentionDays ?? 30,
    flowLogs: env.flowLogs ?? false,
    deletionProtection: env.deletionProtection ?? false,
    albAccessLogs: env.albAccessLogs ?? false,
    spotShare: env.spotShare ?? 0,
    policyTier: policyTierOf(name, env),
    containerInsights: env.containerInsights ?? true,
    activeHours: env.activeHours,
    logLevel: env.logLevel ?? "info",
    enableExec: env.enableExec ?? false,
    stateBucket: env.stateBucket,
    quotas: resolveQuotas(env.quotas),
    notifications: resolveNotifications(env.notifications),
    services: services.map((svc) => resolveService(env, svc, name)),
  };
}
