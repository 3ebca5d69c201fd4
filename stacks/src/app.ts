import { defaultConfig, deployOrder, loadConfig, stackName, type PlatformConfig, type ResolvedEnvironment } from "@bun-fargate/config";
import { applyPolicies, type PolicyFinding } from "@bun-fargate/constructs";
import { App } from "cdktf";
import { ProfileError, profileFromEnv, type SynthProfile } from "./profile";
import { ClusterStack } from "./stacks/cluster-stack";
import { NetworkStack } from "./stacks/network-stack";
import { OperationsStack } from "./stacks/operations-stack";
import { BOOTSTRAP_DEFAULTS, BootstrapStack, bootstrapPropsFor } from "./stacks/bootstrap-stack";
import { ServiceStack } from "./stacks/service-stack";

export interface BuildAppOptions {
  /** Validated by loadConfig whatever its shape. @default - the shipped configuration (packages/config) */
  readonly config?: PlatformConfig;
  /**
   * The repository root, where each service's source folder and Dockerfile must exist.
   * @default - source folders are not looked up (tests build stacks for services that exist only in config)
   */
  readonly sourceRoot?: string;
  /** @default - read from BF_PROFILE, BF_AWS_ENDPOINT, BF_BACKEND */
  readonly profile?: SynthProfile;
  /** @default - every environment */
  readonly environments?: readonly string[];
  /** @default - cdktf's default (CDKTF_OUTDIR or cdktf.out) */
  readonly outdir?: string;
  /**
   * Receives every policy finding (errors also fail synth). The cdktf CLI prints annotations
   * itself; an app run directly passes a printer here.
   * @default - findings are annotations only
   */
  readonly onPolicyFinding?: (finding: PolicyFinding) => void;
  /** `owner/repo` whose docs/operations.md the dashboards link to. @default - BOOTSTRAP_DEFAULTS.repository */
  readonly repository?: string;
}

export interface EnvironmentStacks {
  readonly environment: ResolvedEnvironment;
  readonly network: NetworkStack;
  readonly cluster: ClusterStack;
  readonly services: readonly ServiceStack[];
  readonly operations: OperationsStack;
}

export interface PlatformApp {
  readonly app: App;
  readonly environments: readonly EnvironmentStacks[];
}

/**
 * Wires configuration to stacks: per environment `<env>-network`, `<env>-cluster`, one
 * `<env>-<service>` per service and `<env>-operations` (dashboard and saved queries, after them). Configuration is validated first, so an invalid value throws
 * before a single construct exists.
 */
export function buildApp(options: BuildAppOptions = {}): PlatformApp {
  const profile = options.profile ?? profileFromEnv();
  const config = loadConfig(options.config ?? defaultConfig, { only: options.environments, sourceRoot: options.sourceRoot, backend: profile.backend });
  const app = new App(options.outdir ? { outdir: options.outdir } : {});
  const environments = config.environments.map((environment) => {
    const base = { environment, profile };
    const network = new NetworkStack(app, stackName(environment.name, "network"), base);
    const cluster = new ClusterStack(app, stackName(environment.name, "cluster"), { ...base, network: network.network });
    // Workers first where others send to them: a producer's stack references its worker's queue.
    const byName = new Map<string, ServiceStack>();
    for (const service of deployOrder(environment.services)) {
      const sendsTo = service.sends.map((name) => byName.get(name)!);
      byName.set(service.name, new ServiceStack(app, stackName(environment.name, service.name), { ...base, service, network: network.network, cluster, sendsTo }));
    }
    const services = environment.services.map((service) => byName.get(service.name)!);
    const runbookUrl = `https://github.com/${options.repository ?? BOOTSTRAP_DEFAULTS.repository}/blob/main/docs/operations.md`;
    const operations = new OperationsStack(app, stackName(environment.name, "operations"), { ...base, cluster, services, runbookUrl });
    for (const stack of [network, cluster, ...services, operations]) {
      applyPolicies(stack, { environment: environment.name, tier: environment.policyTier, onFinding: options.onPolicyFinding });
    }
    return { environment, network, cluster, services, operations };
  });
  return { app, environments };
}

export interface BuildBootstrapOptions extends Pick<BuildAppOptions, "config" | "outdir" | "onPolicyFinding" | "sourceRoot"> {
  /** The environments of one AWS account. */
  readonly environments: readonly string[];
  /** `owner/repo` allowed to assume the deploy roles. @default - BOOTSTRAP_DEFAULTS.repository */
  readonly repository?: string;
}

/**
 * The one-time `bootstrap` stack of one AWS account (state bucket, GitHub OIDC provider, a deploy
 * role per environment), applied with administrator credentials before the first pipeline run.
 */
export function buildBootstrapApp(options: BuildBootstrapOptions): { app: App; stack: BootstrapStack } {
  if (options.environments.length === 0) {
    throw new ProfileError('BF_ENVIRONMENTS = "": the bootstrap needs the environments of one AWS account, e.g. BF_ENVIRONMENTS=prod');
  }
  const config = loadConfig(options.config ?? defaultConfig, { only: options.environments, sourceRoot: options.sourceRoot });
  let props;
  try {
    props = bootstrapPropsFor(config.environments, { repository: options.repository });
  } catch (err) {
    // Wrong account grouping, bucket or repository: input errors, reported without a stack trace.
    throw new ProfileError((err as Error).message);
  }
  const app = new App(options.outdir ? { outdir: options.outdir } : {});
  const stack = new BootstrapStack(app, "bootstrap", props);
  applyPolicies(stack, { environment: "bootstrap", tier: "prod", onFinding: options.onPolicyFinding });
  return { app, stack };
}
