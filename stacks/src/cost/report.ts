import { cdkDefault } from "./cdk-default";
import { estimate } from "./estimate";
import type { Report } from "./format";
import { inventories } from "./inventory";
import { assumptionsFor, type PriceTable } from "./prices";
import type { StackJson } from "./terraform-json";

/** One report per environment found in the synthesized stacks. */
export function buildReports(stacks: readonly StackJson[], table: PriceTable): Report[] {
  const envs = inventories(stacks, (env) => assumptionsFor(table, env).scheduledRunMinutes);
  const order = (name: string) => {
    const i = ["dev", "staging", "prod"].indexOf(name);
    return i === -1 ? 3 : i;
  };
  return [...envs]
    .sort((a, b) => order(a.name) - order(b.name))
    .map((env) => ({ estimate: estimate(env, table, envs), cdkDefault: cdkDefault(env, table, envs) }));
}
