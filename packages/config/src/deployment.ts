/**
 * Deployment strategies resolved for one service in one environment: the most specific level that
 * sets `deployment` wins whole (the environment's override of the service, the service entry, the
 * environment, then the default of the environment's policy tier), and every missing number gets
 * its documented default.
 */
import type { DeploymentStrategy } from "./schema/deployment";
import type { DeploymentConfig, PolicyTier, ServiceKind } from "./types";

export { DEPLOYMENT_STRATEGIES, MAX_MINUTES, STRATEGY_FIELDS, type DeploymentStrategy } from "./schema/deployment";

/** Where a service's deployment setting came from, for messages that say where to change it. */
export type DeploymentSource = "service" | "environment" | "default";

/** Where it came from, and why production may deploy without a bake (suppresses BF-ECS-005). */
interface Provenance {
  readonly setIn: DeploymentSource;
  readonly reason?: string;
}

export type ResolvedDeployment =
  | ({ readonly strategy: "rolling" } & Provenance)
  | ({ readonly strategy: "blue-green"; readonly bakeTimeMinutes: number } & Provenance)
  | ({ readonly strategy: "canary"; readonly canaryPercent: number; readonly canaryMinutes: number; readonly bakeTimeMinutes: number } & Provenance)
  | ({ readonly strategy: "linear"; readonly stepPercent: number; readonly stepMinutes: number; readonly bakeTimeMinutes: number } & Provenance);

export const DEFAULT_BAKE_TIME_MINUTES = 10;
export const DEFAULT_CANARY_PERCENT = 10;
export const DEFAULT_CANARY_MINUTES = 5;
export const DEFAULT_STEP_PERCENT = 25;
export const DEFAULT_STEP_MINUTES = 1;

/**
 * Each policy tier's deployment. Prod takes a tenth of the traffic for five minutes, then all of it,
 * and keeps the old revision ten minutes more (the rollback alarms need three to four minutes to
 * fire); staging rehearses the same machinery in quarters; dev replaces tasks in place for speed.
 */
export const TIER_DEPLOYMENTS: Readonly<Record<PolicyTier, DeploymentConfig>> = {
  prod: { strategy: "canary", canaryPercent: DEFAULT_CANARY_PERCENT, canaryMinutes: DEFAULT_CANARY_MINUTES, bakeTimeMinutes: DEFAULT_BAKE_TIME_MINUTES },
  staging: { strategy: "linear", stepPercent: DEFAULT_STEP_PERCENT, stepMinutes: DEFAULT_STEP_MINUTES, bakeTimeMinutes: 5 },
  dev: { strategy: "rolling" },
};

/** Strategies that move traffic between two target groups, so they need a load balancer. */
export const TRAFFIC_SHIFTING: ReadonlySet<DeploymentStrategy> = new Set(["canary", "linear"]);

/**
 * The test listener rule's header: a request carrying it reaches the new revision once ECS has
 * registered it, before any production traffic moves (the pipeline's smoke test sends it).
 */
export const TEST_TRAFFIC_HEADER = { name: "X-Test-Traffic", value: "1" } as const;

export function resolveDeployment(config: DeploymentConfig, setIn: DeploymentSource): ResolvedDeployment {
  const bakeTimeMinutes = config.bakeTimeMinutes ?? DEFAULT_BAKE_TIME_MINUTES;
  const provenance: Provenance = config.reason === undefined ? { setIn } : { setIn, reason: config.reason };
  switch (config.strategy) {
    case "rolling":
      return { strategy: "rolling", ...provenance };
    case "blue-green":
      return { strategy: "blue-green", bakeTimeMinutes, ...provenance };
    case "canary":
      return { strategy: "canary", canaryPercent: config.canaryPercent ?? DEFAULT_CANARY_PERCENT, canaryMinutes: config.canaryMinutes ?? DEFAULT_CANARY_MINUTES, bakeTimeMinutes, ...provenance };
    case "linear":
      return { strategy: "linear", stepPercent: config.stepPercent ?? DEFAULT_STEP_PERCENT, stepMinutes: config.stepMinutes ?? DEFAULT_STEP_MINUTES, bakeTimeMinutes, ...provenance };
  }
}

/**
 * The deployment a service of `kind` gets. A worker has no traffic to shift: an environment-wide
 * canary or linear default becomes blue-green with the same bake time (a full new revision, watched
 * by its alarms while the old one still runs). Set on the service itself, those are refused instead
 * (validate-service.ts).
 */
export function deploymentFor(kind: ServiceKind, chosen: { config: DeploymentConfig; setIn: DeploymentSource }): ResolvedDeployment {
  const resolved = resolveDeployment(chosen.config, chosen.setIn);
  if (kind === "web" || chosen.setIn === "service" || !TRAFFIC_SHIFTING.has(resolved.strategy)) return resolved;
  const bakeTimeMinutes = "bakeTimeMinutes" in resolved ? resolved.bakeTimeMinutes : DEFAULT_BAKE_TIME_MINUTES;
  return { strategy: "blue-green", bakeTimeMinutes, setIn: resolved.setIn, ...(resolved.reason === undefined ? {} : { reason: resolved.reason }) };
}

/** Minutes from the first traffic shift to all traffic on the new revision (no waiting after the last step). */
export function shiftMinutes(d: ResolvedDeployment): number {
  if (d.strategy === "canary") return d.canaryPercent >= 100 ? 0 : d.canaryMinutes;
  if (d.strategy === "linear") return linearSteps(d.stepPercent) * d.stepMinutes;
  return 0;
}

/**
 * Waits between linear steps: one fewer than the steps to 100 % (AWS applies no step bake after the
 * last shift), e.g. 25 % -> 3, 11 % -> 9, 100 % -> 0.
 */
export function linearSteps(stepPercent: number): number {
  const tenths = Math.round(stepPercent * 10);
  return Math.ceil(1000 / tenths) - 1;
}
