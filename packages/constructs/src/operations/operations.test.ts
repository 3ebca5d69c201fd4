import { ALARM_DEFAULTS } from "@bun-fargate/config";
import { build, platform, synth, workloadProps } from "../testing/fixtures";
import { WebService } from "../service/web-service";
import { AlarmTopic } from "./alarm-topic";
import { EnvironmentDashboard } from "./environment-dashboard";
import { SavedQueries } from "./saved-queries";
import { ServiceAlarms } from "./service-alarms";

describe("AlarmTopic", () => {
  test("defaults: an encrypted topic, no subscriptions, no Chatbot", () => {
    const { tf, alarms } = synth((stack) => ({ alarms: new AlarmTopic(stack, "Alarms", { name: "t-alarms", region: "us-east-1" }) }));
    expect(tf.of(alarms.topic)).toMatchObject({ name: "t-alarms", kms_master_key_id: tf.ref(alarms.key, "arn") });
    expect(tf.of(alarms.key)).toMatchObject({ enable_key_rotation: true, deletion_window_in_days: 7 });
    expect(tf.resources("aws_sns_topic_subscription")).toEqual([]);
    expect(alarms.chatbot).toBeUndefined();
  });

  test("subscription IDs come from the endpoint, so removing one never replaces another", () => {
    const ids = (emails: string[]) =>
      build((stack) => new AlarmTopic(stack, "Alarms", { name: "t-alarms", region: "us-east-1", emails }).subscriptions.map((s) => s.node.id));
    const both = ids(["a@example.com", "b@example.com"]);
    expect(ids(["b@example.com"])).toEqual([both[1]]);
  });

  test("route() sets ALARM and OK actions to the topic", () => {
    const { tf, alarm, alarms } = synth((stack) => {
      const alarms = new AlarmTopic(stack, "Alarms", { name: "t-alarms", region: "us-east-1" });
      const p = platform(stack);
      const web = new WebService(stack, "Web", { ...workloadProps(p), loadBalancer: p.loadBalancer, targetGroupName: "t-api", routing: { priority: 10, pathPatterns: ["/*"] } });
      return { alarms, alarm: alarms.route(web.alarms.target5xx) };
    });
    expect(tf.of(alarm)).toMatchObject({ alarm_actions: [tf.ref(alarms.topic, "arn")], ok_actions: [tf.ref(alarms.topic, "arn")] });
  });

  test("fails on an address or a webhook that is not one", () => {
    expect(() => build((stack) => new AlarmTopic(stack, "A", { name: "t", region: "us-east-1", emails: ["nobody"] }))).toThrow('AlarmTopic "t": email "nobody" is not an email address');
    expect(() => build((stack) => new AlarmTopic(stack, "A", { name: "t", region: "us-east-1", webhooks: ["http://x.example.com"] }))).toThrow("must be an https URL");
  });
});

describe("ServiceAlarms", () => {
  const make = (props: Partial<ConstructorParameters<typeof ServiceAlarms>[2]> = {}) =>
    synth((stack) => {
      const topic = new AlarmTopic(stack, "Topic", { name: "t-alarms", region: "us-east-1" });
      const p = platform(stack);
      const web = new WebService(stack, "Web", { ...workloadProps(p), loadBalancer: p.loadBalancer, targetGroupName: "t-api", routing: { priority: 10, pathPatterns: ["/*"] } });
      return {
        alarms: new ServiceAlarms(stack, "Ops", {
          name: "t-api",
          topic,
          clusterName: "t-cluster",
          serviceName: "api",
          minTasks: 1,
          maxTasks: 2,
          web: { loadBalancer: p.loadBalancer.loadBalancer, targetGroups: [web.targetGroup] },
          logErrors: { logGroup: web.fargate.task.logGroup },
          ...props,
        }),
      };
    });

  test("defaults: six alarms at the documented thresholds, and the error-line filter", () => {
    const { tf, alarms } = make();
    expect(alarms.alarms.map((a) => tf.of(a).alarm_name)).toEqual(["5xx-rate", "p99-latency", "unhealthy-hosts", "tasks-below-minimum", "saturated", "log-errors"].map((w) => `t-api-alert-${w}`));
    expect(tf.of(alarms.errorRate!)).toMatchObject({ threshold: ALARM_DEFAULTS.errorRatePercent, evaluation_periods: 5, datapoints_to_alarm: 3 });
    expect(tf.of(alarms.latency!)).toMatchObject({ threshold: 2 });
    expect(tf.of(alarms.logErrors)).toMatchObject({ metric_name: "t-api-errors", threshold: 5, evaluation_periods: 3 });
    expect(tf.of(alarms.errorLines!)).toMatchObject({ name: "t-api-errors", pattern: '{ ($.level = "error") || ($.level = "fatal") }' });
  });

  test("one target group: the 5xx share reads that group's two metrics", () => {
    const { tf, alarms } = make();
    const rate = (tf.of(alarms.errorRate!).metric_query as { id: string; expression?: string }[]).find((q) => q.id === "rate")!;
    expect(rate.expression).toBe("IF((FILL(requests1, 0)) >= 10, 100 * (FILL(errors1, 0)) / (FILL(requests1, 0)), 0)");
  });

  test("minTasks 0 has no below-minimum alarm; no web props, no ALB alarms; an existing filter is reused", () => {
    const { tf, alarms } = make({ minTasks: 0, web: undefined, logErrors: { existingFilter: true } });
    expect(alarms.alarms.map((a) => tf.of(a).alarm_name)).toEqual(["t-api-alert-saturated", "t-api-alert-log-errors"]);
    expect(alarms.errorLines).toBeUndefined();
    expect(tf.resources("aws_cloudwatch_log_metric_filter")).toEqual([]);
  });

  test("without Container Insights the running count is the CPU sample count, and no data is zero tasks", () => {
    const { tf, alarms } = make({ containerInsights: false, scalesToZero: false });
    expect(tf.of(alarms.belowMinimum!)).toMatchObject({ threshold: 1, comparison_operator: "LessThanThreshold", treat_missing_data: "breaching" });
    expect(JSON.stringify(tf.of(alarms.belowMinimum!).metric_query)).toContain('"stat":"SampleCount"');
  });
});

describe("SavedQueries", () => {
  test("defaults: the four queries over the given log groups, in the folder", () => {
    const { tf, queries } = synth((stack) => ({ queries: new SavedQueries(stack, "Q", { folder: "t/dev", logGroupNames: ["/ecs/t/dev/a", "/ecs/t/dev/b"] }) }));
    expect(tf.resources("aws_cloudwatch_query_definition").map((d) => [d.name, d.log_group_names]).sort()).toEqual(
      ["errors-by-route", "requests-by-status", "slowest-requests", "trace"].map((n) => [`t/dev/${n}`, ["/ecs/t/dev/a", "/ecs/t/dev/b"]]),
    );
    expect(queries.nameOf("trace")).toBe("t/dev/trace");
  });

  test("fails without log groups, or for a query it does not have", () => {
    expect(() => build((stack) => new SavedQueries(stack, "Q", { folder: "t/dev", logGroupNames: [] }))).toThrow('SavedQueries "t/dev": no log groups to query');
    expect(() => build((stack) => new SavedQueries(stack, "Q", { folder: "t/dev", logGroupNames: ["/x"] }).nameOf("nope"))).toThrow('no query "nope"');
  });
});

describe("EnvironmentDashboard", () => {
  test("defaults: a text row, the ALB row, and per service the rows it has metrics for", () => {
    const { tf, dash } = synth((stack) => {
      const p = platform(stack);
      return {
        dash: new EnvironmentDashboard(stack, "D", {
          name: "t",
          region: "us-east-1",
          loadBalancer: p.loadBalancer.loadBalancer,
          containerInsights: false,
          services: [{ name: "mailer", prefix: "t-mailer", clusterName: "t-cluster", serviceName: "mailer", maxTasks: 3, saturationPercent: 90 }],
          links: [{ label: "runbook", url: "https://example.com/runbook" }],
        }),
      };
    });
    const body = JSON.parse(tf.of(dash.dashboard).dashboard_body as string) as { widgets: { type: string; x: number; y: number; width: number; height: number; properties: { title?: string; markdown?: string; metrics?: unknown[][] } }[] };
    expect(body.widgets.map((w) => w.properties.title ?? w.type)).toEqual(["text", "ALB requests", "ALB 5xx", "ALB latency", "mailer: tasks (max 3)", "mailer: CPU and memory (%)", "mailer: error log lines"]);
    expect(body.widgets[0]!.properties.markdown).toBe("## t\n[runbook](https://example.com/runbook)");
    expect(body.widgets[4]!.properties.metrics![0]).toEqual(["AWS/ECS", "CPUUtilization", "ClusterName", "t-cluster", "ServiceName", "mailer", { stat: "SampleCount", label: "running (tasks reporting)" }]);
    expect(dash.widgets.map((w) => [w.type, w.x, w.y, w.width, w.height])).toEqual(body.widgets.map((w) => [w.type, w.x, w.y, w.width, w.height]));
  });
});
