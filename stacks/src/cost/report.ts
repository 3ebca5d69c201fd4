import { cdkDefault } from "./cdk-default";
import { estimate } from "./estimate";
import type { Report } from "./format";
import { inventories } from "./inventory";
import { assumptionsFor, type PriceTable } from "./prices";
import type { StackJson } from "./terraform-json";
import { trafficModel } from "./traffic";

/**
 * One report per environment found in the synthesized stacks.
 * @param requestsPerSecond the traffic level of the web services' line. @default - each environment's `webRequestsPerSecond` assumption
 */
export function buildReports(stacks: readonly StackJson[], table: PriceTable, requestsPerSecond?: number): Report[] {
  const envs = inventories(stacks, (env) => assumptionsFor(table, env).scheduledRunMinutes);
  const order = (name: string) => {
    const i = ["dev", "staging", "prod"].indexOf(name);
    return i === -1 ? 3 : i;
  };
  return [...envs]
    .sort((a, b) => order(a.name) - order(b.name))
    .map((env) => {
      const rps = requestsPerSecond ?? assumptionsFor(table, env.name).webRequestsPerSecond;
      return { estimate: estimate(env, table, envs), cdkDefault: cdkDefault(env, table, envs), traffic: rps === undefined ? undefined : trafficModel(env, table, rps, envs) };
    });
}
