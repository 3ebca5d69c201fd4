import { defaultConfig, type PlatformConfig } from "@bun-fargate/config";
import type { PolicyFinding } from "@bun-fargate/constructs";
import { buildApp } from "../app";
import { AWS_PROFILE, resources, synth } from "../testing";
import { IMAGE_DIGEST_PATTERN } from "./service-stack";

describe("ServiceStack", () => {
  const { environments } = buildApp({ profile: AWS_PROFILE, environments: ["dev"] });
  const stack = synth(environments[0]!.services[0]!);

  test("defaults: the image arrives as a required variable validated as a digest", () => {
    const image = stack.variable!.image!;
    expect(image.default).toBeUndefined();
    expect(image.nullable).toBe(false);
    expect(JSON.stringify(image.validation)).toContain("sha256");
    const container = JSON.parse(String(Object.values(stack.resource.aws_ecs_task_definition!)[0]!.container_definitions))[0];
    expect(container.image).toBe("${var.image}");
  });

  test("the digest pattern accepts an ECR digest reference and rejects tags", () => {
    const re = new RegExp(IMAGE_DIGEST_PATTERN);
    const digest = "a".repeat(64);
    expect(re.test(`111111111111.dkr.ecr.us-east-1.amazonaws.com/bunfg/dev/bun-api@sha256:${digest}`)).toBe(true);
    expect(re.test("111111111111.dkr.ecr.us-east-1.amazonaws.com/bunfg/dev/bun-api:latest")).toBe(false);
    expect(re.test(`bun-api@sha256:${digest}`)).toBe(false);
    expect(re.test(`111111111111.dkr.ecr.us-east-1.amazonaws.com/bunfg/dev/bun-api@sha256:${digest.toUpperCase()}`)).toBe(false);
  });

  test("passes the runtime contract to the container", () => {
    const container = JSON.parse(String(Object.values(stack.resource.aws_ecs_task_definition!)[0]!.container_definitions))[0];
    const env = Object.fromEntries(container.environment.map((e: { name: string; value: string }) => [e.name, e.value]));
    expect(env).toEqual({
      APP_VERSION: "${var.app_version}",
      DRAIN_TIMEOUT_MS: "10000",
      ENVIRONMENT: "dev",
      LOG_LEVEL: "debug",
      PORT: "8080",
      SERVICE_NAME: "bun-api",
      // bun-api sends to the worker's queue (the URL is a reference into the worker's stack).
      WORKER_QUEUE_URL: expect.stringMatching(/^\$\{aws_sqs_queue\.\w+\.url\}$/),
    });
    expect(container.stopTimeout).toBe(30);
  });

  test("outputs the service URL, name, log group and cluster", () => {
    expect(Object.keys(stack.output!).sort()).toEqual(["ClusterName", "LogGroupName", "ServiceName", "Url"]);
    expect(stack.output!.LogGroupName!.value).toBe("/ecs/bunfg/dev/bun-api");
  });
});

describe("ServiceStack deployments", () => {
  const prodWith = (deployment: NonNullable<PlatformConfig["services"][number]["deployment"]>): PlatformConfig => ({
    ...defaultConfig,
    services: defaultConfig.services.map((svc) => (svc.name === "bun-api" ? { ...svc, deployment } : svc)),
  });
  const prodFindings = (config: PlatformConfig) => {
    const findings: PolicyFinding[] = [];
    const { environments } = buildApp({ profile: AWS_PROFILE, environments: ["prod"], config, onPolicyFinding: (f) => findings.push(f) });
    const json = synth(environments[0]!.services[0]!);
    return { json, findings: findings.filter((f) => f.ruleId === "BF-ECS-005") };
  };

  test("prod's service stack deploys canary with the second target group's config name", () => {
    const { json, findings } = prodFindings(defaultConfig);
    expect(findings).toEqual([]);
    expect(resources(json, "aws_lb_target_group").map((t) => t.name).sort()).toEqual(["bunfg-prod-bun-api", "bunfg-prod-bun-api-2"]);
    expect(resources(json, "aws_ecs_service")[0]!.deployment_configuration).toMatchObject({ strategy: "CANARY" });
  });

  test("a rolling service in prod fails BF-ECS-005, unless its deployment.reason says why", () => {
    expect(prodFindings(prodWith({ strategy: "rolling" })).findings.map((f) => f.level)).toEqual(["error"]);
    const { findings } = prodFindings(prodWith({ strategy: "rolling", reason: "a read-only mirror; a bad minute is acceptable" }));
    expect(findings.map((f) => [f.level, f.reason])).toEqual([["suppressed", "a read-only mirror; a bad minute is acceptable"]]);
  });
});
