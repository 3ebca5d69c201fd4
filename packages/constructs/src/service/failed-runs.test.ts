import { platform, synth, workloadProps } from "../testing/fixtures";
import { failedRunPattern, FailedRuns } from "./failed-runs";
import { LOG_METRICS_NAMESPACE } from "./log-error-alarm";
import { ScheduledTask } from "./scheduled-task";

const scheduled = () =>
  synth((stack) => {
    const p = platform(stack);
    return { ...p, job: new ScheduledTask(stack, "Job", { ...workloadProps(p, "etl"), schedule: "cron(0 3 * * ? *)", logRetentionDays: 14 }) };
  });

describe("FailedRuns", () => {
  describe("defaults (as a ScheduledTask creates it)", () => {
    const { tf, job, cluster } = scheduled();
    const runs = () => job.failedRuns;

    test("a rule on ECS Task State Change: this family in this cluster, stopped, a non-zero exit code or never finished", () => {
      const rule = tf.of(runs().rule);
      expect(rule.name).toBe("t-etl-failed-run");
      expect(JSON.parse(rule.event_pattern as string)).toEqual({
        source: ["aws.ecs"],
        "detail-type": ["ECS Task State Change"],
        detail: {
          clusterArn: [tf.ref(cluster.cluster, "arn")],
          group: ["family:t-etl"],
          lastStatus: ["STOPPED"],
          $or: [{ containers: { exitCode: [{ "anything-but": 0 }] } }, { stopCode: ["TaskFailedToStart", "SpotInterruption"] }],
        },
      });
      // The family in the pattern is the task definition's.
      expect(tf.of(job.task.taskDefinition).family).toBe("t-etl");
    });

    test("the rule's one target is its log group, under /aws/events/, kept as long as the service's logs", () => {
      expect(tf.resources("aws_cloudwatch_event_target")).toEqual([
        expect.objectContaining({ rule: tf.ref(runs().rule, "name"), arn: tf.ref(runs().logGroup, "arn"), target_id: "failed-runs-log" }),
      ]);
      expect(tf.of(runs().logGroup)).toMatchObject({ name: "/aws/events/t-etl-failed-runs", retention_in_days: 14 });
    });

    test("the log group admits only this rule, to its exact ARN", () => {
      const policy = tf.of(runs().resourcePolicy);
      expect(policy.policy_name).toBe("t-etl-failed-runs");
      expect(tf.statements(policy.policy_document as string)).toEqual([
        {
          sid: "ThisRuleOnly",
          actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
          principals: [{ type: "Service", identifiers: ["events.amazonaws.com", "delivery.logs.amazonaws.com"] }],
          resources: [`${tf.ref(runs().logGroup, "arn")}:*`],
          condition: [{ test: "ArnEquals", variable: "aws:SourceArn", values: [tf.ref(runs().rule, "arn")] }],
        },
      ]);
      expect(tf.of(runs().target).depends_on).toEqual([expect.stringContaining("aws_cloudwatch_log_resource_policy.")]);
    });

    test("each delivered event counts one failed run, and one is enough to alarm", () => {
      expect(tf.of(runs().metricFilter)).toMatchObject({
        name: "t-etl-failed-runs",
        log_group_name: tf.ref(runs().logGroup, "name"),
        pattern: '{ $.detail.lastStatus = "STOPPED" }',
        metric_transformation: { name: "t-etl-failed-runs", namespace: LOG_METRICS_NAMESPACE, value: "1" },
      });
      expect(tf.of(runs().alarm)).toMatchObject({
        alarm_name: "t-etl-alert-failed-run",
        namespace: LOG_METRICS_NAMESPACE,
        metric_name: "t-etl-failed-runs",
        statistic: "Sum",
        threshold: 1,
        comparison_operator: "GreaterThanOrEqualToThreshold",
        evaluation_periods: 1,
        treat_missing_data: "notBreaching",
      });
      expect(String(tf.of(runs().alarm).alarm_description)).toContain('Runbook: docs/operations.md, "failed-run"');
    });

    test("the construct alone routes nothing (the stack's notify() does)", () => {
      expect(tf.of(runs().alarm).alarm_actions).toBeUndefined();
    });
  });

  test("works on its own with a literal cluster ARN and family", () => {
    const { tf, runs } = synth((stack) => ({ runs: new FailedRuns(stack, "Runs", { name: "p-job", clusterArn: "arn:aws:ecs:us-east-1:111111111111:cluster/p", family: "p-job" }) }));
    expect(JSON.parse(tf.of(runs.rule).event_pattern as string)).toEqual(failedRunPattern("arn:aws:ecs:us-east-1:111111111111:cluster/p", "p-job"));
    expect(tf.of(runs.logGroup).retention_in_days).toBe(30);
  });
});
