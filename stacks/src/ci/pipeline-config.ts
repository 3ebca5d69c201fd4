import { deployOrder, repositoryName, shiftMinutes, stackName, TEST_TRAFFIC_HEADER, type Architecture, type DeploymentStrategy, type LoadedConfig, type ServiceKind } from "@bun-fargate/config";
import { deployRoleName } from "../stacks/bootstrap-stack";

/**
 * What the workflows need to know about services and environments, derived from the one config
 * so that adding a service or an environment never means editing a workflow.
 */

/** One image to build: every environment runs the same image, so its platforms are the union. */
export interface ServiceBuild {
  readonly name: string;
  /** Dockerfile path from the repository root; the build context is the root (workspace packages). */
  readonly dockerfile: string;
  /** buildx platforms, e.g. `linux/arm64`. */
  readonly platforms: string;
}

const PLATFORM: Record<Architecture, string> = { ARM64: "linux/arm64", X86_64: "linux/amd64" };

export function serviceBuilds(config: LoadedConfig): ServiceBuild[] {
  const builds = new Map<string, { dockerfile: string; platforms: Set<string> }>();
  for (const env of config.environments) {
    for (const svc of env.services) {
      const entry = builds.get(svc.name) ?? { dockerfile: `${svc.source}/Dockerfile`, platforms: new Set<string>() };
      entry.platforms.add(PLATFORM[svc.architecture]);
      builds.set(svc.name, entry);
    }
  }
  return [...builds].map(([name, b]) => ({ name, dockerfile: b.dockerfile, platforms: [...b.platforms].sort().join(",") }));
}

/** A service as the deploy, verification and rollback steps address it in one environment. */
export interface ServiceTarget {
  readonly name: string;
  readonly kind: ServiceKind;
  readonly stack: string;
  /** ECR repository name (not URL). */
  readonly repository: string;
  /** ECS service name inside the cluster; absent for `scheduled`. */
  readonly ecsService?: string;
  /** Task definition family; its container has the same name. */
  readonly family: string;
  /** EventBridge Scheduler schedule name; only for `scheduled`. */
  readonly schedule?: string;
  /** Readiness path the verification requests through the ALB; only for `web`. */
  readonly healthCheckPath?: string;
  /** How ECS deploys it, and the minutes its shift and bake take; absent for `scheduled`. */
  readonly deployment?: { readonly strategy: DeploymentStrategy; readonly shiftMinutes: number; readonly bakeTimeMinutes: number };
  /** The header the test listener rule routes to the new revision; web services that do not roll. */
  readonly testHeader?: { readonly name: string; readonly value: string };
}

export interface DeployTarget {
  readonly environment: string;
  readonly region: string;
  readonly accountId: string;
  readonly roleArn: string;
  readonly registry: string;
  readonly cluster: string;
  /** Stacks deployed before the services, in order. */
  readonly infraStacks: readonly string[];
  /** Stacks deployed after the services (they read the services' outputs), in order. */
  readonly operationsStacks: readonly string[];
  readonly services: readonly ServiceTarget[];
  /** True where the ALB has deletion protection: the destroy workflow refuses these. */
  readonly protected: boolean;
}

export function deployTarget(config: LoadedConfig, environment: string): DeployTarget {
  const env = config.environments.find((e) => e.name === environment);
  if (!env) {
    throw new Error(`environment = ${JSON.stringify(environment)}: not in the loaded config; configured: ${config.environments.map((e) => e.name).join(", ")}`);
  }
  // The deploy role lives in the account the environment deploys to; the provider refuses others.
  const accountId = env.allowedAccountIds[0]!;
  const partition = env.region.startsWith("us-gov-") ? "aws-us-gov" : env.region.startsWith("cn-") ? "aws-cn" : "aws";
  return {
    environment: env.name,
    region: env.region,
    accountId,
    roleArn: `arn:${partition}:iam::${accountId}:role/${deployRoleName(config.project, env.name)}`,
    registry: `${accountId}.dkr.ecr.${env.region}.amazonaws.com${partition === "aws-cn" ? ".cn" : ""}`,
    cluster: `${config.project}-${env.name}`,
    infraStacks: [stackName(env.name, "network"), stackName(env.name, "cluster")],
    operationsStacks: [stackName(env.name, "operations")],
    // The order stacks are applied in: each worker before the services that send to its queue.
    services: deployOrder(env.services).map((svc) => ({
      name: svc.name,
      kind: svc.kind,
      stack: stackName(env.name, svc.name),
      repository: repositoryName(config.project, env.name, svc.name),
      ...(svc.kind === "scheduled" ? { schedule: `${env.name}-${svc.name}` } : { ecsService: svc.name }),
      ...(svc.kind === "web" ? { healthCheckPath: svc.healthCheckPath } : {}),
      ...(svc.kind === "scheduled"
        ? {}
        : { deployment: { strategy: svc.deployment.strategy, shiftMinutes: shiftMinutes(svc.deployment), bakeTimeMinutes: "bakeTimeMinutes" in svc.deployment ? svc.deployment.bakeTimeMinutes : 0 } }),
      ...(svc.kind === "web" && svc.deployment.strategy !== "rolling" ? { testHeader: { ...TEST_TRAFFIC_HEADER } } : {}),
      family: `${env.name}-${svc.name}`,
    })),
    protected: env.deletionProtection || env.name === "prod",
  };
}
