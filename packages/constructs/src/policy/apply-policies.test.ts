import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { App, TerraformStack, Testing } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { EcsService } from "@cdktf/provider-aws/lib/ecs-service";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Construct } from "constructs";
import { applyPolicies, formatFinding } from "./apply-policies";
import { suppressPolicy } from "./suppress";
import { check, compliantStack, ids, newStack, reported } from "./testing";
import type { PolicyFinding } from "./types";

describe("applyPolicies", () => {
  test("defaults: the tier is the environment name", () => {
    const bad = { service: { deploymentCircuitBreaker: undefined } };
    expect(check((s) => compliantStack(s, bad), "dev").map((f) => f.level)).toEqual(["warning"]);
    expect(check((s) => compliantStack(s, bad), "staging").map((f) => f.level)).toEqual(["error"]);
  });

  test("tier: another environment name must say which tier it follows", () => {
    expect(() => applyPolicies(Testing.app(), { environment: "qa" })).toThrow(
      'applyPolicies: environment "qa" has no default tier; pass tier: "dev" | "staging" | "prod"',
    );
    const found = check((s) => compliantStack(s, { scaling: { minCapacity: 1 } }), "perf", { tier: "prod" });
    expect(found.map((f) => [f.ruleId, f.level])).toEqual([["BF-ECS-003", "error"]]);
    expect(found[0]?.message).toContain("(error in perf;");
  });

  test("onFinding: receives every finding, including suppressed ones", () => {
    const seen: PolicyFinding[] = [];
    check(
      (s) => {
        const b = compliantStack(s, { service: { alarms: undefined }, taskDefinition: { cpu: "1024", memory: "2048" } });
        suppressPolicy(b.taskDefinition, "BF-SIZE-001", "renders PDFs, measured at 1.6 GB peak");
      },
      "dev",
      { onFinding: (f) => seen.push(f) },
    );
    expect(seen.map((f) => [f.ruleId, f.level, f.address])).toEqual([
      ["BF-ECS-002", "warning", "aws_ecs_service.Service"],
      ["BF-SIZE-001", "suppressed", "aws_ecs_task_definition.Task"],
    ]);
    expect(formatFinding(seen[0] as PolicyFinding)).toMatch(/^warning {4}dev-api\/Service: \[BF-ECS-002\]/);
  });
});

describe("suppressPolicy", () => {
  test("turns the finding into an info annotation that carries the reason", () => {
    const found = check((s) => {
      const b = compliantStack(s, { taskDefinition: { cpu: "1024", memory: "2048" } });
      suppressPolicy(b.taskDefinition, "BF-SIZE-001", "renders PDFs, measured at 1.6 GB peak");
    });
    expect(found.map((f) => [f.level, f.message])).toEqual([
      ["info", '[BF-SIZE-001] suppressed on aws_ecs_task_definition.Task ("api") (prod): renders PDFs, measured at 1.6 GB peak'],
    ]);
  });

  test("writes the reason beside the resource in the synthesized JSON", () => {
    const app = Testing.app();
    const stack = newStack(app, "prod-api");
    const b = compliantStack(stack, { taskDefinition: { cpu: "1024", memory: "2048" } });
    suppressPolicy(b.taskDefinition, "BF-SIZE-001", "renders PDFs, measured at 1.6 GB peak");
    applyPolicies(stack, { environment: "prod" });
    app.synth();
    const json = JSON.parse(readFileSync(join(app.outdir, "stacks/prod-api/cdk.tf.json"), "utf8"));
    expect(json.resource.aws_ecs_task_definition.Task["//"].policy_suppressions).toEqual({ "BF-SIZE-001": "renders PDFs, measured at 1.6 GB peak" });
    expect(json.resource.aws_ecs_task_definition.Task["//"].metadata.path).toBe("prod-api/Task");
  });

  test("on a construct, covers every resource inside it and nothing outside", () => {
    const found = check((s) => {
      const group = new Construct(s, "Legacy");
      compliantStack(group, { repo: { imageTagMutability: "MUTABLE" } });
      compliantStack(new Construct(s, "Other"), { repo: { imageTagMutability: "MUTABLE" } });
      suppressPolicy(group, "BF-ECR-001", "the legacy pipeline re-tags latest; moving in Q3");
    });
    expect(found.map((f) => [f.level, f.path])).toEqual([
      ["info", "prod-api/Legacy/Repo"],
      ["error", "prod-api/Other/Repo"],
    ]);
  });

  test("fails when the rule does not exist", () => {
    expect(() => suppressPolicy(newStack(Testing.app(), "prod-api"), "BF-ECS-999", "a reason long enough")).toThrow(
      /^suppressPolicy: rule "BF-ECS-999" on prod-api does not exist; known rules: BF-ECS-001, BF-ECS-002, /,
    );
  });

  test("fails when the reason is missing or too short", () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "prod-api");
    expect(() => suppressPolicy(stack, "BF-SIZE-001", " ok ")).toThrow(
      'suppressPolicy: reason for BF-SIZE-001 on prod-api is " ok "; write why the rule does not apply here (at least 10 characters)',
    );
  });
});

describe("synth", () => {
  test("app.synth() throws on a policy error and names the rule and the resource", () => {
    const app = Testing.app();
    const stack = newStack(app, "prod-api");
    compliantStack(stack, { service: { deploymentCircuitBreaker: undefined } });
    applyPolicies(stack, { environment: "prod" });
    expect(() => app.synth()).toThrow(/Encountered Annotations with level "ERROR":\n\[prod-api\/Service\] \[BF-ECS-001\]/);
  });

  test("app.synth() succeeds with warnings only and keeps them in the manifest", () => {
    const app = Testing.app();
    const stack = newStack(app, "dev-api");
    compliantStack(stack, { service: { deploymentCircuitBreaker: undefined } });
    applyPolicies(stack, { environment: "dev" });
    app.synth();
    const manifest = JSON.parse(readFileSync(join(app.outdir, "manifest.json"), "utf8"));
    const annotations = manifest.stacks["dev-api"].annotations;
    expect(annotations).toEqual([expect.objectContaining({ constructPath: "dev-api/Service", level: "@cdktf/warn", message: expect.stringContaining("[BF-ECS-001]") })]);
  });

  const bun = [process.env.BUN_BINARY, resolve(__dirname, "../../../../stacks/node_modules/.bin/bun")].find((p) => p && existsSync(p));
  (bun ? test : test.skip)("a bun-run app exits non-zero on a policy error and zero on a dev warning", () => {
    const run = (env: string) =>
      spawnSync(bun as string, [join(__dirname, "fixtures/failing-app.ts")], {
        env: { ...process.env, BF_POLICY_ENV: env, BF_POLICY_OUTDIR: mkdtempSync(join(tmpdir(), "policy-")) },
        encoding: "utf8",
        timeout: 60_000,
      });
    const prod = run("prod");
    expect(prod.status).not.toBe(0);
    expect(prod.stderr).toContain("[BF-ECS-001]");
    expect(run("dev").status).toBe(0);
  });
});

describe("across stacks", () => {
  // A real synth (app.synth) so cdktf wires cross-stack references through remote state.
  function synthApp(build: (app: App) => void): ReturnType<typeof reported> {
    process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS = "1";
    try {
      const app = Testing.app();
      build(app);
      app.synth();
      return reported(app);
    } finally {
      delete process.env.CDKTF_CONTINUE_SYNTH_ON_ERROR_ANNOTATIONS;
    }
  }

  test("follows subnets and security groups into the stacks that own them", () => {
    const found = synthApp((app) => {
      const network = new TerraformStack(app, "prod-network");
      new AwsProvider(network, "aws", { region: "us-east-1" });
      const subnets = [0, 1].map((i) => new Subnet(network, `Private${i}`, { vpcId: "vpc-1", cidrBlock: `10.0.${i}.0/24`, availabilityZone: "us-east-1a" }));
      const taskSg = new SecurityGroup(network, "TaskSg", { vpcId: "vpc-1" });
      new VpcSecurityGroupIngressRule(network, "Open", { securityGroupId: taskSg.id, cidrIpv4: "0.0.0.0/0", ipProtocol: "-1" });
      const service = new TerraformStack(app, "prod-api");
      new AwsProvider(service, "aws", { region: "us-east-1" });
      new EcsService(service, "Service", {
        name: "api",
        desiredCount: 2,
        networkConfiguration: { subnets: subnets.map((s) => s.id), securityGroups: [taskSg.id] },
        deploymentCircuitBreaker: { enable: true, rollback: true },
        alarms: { alarmNames: ["a"], enable: true, rollback: true },
        deploymentConfiguration: { strategy: "BLUE_GREEN", bakeTimeInMinutes: "5" },
      });
      new CloudwatchMetricAlarm(service, "Notify", {
        alarmName: "api-alert",
        metricName: "m",
        namespace: "n",
        statistic: "Sum",
        period: 60,
        evaluationPeriods: 1,
        comparisonOperator: "GreaterThanThreshold",
        threshold: 1,
        alarmActions: ["arn:aws:sns:us-east-1:123456789012:alarms"],
      });
      applyPolicies(network, { environment: "prod" });
      applyPolicies(service, { environment: "prod" });
    });
    expect(found.map((f) => [f.ruleId, f.path]).sort()).toEqual([
      ["BF-NET-001", "prod-api/Service"],
      ["BF-NET-002", "prod-network/Open"],
    ]);
    expect(ids(found, "error")).toHaveLength(2);
  });
});
