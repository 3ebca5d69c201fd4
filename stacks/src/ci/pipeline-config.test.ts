import { defaultConfig, loadConfig, type PlatformConfig } from "@bun-fargate/config";
import { buildApp } from "../app";
import { resources, synth, AWS_PROFILE } from "../testing";
import { deployTarget, serviceBuilds } from "./pipeline-config";

const withEtl: PlatformConfig = {
  ...defaultConfig,
  services: [...defaultConfig.services, { name: "nightly-etl", kind: "scheduled", source: "services/etl", schedule: "cron(0 3 * * ? *)" }],
};

describe("serviceBuilds", () => {
  test("defaults: one image per service, built from its folder's Dockerfile for its architecture", () => {
    expect(serviceBuilds(loadConfig())).toEqual([
      { name: "bun-api", dockerfile: "services/bun-api/Dockerfile", platforms: "linux/arm64" },
      { name: "worker", dockerfile: "services/worker/Dockerfile", platforms: "linux/arm64" },
      { name: "nightly", dockerfile: "services/nightly/Dockerfile", platforms: "linux/arm64" },
    ]);
  });

  test("an environment on another architecture makes the one image multi-platform", () => {
    const config: PlatformConfig = {
      ...defaultConfig,
      environments: { ...defaultConfig.environments, staging: { ...defaultConfig.environments.staging!, services: { "bun-api": { architecture: "X86_64" } } } },
    };
    expect(serviceBuilds(loadConfig(config))[0]?.platforms).toBe("linux/amd64,linux/arm64");
  });
});

describe("deployTarget", () => {
  test("defaults: the role, registry and stacks of one environment", () => {
    expect(deployTarget(loadConfig(), "dev")).toEqual({
      environment: "dev",
      region: "us-east-1",
      accountId: "111111111111",
      roleArn: "arn:aws:iam::111111111111:role/bunfg-github-deploy-dev",
      registry: "111111111111.dkr.ecr.us-east-1.amazonaws.com",
      cluster: "bunfg-dev",
      infraStacks: ["dev-network", "dev-cluster"],
      operationsStacks: ["dev-operations"],
      // Deploy order: the worker before bun-api, which sends to its queue.
      services: [
        {
          name: "worker",
          kind: "worker",
          stack: "dev-worker",
          repository: "bunfg/dev/worker",
          ecsService: "worker",
          family: "dev-worker",
          deployment: { strategy: "rolling", shiftMinutes: 0, bakeTimeMinutes: 0 },
        },
        {
          name: "bun-api",
          kind: "web",
          stack: "dev-bun-api",
          repository: "bunfg/dev/bun-api",
          ecsService: "bun-api",
          family: "dev-bun-api",
          healthCheckPath: "/readyz",
          deployment: { strategy: "rolling", shiftMinutes: 0, bakeTimeMinutes: 0 },
        },
        { name: "nightly", kind: "scheduled", stack: "dev-nightly", repository: "bunfg/dev/nightly", family: "dev-nightly", schedule: "dev-nightly" },
      ],
      protected: false,
    });
    expect(deployTarget(loadConfig(), "prod").protected).toBe(true);
  });

  test("a traffic-shifting service carries its shift and bake minutes and the test rule's header", () => {
    const api = deployTarget(loadConfig(), "prod").services.find((s) => s.name === "bun-api");
    expect(api).toMatchObject({ deployment: { strategy: "canary", shiftMinutes: 5, bakeTimeMinutes: 10 }, testHeader: { name: "X-Test-Traffic", value: "1" } });
    expect(deployTarget(loadConfig(), "staging").services.find((s) => s.name === "bun-api")).toMatchObject({ deployment: { strategy: "linear", shiftMinutes: 3, bakeTimeMinutes: 5 } });
  });

  test("a scheduled service has a schedule and no ECS service", () => {
    const etl = deployTarget(loadConfig(withEtl), "staging").services.find((s) => s.name === "nightly-etl");
    expect(etl).toEqual({ name: "nightly-etl", kind: "scheduled", stack: "staging-nightly-etl", repository: "bunfg/staging/nightly-etl", schedule: "staging-nightly-etl", family: "staging-nightly-etl" });
  });

  test("fails when the environment is not loaded", () => {
    expect(() => deployTarget(loadConfig(), "qa")).toThrow('environment = "qa": not in the loaded config; configured: dev, staging, prod');
  });
});

// The pipeline addresses resources by name; if a stack renames one, deploys would verify nothing.
describe("deployTarget names what the stacks create", () => {
  const { environments } = buildApp({ profile: AWS_PROFILE, config: withEtl });
  const loaded = loadConfig(withEtl);

  test.each(environments.map((e) => [e.environment.name, e] as const))("%s", (name, stacks) => {
    const target = deployTarget(loaded, name);
    expect(stacks.network.node.id).toBe(target.infraStacks[0]);
    expect(stacks.operations.node.id).toBe(target.operationsStacks[0]);
    expect(stacks.cluster.node.id).toBe(target.infraStacks[1]);
    const cluster = synth(stacks.cluster);
    expect(resources(cluster, "aws_ecs_cluster").map((c) => c.name)).toEqual([target.cluster]);
    expect(resources(cluster, "aws_ecr_repository").map((r) => r.name).sort()).toEqual(target.services.map((s) => s.repository).sort());

    for (const svc of target.services) {
      const stack = stacks.services.find((s) => s.node.id === svc.stack);
      expect(stack).toBeDefined();
      const json = synth(stack!);
      // The deploy passes exactly these two variables.
      expect(Object.keys(json.variable ?? {}).sort()).toEqual(["app_version", "image"]);
      const [td] = resources(json, "aws_ecs_task_definition");
      expect(td?.family).toBe(svc.family);
      expect(JSON.parse(td?.container_definitions as string).map((c: { name: string }) => c.name)).toContain(svc.family);
      if (svc.ecsService !== undefined) expect(resources(json, "aws_ecs_service").map((s) => s.name)).toEqual([svc.ecsService]);
      if (svc.schedule !== undefined) expect(resources(json, "aws_scheduler_schedule").map((s) => s.name)).toEqual([svc.schedule]);
      if (svc.kind === "web") {
        const paths = resources(json, "aws_lb_target_group").map((t) => (t.health_check as { path: string }).path);
        expect(paths.length).toBeGreaterThan(0);
        for (const path of paths) expect(path).toBe(svc.healthCheckPath);
        expect(json.output?.Url).toBeDefined();
      }
    }
  });
});
