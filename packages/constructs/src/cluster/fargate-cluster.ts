import { EcsCluster } from "@cdktf/provider-aws/lib/ecs-cluster";
import { EcsClusterCapacityProviders } from "@cdktf/provider-aws/lib/ecs-cluster-capacity-providers";
import { ServiceDiscoveryHttpNamespace } from "@cdktf/provider-aws/lib/service-discovery-http-namespace";
import { Construct } from "constructs";

export interface FargateClusterProps {
  /** Cluster name. */
  readonly name: string;
  /** Container Insights: per-task CPU, memory and running-count metrics. @default true */
  readonly containerInsights?: boolean;
  /**
   * Name of the Cloud Map HTTP namespace the cluster's services join for ECS Service Connect, made
   * the cluster's Service Connect default. @default - no namespace (services cannot call each other)
   */
  readonly serviceConnectNamespace?: string;
}

/** An ECS cluster that runs on FARGATE and FARGATE_SPOT; each service picks its own mix. */
export class FargateCluster extends Construct {
  public readonly cluster: EcsCluster;
  public readonly capacityProviders: EcsClusterCapacityProviders;
  /** The Service Connect namespace; none unless `serviceConnectNamespace` is given. */
  public readonly namespace: ServiceDiscoveryHttpNamespace | undefined;

  constructor(scope: Construct, id: string, props: FargateClusterProps) {
    super(scope, id);
    // An HTTP namespace: Service Connect needs no private DNS zone, so none is created (or billed).
    this.namespace =
      props.serviceConnectNamespace === undefined
        ? undefined
        : new ServiceDiscoveryHttpNamespace(this, "Namespace", { name: props.serviceConnectNamespace, description: `Service Connect of cluster ${props.name}` });
    this.cluster = new EcsCluster(this, "Cluster", {
      name: props.name,
      serviceConnectDefaults: this.namespace ? { namespace: this.namespace.arn } : undefined,
      setting: [{ name: "containerInsights", value: (props.containerInsights ?? true) ? "enabled" : "disabled" }],
    });
    this.capacityProviders = new EcsClusterCapacityProviders(this, "CapacityProviders", {
      clusterName: this.cluster.name,
      capacityProviders: ["FARGATE", "FARGATE_SPOT"],
      defaultCapacityProviderStrategy: [{ capacityProvider: "FARGATE", weight: 1, base: 0 }],
    });
  }
}
