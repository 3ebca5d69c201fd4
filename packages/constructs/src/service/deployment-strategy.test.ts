import { DEFAULT_REQUESTS_PER_TASK_PER_MINUTE } from "@bun-fargate/config";
import { build, platform, synth, workloadProps } from "../testing/fixtures";
import type { DeploymentSettings } from "./deployment-strategy";
import { WebService, type WebServiceProps } from "./web-service";
import { WorkerService } from "./worker-service";

const CANARY: DeploymentSettings = { strategy: "canary", canaryPercent: 10, canaryMinutes: 5, bakeTimeMinutes: 10 };
const LINEAR: DeploymentSettings = { strategy: "linear", stepPercent: 25, stepMinutes: 2, bakeTimeMinutes: 5 };
const BLUE_GREEN: DeploymentSettings = { strategy: "blue-green", bakeTimeMinutes: 15 };

const web = (props: Partial<WebServiceProps> = {}) =>
  synth((stack) => {
    const p = platform(stack);
    const svc = new WebService(stack, "Web", {
      ...workloadProps(p),
      loadBalancer: p.loadBalancer,
      targetGroupName: "t-api",
      routing: { priority: 10, pathPatterns: ["/api/*"] },
      ...props,
    });
    return { ...p, svc };
  });

describe("WebService deployments", () => {
  describe("canary", () => {
    const { tf, svc, loadBalancer } = web({ deployment: CANARY });
    const shift = svc.trafficShift!;
    const alternate = svc.alternateTargetGroup!;
    const ecs = () => tf.of(svc.fargate.service);

    test("ECS shifts 10 % for 5 minutes, then all, and bakes 10 minutes; the circuit breaker and alarms stay on", () => {
      expect(ecs().deployment_configuration).toEqual({
        strategy: "CANARY",
        bake_time_in_minutes: "10",
        canary_configuration: { canary_percent: 10, canary_bake_time_in_minutes: "5" },
      });
      expect(ecs()).toMatchObject({ deployment_circuit_breaker: { enable: true, rollback: true }, alarms: { enable: true, rollback: true } });
    });

    test("a second target group like the first, named with -2", () => {
      const { name: first, ...firstRest } = tf.of(svc.targetGroup);
      const { name: second, ...secondRest } = tf.of(alternate);
      expect([first, second]).toEqual(["t-api", "t-api-2"]);
      expect(secondRest).toEqual(firstRest);
    });

    test("the production rule forwards by weight, 100 to the first group and 0 to the second, and leaves the weights to ECS", () => {
      expect(tf.of(svc.listenerRule)).toMatchObject({
        priority: 10,
        action: [{ type: "forward", forward: { target_group: [{ arn: tf.ref(svc.targetGroup, "arn"), weight: 100 }, { arn: tf.ref(alternate, "arn"), weight: 0 }] } }],
        lifecycle: { ignore_changes: ["action"] },
      });
    });

    test("a test rule one priority earlier matches the same paths plus the X-Test-Traffic header and reaches the second group", () => {
      expect(tf.of(shift.testListenerRule)).toEqual({
        listener_arn: tf.ref(loadBalancer.listener, "arn"),
        priority: 9,
        condition: [{ path_pattern: { values: ["/api/*"] } }, { http_header: { http_header_name: "X-Test-Traffic", values: ["1"] } }],
        action: [{ type: "forward", forward: { target_group: [{ arn: tf.ref(alternate, "arn"), weight: 100 }, { arn: tf.ref(svc.targetGroup, "arn"), weight: 0 }] } }],
        lifecycle: { ignore_changes: ["action"] },
      });
    });

    test("the service names both groups, both rules and the infrastructure role, once the rules and the role's policy exist", () => {
      expect(ecs().load_balancer).toEqual([
        {
          target_group_arn: tf.ref(svc.targetGroup, "arn"),
          container_name: "t-api",
          container_port: 8080,
          advanced_configuration: {
            alternate_target_group_arn: tf.ref(alternate, "arn"),
            production_listener_rule: tf.ref(svc.listenerRule, "arn"),
            test_listener_rule: tf.ref(shift.testListenerRule, "arn"),
            role_arn: tf.ref(shift.role, "arn"),
          },
        },
      ]);
      expect(ecs().lifecycle).toEqual({ ignore_changes: ["desired_count"] });
      expect(ecs().depends_on).toEqual(expect.arrayContaining([tf.address(svc.listenerRule), tf.address(shift.testListenerRule), tf.address(shift.rolePolicy)]));
    });

    test("Terraform does not wait through shift and bake: the pipeline's verification does, stage by stage", () => {
      expect(ecs().wait_for_steady_state).toBe(false);
    });

    test("the infrastructure role is ECS's, and may change exactly these two rules and register in exactly these two groups", () => {
      const trust = tf.statements(tf.of(shift.role).assume_role_policy as string);
      expect(trust).toEqual([{ actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["ecs.amazonaws.com"] }] }]);
      expect(tf.of(shift.role).name).toBe("t-api-ecs-infra");
      expect(tf.rolePolicies(shift.role)).toEqual([
        [
          {
            sid: "ReadLoadBalancing",
            actions: ["elasticloadbalancing:DescribeListeners", "elasticloadbalancing:DescribeRules", "elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:DescribeTargetHealth"],
            resources: ["*"],
          },
          { sid: "RegisterTasks", actions: ["elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets"], resources: [tf.ref(svc.targetGroup, "arn"), tf.ref(alternate, "arn")] },
          { sid: "MoveTraffic", actions: ["elasticloadbalancing:ModifyRule"], resources: [tf.ref(svc.listenerRule, "arn"), tf.ref(shift.testListenerRule, "arn")] },
        ],
      ]);
    });

    test("the rollback alarms watch both target groups: 5xx summed, unhealthy hosts the larger", () => {
      const query = (alarm: Record<string, unknown>) => alarm.metric_query as { id: string; expression?: string; return_data?: boolean; metric?: { dimensions: Record<string, string>; metric_name: string } }[];
      const five = tf.of(svc.alarms.target5xx);
      expect(five).not.toHaveProperty("metric_name");
      expect(five).toMatchObject({ threshold: 10, evaluation_periods: 2, treat_missing_data: "notBreaching" });
      expect(query(five).map((q) => q.metric?.dimensions.TargetGroup ?? q.expression)).toEqual([tf.ref(svc.targetGroup, "arn_suffix"), tf.ref(alternate, "arn_suffix"), "FILL(m1, 0) + FILL(m2, 0)"]);
      expect(query(five).filter((q) => q.return_data)).toHaveLength(1);
      const unhealthy = tf.of(svc.alarms.unhealthyHosts);
      expect(query(unhealthy).map((q) => q.metric?.metric_name ?? q.expression)).toEqual(["UnHealthyHostCount", "UnHealthyHostCount", "MAX([FILL(m1, 0), FILL(m2, 0)])"]);
      expect(ecs().alarms.alarm_names).toEqual([tf.ref(svc.alarms.target5xx, "alarm_name"), tf.ref(svc.alarms.unhealthyHosts, "alarm_name")]);
    });

    test("autoscaling counts requests per task over both target groups", () => {
      const policies = tf.resources("aws_appautoscaling_policy");
      expect(policies).toHaveLength(3);
      const requests = policies.find((p) => !p.target_tracking_scaling_policy_configuration.predefined_metric_specification)!;
      const config = requests.target_tracking_scaling_policy_configuration;
      expect(config).not.toHaveProperty("predefined_metric_specification");
      expect(config.target_value).toBe(DEFAULT_REQUESTS_PER_TASK_PER_MINUTE);
      const metrics = config.customized_metric_specification.metrics as { id: string; expression?: string; metric_stat?: { stat: string; metric: { metric_name: string; dimensions: { name: string; value: string }[] } } }[];
      expect(metrics.map((m) => m.metric_stat?.metric.dimensions.find((d) => d.name === "TargetGroup")?.value ?? m.expression)).toEqual([
        tf.ref(svc.targetGroup, "arn_suffix"),
        tf.ref(alternate, "arn_suffix"),
        "FILL(m1, 0) + FILL(m2, 0)",
      ]);
      expect(metrics[0]!.metric_stat).toMatchObject({ stat: "Sum", metric: { metric_name: "RequestCountPerTarget" } });
    });
  });

  test("linear: 25 % every 2 minutes, bake 5", () => {
    const { tf, svc } = web({ deployment: LINEAR });
    expect(tf.of(svc.fargate.service)).toMatchObject({
      deployment_configuration: { strategy: "LINEAR", bake_time_in_minutes: "5", linear_configuration: { step_percent: 25, step_bake_time_in_minutes: "2" } },
    });
    expect(svc.trafficShift).toBeDefined();
  });

  test("blue-green: all traffic at once after the test rule, the same ALB side, bake 15", () => {
    const { tf, svc } = web({ deployment: BLUE_GREEN });
    expect(tf.of(svc.fargate.service).deployment_configuration).toEqual({ strategy: "BLUE_GREEN", bake_time_in_minutes: "15" });
    expect(tf.resources("aws_lb_target_group")).toHaveLength(2);
    expect(tf.resources("aws_lb_listener_rule")).toHaveLength(2);
  });

  test("rolling (the default): one target group, one plain rule, no role, no deployment_configuration, and Terraform waits for the deploy", () => {
    const { tf, svc } = web();
    expect([svc.alternateTargetGroup, svc.trafficShift]).toEqual([undefined, undefined]);
    expect(tf.resources("aws_lb_target_group")).toHaveLength(1);
    expect(tf.resources("aws_lb_listener_rule")).toEqual([expect.objectContaining({ action: [{ type: "forward", target_group_arn: tf.ref(svc.targetGroup, "arn") }] })]);
    expect(tf.resources("aws_lb_listener_rule")[0]).not.toHaveProperty("lifecycle");
    expect(tf.resources("aws_iam_role").map((r) => r.name)).toEqual(["t-api-execution", "t-api-task"]);
    expect(tf.of(svc.fargate.service)).not.toHaveProperty("deployment_configuration");
    expect(tf.of(svc.fargate.service).wait_for_steady_state).toBe(true);
    expect(tf.of(svc.alarms.target5xx)).toHaveProperty("metric_name", "HTTPCode_Target_5XX_Count");
  });

  test("alternateTargetGroupName names the second group", () => {
    const { tf, svc } = web({ deployment: CANARY, targetGroupName: "bunfg-prod-api", alternateTargetGroupName: "bunfg-prod-ap-2" });
    expect(tf.of(svc.alternateTargetGroup!).name).toBe("bunfg-prod-ap-2");
  });

  describe("fails when", () => {
    const fails = (props: Partial<WebServiceProps>) => () =>
      build((stack) => {
        const p = platform(stack);
        return new WebService(stack, "Web", { ...workloadProps(p), loadBalancer: p.loadBalancer, targetGroupName: "t-api", routing: { priority: 10, pathPatterns: ["/api/*"] }, ...props });
      });

    test("a value is outside AWS's range", () => {
      expect(fails({ deployment: { ...CANARY, canaryPercent: 0.05 } })).toThrow('FargateService "api": deployment canaryPercent 0.05 must be from 0.1 to 100 in steps of 0.1');
      expect(fails({ deployment: { ...LINEAR, stepPercent: 2 } })).toThrow("deployment stepPercent 2 must be from 3 to 100 in steps of 0.1");
      expect(fails({ deployment: { ...BLUE_GREEN, bakeTimeMinutes: 1441 } })).toThrow("deployment bakeTimeMinutes 1441 must be a whole number of minutes from 0 to 1440");
      expect(fails({ deployment: { ...LINEAR, stepMinutes: 0.5 } })).toThrow("deployment stepMinutes 0.5 must be a whole number of minutes from 0 to 1440");
    });

    test("the test rule would have no priority before the production rule", () => {
      expect(fails({ deployment: CANARY, routing: { priority: 1, pathPatterns: ["/api/*"] } })).toThrow('TrafficShift "t-api": the test listener rule goes at priority 1 - 1, so the production priority must be from 2 to 50000');
    });

    test("the second target group's name is longer than 32 characters", () => {
      expect(fails({ deployment: CANARY, targetGroupName: "t".repeat(31) })).toThrow(`WebService "api": alternateTargetGroupName "${"t".repeat(31)}-2" is 33 characters; AWS allows 32`);
      expect(fails({ targetGroupName: "t".repeat(31) })).not.toThrow();
    });
  });
});

describe("WorkerService deployments", () => {
  const worker = (deployment?: DeploymentSettings) =>
    synth((stack) => {
      const p = platform(stack);
      return { svc: new WorkerService(stack, "Worker", { ...workloadProps(p, "mailer"), deployment }) };
    });

  test("blue-green: a full new revision beside the old for the bake time, watched by the error alarm; no load balancer parts", () => {
    const { tf, svc } = worker(BLUE_GREEN);
    expect(tf.of(svc.fargate.service)).toMatchObject({
      deployment_configuration: { strategy: "BLUE_GREEN", bake_time_in_minutes: "15" },
      alarms: { alarm_names: ["t-mailer-log-errors"], enable: true, rollback: true },
      wait_for_steady_state: false,
    });
    expect(tf.of(svc.fargate.service)).not.toHaveProperty("load_balancer");
    expect(tf.resources("aws_lb_target_group")).toEqual([]);
  });

  test("canary and linear need a load balancer", () => {
    for (const d of [CANARY, LINEAR]) {
      expect(() => build((stack) => new WorkerService(stack, "Worker", { ...workloadProps(platform(stack), "mailer"), deployment: d }))).toThrow(
        `FargateService "mailer": a "${d.strategy}" deployment shifts traffic through a load balancer; without one use "rolling" or "blue-green"`,
      );
    }
  });
});
