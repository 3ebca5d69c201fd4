import { buildApp } from "../app";
import { AWS_PROFILE, synth } from "../testing";
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
    });
    expect(container.stopTimeout).toBe(30);
  });

  test("outputs the service URL, name, log group and cluster", () => {
    expect(Object.keys(stack.output!).sort()).toEqual(["ClusterName", "LogGroupName", "ServiceName", "Url"]);
    expect(stack.output!.LogGroupName!.value).toBe("/ecs/bunfg/dev/bun-api");
  });
});
