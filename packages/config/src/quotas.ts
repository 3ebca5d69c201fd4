/**
 * AWS quotas that the stacks could exceed, checked at synth so that a deploy does not fail halfway
 * (values from the AWS quota pages for Elastic Load Balancing, Amazon VPC and Amazon ECS). Where
 * AWS raises a quota on request, an environment's `quotas` setting states the raised value.
 */

export interface QuotaDefinition {
  /** The quota's name on the AWS quota page. */
  readonly name: string;
  readonly default: number;
  /** Whether AWS raises it on request; only these have a `quotas` setting. */
  readonly adjustable: boolean;
  /** The highest value the `quotas` setting accepts. */
  readonly maximum: number;
}

export const QUOTAS = {
  listenerRulesPerAlb: { name: "Rules per Application Load Balancer (excluding default rules)", default: 100, adjustable: true, maximum: 10_000 },
  targetGroupsPerAlb: { name: "Target Groups per Application Load Balancer", default: 100, adjustable: false, maximum: 100 },
  targetsPerAlb: { name: "Targets per Application Load Balancer", default: 1000, adjustable: true, maximum: 100_000 },
  // Counted apart for IPv4 and IPv6; a rule that references a security group counts once in each.
  rulesPerSecurityGroup: { name: "Inbound or outbound rules per security group", default: 60, adjustable: true, maximum: 1000 },
  taskDefinitionBytes: { name: "Task definition size (64 KiB)", default: 65_536, adjustable: false, maximum: 65_536 },
  elasticIpsPerRegion: { name: "EC2-VPC Elastic IPs (per Region)", default: 5, adjustable: true, maximum: 10_000 },
  vpcsPerRegion: { name: "VPCs per Region", default: 5, adjustable: true, maximum: 10_000 },
  // Each scheduled service's failed-run log group has one (FailedRuns); nothing else here makes any.
  logResourcePoliciesPerRegion: { name: "CloudWatch Logs resource policies per Region", default: 10, adjustable: false, maximum: 10 },
} as const satisfies Record<string, QuotaDefinition>;

export type AdjustableQuota = "listenerRulesPerAlb" | "targetsPerAlb" | "rulesPerSecurityGroup" | "elasticIpsPerRegion" | "vpcsPerRegion";

/** The quotas that apply to an environment: AWS's defaults, raised where its `quotas` says so. */
export type ResolvedQuotas = Readonly<Record<AdjustableQuota, number>>;

export function resolveQuotas(configured: Partial<Record<AdjustableQuota, number>> | undefined): ResolvedQuotas {
  return {
    listenerRulesPerAlb: configured?.listenerRulesPerAlb ?? QUOTAS.listenerRulesPerAlb.default,
    targetsPerAlb: configured?.targetsPerAlb ?? QUOTAS.targetsPerAlb.default,
    rulesPerSecurityGroup: configured?.rulesPerSecurityGroup ?? QUOTAS.rulesPerSecurityGroup.default,
    elasticIpsPerRegion: configured?.elasticIpsPerRegion ?? QUOTAS.elasticIpsPerRegion.default,
    vpcsPerRegion: configured?.vpcsPerRegion ?? QUOTAS.vpcsPerRegion.default,
  };
}

/** "quota "X" (N), adjustable: ask AWS, then set quotas.key" or "(N), not adjustable". */
export function quotaText(key: keyof typeof QUOTAS, value: number): string {
  const q: QuotaDefinition = QUOTAS[key];
  return q.adjustable
    ? `AWS allows ${value} (quota "${q.name}", adjustable: once AWS raises it for the account, set quotas.${key} in environments.ts)`
    : `AWS allows ${value} (quota "${q.name}", not adjustable)`;
}
