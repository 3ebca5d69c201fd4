import { synth } from "../testing/fixtures";
import { FargateCluster } from "./fargate-cluster";

describe("FargateCluster", () => {
  test("defaults: Container Insights on, FARGATE and FARGATE_SPOT available, on-demand by default", () => {
    const { tf, cluster } = synth((stack) => ({ cluster: new FargateCluster(stack, "Cluster", { name: "t-cluster" }) }));
    expect(tf.of(cluster.cluster)).toMatchObject({ name: "t-cluster", setting: [{ name: "containerInsights", value: "enabled" }] });
    expect(tf.of(cluster.capacityProviders)).toEqual({
      cluster_name: tf.ref(cluster.cluster, "name"),
      capacity_providers: ["FARGATE", "FARGATE_SPOT"],
      default_capacity_provider_strategy: [{ capacity_provider: "FARGATE", weight: 1, base: 0 }],
    });
  });

  test("name names the cluster", () => {
    const { tf, cluster } = synth((stack) => ({ cluster: new FargateCluster(stack, "Cluster", { name: "prod-platform" }) }));
    expect(tf.of(cluster.cluster).name).toBe("prod-platform");
  });

  test("containerInsights false turns the setting off", () => {
    const { tf, cluster } = synth((stack) => ({ cluster: new FargateCluster(stack, "Cluster", { name: "t", containerInsights: false }) }));
    expect(tf.of(cluster.cluster).setting).toEqual([{ name: "containerInsights", value: "disabled" }]);
    expect(tf.of(cluster.capacityProviders).capacity_providers).toEqual(["FARGATE", "FARGATE_SPOT"]);
  });
});
