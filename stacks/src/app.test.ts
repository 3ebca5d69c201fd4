import { ConfigError, defaultConfig, type PlatformConfig } from "@bun-fargate/config";
import { buildApp } from "./app";
import { AWS_PROFILE, resources, synth } from "./testing";

describe("buildApp", () => {
  test("defaults: network, cluster and one stack per service for every environment", () => {
    const { app, environments } = buildApp({ profile: AWS_PROFILE });
    expect(environments.map((e) => e.environment.name)).toEqual(["dev", "staging", "prod"]);
    const ids = app.node.children.map((c) => c.node.id).sort();
    expect(ids).toEqual(["dev-bun-api", "dev-cluster", "dev-network", "prod-bun-api", "prod-cluster", "prod-network", "staging-bun-api", "staging-cluster", "staging-network"]);
  });

  test("environments: synthesizes only the selected ones", () => {
    const { app } = buildApp({ profile: AWS_PROFILE, environments: ["staging"] });
    expect(app.node.children.map((c) => c.node.id).sort()).toEqual(["staging-bun-api", "staging-cluster", "staging-network"]);
  });

  test("config: a new service entry adds a stack to every environment", () => {
    const config: PlatformConfig = {
      ...defaultConfig,
      services: [...defaultConfig.services, { name: "mailer", kind: "worker", source: "services/mailer" }],
    };
    const { app, environments } = buildApp({ profile: AWS_PROFILE, config });
    expect(app.node.children.map((c) => c.node.id)).toEqual(expect.arrayContaining(["dev-mailer", "staging-mailer", "prod-mailer"]));
    const worker = synth(environments[0]!.services.find((s) => s.node.id === "dev-mailer")!);
    expect(resources(worker, "aws_ecs_service")).toHaveLength(1);
    expect(worker.resource.aws_lb_target_group).toBeUndefined();
  });

  test("config: a scheduled service gets a schedule and no ECS service", () => {
    const config: PlatformConfig = {
      ...defaultConfig,
      services: [...defaultConfig.services, { name: "nightly-etl", kind: "scheduled", source: "services/etl", schedule: "cron(0 3 * * ? *)" }],
    };
    const { environments } = buildApp({ profile: AWS_PROFILE, config, environments: ["dev"] });
    const etl = synth(environments[0]!.services.find((s) => s.node.id === "dev-nightly-etl")!);
    expect(resources(etl, "aws_scheduler_schedule")[0]).toMatchObject({ schedule_expression: "cron(0 3 * * ? *)" });
    expect(etl.resource.aws_ecs_service).toBeUndefined();
  });

  test("fails when the configuration is invalid, before any stack exists", () => {
    const config: PlatformConfig = { ...defaultConfig, services: [{ ...defaultConfig.services[0]!, cpu: 300 }] };
    expect(() => buildApp({ profile: AWS_PROFILE, config })).toThrow(ConfigError);
    expect(() => buildApp({ profile: AWS_PROFILE, config })).toThrow(/dev \/ service "bun-api": cpu\/memoryMiB = "300\/512"/);
  });

  test("fails when an unknown environment is selected", () => {
    expect(() => buildApp({ profile: AWS_PROFILE, environments: ["qa"] })).toThrow(/environment = "qa": unknown environment; configured: dev, staging, prod/);
  });
});
