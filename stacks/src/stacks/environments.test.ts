// Cross-environment guarantees of the shipped configuration, read from synthesized JSON.
import { buildApp } from "../app";
import { AWS_PROFILE, resources, synth, type SynthesizedStack } from "../testing";

const { environments } = buildApp({ profile: AWS_PROFILE });
const byName = Object.fromEntries(
  environments.map((e) => [
    e.environment.name,
    { network: synth(e.network), cluster: synth(e.cluster), services: e.services.map((s) => synth(s)) },
  ]),
);
const env = (name: string) => byName[name]!;
const ecsServices = (stacks: SynthesizedStack[]) => stacks.flatMap((s) => resources(s, "aws_ecs_service"));

describe("prod", () => {
  test("runs at least 2 tasks over at least 2 AZs", () => {
    const prod = env("prod");
    // Services; a scheduled task runs one task per run and has none.
    for (const svc of prod.services.filter((s) => resources(s, "aws_ecs_service").length > 0)) {
      const target = resources(svc, "aws_appautoscaling_target")[0]!;
      expect(target.min_capacity).toBeGreaterThanOrEqual(2);
      const service = resources(svc, "aws_ecs_service")[0]!;
      expect(service.desired_count).toBeGreaterThanOrEqual(2);
    }
    const privateSubnets = resources(prod.network, "aws_subnet").filter((s) => (s.tags as Record<string, string>).Tier === "private");
    expect(privateSubnets.length).toBeGreaterThanOrEqual(2);
    expect(new Set(privateSubnets.map((s) => s.availability_zone)).size).toBe(privateSubnets.length);
  });

  test("gives tasks no public IP and keeps them in private subnets", () => {
    for (const service of ecsServices(env("prod").services)) {
      const net = service.network_configuration as { assign_public_ip: boolean; subnets: string[] };
      expect(net.assign_public_ip).toBe(false);
      expect(net.subnets.join(",")).toMatch(/PrivateSubnet/);
      expect(net.subnets.join(",")).not.toMatch(/PublicSubnet/);
    }
  });

  test("protects the ALB from deletion, logs its access and serves HTTPS only", () => {
    const lb = resources(env("prod").cluster, "aws_lb")[0]!;
    expect(lb.enable_deletion_protection).toBe(true);
    expect(lb.access_logs).toMatchObject({ enabled: true });
    const listeners = resources(env("prod").cluster, "aws_lb_listener");
    expect(listeners.find((l) => l.port === 443)).toMatchObject({ protocol: "HTTPS", ssl_policy: expect.stringMatching(/TLS13-1-2/) });
    expect(listeners.find((l) => l.port === 80)).toMatchObject({ default_action: [{ type: "redirect" }] });
  });

  test("has a NAT gateway per AZ and flow logs", () => {
    expect(resources(env("prod").network, "aws_nat_gateway")).toHaveLength(2);
    expect(resources(env("prod").network, "aws_flow_log")).toHaveLength(1);
  });
});

describe("dev", () => {
  test("runs on spot only", () => {
    for (const service of ecsServices(env("dev").services)) {
      expect(service.capacity_provider_strategy).toEqual([{ base: 0, capacity_provider: "FARGATE_SPOT", weight: 1 }]);
    }
  });

  test("has no NAT gateway, so tasks get public IPs in public subnets (still ALB-only ingress)", () => {
    expect(env("dev").network.resource.aws_nat_gateway).toBeUndefined();
    expect(resources(env("dev").network, "aws_subnet")).toHaveLength(4);
    for (const service of ecsServices(env("dev").services)) {
      expect((service.network_configuration as { assign_public_ip: boolean }).assign_public_ip).toBe(true);
    }
  });

  test("serves plain HTTP with a JSON 404 default", () => {
    const listeners = resources(env("dev").cluster, "aws_lb_listener");
    expect(listeners).toHaveLength(1);
    expect(listeners[0]).toMatchObject({ port: 80, protocol: "HTTP", default_action: [{ type: "fixed-response", fixed_response: { status_code: "404", content_type: "application/json" } }] });
  });
});

describe("every environment", () => {
  test.each(["dev", "staging", "prod"])("%s: task security groups admit only the ALB security group, and a worker's or a scheduled task's nothing", (name) => {
    const e = env(name);
    const albSg = Object.keys(e.cluster.resource.aws_security_group!).find((k) => k.includes("LoadBalancer"))!;
    for (const svc of e.services) {
      const ingress = resources(svc, "aws_vpc_security_group_ingress_rule");
      // A scheduled task serves nothing: no ingress rule at all.
      if (resources(svc, "aws_scheduler_schedule").length > 0) {
        expect(ingress).toEqual([]);
        expect(resources(svc, "aws_security_group").length).toBe(1);
        continue;
      }
      // A web service is reached through the ALB; a worker only reaches out (to SQS), so it admits nothing.
      const web = resources(svc, "aws_lb_target_group").length > 0;
      expect({ web, ingress: ingress.length > 0 }).toEqual({ web, ingress: web });
      for (const rule of ingress) {
        expect(rule.cidr_ipv4).toBeUndefined();
        expect(rule.cidr_ipv6).toBeUndefined();
        expect(String(rule.referenced_security_group_id)).toContain(albSg);
        expect(rule.from_port).toBe(8080);
        expect(rule.to_port).toBe(8080);
      }
      expect(svc.resource.aws_security_group_rule).toBeUndefined();
      for (const sg of resources(svc, "aws_security_group")) expect(sg.ingress).toBeUndefined();
    }
  });

  test.each(["dev", "staging", "prod"])("%s: leaves the task count to autoscaling", (name) => {
    for (const service of ecsServices(env(name).services)) {
      expect(service.lifecycle).toEqual({ ignore_changes: ["desired_count"] });
      expect(service.deployment_circuit_breaker).toEqual({ enable: true, rollback: true });
      expect(service.alarms).toMatchObject({ enable: true, rollback: true });
    }
  });

  test("each environment deploys as its tier says: prod canary 10 % for 5 minutes then bake 10, staging linear 25 % a minute then bake 5, dev rolling", () => {
    const strategies = Object.fromEntries(["dev", "staging", "prod"].map((name) => [name, ecsServices(env(name).services).map((s) => s.deployment_configuration ?? "rolling")]));
    // bun-api, then the worker, which has no traffic to shift: a full blue-green revision with the tier's bake.
    expect(strategies).toEqual({
      dev: ["rolling", "rolling"],
      staging: [{ strategy: "LINEAR", bake_time_in_minutes: "5", linear_configuration: { step_percent: 25, step_bake_time_in_minutes: "1" } }, { strategy: "BLUE_GREEN", bake_time_in_minutes: "5" }],
      prod: [{ strategy: "CANARY", bake_time_in_minutes: "10", canary_configuration: { canary_percent: 10, canary_bake_time_in_minutes: "5" } }, { strategy: "BLUE_GREEN", bake_time_in_minutes: "10" }],
    });
  });

  test.each(["dev", "staging", "prod"])("%s: the provider refuses other accounts and tags everything", (name) => {
    const e = env(name);
    for (const stack of [e.network, e.cluster, ...e.services]) {
      const aws = stack.provider.aws[0]!;
      expect(aws.allowed_account_ids).toEqual([expect.stringMatching(/^\d{12}$/)]);
      expect(aws.default_tags).toEqual([{ tags: expect.objectContaining({ Environment: name, ManagedBy: "cdktf", Project: "bunfg" }) }]);
    }
  });

  test.each(["dev", "staging", "prod"])("%s: environments do not share names", (name) => {
    const lb = resources(env(name).cluster, "aws_lb")[0]!;
    expect(lb.name).toBe(`bunfg-${name}`);
    expect(resources(env(name).cluster, "aws_ecr_repository")[0]).toMatchObject({ name: `bunfg/${name}/bun-api`, image_tag_mutability: "IMMUTABLE" });
  });
});
