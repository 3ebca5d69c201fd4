import type { EcsServiceDeploymentConfiguration } from "@cdktf/provider-aws/lib/ecs-service";
import type { DeploymentStrategy } from "@bun-fargate/config";

/** How a deploy replaces a service's tasks (a resolved config `deployment`, every number given). */
export type DeploymentSettings =
  | { readonly strategy: "rolling" }
  | { readonly strategy: "blue-green"; readonly bakeTimeMinutes: number }
  | { readonly strategy: "canary"; readonly canaryPercent: number; readonly canaryMinutes: number; readonly bakeTimeMinutes: number }
  | { readonly strategy: "linear"; readonly stepPercent: number; readonly stepMinutes: number; readonly bakeTimeMinutes: number };

const ECS_STRATEGY: Readonly<Record<DeploymentStrategy, string>> = { rolling: "ROLLING", "blue-green": "BLUE_GREEN", canary: "CANARY", linear: "LINEAR" };

const tenths = (n: number) => Math.abs(n * 10 - Math.round(n * 10)) < 1e-9;
const minutes = (n: number) => Number.isInteger(n) && n >= 0 && n <= 1440;

/** What is out of AWS's ranges in `d`, or undefined. */
export function deploymentProblem(d: DeploymentSettings): string | undefined {
  if (!(d.strategy in ECS_STRATEGY)) return `strategy ${JSON.stringify(d.strategy)} must be one of ${Object.keys(ECS_STRATEGY).join(", ")}`;
  if (d.strategy === "rolling") return undefined;
  if (!minutes(d.bakeTimeMinutes)) return `bakeTimeMinutes ${d.bakeTimeMinutes} must be a whole number of minutes from 0 to 1440`;
  if (d.strategy === "canary") {
    if (!(d.canaryPercent >= 0.1 && d.canaryPercent <= 100 && tenths(d.canaryPercent))) return `canaryPercent ${d.canaryPercent} must be from 0.1 to 100 in steps of 0.1`;
    if (!minutes(d.canaryMinutes)) return `canaryMinutes ${d.canaryMinutes} must be a whole number of minutes from 0 to 1440`;
  }
  if (d.strategy === "linear") {
    if (!(d.stepPercent >= 3 && d.stepPercent <= 100 && tenths(d.stepPercent))) return `stepPercent ${d.stepPercent} must be from 3 to 100 in steps of 0.1`;
    if (!minutes(d.stepMinutes)) return `stepMinutes ${d.stepMinutes} must be a whole number of minutes from 0 to 1440`;
  }
  return undefined;
}

/** True when ECS moves traffic between two target groups (and so needs both, and its infrastructure role). */
export const shiftsTraffic = (d: DeploymentSettings): boolean => d.strategy === "canary" || d.strategy === "linear";

/** The service's `deployment_configuration`; none for rolling, which is ECS's default. */
export function ecsDeploymentConfiguration(d: DeploymentSettings): EcsServiceDeploymentConfiguration | undefined {
  if (d.strategy === "rolling") return undefined;
  // The provider takes the minute counts as strings (nullable integers).
  const base = { strategy: ECS_STRATEGY[d.strategy], bakeTimeInMinutes: String(d.bakeTimeMinutes) };
  if (d.strategy === "canary") return { ...base, canaryConfiguration: { canaryPercent: d.canaryPercent, canaryBakeTimeInMinutes: String(d.canaryMinutes) } };
  if (d.strategy === "linear") return { ...base, linearConfiguration: { stepPercent: d.stepPercent, stepBakeTimeInMinutes: String(d.stepMinutes) } };
  return base;
}
