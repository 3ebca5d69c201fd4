// A configuration of N web services in E environments, for `pnpm bench:synth` (BF_CONFIG points
// here). BF_BENCH_SERVICES web services (default 10), each routed on its own path, replace the
// shipped ones; BF_BENCH_ENVIRONMENTS environments (default 3) are the shipped dev, staging and
// prod, then copies of them in turn (dev3, staging4, prod5, ...) with their own CIDR and state
// bucket. Every deploy rolls (with a reason in production), because the second target group of a
// canary or linear deploy would cap an ALB at 50 services (100 target groups, not adjustable);
// quotas AWS raises on request are raised, so that synth checks the stacks rather than stopping
// at a quota.
import { defaultConfig, type EnvironmentConfig, type PlatformConfig, type ServiceConfig } from "@bun-fargate/config";

function count(name: string, fallback: number, max: number): number {
  const raw = process.env[name];
  const n = raw === undefined || raw === "" ? fallback : Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new Error(`${name} = ${JSON.stringify(raw)}: must be a whole number from 1 to ${max}`);
  return n;
}

const serviceCount = count("BF_BENCH_SERVICES", 10, 100);
const environmentCount = count("BF_BENCH_ENVIRONMENTS", 3, 40);

const services: ServiceConfig[] = Array.from({ length: serviceCount }, (_, i) => {
  const name = `web${String(i).padStart(3, "0")}`;
  return { name, kind: "web", source: "services/bun-api", containerPort: 8080, healthCheckPath: "/readyz", routing: { priority: i + 1, pathPatterns: [`/${name}/*`] } };
});

const raised = { listenerRulesPerAlb: 1000, targetsPerAlb: 10_000, rulesPerSecurityGroup: 1000, elasticIpsPerRegion: 1000, vpcsPerRegion: 1000 };
const shipped = ["dev", "staging", "prod"] as const;

const environments: Record<string, EnvironmentConfig> = {};
for (let k = 0; k < environmentCount; k++) {
  const tier = shipped[k % 3]!;
  const { services: _overrides, ...base } = defaultConfig.environments[tier]!;
  const name = k < 3 ? tier : `${tier}${k}`;
  environments[name] = {
    ...base,
    policyTier: tier,
    vpcCidr: k < 3 ? base.vpcCidr : `10.${100 + k}.0.0/16`,
    stateBucket: `bun-fargate-${name}-tfstate`,
    quotas: raised,
    // As the shipped bun-api in prod: the prod tier requires at least 2 tasks.
    ...(tier === "prod" ? { services: Object.fromEntries(services.map((s) => [s.name, { minTasks: 2, maxTasks: 10 }])) } : {}),
    deployment: tier === "prod" ? { strategy: "rolling", reason: "benchmark configuration: one target group per service" } : { strategy: "rolling" },
  };
}

export const config: PlatformConfig = { project: defaultConfig.project, environments, services };
