// What reaches a person: the alarm topic (cluster stack), the alarms of each service stack, and the
// dashboard and saved queries of `<env>-operations`, from configurations of every kind.
import { defaultConfig, type PlatformConfig } from "@bun-fargate/config";
import { LOG_QUERIES } from "@bun-fargate/config/log-queries";
import type { PolicyFinding } from "@bun-fargate/constructs";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { buildApp } from "../app";
import { AWS_PROFILE, resources, synth, type SynthesizedStack } from "../testing";

const withWorkers: PlatformConfig = {
  ...defaultConfig,
  services: [
    ...defaultConfig.services,
    { name: "mailer", kind: "worker", source: "services/mailer", minTasks: 1, maxTasks: 3 },
    // and the shipped scheduled task, nightly.
  ],
};

const alarmsOf = (stack: SynthesizedStack) => Object.fromEntries(resources(stack, "aws_cloudwatch_metric_alarm").map((a) => [String(a.alarm_name), a]));
// A stack synthesized alone shows the reference as written; the app turns it into a remote-state read.
const TOPIC_REF = /^\$\{aws_sns_topic\.AlarmTopic_\w+\.arn\}$/;

describe("alarm topic (cluster stack)", () => {
  const { environments } = buildApp({ profile: AWS_PROFILE, config: withWorkers });
  const prod = environments.find((e) => e.environment.name === "prod")!;
  const cluster = synth(prod.cluster);

  test("defaults: an SNS topic encrypted with its own rotating key, subscriptions from config", () => {
    const [topic] = resources(cluster, "aws_sns_topic");
    expect(topic).toMatchObject({ name: "bunfg-prod-alarms", kms_master_key_id: expect.stringMatching(/^\$\{aws_kms_key\.\w+\.arn\}$/) });
    expect(resources(cluster, "aws_kms_key")[0]).toMatchObject({ enable_key_rotation: true });
    expect(resources(cluster, "aws_kms_alias")[0]).toMatchObject({ name: "alias/bunfg-prod-alarms" });
    const subs = resources(cluster, "aws_sns_topic_subscription").map((s) => [s.protocol, s.endpoint]).sort();
    expect(subs).toEqual([["email", "oncall@example.com"], ["https", "https://hooks.example.com/bun-fargate/alarms"]]);
    expect(cluster.output!.AlarmTopicArn).toBeDefined();
  });

  test("the key lets CloudWatch encrypt and nothing else use it; the topic admits this account's alarms only", () => {
    const policy = JSON.parse(String(resources(cluster, "aws_kms_key")[0]!.policy)) as { Statement: { Sid: string; Principal: Record<string, string>; Action: string[] }[] };
    const byPrincipal = Object.fromEntries(policy.Statement.map((s) => [Object.values(s.Principal)[0], s.Action]));
    expect(byPrincipal["cloudwatch.amazonaws.com"]).toEqual(["kms:Decrypt", "kms:GenerateDataKey"]);
    const root = policy.Statement.find((s) => s.Sid === "AccountAdministers")!;
    expect(root.Action).not.toContain("kms:*");
    expect(root.Action.filter((a) => /Decrypt|Encrypt|GenerateDataKey/.test(a))).toEqual([]);
    const doc = Object.values(cluster.data!.aws_iam_policy_document!).find((d) => JSON.stringify(d).includes("sns:Publish"))!;
    const statement = (doc.statement as Record<string, unknown>[])[0]!;
    expect(statement).toMatchObject({ actions: ["sns:Publish"], principals: [{ type: "Service", identifiers: ["cloudwatch.amazonaws.com"] }] });
    expect((statement.condition as { variable: string }[]).map((c) => c.variable).sort()).toEqual(["aws:SourceAccount", "aws:SourceArn"]);
  });

  test("a Slack channel adds a Chatbot configuration with a role that may do nothing", () => {
    const config: PlatformConfig = {
      ...defaultConfig,
      environments: { ...defaultConfig.environments, staging: { ...defaultConfig.environments.staging!, notifications: { slack: { workspaceId: "T0123ABCD", channelId: "C0123ABCDE" } } } },
    };
    const staging = synth(buildApp({ profile: AWS_PROFILE, config, environments: ["staging"] }).environments[0]!.cluster);
    expect(resources(staging, "aws_chatbot_slack_channel_configuration")[0]).toMatchObject({
      slack_team_id: "T0123ABCD",
      slack_channel_id: "C0123ABCDE",
      sns_topic_arns: [expect.stringMatching(/aws_sns_topic/)],
      guardrail_policy_arns: [expect.stringMatching(/^arn:\$\{data\.aws_partition\.\w+\.partition\}:iam::aws:policy\/CloudWatchReadOnlyAccess$/)],
    });
    expect(resources(staging, "aws_iam_role").map((r) => r.name)).toEqual(["staging-alarms-chatbot"]);
    expect(resources(staging, "aws_iam_role_policy")).toEqual([]);
    expect(resources(staging, "aws_sns_topic_subscription")).toEqual([]);
  });
});

describe("service alarms (service stacks)", () => {
  const { environments } = buildApp({ profile: AWS_PROFILE, config: withWorkers });
  const stackOf = (env: string, svc: string) => synth(environments.find((e) => e.environment.name === env)!.services.find((s) => s.service.name === svc)!);

  test("a web service: 5xx share, p99, unhealthy hosts, below minimum, saturated, log errors; ALARM and OK to the topic", () => {
    const alarms = alarmsOf(stackOf("prod", "bun-api"));
    const alerts = Object.keys(alarms).filter((n) => n.includes("-alert-")).sort();
    expect(alerts).toEqual(["5xx-rate", "log-errors", "p99-latency", "saturated", "tasks-below-minimum", "unhealthy-hosts"].map((w) => `prod-bun-api-alert-${w}`));
    for (const name of alerts) {
      expect(alarms[name]!.alarm_actions).toEqual([expect.stringMatching(TOPIC_REF)]);
      expect(alarms[name]!.ok_actions).toEqual(alarms[name]!.alarm_actions);
      expect(String(alarms[name]!.alarm_description)).toContain("docs/operations.md");
    }
    // The deployment alarms are untouched: no actions, same names.
    expect(alarms["prod-bun-api-target-5xx"]!.alarm_actions).toBeUndefined();
    expect(alarms["prod-bun-api-unhealthy-hosts"]!.alarm_actions).toBeUndefined();
  });

  test("the 5xx alarm is a share of requests over both target groups of a canary service, with documented defaults", () => {
    const rate = alarmsOf(stackOf("prod", "bun-api"))["prod-bun-api-alert-5xx-rate"]!;
    const queries = rate.metric_query as { id: string; expression?: string; metric?: { metric_name: string; dimensions: Record<string, string> } }[];
    expect(queries.filter((q) => q.metric?.metric_name === "RequestCount")).toHaveLength(2);
    expect(queries.filter((q) => q.metric?.metric_name === "HTTPCode_Target_5XX_Count")).toHaveLength(2);
    expect(queries.find((q) => q.id === "rate")!.expression).toBe(
      "IF((FILL(requests1, 0) + FILL(requests2, 0)) >= 10, 100 * (FILL(errors1, 0) + FILL(errors2, 0)) / (FILL(requests1, 0) + FILL(requests2, 0)), 0)",
    );
    expect(rate).toMatchObject({ threshold: 5, comparison_operator: "GreaterThanThreshold", evaluation_periods: 5, datapoints_to_alarm: 3 });
  });

  test("thresholds come from the config; running tasks from Container Insights where it is on, from samples where off", () => {
    const config: PlatformConfig = {
      ...withWorkers,
      environments: { ...withWorkers.environments, prod: { ...withWorkers.environments.prod!, services: { "bun-api": { minTasks: 2, maxTasks: 10, alarms: { p99LatencyMs: 750, saturationPercent: 80 } } } } },
    };
    const prod = buildApp({ profile: AWS_PROFILE, config, environments: ["prod"] }).environments[0]!;
    const alarms = alarmsOf(synth(prod.services.find((s) => s.service.name === "bun-api")!));
    expect(alarms["prod-bun-api-alert-p99-latency"]).toMatchObject({ threshold: 0.75 });
    const saturated = alarms["prod-bun-api-alert-saturated"]!.metric_query as { id: string; expression?: string }[];
    expect(saturated.find((q) => q.id === "saturated")!.expression).toBe("IF(running >= 10 AND MAX([cpu, memory]) >= 80, 1, 0)");
    const below = alarms["prod-bun-api-alert-tasks-below-minimum"]!;
    expect(JSON.stringify(below.metric_query)).toContain("ECS/ContainerInsights");
    expect((below.metric_query as { id: string; expression?: string }[]).find((q) => q.id === "missing")!.expression).toBe("IF(desired < 2, desired, 2) - running");
    // dev: no Container Insights, active hours: samples, and no data is not an outage at night.
    const dev = alarmsOf(stackOf("dev", "bun-api"))["dev-bun-api-alert-tasks-below-minimum"]!;
    expect(JSON.stringify(dev.metric_query)).toContain('"stat":"SampleCount"');
    expect(dev).toMatchObject({ threshold: 1, comparison_operator: "LessThanThreshold", treat_missing_data: "notBreaching" });
  });

  test("a worker gets task, saturation and log-error alarms on its existing error metric; a scheduled task only its failed-run alarm", () => {
    const mailer = stackOf("prod", "mailer");
    const names = Object.keys(alarmsOf(mailer)).filter((n) => n.includes("-alert-")).sort();
    expect(names).toEqual(["prod-mailer-alert-log-errors", "prod-mailer-alert-saturated", "prod-mailer-alert-tasks-below-minimum"]);
    expect(resources(mailer, "aws_cloudwatch_log_metric_filter").map((f) => f.name)).toEqual(["prod-mailer-errors"]);
    expect(alarmsOf(mailer)["prod-mailer-alert-log-errors"]).toMatchObject({ metric_name: "prod-mailer-errors", threshold: 5, evaluation_periods: 3 });
    const nightly = alarmsOf(stackOf("prod", "nightly"));
    expect(Object.keys(nightly).filter((n) => n.includes("-alert-"))).toEqual(["prod-nightly-alert-failed-run"]);
    expect(nightly["prod-nightly-alert-failed-run"]).toMatchObject({ metric_name: "prod-nightly-failed-runs", threshold: 1, comparison_operator: "GreaterThanOrEqualToThreshold", treat_missing_data: "notBreaching" });
    expect(resources(stackOf("prod", "nightly"), "aws_cloudwatch_log_metric_filter").map((f) => f.name)).toEqual(["prod-nightly-failed-runs"]);
  });

  test("every alarm that notifies has its section in the runbook", () => {
    const runbook = readFileSync(join(__dirname, "../../../docs/operations.md"), "utf8");
    const sections = new Set([...runbook.matchAll(/^## (\S+)$/gm)].map((m) => m[1]));
    const whats = new Set(
      environments.flatMap((e) => e.services.flatMap((s) => Object.keys(alarmsOf(synth(s))).filter((n) => n.includes("-alert-")).map((n) => n.split("-alert-")[1]))),
    );
    expect(whats.size).toBe(9);
    expect([...whats].filter((w) => !sections.has(w))).toEqual([]);
  });

  test("notify() is the seam a service stack's own alarms use to reach the topic", () => {
    const app = buildApp({ profile: AWS_PROFILE, environments: ["dev"] });
    const stack = app.environments[0]!.services[0]!;
    const alarm = stack.alarms!.logErrors;
    alarm.alarmActions = [];
    expect(stack.notify(alarm)).toBe(alarm);
    const json = alarmsOf(synth(stack))["dev-bun-api-alert-log-errors"]!;
    expect(json.alarm_actions).toEqual([expect.stringMatching(TOPIC_REF)]);
  });
});

describe("notifications off", () => {
  const off = (env: string, notifications: Record<string, unknown>) => {
    const findings: PolicyFinding[] = [];
    const config: PlatformConfig = { ...defaultConfig, environments: { ...defaultConfig.environments, [env]: { ...defaultConfig.environments[env]!, notifications } } };
    let error: unknown;
    let built;
    try {
      built = buildApp({ profile: AWS_PROFILE, config, environments: [env], onPolicyFinding: (f) => findings.push(f) });
      built.app.synth();
    } catch (e) {
      error = e;
    }
    return { findings, error, built };
  };

  test("dev may: no topic, no alarm that notifies, no finding", () => {
    const { findings, error, built } = off("dev", { enabled: false });
    expect(error).toBeUndefined();
    expect(resources(synth(built!.environments[0]!.cluster), "aws_sns_topic")).toEqual([]);
    expect(resources(synth(built!.environments[0]!.services[0]!), "aws_cloudwatch_metric_alarm").filter((a) => a.alarm_actions)).toEqual([]);
    expect(findings.filter((f) => f.ruleId === "BF-OPS-001")).toEqual([]);
  });

  test("prod may not: BF-OPS-001 fails synth, naming the service", () => {
    const { findings } = off("prod", { enabled: false });
    const ops = findings.filter((f) => f.ruleId === "BF-OPS-001");
    // Synth stops at the first stack with an error: the worker's, applied (and built) before bun-api's.
    expect(ops.map((f) => [f.level, f.constructPath])).toEqual([["error", "prod-worker/Worker/Fargate/Service"]]);
    expect(ops[0]!.message).toContain("nobody is told when it fails");
  });

  test("prod with a reason: suppressed, and the reason is kept beside the service", () => {
    const { findings, error } = off("prod", { enabled: false, reason: "a demo account nobody is on call for" });
    expect(findings.filter((f) => f.ruleId === "BF-OPS-001").map((f) => [f.level, f.reason])).toEqual([
      ["suppressed", "a demo account nobody is on call for"],
      ["suppressed", "a demo account nobody is on call for"],
    ]);
    expect(String(error ?? "")).not.toContain("BF-OPS-001");
  });
});

describe("<env>-operations: dashboard and saved queries", () => {
  const { environments } = buildApp({ profile: AWS_PROFILE, config: withWorkers });
  const prod = environments.find((e) => e.environment.name === "prod")!;
  const ops = synth(prod.operations);
  type Widget = { type: string; x: number; y: number; width: number; height: number; properties: { title?: string; markdown?: string; metrics?: unknown[][] } };
  const body = JSON.parse(String(resources(ops, "aws_cloudwatch_dashboard")[0]!.dashboard_body)) as { widgets: Widget[] };

  test("the body is valid dashboard JSON on a 24-column grid with no widgets overlapping", () => {
    expect(resources(ops, "aws_cloudwatch_dashboard")[0]!.dashboard_name).toBe("bunfg-prod");
    const cells = new Set<string>();
    for (const w of body.widgets) {
      expect(["metric", "text"]).toContain(w.type);
      expect(w.x + w.width).toBeLessThanOrEqual(24);
      for (let x = w.x; x < w.x + w.width; x++) for (let y = w.y; y < w.y + w.height; y++) {
        expect(cells.has(`${x},${y}`)).toBe(false);
        cells.add(`${x},${y}`);
      }
    }
  });

  test("per service: requests, 5xx, p50/p99 latency, running vs desired, CPU and memory, error lines; ALB totals", () => {
    const titles = body.widgets.map((w) => w.properties.title).filter(Boolean);
    expect(titles).toEqual([
      "ALB requests", "ALB 5xx", "ALB latency",
      "bun-api: requests", "bun-api: 5xx", "bun-api: latency",
      "bun-api: tasks (max 10)", "bun-api: CPU and memory (%)", "bun-api: error log lines",
      "worker: tasks (max 10)", "worker: CPU and memory (%)", "worker: error log lines",
      "mailer: tasks (max 3)", "mailer: CPU and memory (%)", "mailer: error log lines",
    ]);
    const metricsOf = (title: string) => body.widgets.find((w) => w.properties.title === title)!.properties.metrics!;
    // Both target groups of the canary service, from its own stack's outputs.
    const requests = metricsOf("bun-api: requests");
    expect(requests).toHaveLength(2);
    for (const m of requests) expect(m.slice(0, 3)).toEqual(["AWS/ApplicationELB", "RequestCount", "LoadBalancer"]);
    expect(requests.map((m) => String(m[5]))).toEqual([expect.stringContaining("Web_TargetGroup_"), expect.stringContaining("Web_AlternateTargetGroup_")]);
    expect(metricsOf("bun-api: latency").map((m) => (m[6] as { stat: string }).stat)).toEqual(["p50", "p50", "p99", "p99"]);
    expect(metricsOf("bun-api: tasks (max 10)").map((m) => m[1])).toEqual(["RunningTaskCount", "DesiredTaskCount"]);
    expect(metricsOf("mailer: error log lines")[0]!.slice(0, 2)).toEqual(["BunFargate/Logs", "prod-mailer-errors"]);
  });

  test("the text widget links the saved queries, the alarms and the runbook", () => {
    const text = body.widgets.find((w) => w.type === "text")!.properties.markdown!;
    for (const q of Object.values(LOG_QUERIES)) expect(text).toContain(`query: bunfg/prod/${q.name}`);
    expect(text).toContain("[runbook](https://github.com/example-org/bun-fargate/blob/main/docs/operations.md)");
    expect(text).toContain("#alarmsV2:?search=prod-");
  });

  test("one saved query per entry of LOG_QUERIES, over every service's log group", () => {
    const defs = resources(ops, "aws_cloudwatch_query_definition");
    expect(defs.map((d) => d.name).sort()).toEqual(Object.values(LOG_QUERIES).map((q) => `bunfg/prod/${q.name}`).sort());
    for (const d of defs) {
      expect(d.log_group_names).toHaveLength(4);
      expect(Object.values(LOG_QUERIES).map((q) => q.query)).toContain(d.query_string);
    }
    expect(ops.output!.DashboardUrl!.value).toBe("https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#dashboards/dashboard/bunfg-prod");
  });
});
