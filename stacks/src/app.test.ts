import { ConfigError, defaultConfig, type PlatformConfig } from "@bun-fargate/config";
import { buildApp, buildBootstrapApp } from "./app";
import { ProfileError } from "./profile";
import { AWS_PROFILE, resources, synth } from "./testing";

describe("buildApp", () => {
  test("defaults: network, cluster, one stack per service and operations for every environment", () => {
    const { app, environments } = buildApp({ profile: AWS_PROFILE });
    expect(environments.map((e) => e.environment.name)).toEqual(["dev", "staging", "prod"]);
    const ids = app.node.children.map((c) => c.node.id).sort();
    expect(ids).toEqual(["dev-bun-api", "dev-cluster", "dev-network", "dev-nightly", "dev-operations", "dev-worker", "prod-bun-api", "prod-cluster", "prod-network", "prod-nightly", "prod-operations", "prod-worker", "staging-bun-api", "staging-cluster", "staging-network", "staging-nightly", "staging-operations", "staging-worker"]);
  });

  test("environments: synthesizes only the selected ones", () => {
    const { app } = buildApp({ profile: AWS_PROFILE, environments: ["staging"] });
    expect(app.node.children.map((c) => c.node.id).sort()).toEqual(["staging-bun-api", "staging-cluster", "staging-network", "staging-nightly", "staging-operations", "staging-worker"]);
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
    const config: PlatformConfig = { ...defaultConfig, services: [{ ...defaultConfig.services[0]!, memoryMiB: 4096 }, ...defaultConfig.services.slice(1)] };
    expect(() => buildApp({ profile: AWS_PROFILE, config })).toThrow(ConfigError);
    expect(() => buildApp({ profile: AWS_PROFILE, config })).toThrow(/dev \/ service "bun-api": cpu\/memoryMiB = "256\/4096"/);
  });

  test("fails when an unknown environment is selected", () => {
    expect(() => buildApp({ profile: AWS_PROFILE, environments: ["qa"] })).toThrow(/environment = "qa": unknown environment; configured: dev, staging, prod/);
  });
});

describe("buildBootstrapApp", () => {
  test("defaults: one stack named bootstrap for the selected account, with its state bucket", () => {
    const { app, stack } = buildBootstrapApp({ environments: ["prod"] });
    expect(app.node.children.map((c) => c.node.id)).toEqual(["bootstrap"]);
    expect(resources(synth(stack), "aws_s3_bucket")[0]).toMatchObject({ bucket: "bun-fargate-prod-tfstate" });
  });

  test("repository: the deploy role trusts only that repository", () => {
    const { stack } = buildBootstrapApp({ environments: ["dev"], repository: "acme/shop" });
    const json = JSON.stringify(synth(stack));
    expect(json).toContain("repo:acme/shop:environment:dev");
    expect(json).not.toContain("example-org/bun-fargate");
  });

  test("fails when no environment is selected, or environments span accounts", () => {
    expect(() => buildBootstrapApp({ environments: [] })).toThrow(ProfileError);
    expect(() => buildBootstrapApp({ environments: ["dev", "prod"] })).toThrow(/environments are in 2 accounts \(dev: 111111111111, prod: 333333333333\)/);
  });
});
