import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultConfig, type EnvironmentConfig, type PlatformConfig } from "@bun-fargate/config";
import { buildApp } from "../app";
import { cdkDefault } from "./cdk-default";
import { estimate, splitTasks, type EnvironmentEstimate } from "./estimate";
import { formatMarkdown, formatTable, targetLine } from "./format";
import { inventories } from "./inventory";
import { loadPrices, type PriceTable } from "./prices";
import { buildReports } from "./report";
import { activeHoursPerWeek, runsPerMonth, weeklyFirings } from "./schedule";
import { readStacks, type Json, type StackJson } from "./terraform-json";

/** Round numbers so every expected figure below can be checked by hand. */
const table: PriceTable = {
  asOf: "2026-01-01",
  currency: "USD",
  hoursPerMonth: 730,
  sources: {},
  spotPriceRatio: 0.3,
  regions: {
    "us-east-1": {
      fargate: { X86_64: { vcpuHour: 0.04, gbHour: 0.004 }, ARM64: { vcpuHour: 0.03, gbHour: 0.003 }, ephemeralGbHourAbove20: 0.0001 },
      albHour: 0.02,
      albLcuHour: 0.01,
      nlbHour: 0.02,
      natGatewayHour: 0.05,
      natGatewayGb: 0.05,
      publicIpv4Hour: 0.005,
      interfaceEndpointAzHour: 0.01,
      logsIngestionGb: 0.5,
      metricMonth: 0.3,
      alarmMonth: 0.1,
      ecrGbMonth: 0.1,
      kmsKeyMonth: 1,
      dashboardMonth: 3,
      snsEmailPer100k: 2,
      hostedZoneMonth: 0.5,
      sqsRequestsPerMillion: 0.4,
      sqsFreeRequests: 1_000_000,
      cloudwatchFreeTier: { logsGb: 5, metrics: 10, alarms: 10, dashboards: 3 },
    },
  },
  assumptions: {
    default: {
      albLcuPerHour: { min: 0.5, max: 2 },
      logsGbPerTaskMonth: 1,
      natGbPerMonth: { min: 10, max: 50 },
      flowLogsGbPerMonth: 5,
      scheduledRunMinutes: 10,
      ecrGbPerRepository: 1,
      containerInsightsMetricsPerCluster: 10,
      containerInsightsMetricsPerService: 20,
    },
  },
};

const stack = (name: string, resource: Record<string, Record<string, Json>>, provider: Json = {}): StackJson => ({
  name,
  json: { provider: { aws: [{ region: "us-east-1", ...provider }] }, resource },
});

const taskDefinition = (cpu: string, memory: string, architecture = "ARM64") => ({
  cpu,
  memory,
  runtime_platform: { cpu_architecture: architecture, operating_system_family: "LINUX" },
});

/** qa: one web service with two ARM tasks of 0.25 vCPU / 0.5 GB behind an internet-facing ALB in two subnets. */
const webStack = (extra: Record<string, Record<string, Json>> = {}) =>
  stack("qa-api", {
    aws_ecs_task_definition: { Task: taskDefinition("256", "512") },
    aws_ecs_service: { Service: { name: "api", desired_count: 2, launch_type: "FARGATE", task_definition: "${aws_ecs_task_definition.Task.arn}", load_balancer: [{ container_port: 8080 }] } },
    aws_lb: { Alb: { load_balancer_type: "application", subnets: ["subnet-a", "subnet-b"] } },
    ...extra,
  });

const estimateOf = (stacks: StackJson[], env = "qa"): EnvironmentEstimate => {
  const envs = inventories(stacks, () => 10);
  const inv = envs.find((e) => e.name === env);
  if (!inv) throw new Error(`no ${env}`);
  return estimate(inv, table, envs);
};
const line = (e: EnvironmentEstimate, item: string) => e.lines.find((l) => l.item === item);
const round = (n: number | undefined) => Math.round((n ?? NaN) * 100) / 100;

describe("cost estimate of hand-checked stacks", () => {
  test("two ARM tasks behind an ALB, no NAT", () => {
    const e = estimateOf([webStack()]);
    // 2 tasks x 730 h x (0.25 x 0.03 + 0.5 x 0.003) = 13.14
    expect(round(line(e, "Fargate ARM64 on-demand")?.monthly.min)).toBe(13.14);
    expect(line(e, "Fargate ARM64 on-demand")?.quantity.min).toBe("365 vCPU-h, 730 GB-h");
    expect(round(line(e, "Application Load Balancer")?.monthly.min)).toBe(14.6); // 730 x 0.02
    expect(round(line(e, "ALB capacity units (assumed)")?.monthly.min)).toBe(3.65); // 0.5 LCU x 730 x 0.01
    expect(round(line(e, "ALB capacity units (assumed)")?.monthly.max)).toBe(14.6); // 2 LCU
    expect(round(line(e, "Public IPv4 addresses")?.monthly.min)).toBe(7.3); // ALB in 2 AZs: 2 x 730 x 0.005
    expect(round(line(e, "CloudWatch Logs ingestion")?.monthly.min)).toBe(1); // 2 GB x 0.5, no account of its own: no free tier
    expect(e.total).toEqual({ min: 39.69, max: 50.64 });
    expect(line(e, "NAT gateways")).toBeUndefined();
  });

  test("autoscaling from 1 to 4 x86 tasks, base 1 on demand and the rest 1:3 on spot", () => {
    const e = estimateOf([
      stack("qa-worker", {
        aws_ecs_task_definition: { Task: taskDefinition("512", "1024", "X86_64") },
        aws_ecs_service: {
          Worker: {
            name: "worker",
            task_definition: "${aws_ecs_task_definition.Task.arn}",
            capacity_provider_strategy: [
              { capacity_provider: "FARGATE", base: 1, weight: 1 },
              { capacity_provider: "FARGATE_SPOT", weight: 3 },
            ],
          },
        },
        aws_appautoscaling_target: {
          Target: { resource_id: "service/qa/${aws_ecs_service.Worker.name}", scalable_dimension: "ecs:service:DesiredCount", min_capacity: 1, max_capacity: 4 },
        },
      }),
    ]);
    // one task-hour: 0.5 x 0.04 + 1 x 0.004 = 0.024 on demand, x 0.3 on spot
    expect(round(line(e, "Fargate X86_64 on-demand")?.monthly.min)).toBe(17.52); // 1 x 730 x 0.024
    expect(round(line(e, "Fargate X86_64 on-demand")?.monthly.max)).toBe(30.66); // (1 + 3/4) x 730 x 0.024
    expect(round(line(e, "Fargate X86_64 spot")?.monthly.min)).toBe(0);
    expect(round(line(e, "Fargate X86_64 spot")?.monthly.max)).toBe(11.83); // 2.25 x 730 x 0.0072
  });

  test("NAT gateways, their Elastic IPs and interface endpoints per AZ; gateway endpoints are free", () => {
    const e = estimateOf([
      stack("qa-network", {
        aws_nat_gateway: { Nat: { count: 2, allocation_id: "x" } },
        aws_eip: { NatIp: { count: 2, domain: "vpc" } },
        aws_vpc_endpoint: {
          Ecr: { vpc_endpoint_type: "Interface", subnet_ids: ["a", "b"], count: 3 },
          S3: { vpc_endpoint_type: "Gateway" },
        },
      }),
    ]);
    expect(round(line(e, "NAT gateways")?.monthly.min)).toBe(73); // 2 x 730 x 0.05
    expect(round(line(e, "NAT data processing (assumed)")?.monthly.max)).toBe(2.5); // 50 GB x 0.05
    expect(round(line(e, "Public IPv4 addresses")?.monthly.min)).toBe(7.3);
    expect(line(e, "Interface VPC endpoints")).toEqual({
      item: "Interface VPC endpoints",
      quantity: { min: "3 endpoints, 6 endpoint-AZs", max: "3 endpoints, 6 endpoint-AZs" },
      monthly: { min: 43.8, max: 43.8 },
    });
  });

  test("public IPs on tasks are billed per running task", () => {
    const e = estimateOf([
      webStack({
        aws_ecs_service: {
          Service: { name: "api", desired_count: 3, task_definition: "${aws_ecs_task_definition.Task.arn}", network_configuration: { assign_public_ip: true } },
        },
      }),
    ]);
    expect(line(e, "Public IPv4 addresses")?.quantity.min).toBe("5 IPs"); // 2 ALB + 3 tasks
  });

  test("counts an ALB's cross-stack subnets and uses the cluster's default strategy from another stack", () => {
    const network = stack("qa-network", { aws_subnet: { A: {}, B: {}, C: {} } });
    const cluster = stack("qa-cluster", {
      aws_lb: { Alb: { subnets: ["${data.terraform_remote_state.cross-stack-reference-input-qa-network.outputs.a}", "${data.terraform_remote_state.cross-stack-reference-input-qa-network.outputs.b}", "${data.terraform_remote_state.cross-stack-reference-input-qa-network.outputs.c}"] } },
      aws_ecs_cluster_capacity_providers: { Cp: { default_capacity_provider_strategy: [{ capacity_provider: "FARGATE_SPOT", weight: 1 }] } },
    });
    const api = stack("qa-api", {
      aws_ecs_task_definition: { Task: taskDefinition("256", "512") },
      aws_ecs_service: { Service: { name: "api", desired_count: 1, task_definition: "${aws_ecs_task_definition.Task.arn}" } },
    });
    const e = estimateOf([network, cluster, api]);
    expect(line(e, "Public IPv4 addresses")?.quantity.min).toBe("3 IPs");
    expect(round(line(e, "Fargate ARM64 spot")?.monthly.min)).toBe(1.97); // 730 x 0.009 x 0.3
  });

  test("a nightly scheduled task: runs x minutes", () => {
    const e = estimateOf([
      stack("qa-etl", {
        aws_ecs_task_definition: { Task: taskDefinition("1024", "2048") },
        aws_scheduler_schedule: {
          Nightly: { name: "etl", schedule_expression: "cron(0 3 * * ? *)", target: { ecs_parameters: { task_definition_arn: "${aws_ecs_task_definition.Task.arn}", launch_type: "FARGATE" } } },
        },
      }),
    ]);
    // 730/24 runs x 10 min = 5.07 h x (1 x 0.03 + 2 x 0.003)
    expect(round(line(e, "Fargate ARM64 on-demand")?.monthly.min)).toBe(0.18);
  });

  test("CloudWatch: Container Insights metrics, alarms (2 per target tracking policy) and the free tier of an account of its own", () => {
    const resources = {
      aws_ecs_task_definition: { Task: taskDefinition("256", "512") },
      aws_ecs_cluster: { Cluster: { setting: [{ name: "containerInsights", value: "enabled" }] } },
      aws_ecs_service: { Service: { name: "api", desired_count: 2, task_definition: "${aws_ecs_task_definition.Task.arn}" } },
      aws_cloudwatch_metric_alarm: { A: {}, B: {} },
      aws_appautoscaling_policy: { Cpu: { policy_type: "TargetTrackingScaling" } },
    };
    const shared = estimateOf([stack("qa-api", resources)]);
    expect(line(shared, "Container Insights metrics")?.monthly.min).toBeCloseTo(9); // 30 x 0.3
    expect(line(shared, "CloudWatch alarms")?.quantity.min).toBe("4 alarms");
    expect(line(shared, "CloudWatch alarms")?.monthly.min).toBeCloseTo(0.4);
    const own = estimateOf([stack("qa-api", resources, { allowed_account_ids: ["111111111111"] })]);
    expect(line(own, "Container Insights metrics")?.monthly.min).toBeCloseTo(6); // 10 free
    expect(line(own, "CloudWatch alarms")?.monthly.min).toBe(0);
    expect(line(own, "CloudWatch Logs ingestion")?.monthly.min).toBe(0);
  });

  test("CloudWatch: an alarm is billed per metric it reads, metric math alarms and target tracking on metric math included", () => {
    const overBoth = { metric_query: [{ id: "m1", metric: {} }, { id: "m2", metric: {} }, { id: "both", expression: "FILL(m1, 0) + FILL(m2, 0)" }] };
    const requests = { policy_type: "TargetTrackingScaling", target_tracking_scaling_policy_configuration: { customized_metric_specification: { metrics: [{ id: "m1", metric_stat: {} }, { id: "m2", metric_stat: {} }, { id: "e", expression: "m1 + m2" }] } } };
    const e = estimateOf([stack("qa-api", { aws_cloudwatch_metric_alarm: { A: overBoth, B: {} }, aws_appautoscaling_policy: { Requests: requests } })]);
    // 2 + 1 for the alarms, 2 x 2 for the policy's scale-out and scale-in alarms.
    expect(line(e, "CloudWatch alarms")?.quantity.min).toBe("7 alarms");
  });

  test("operations: dashboards past the account's 3 free, log metric filters as custom metrics, the topic's deliveries free", () => {
    const resources = {
      aws_cloudwatch_dashboard: { Ops: {}, Other: {}, Third: {}, Fourth: {} },
      aws_cloudwatch_log_metric_filter: { Errors: {}, More: {} },
      aws_sns_topic: { Alarms: {} },
      aws_kms_key: { Key: {} },
    };
    const shared = estimateOf([stack("qa-ops", resources)]);
    expect(line(shared, "CloudWatch dashboards")).toMatchObject({ quantity: { min: "4 dashboards" }, monthly: { min: 12, max: 12 } });
    expect(line(shared, "Log metric filters (error lines)")?.monthly.min).toBeCloseTo(0.6);
    expect(line(shared, "SNS alarm topic (deliveries in the free tier)")).toMatchObject({ quantity: { min: "1 topic" }, monthly: { min: 0 } });
    expect(line(shared, "KMS keys")?.monthly.min).toBe(1);
    const own = estimateOf([stack("qa-ops", resources, { allowed_account_ids: ["111111111111"] })]);
    expect(line(own, "CloudWatch dashboards")?.monthly.min).toBe(3);
    expect(line(own, "Log metric filters (error lines)")?.monthly.min).toBe(0);
  });

  test("the domain: a created hosted zone $0.50 a month, alias records and the public certificate free, a looked-up zone named in a note", () => {
    const created = estimateOf([stack("qa-cluster", { aws_route53_zone: { Zone: { name: "example.com" } }, aws_route53_record: { A: { alias: { name: "x" } }, Aaaa: { alias: { name: "x" } }, Validation: { records: ["x"] } }, aws_acm_certificate: { Cert: {} } })]);
    expect(line(created, "Route 53 hosted zones")).toMatchObject({ quantity: { min: "1 zone" }, monthly: { min: 0.5, max: 0.5 } });
    expect(line(created, "Route 53 alias records to the ALB (queries free)")).toMatchObject({ quantity: { min: "2 records" }, monthly: { min: 0, max: 0 } });
    expect(line(created, "ACM public certificate (free)")).toMatchObject({ quantity: { min: "1 certificate" }, monthly: { min: 0 } });
    const looked: StackJson = { name: "qa-cluster", json: { provider: { aws: [{ region: "us-east-1" }] }, data: { aws_route53_zone: { Zone: { name: "example.com", private_zone: false } } }, resource: { aws_route53_record: { A: { alias: { name: "x" } } } } } };
    const e = estimateOf([looked]);
    expect(line(e, "Route 53 hosted zones")).toBeUndefined();
    expect(e.notes).toContain("hosted zone example.com is the account's (looked up, not created): $0.50 a month, billed whether or not these stacks exist");
    expect(e.total.min).toBe(0);
  });

  test("the AWS CDK default line: same tasks on x86 on demand, 2 NAT gateways with EIPs, one ALB", () => {
    const envs = inventories([webStack()], () => 10);
    const c = cdkDefault(envs[0]!, table, envs);
    // 17.52 x86 + 14.60 ALB + 3.65 LCU + 73.00 NAT + 0.50 NAT data + 14.60 for 4 IPs + 1.00 logs
    expect(c.total.min).toBe(124.87);
    expect(c.lines.map((l) => l.item)).toEqual([
      "Fargate X86_64 on-demand",
      "Application Load Balancer",
      "ALB capacity units (assumed)",
      "NAT gateways",
      "NAT data processing (assumed)",
      "Public IPv4 addresses",
      "CloudWatch Logs ingestion",
    ]);
  });

  test("unknown regions use us-east-1 prices and say so", () => {
    const s = webStack();
    (s.json.provider as { aws: Json[] }).aws[0]!.region = "eu-west-1";
    expect(estimateOf([s]).notes).toContain("no prices for eu-west-1 in prices.json (as of 2026-01-01); used us-east-1's");
  });
});

/** qa: one service, 1-4 ARM tasks of 0.25 vCPU / 0.5 GB with public IPs, and a wake/sleep pair on its scaling target. */
const sleepyStack = (wake: string, sleep: string, more: Record<string, Record<string, Json>> = {}) =>
  stack("qa-api", {
    aws_ecs_task_definition: { Task: taskDefinition("256", "512") },
    aws_ecs_service: {
      Service: { name: "api", desired_count: 1, launch_type: "FARGATE", task_definition: "${aws_ecs_task_definition.Task.arn}", network_configuration: { assign_public_ip: true } },
    },
    aws_appautoscaling_target: {
      Target: { resource_id: "service/qa/${aws_ecs_service.Service.name}", scalable_dimension: "ecs:service:DesiredCount", min_capacity: 1, max_capacity: 4 },
    },
    aws_appautoscaling_scheduled_action: {
      Wake: { resource_id: "${aws_appautoscaling_target.Target.resource_id}", schedule: wake, timezone: "UTC", scalable_target_action: { min_capacity: "1", max_capacity: "4" } },
      Sleep: { resource_id: "${aws_appautoscaling_target.Target.resource_id}", schedule: sleep, timezone: "UTC", scalable_target_action: { min_capacity: "0", max_capacity: "0" } },
    },
    ...more,
  });

describe("active hours (a wake/sleep pair of scheduled scaling actions)", () => {
  test("weekdays 07:00-19:00: tasks, their public IPs and logs count 60 of 168 hours, at min and at max", () => {
    const e = estimateOf([sleepyStack("cron(0 7 ? * MON-FRI *)", "cron(0 19 ? * MON-FRI *)")]);
    // awake 5 x 12 = 60 h a week: 730 x 60/168 = 260.71 h a month
    // one task-hour: 0.25 x 0.03 + 0.5 x 0.003 = 0.009; min 1 task: 260.71 x 0.009 = 2.35; max 4 tasks: 9.39
    expect(line(e, "Fargate ARM64 on-demand")?.quantity.min).toBe("65.2 vCPU-h, 130.4 GB-h");
    expect(round(line(e, "Fargate ARM64 on-demand")?.monthly.min)).toBe(2.35);
    expect(round(line(e, "Fargate ARM64 on-demand")?.monthly.max)).toBe(9.39);
    // 0.357 and 1.43 addresses on average: x 730 x 0.005
    expect(line(e, "Public IPv4 addresses")?.quantity).toEqual({ min: "0.4 IPs on average", max: "1.4 IPs on average" });
    expect(round(line(e, "Public IPv4 addresses")?.monthly.min)).toBe(1.3);
    expect(round(line(e, "Public IPv4 addresses")?.monthly.max)).toBe(5.21);
    // 1 GB per task-month: 0.357 GB and 1.43 GB, x 0.5
    expect(round(line(e, "CloudWatch Logs ingestion")?.monthly.min)).toBe(0.18);
    expect(round(line(e, "CloudWatch Logs ingestion")?.monthly.max)).toBe(0.71);
    expect(e.notes).toContain("api runs 60 of 168 hours a week (weekdays 07:00-19:00 UTC); tasks, their public IPs and logs are counted for that share of the month");
  });

  test("the spot base applies to the tasks running while awake, not to the month's average", () => {
    const e = estimateOf([
      sleepyStack("cron(0 7 ? * MON-FRI *)", "cron(0 19 ? * MON-FRI *)", {
        aws_ecs_service: {
          Service: {
            name: "api",
            task_definition: "${aws_ecs_task_definition.Task.arn}",
            capacity_provider_strategy: [
              { capacity_provider: "FARGATE", base: 1, weight: 1 },
              { capacity_provider: "FARGATE_SPOT", weight: 3 },
            ],
          },
        },
      }),
    ]);
    // at max, 4 awake tasks: 1 + 3/4 on demand, 2.25 on spot, each for 260.71 h
    expect(round(line(e, "Fargate ARM64 on-demand")?.monthly.max)).toBe(4.11); // 1.75 x 260.71 x 0.009
    expect(round(line(e, "Fargate ARM64 spot")?.monthly.max)).toBe(1.58); // 2.25 x 260.71 x 0.009 x 0.3
  });

  test("a window ending at 24:00 sleeps at midnight the next day", () => {
    const e = estimateOf([sleepyStack("cron(0 7 ? * MON-FRI *)", "cron(0 0 ? * TUE-SAT *)")]);
    expect(e.notes).toContain("api runs 85 of 168 hours a week (weekdays 07:00-24:00 UTC); tasks, their public IPs and logs are counted for that share of the month");
    expect(round(line(e, "Fargate ARM64 on-demand")?.monthly.min)).toBe(3.32); // 730 x 85/168 x 0.009
  });

  test("the AWS CDK line keeps the same active hours", () => {
    const envs = inventories([sleepyStack("cron(0 7 ? * MON-FRI *)", "cron(0 19 ? * MON-FRI *)")], () => 10);
    const c = cdkDefault(envs[0]!, table, envs);
    // one x86 task-hour: 0.25 x 0.04 + 0.5 x 0.004 = 0.012; 260.71 h
    expect(round(c.lines.find((l) => l.item === "Fargate X86_64 on-demand")?.monthly.min)).toBe(3.13);
    expect(c.note).toBe("The AWS CDK line runs api in the same active hours as ours.");
  });

  test("an unreadable schedule is said, and the tasks are counted around the clock", () => {
    const e = estimateOf([sleepyStack("cron(0 7 1 * ? *)", "cron(0 19 ? * MON-FRI *)")]);
    expect(e.notes).toContain(
      'qa-api/Service: cannot read the active hours of its scheduled scaling actions (wake "cron(0 7 1 * ? *)" runs on days of the month, which do not repeat weekly); assumed its tasks run around the clock',
    );
    expect(round(line(e, "Fargate ARM64 on-demand")?.monthly.min)).toBe(6.57); // 730 x 0.009
    expect(round(line(e, "Fargate ARM64 on-demand")?.monthly.max)).toBe(26.28);
  });

  test("wake and sleep at the same minute are not guessed at", () => {
    const e = estimateOf([sleepyStack("cron(0 0 ? * MON-FRI *)", "cron(0 0 ? * TUE-SAT *)")]);
    expect(e.notes.join("\n")).toMatch(/both fire at TUE 00:00; which one AWS applies last is not defined\); assumed its tasks run around the clock/);
  });

  test("more than a pair of scheduled actions is not guessed at", () => {
    const e = estimateOf([
      sleepyStack("cron(0 7 ? * MON-FRI *)", "cron(0 19 ? * MON-FRI *)", {
        aws_appautoscaling_scheduled_action: {
          A: { resource_id: "${aws_appautoscaling_target.Target.resource_id}", schedule: "cron(0 7 ? * * *)", scalable_target_action: { min_capacity: "1", max_capacity: "4" } },
        },
      }),
    ]);
    expect(e.notes.join("\n")).toContain("1 scheduled actions on its scaling target");
    const three = estimateOf([
      (() => {
        const s = sleepyStack("cron(0 7 ? * MON-FRI *)", "cron(0 19 ? * MON-FRI *)");
        const actions = (s.json.resource as Record<string, Record<string, Json>>).aws_appautoscaling_scheduled_action!;
        actions.Extra = { ...(actions.Wake as Json), schedule: "cron(0 12 ? * SAT *)" };
        return s;
      })(),
    ]);
    expect(three.notes.join("\n")).toContain("3 scheduled actions on its scaling target; only a wake/sleep pair is read");
  });

  test("Container Insights disabled on the cluster costs nothing", () => {
    const e = estimateOf([webStack({ aws_ecs_cluster: { Cluster: { setting: [{ name: "containerInsights", value: "disabled" }] } } })]);
    expect(line(e, "Container Insights metrics")).toBeUndefined();
  });
});

describe("activeHoursPerWeek", () => {
  test.each([
    ["cron(0 7 ? * MON-FRI *)", "cron(0 19 ? * MON-FRI *)", 60, "weekdays 07:00-19:00 UTC"],
    ["cron(0 7 ? * * *)", "cron(0 19 ? * * *)", 84, "every day 07:00-19:00 UTC"],
    ["cron(0 7 ? * MON-FRI *)", "cron(0 0 ? * TUE-SAT *)", 85, "weekdays 07:00-24:00 UTC"],
    ["cron(0 8 ? * * *)", "cron(0 0 ? * * *)", 112, "every day 08:00-24:00 UTC"],
    ["cron(30 8 ? * 2-6 *)", "cron(0 17 ? * 2-6 *)", 42.5, "weekdays 08:30-17:00 UTC"],
    ["cron(0 9 ? * SAT,SUN *)", "cron(0 13 ? * SAT,SUN *)", 8, "SAT, SUN 09:00-13:00 UTC"],
    // wake Monday 07:00, sleep Friday 19:00: one window across days
    ["cron(0 7 ? * MON *)", "cron(0 19 ? * FRI *)", 108, 'from "cron(0 7 ? * MON *)" to "cron(0 19 ? * FRI *)" UTC'],
    // a wake while awake changes nothing: SAT 07:00 to MON 19:00 (60 h) plus TUE-FRI 07:00-19:00 (48 h)
    ["cron(0 7 ? * * *)", "cron(0 19 ? * MON-FRI *)", 108, 'from "cron(0 7 ? * * *)" to "cron(0 19 ? * MON-FRI *)" UTC'],
  ])("%s to %s", (wake, sleep, hours, description) => {
    expect(activeHoursPerWeek(wake, sleep)).toEqual({ hoursPerWeek: hours, description });
  });

  test("the time zone is carried into the description", () => {
    expect(activeHoursPerWeek("cron(0 7 ? * MON-FRI *)", "cron(0 19 ? * MON-FRI *)", "Europe/Berlin")).toEqual({ hoursPerWeek: 60, description: "weekdays 07:00-19:00 Europe/Berlin" });
  });

  test.each([
    ["rate(1 day)", "cron(0 19 ? * * *)", 'wake "rate(1 day)" is not a cron(...) expression'],
    ["cron(0 7 ? * MON-FRI)", "cron(0 19 ? * * *)", 'wake "cron(0 7 ? * MON-FRI)" does not have 6 fields'],
    ["cron(0 7 ? * MON-FRI *)", "cron(0 19 ? 1-6 MON-FRI *)", 'sleep "cron(0 19 ? 1-6 MON-FRI *)" runs only in some months or years'],
    ["cron(0 7 ? * 6#3 *)", "cron(0 19 ? * * *)", 'wake "cron(0 7 ? * 6#3 *)": field "6#3" is not a number, list, range or step'],
    ["cron(0 7 ? * FRI-MON *)", "cron(0 19 ? * * *)", 'wake "cron(0 7 ? * FRI-MON *)": field "FRI-MON" is outside 1-7 or wraps around'],
    ["cron(0 24 ? * * *)", "cron(0 19 ? * * *)", 'wake "cron(0 24 ? * * *)": field "24" is outside 0-23 or wraps around'],
    ["cron(0 0 ? * * *)", "cron(0 0 ? * * *)", 'wake "cron(0 0 ? * * *)" and sleep "cron(0 0 ? * * *)" both fire at MON 00:00; which one AWS applies last is not defined'],
  ])("%s to %s is refused", (wake, sleep, reason) => {
    expect(activeHoursPerWeek(wake, sleep)).toBe(reason);
  });

  test("weeklyFirings counts from Monday 00:00", () => {
    expect(weeklyFirings("cron(0 7 ? * MON,SUN *)")).toEqual([7 * 60, 6 * 1440 + 7 * 60]);
  });
});

describe("splitTasks", () => {
  test("base first, then by weight", () => {
    const strategy = { base: { provider: "FARGATE", tasks: 2 }, weights: { FARGATE: 1, FARGATE_SPOT: 1 } };
    expect(splitTasks(1, strategy)).toEqual({ onDemand: 1, spot: 0 });
    expect(splitTasks(10, strategy)).toEqual({ onDemand: 6, spot: 4 });
    expect(splitTasks(3, undefined)).toEqual({ onDemand: 3, spot: 0 });
  });
});

describe("runsPerMonth", () => {
  test.each([
    ["rate(1 hour)", 730],
    ["rate(5 minutes)", 8760],
    ["cron(0 3 * * ? *)", 30.42],
    ["cron(0 */6 * * ? *)", 121.67],
    ["cron(30 9 ? * MON-FRI *)", 21.73],
    ["at(2026-12-01T00:00:00)", 1],
  ])("%s", (expression, runs) => {
    expect(round(runsPerMonth(expression))).toBe(runs);
  });
  test("an unreadable expression gives undefined", () => {
    expect(runsPerMonth("every day")).toBeUndefined();
  });
});

describe("the platform with one web service (the dev target's scope)", () => {
  // The shipped config with bun-api alone: what every team pays before adding services of its own.
  const only = (overrides: EnvironmentConfig["services"]): EnvironmentConfig["services"] => (overrides?.["bun-api"] ? { "bun-api": overrides["bun-api"] } : undefined);
  const config: PlatformConfig = {
    ...defaultConfig,
    services: defaultConfig.services.filter((s) => s.name === "bun-api").map(({ sends: _sends, ...s }) => s),
    environments: Object.fromEntries(Object.entries(defaultConfig.environments).map(([name, env]) => [name, { ...env, services: only(env.services) }])),
  };
  const outdir = mkdtempSync(join(tmpdir(), "cost-one-service-"));
  buildApp({ outdir, config }).app.synth();
  const [dev] = buildReports(readStacks(outdir), loadPrices());

  test("dev meets both targets: at most $30 a month and 0.3× the CDK default", () => {
    expect(dev!.estimate.environment).toBe("dev");
    expect(targetLine(dev!)).toMatchObject({ ok: true });
  });
});

describe("the shipped stacks", () => {
  const outdir = mkdtempSync(join(tmpdir(), "cost-shipped-"));
  buildApp({ outdir }).app.synth();
  const prices = loadPrices();
  const reports = buildReports(readStacks(outdir), prices);

  test("every environment gets an estimate below its maximum, dev below the CDK default line", () => {
    expect(reports.map((r) => r.estimate.environment)).toEqual(["dev", "staging", "prod"]);
    for (const r of reports) expect(r.estimate.total.min).toBeLessThanOrEqual(r.estimate.total.max);
    const dev = reports[0]!;
    expect(dev.estimate.total.min).toBeLessThan(dev.cdkDefault.total.min);
    expect(dev.estimate.notes).toContain("bun-api runs 60 of 168 hours a week (weekdays 07:00-19:00 UTC); tasks, their public IPs and logs are counted for that share of the month");
    expect(dev.estimate.lines.map((l) => l.item)).not.toContain("Container Insights metrics");
    // The shipped app runs four services; the $30 a month is the platform's with one web service
    // (below), so here only the ratio to the CDK default (which counts the same services) applies.
    expect(targetLine(dev)?.text).toMatch(/× the CDK default <= 0\.3× \(met\)$/);
    expect(dev.estimate.lines.map((l) => l.item)).toContain("Fargate ARM64 spot");
    expect(dev.estimate.lines.map((l) => l.item)).not.toContain("NAT gateways");
  });

  test("the table and the Markdown carry every environment and the CDK line", () => {
    const text = formatTable(reports, prices.asOf);
    const md = formatMarkdown(reports, prices.asOf);
    for (const env of ["dev", "staging", "prod"]) {
      expect(text).toContain(`${env} (us-east-1), monthly estimate, prices as of ${prices.asOf}`);
      expect(md).toContain(`### ${env} (us-east-1)`);
    }
    expect(md).toContain("| AWS CDK ApplicationLoadBalancedFargateService defaults");
    // every note of the terminal table is in the Markdown as well
    for (const r of reports) {
      for (const note of r.estimate.notes) {
        expect(text).toContain(`note: ${note}`);
        expect(md).toContain(`> ${note}`);
      }
      if (r.cdkDefault.note) {
        expect(text).toContain(r.cdkDefault.note);
        expect(md).toContain(r.cdkDefault.note);
      }
    }
    expect(text).toMatch(/dev target at minimum capacity: \$\d+\.\d\d/);
  });
});
