import fc from "fast-check";
import { build, platform, synth, synthAcross, workloadProps, type Json, type Synthesized } from "../testing/fixtures";
import { WorkerService, type WorkerServiceProps } from "../service/worker-service";
import { FargateService } from "../service/fargate-service";
import { CONSUME_ACTIONS, SEND_ACTIONS } from "../service/task-roles";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { check, ids } from "../policy/testing";
import { DEAD_LETTER_RETENTION_DAYS, JobQueue, type JobQueueProps, RECEIVE_WAIT_SECONDS } from "./job-queue";

const DAY = 86_400;
const queue = (props: Partial<JobQueueProps> = {}) => synth((stack) => ({ q: new JobQueue(stack, "Queue", { name: "t-worker", ...props }) }));
const worker = (props: Partial<WorkerServiceProps> = {}) =>
  synth((stack) => {
    const p = platform(stack);
    return { ...p, w: new WorkerService(stack, "Worker", { ...workloadProps(p, "worker"), queue: {}, ...props }) };
  });
const envOf = (tf: Synthesized, w: { fargate: FargateService }): Record<string, string> => {
  const [container] = JSON.parse(tf.of(w.fargate.task.taskDefinition).container_definitions as string) as { environment: { name: string; value: string }[] }[];
  return Object.fromEntries(container!.environment.map((e) => [e.name, e.value]));
};
const policiesByName = (tf: Synthesized): Record<string, Json> => Object.fromEntries(tf.resources("aws_appautoscaling_policy").map((p) => [String(p.name).replace(/^\$\{aws_ecs_service\.[^}]+\.name\}-/, "worker-"), p]));

describe("JobQueue", () => {
  describe("defaults", () => {
    const { tf, q } = queue();

    test("a queue with SQS-managed encryption, 4 days' retention, a 360 s visibility timeout and long polling", () => {
      expect(tf.of(q.queue)).toEqual({
        name: "t-worker",
        message_retention_seconds: 4 * DAY,
        visibility_timeout_seconds: 360,
        receive_wait_time_seconds: RECEIVE_WAIT_SECONDS,
        sqs_managed_sse_enabled: true,
      });
    });

    test("a dead-letter queue, encrypted, keeping messages 14 days (longer than any source retention)", () => {
      expect(tf.of(q.deadLetterQueue)).toEqual({ name: "t-worker-dlq", message_retention_seconds: DEAD_LETTER_RETENTION_DAYS * DAY, sqs_managed_sse_enabled: true });
    });

    test("redrive after 5 receives, as its own resource, so neither queue references the other", () => {
      expect(tf.of(q.redrivePolicy)).toEqual({
        queue_url: tf.ref(q.queue, "url"),
        redrive_policy: JSON.stringify({ deadLetterTargetArn: tf.ref(q.deadLetterQueue, "arn"), maxReceiveCount: 5 }),
      });
      expect(tf.of(q.queue).redrive_policy).toBeUndefined();
      expect(JSON.stringify(tf.of(q.queue))).not.toContain("aws_sqs_queue.");
      expect(JSON.stringify(tf.of(q.deadLetterQueue))).not.toContain("aws_sqs_queue.");
    });

    test("the dead-letter queue accepts redrives from its source queue only", () => {
      expect(tf.of(q.redriveAllowPolicy)).toEqual({
        queue_url: tf.ref(q.deadLetterQueue, "url"),
        redrive_allow_policy: JSON.stringify({ redrivePermission: "byQueue", sourceQueueArns: [tf.ref(q.queue, "arn")] }),
      });
    });

    test("an alarm on any dead letter, and one on a message older than two visibility timeouts (720 s)", () => {
      expect(tf.of(q.deadLettersAlarm)).toMatchObject({
        alarm_name: "t-worker-alert-dead-letters",
        namespace: "AWS/SQS",
        metric_name: "ApproximateNumberOfMessagesVisible",
        dimensions: { QueueName: "t-worker-dlq" },
        statistic: "Maximum",
        threshold: 0,
        comparison_operator: "GreaterThanThreshold",
        treat_missing_data: "notBreaching",
      });
      expect(tf.of(q.oldestMessageAlarm)).toMatchObject({
        alarm_name: "t-worker-alert-oldest-message",
        metric_name: "ApproximateAgeOfOldestMessage",
        dimensions: { QueueName: "t-worker" },
        threshold: 720,
        comparison_operator: "GreaterThanThreshold",
      });
    });
  });

  test("maxReceiveCount, retentionDays and maxJobSeconds set the redrive, retention, visibility and alarm threshold", () => {
    const { tf, q } = queue({ maxReceiveCount: 3, retentionDays: 14, maxJobSeconds: 600 });
    expect(JSON.parse(tf.of(q.redrivePolicy).redrive_policy as string).maxReceiveCount).toBe(3);
    expect(tf.of(q.queue)).toMatchObject({ message_retention_seconds: 14 * DAY, visibility_timeout_seconds: 3600 });
    expect(tf.of(q.oldestMessageAlarm).threshold).toBe(7200);
  });

  test("short jobs keep SQS's 30 s visibility floor and the alarm's 10-minute floor", () => {
    const { tf, q } = queue({ maxJobSeconds: 2 });
    expect(tf.of(q.queue).visibility_timeout_seconds).toBe(30);
    expect(tf.of(q.oldestMessageAlarm).threshold).toBe(600);
  });

  test("fails on any value outside SQS's limits, naming the queue, the field and the value", () => {
    fc.assert(
      fc.property(fc.constantFrom("maxReceiveCount", "retentionDays", "maxJobSeconds" as const), fc.oneof(fc.integer({ min: -5, max: 0 }), fc.integer({ min: 7201, max: 100_000 }), fc.double({ min: 1.1, max: 1.9 })), (field, value) => {
        expect(() => build((stack) => new JobQueue(stack, "Q", { name: "t-w", [field]: value }))).toThrow(`JobQueue "t-w": ${field} ${value} must be a whole number from`);
      }),
      { numRuns: 40 },
    );
  });
});

describe("WorkerService with a queue", () => {
  const { tf, w, cluster } = worker();
  const q = w.queue!;

  test("creates its queue named after the task family", () => {
    expect(tf.of(q.queue).name).toBe("t-worker");
  });

  test("injects the queue URL, visibility timeout and maximum job duration (the worker contract)", () => {
    expect(envOf(tf, w)).toMatchObject({ QUEUE_URL: tf.ref(q.queue, "url"), QUEUE_VISIBILITY_TIMEOUT_SECONDS: "360", MAX_JOB_SECONDS: "60" });
  });

  test("the task role may consume exactly its queue: four actions on the queue's ARN", () => {
    const statements = tf.rolePolicies(w.fargate.task.roles.taskRole).flat();
    expect(statements).toEqual([{ sid: "ConsumeJobs", actions: [...CONSUME_ACTIONS], resources: [tf.ref(q.queue, "arn")] }]);
    expect(CONSUME_ACTIONS).toEqual(["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes"]);
    // The execution role starts tasks; it never touches the queue.
    expect(JSON.stringify(tf.rolePolicies(w.fargate.task.roles.executionRole))).not.toContain("sqs:");
  });

  test("scales on backlog per task (visible / running), with CPU as the second policy (no memory policy)", () => {
    const policies = policiesByName(tf);
    expect(Object.keys(policies).sort()).toEqual(["worker-backlog", "worker-cpu"]);
    const backlog = policies["worker-backlog"]!.target_tracking_scaling_policy_configuration;
    expect(backlog.target_value).toBe(10);
    const metrics = backlog.customized_metric_specification.metrics as Json[];
    expect(metrics.map((m) => m.id)).toEqual(["visible", "running", "backlog"]);
    expect(metrics[0]!.metric_stat.metric).toEqual({ namespace: "AWS/SQS", metric_name: "ApproximateNumberOfMessagesVisible", dimensions: [{ name: "QueueName", value: "t-worker" }] });
    expect(metrics[1]!.metric_stat).toMatchObject({ stat: "SampleCount", metric: { namespace: "AWS/ECS", metric_name: "CPUUtilization" } });
    expect(metrics[1]!.metric_stat.metric.dimensions).toEqual([{ name: "ClusterName", value: tf.ref(cluster.cluster, "name") }, { name: "ServiceName", value: tf.ref(w.fargate.service, "name") }]);
    expect(metrics[2]).toMatchObject({ expression: "visible / running", return_data: true });
    expect(policies["worker-cpu"]!.target_tracking_scaling_policy_configuration.target_value).toBe(60);
  });

  test("with minTasks >= 1 there is no wake path (a task always runs)", () => {
    expect(w.fargate.autoscaling.wake).toBeUndefined();
    expect(tf.resources("aws_cloudwatch_metric_alarm").map((a) => a.alarm_name)).not.toContain("t-worker-queue-wake");
    expect(tf.resources("aws_cloudwatch_metric_alarm").map((a) => a.alarm_name)).toContain("t-worker-alert-dead-letters");
  });

  test("with Container Insights, running tasks come from ECS/ContainerInsights RunningTaskCount", () => {
    const ci = worker({ containerInsights: true });
    const metrics = policiesByName(ci.tf)["worker-backlog"]!.target_tracking_scaling_policy_configuration.customized_metric_specification.metrics as Json[];
    expect(metrics[1]!.metric_stat).toMatchObject({ stat: "Average", metric: { namespace: "ECS/ContainerInsights", metric_name: "RunningTaskCount" } });
  });

  describe("minTasks 0: scales to zero and wakes on the first message", () => {
    const z = worker({ minTasks: 0, maxTasks: 3 });
    const wake = z.w.fargate.autoscaling.wake!;

    test("the scalable target may reach zero", () => {
      expect(z.tf.of(z.w.fargate.autoscaling.target)).toMatchObject({ min_capacity: 0, max_capacity: 3 });
    });

    test("a step policy sets exactly one task", () => {
      expect(z.tf.of(wake.policy)).toMatchObject({
        name: `${z.tf.ref(z.w.fargate.service, "name")}-queue-wake`,
        policy_type: "StepScaling",
        step_scaling_policy_configuration: { adjustment_type: "ExactCapacity", metric_aggregation_type: "Maximum", step_adjustment: [{ metric_interval_lower_bound: "0", scaling_adjustment: 1 }] },
      });
    });

    test("its alarm fires only when messages are visible and no task runs, and triggers the policy (no person)", () => {
      const alarm = z.tf.of(wake.alarm);
      expect(alarm).toMatchObject({ alarm_name: "t-worker-queue-wake", threshold: 1, comparison_operator: "GreaterThanOrEqualToThreshold", alarm_actions: [z.tf.ref(wake.policy, "arn")] });
      expect(alarm.ok_actions).toBeUndefined();
      const queries = alarm.metric_query as Json[];
      expect(queries.map((m) => m.id)).toEqual(["visible", "running", "asleep"]);
      expect(queries[2]!.expression).toBe("IF(FILL(visible, 0) > 0 AND FILL(running, 0) == 0, 1, 0)");
      expect(queries[0]!.metric.dimensions).toEqual({ QueueName: "t-worker" });
    });
  });

  test("without a queue: no SQS resource, no backlog policy, no queue variables", () => {
    const plain = worker({ queue: undefined });
    expect(plain.tf.resources("aws_sqs_queue")).toEqual([]);
    expect(Object.keys(policiesByName(plain.tf))).not.toContain("worker-backlog");
    expect(Object.keys(policiesByName(plain.tf))).toEqual(expect.arrayContaining(["worker-cpu", "worker-memory"]));
    expect(envOf(plain.tf, plain.w).QUEUE_URL).toBeUndefined();
  });
});

describe("a producer in another stack", () => {
  const across = synthAcross((shared, own) => {
    const p = platform(shared);
    const w = new WorkerService(shared, "Worker", { ...workloadProps(p, "worker"), queue: {} });
    const api = new FargateService(own, "Api", { ...workloadProps(p, "api"), queues: { sendsTo: [w.queue!] } });
    return { w, api };
  });

  test("its task role may send to that queue's exact ARN, and nothing else of SQS", () => {
    const statements = across.tf.rolePolicies(across.api.task.roles.taskRole).flat();
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatchObject({ sid: "SendJobs1", actions: [...SEND_ACTIONS] });
    expect(statements[0]!.resources).toHaveLength(1);
    expect(statements[0]!.resources![0]).toMatch(/^\$\{data\.terraform_remote_state\.[^}]+\}$/);
    expect(SEND_ACTIONS).toEqual(["sqs:SendMessage", "sqs:GetQueueAttributes"]);
  });
});

describe("BF-SQS-001 (queues encrypted, redriven to a dead-letter queue)", () => {
  test("a JobQueue passes in every tier", () => {
    for (const env of ["dev", "staging", "prod"]) expect(ids(check((s) => new JobQueue(s, "Queue", { name: `${env}-w` }), env)).filter((id) => id === "BF-SQS-001")).toEqual([]);
  });

  test("fires for a queue without encryption and without a redrive policy, naming both", () => {
    const found = check((s) => new SqsQueue(s, "Bare", { name: "prod-bare" }), "prod").filter((f) => f.ruleId === "BF-SQS-001");
    expect(found.map((f) => f.level)).toEqual(["error", "error"]);
    expect(found.map((f) => f.message).join("\n")).toMatch(/not encrypted at rest[\s\S]*no redrive policy/);
  });

  test("a warning in dev", () => {
    const found = check((s) => new SqsQueue(s, "Bare", { name: "dev-bare", sqsManagedSseEnabled: true }), "dev").filter((f) => f.ruleId === "BF-SQS-001");
    expect(found.map((f) => f.level)).toEqual(["warning"]);
  });
});
