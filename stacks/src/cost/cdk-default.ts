import type { EnvironmentInventory } from "./inventory";
import { albLines, cloudWatchLines, fargateLines, natLines, ownsAccounts, publicIpLine, runningTasks, sum, type CostLine } from "./estimate";
import { assumptionsFor, regionPrices, type PriceTable, type Range } from "./prices";

/** The AWS CDK defaults we compare against, as the line's label says. */
export const CDK_DEFAULT_AZS = 2;

export interface Comparison {
  readonly lines: readonly CostLine[];
  readonly total: Range;
  /** Said when the comparison carries over something of ours that is not a CDK default. */
  readonly note?: string;
}

/**
 * The same workloads deployed with AWS CDK's `ApplicationLoadBalancedFargateService` defaults and
 * `new ec2.Vpc(this, "Vpc", { maxAzs: 2 })`: a NAT gateway (with its Elastic IP) per AZ, one
 * internet-facing ALB per web service, tasks in private subnets without public IPs, the default
 * runtime platform (x86_64) on demand, no Container Insights and no alarms. Task sizes, task counts,
 * active hours (scheduled scaling to zero) and traffic assumptions are ours, so only the architecture
 * differs: sleeping at night is a few lines in either tool, and leaving it out of the comparison
 * would flatter ours.
 */
export function cdkDefault(env: EnvironmentInventory, table: PriceTable, all: readonly EnvironmentInventory[] = [env]): Comparison {
  const { prices: p } = regionPrices(table, env.region);
  const a = assumptionsFor(table, env.name);
  const hours = table.hoursPerMonth;
  const webServices = Math.max(1, env.workloads.filter((w) => w.web).length);
  const tasks = runningTasks(env.workloads, hours);
  const lines = [
    ...fargateLines(env.workloads, p, table, true),
    ...albLines(webServices, a, p, hours),
    ...natLines(CDK_DEFAULT_AZS, a, p, hours),
    publicIpLine(CDK_DEFAULT_AZS + webServices * CDK_DEFAULT_AZS, { min: 0, max: 0 }, p, hours),
    ...cloudWatchLines({ logsGb: { min: tasks.min * a.logsGbPerTaskMonth, max: tasks.max * a.logsGbPerTaskMonth }, metrics: 0, alarms: 0 }, p, ownsAccounts(env, all)),
  ].filter((l): l is CostLine => l !== undefined);
  const sleeping = env.workloads.filter((w) => w.activeHours).map((w) => w.name);
  const note = sleeping.length > 0 ? `The AWS CDK line runs ${sleeping.join(", ")} in the same active hours as ours.` : undefined;
  return { lines, total: sum(lines), ...(note ? { note } : {}) };
}
