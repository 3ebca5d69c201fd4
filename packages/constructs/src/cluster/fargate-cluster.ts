import { EcsCluster } from "@cdktf/provider-aws/lib/ecs-cluster";
import { EcsClusterCapacityProviders } from "@cdktf/provider-aws/lib/ecs-cluster-capacity-providers";
import { Construct } from "constructs";

export interface FargateClusterProps {
  /** Cluster name. */
  readonly name: string;
  /** Container Insights: per-task CPU, memory and running-count metrics. @default true */
  readonly containerInsights?: boolean;
}

/** An ECS cluster that runs on FARGATE and FARGATE_SPOT; each service picks its own mix. */
export class FargateCluster extends Construct {
  public readonly cluster: EcsCluster;
  public readonly capacityProviders: EcsClusterCapacityProviders;

  constructor(scope: Construct, id: string, props: FargateClusterProps) {
    super(scope, id);
    this.cluster = new EcsCluster(this, "Cluster", {
      name: props.name,
      setting: [{ name: "containerInsights", value: (props.containerInsights ?? true) ? "enabled" : "disabled" }],
    });
    this.capacityProviders = new EcsClusterCapacityProviders(this, "CapacityProviders", {
      clusterName: this.cluster.name,
      capacityProviders: ["FARGATE", "FARGATE_SPOT"],
      defaultCapacityProviderStrategy: [{ capacityProvider: "FARGATE", weight: 1, base: 0 }],
    });
  }
}
