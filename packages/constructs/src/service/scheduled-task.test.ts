import { build, platform, synth, workloadProps, type PlatformOptions } from "../testing/fixtures";
import { ScheduledTask, type ScheduledTaskProps } from "./scheduled-task";

const scheduled = (props: Partial<ScheduledTaskProps> = {}, options: PlatformOptions = {}) =>
  synth((stack) => {
    const p = platform(stack, options);
    return { ...p, job: new ScheduledTask(stack, "Job", { ...workloadProps(p, "etl"), schedule: "cron(0 3 * * ? *)", ...props }) };
  });

describe("ScheduledTask", () => {
  describe("defaults", () => {
    const { tf, job, cluster, network } = scheduled();
    const schedule = () => tf.of(job.schedule);
    const ecsParameters = () => schedule().target.ecs_parameters;

    test("an EventBridge schedule in UTC, exact time, that targets the cluster with its own role", () => {
      expect(schedule()).toMatchObject({
        name: "t-etl",
        schedule_expression: "cron(0 3 * * ? *)",
        schedule_expression_timezone: "UTC",
        flexible_time_window: { mode: "OFF" },
      });
      expect(schedule().target).toMatchObject({
        arn: tf.ref(cluster.cluster, "arn"),
        role_arn: tf.ref(job.schedulerRole, "arn"),
        retry_policy: { maximum_retry_attempts: 2, maximum_event_age_in_seconds: 3600 },
      });
    });

    test("runs one task of the latest revision on FARGATE, tags propagated", () => {
      expect(ecsParameters()).toMatchObject({
        task_definition_arn: tf.ref(job.task.taskDefinition, "arn_without_revision"),
        task_count: 1,
        platform_version: "LATEST",
        capacity_provider_strategy: [{ capacity_provider: "FARGATE", weight: 1, base: 0 }],
        propagate_tags: "TASK_DEFINITION",
        enable_ecs_managed_tags: true,
      });
    });

    test("in the private subnets without a public IP when the network has NAT", () => {
      expect(ecsParameters().network_configuration).toEqual({
        subnets: network.privateSubnets.map((s) => tf.ref(s, "id")),
        security_groups: [tf.ref(job.securityGroup, "id")],
        assign_public_ip: false,
      });
    });

    test("no ECS service, no load balancer parts, no port, no container health check", () => {
      expect(tf.resources("aws_ecs_service")).toHaveLength(0);
      expect(tf.resources("aws_lb_target_group")).toHaveLength(0);
      expect(tf.resources("aws_appautoscaling_target")).toHaveLength(0);
      const [container] = JSON.parse(tf.of(job.task.taskDefinition).container_definitions as string);
      expect(container).toMatchObject({ name: "t-etl", user: "65532:65532", readonlyRootFilesystem: true, portMappings: [] });
      expect(container).not.toHaveProperty("healthCheck");
    });

    test("its security group admits nothing and lets out only HTTPS", () => {
      const sg = tf.ref(job.securityGroup, "id");
      expect(tf.of(job.securityGroup)).toMatchObject({ name: "t-etl-tasks", vpc_id: tf.ref(network.vpc, "id") });
      expect(tf.resources("aws_vpc_security_group_ingress_rule").filter((r) => r.security_group_id === sg)).toEqual([]);
      expect(tf.resources("aws_vpc_security_group_egress_rule").filter((r) => r.security_group_id === sg)).toEqual([
        expect.objectContaining({ ip_protocol: "tcp", from_port: 443, to_port: 443, cidr_ipv4: "0.0.0.0/0" }),
      ]);
    });

    test("the scheduler role is assumable by EventBridge Scheduler only", () => {
      expect(tf.of(job.schedulerRole).name).toBe("t-etl-scheduler");
      expect(tf.statements(tf.of(job.schedulerRole).assume_role_policy)).toEqual([
        { actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["scheduler.amazonaws.com"] }] },
      ]);
    });

    test("it may run only this task family, only in this cluster", () => {
      const [statements, ...others] = tf.rolePolicies(job.schedulerRole);
      expect(others).toEqual([]);
      const family = tf.ref(job.task.taskDefinition, "arn_without_revision");
      expect(statements!.find((s) => s.sid === "RunThisTask")).toEqual({
        sid: "RunThisTask",
        actions: ["ecs:RunTask"],
        resources: [family, `${family}:*`],
        condition: [{ test: "ArnEquals", variable: "ecs:cluster", values: [tf.ref(cluster.cluster, "arn")] }],
      });
    });

    test("it may pass only the task's two roles, and only to ECS tasks", () => {
      const statements = tf.rolePolicies(job.schedulerRole).flat();
      expect(statements.find((s) => s.sid === "PassTaskRoles")).toEqual({
        sid: "PassTaskRoles",
        actions: ["iam:PassRole"],
        resources: [tf.ref(job.task.roles.executionRole, "arn"), tf.ref(job.task.roles.taskRole, "arn")],
        condition: [{ test: "StringEquals", variable: "iam:PassedToService", values: ["ecs-tasks.amazonaws.com"] }],
      });
    });

    test("it may tag only the tasks it starts in this cluster, as ECS requires for propagated tags", () => {
      const statements = tf.rolePolicies(job.schedulerRole).flat();
      const tag = statements.find((s) => s.actions.includes("ecs:TagResource"));
      expect(tag).toEqual({
        sid: "TagStartedTasks",
        actions: ["ecs:TagResource"],
        resources: [`\${replace(${tf.ref(cluster.cluster, "arn").slice(2, -1)}, ":cluster/", ":task/")}/*`],
        condition: [{ test: "StringEquals", variable: "ecs:CreateAction", values: ["RunTask"] }],
      });
    });

    test("the scheduler role has no other permission and no wildcard resource", () => {
      const statements = tf.rolePolicies(job.schedulerRole).flat();
      expect(statements.flatMap((s) => s.actions).sort()).toEqual(["ecs:RunTask", "ecs:TagResource", "iam:PassRole"]);
      expect(statements.flatMap((s) => s.resources ?? [])).not.toContain("*");
    });
  });

  test("timezone sets the schedule's time zone", () => {
    const { tf, job } = scheduled({ timezone: "Europe/Berlin" });
    expect(tf.of(job.schedule).schedule_expression_timezone).toBe("Europe/Berlin");
  });

  test("maximumRetryAttempts sets the retries", () => {
    const { tf, job } = scheduled({ maximumRetryAttempts: 0 });
    expect(tf.of(job.schedule).target.retry_policy).toEqual({ maximum_retry_attempts: 0, maximum_event_age_in_seconds: 3600 });
  });

  test("maximumEventAgeSeconds sets how long a run that cannot start is retried", () => {
    const { tf, job } = scheduled({ maximumEventAgeSeconds: 86400 });
    expect(tf.of(job.schedule).target.retry_policy).toEqual({ maximum_retry_attempts: 2, maximum_event_age_in_seconds: 86400 });
  });

  test("flexibleWindowMinutes lets Scheduler start the run within that many minutes", () => {
    const { tf, job } = scheduled({ flexibleWindowMinutes: 30 });
    expect(tf.of(job.schedule).flexible_time_window).toEqual({ mode: "FLEXIBLE", maximum_window_in_minutes: 30 });
    const off = scheduled({ flexibleWindowMinutes: "off" });
    expect(off.tf.of(off.job.schedule).flexible_time_window).toEqual({ mode: "OFF" });
  });

  test.each(["rate(1 hour)", "cron(*/15 * * * ? *)", "at(2030-01-01T00:00:00)"])("schedule %s is accepted as is", (schedule) => {
    const { tf, job } = scheduled({ schedule });
    expect(tf.of(job.schedule).schedule_expression).toBe(schedule);
  });

  test("spotShare 1 runs on FARGATE_SPOT, with no on-demand base", () => {
    const { tf, job } = scheduled({ spotShare: 1 });
    expect(tf.of(job.schedule).target.ecs_parameters.capacity_provider_strategy).toEqual([{ capacity_provider: "FARGATE_SPOT", weight: 1, base: 0 }]);
  });

  test("spotShare 0.5 splits evenly with no on-demand base", () => {
    const { tf, job } = scheduled({ spotShare: 0.5 });
    expect(tf.of(job.schedule).target.ecs_parameters.capacity_provider_strategy).toEqual([
      { capacity_provider: "FARGATE", weight: 50, base: 0 },
      { capacity_provider: "FARGATE_SPOT", weight: 50, base: 0 },
    ]);
  });

  test("with neither NAT nor endpoints the task runs in a public subnet with a public IP", () => {
    const { tf, job, network } = scheduled({}, { network: { natStrategy: "none" } });
    expect(tf.of(job.schedule).target.ecs_parameters.network_configuration).toMatchObject({
      subnets: network.publicSubnets.map((s) => tf.ref(s, "id")),
      assign_public_ip: true,
    });
  });

  test("task settings, command and secrets reach the task definition", () => {
    const secret = "arn:aws:secretsmanager:us-east-1:123456789012:secret:t/etl-AbCdEf";
    const { tf, job } = scheduled({ cpu: 1024, memoryMiB: 2048, command: ["/app/server", "--etl"], secrets: { DB: { secretsManagerArn: secret } } });
    const td = tf.of(job.task.taskDefinition);
    expect(td).toMatchObject({ cpu: "1024", memory: "2048" });
    const [container] = JSON.parse(td.container_definitions as string);
    expect(container).toMatchObject({ command: ["/app/server", "--etl"], secrets: [{ name: "DB", valueFrom: secret }] });
    expect(tf.rolePolicies(job.task.roles.executionRole).flat().find((s) => s.sid === "ReadSecrets")!.resources).toEqual([secret]);
  });

  describe("fails when", () => {
    test.each(["0 3 * * *", "cron 0 3 * * ? *", "cron()", "", "every day"])("schedule is %p", (schedule) => {
      expect(() =>
        build((stack) => new ScheduledTask(stack, "Job", { ...workloadProps(platform(stack), "etl"), schedule })),
      ).toThrow(`ScheduledTask "etl": schedule "${schedule}" must be cron(...), rate(...) or at(...)`);
    });

    test.each([
      [{ maximumRetryAttempts: 186 }, "maximumRetryAttempts 186 must be a whole number from 0 to 185"],
      [{ maximumRetryAttempts: 1.5 }, "maximumRetryAttempts 1.5 must be a whole number from 0 to 185"],
      [{ flexibleWindowMinutes: 0 }, 'flexibleWindowMinutes 0 must be "off" or a whole number from 1 to 1440'],
      [{ flexibleWindowMinutes: 1441 }, 'flexibleWindowMinutes 1441 must be "off" or a whole number from 1 to 1440'],
      [{ maximumEventAgeSeconds: 59 }, "maximumEventAgeSeconds 59 must be a whole number from 60 to 86400"],
    ])("%j", (props, message) => {
      expect(() => build((stack) => new ScheduledTask(stack, "Job", { ...workloadProps(platform(stack), "etl"), schedule: "rate(1 day)", ...props }))).toThrow(`ScheduledTask "etl": ${message}`);
    });

    test("the task size is invalid", () => {
      expect(() =>
        build((stack) => new ScheduledTask(stack, "Job", { ...workloadProps(platform(stack), "etl"), schedule: "rate(1 day)", cpu: 256, memoryMiB: 8192 })),
      ).toThrow('FargateTaskDefinition "t-etl": memoryMiB 8192 is not valid with cpu 256');
    });
  });
});
