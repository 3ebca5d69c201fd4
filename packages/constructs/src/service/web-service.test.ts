import { DEFAULT_REQUESTS_PER_TASK_PER_MINUTE, DEFAULT_WEB_CPU_TARGET_PERCENT } from "@bun-fargate/config";
import { build, platform, synth, workloadProps, type PlatformOptions } from "../testing/fixtures";
import { DeploymentAlarms } from "./deployment-alarms";
import { WebService, type WebServiceProps } from "./web-service";

const CERT = { certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/abc", domainName: "api.example.com" };

const web = (props: Partial<WebServiceProps> = {}, options: PlatformOptions = {}) =>
  synth((stack) => {
    const p = platform(stack, options);
    const svc = new WebService(stack, "Web", {
      ...workloadProps(p),
      loadBalancer: p.loadBalancer,
      targetGroupName: "t-api",
      routing: { priority: 10, pathPatterns: ["/api/*"] },
      ...props,
    });
    return { ...p, svc };
  });

describe("WebService", () => {
  describe("defaults", () => {
    const { tf, svc, network, loadBalancer } = web();
    const ecs = () => tf.of(svc.fargate.service);
    const taskSg = () => tf.ref(svc.fargate.securityGroup, "id");
    const albSg = () => tf.ref(loadBalancer.securityGroup, "id");

    test("an ip target group on the container port, draining for 15 s", () => {
      expect(tf.of(svc.targetGroup)).toMatchObject({
        name: "t-api",
        target_type: "ip",
        protocol: "HTTP",
        port: 8080,
        vpc_id: tf.ref(network.vpc, "id"),
        deregistration_delay: "15",
      });
    });

    test("the target group probes /readyz every 10 s and wants a 200", () => {
      expect(tf.of(svc.targetGroup).health_check).toEqual({
        enabled: true,
        path: "/readyz",
        protocol: "HTTP",
        matcher: "200",
        interval: 10,
        timeout: 5,
        healthy_threshold: 2,
        unhealthy_threshold: 3,
      });
    });

    test("a listener rule on the ALB's listener forwards the routed paths to the target group", () => {
      expect(tf.of(svc.listenerRule)).toEqual({
        listener_arn: tf.ref(loadBalancer.listener, "arn"),
        priority: 10,
        action: [{ type: "forward", target_group_arn: tf.ref(svc.targetGroup, "arn") }],
        condition: [{ path_pattern: { values: ["/api/*"] } }],
      });
    });

    test("the ECS service registers its container in the target group, after the rule exists", () => {
      expect(ecs().load_balancer).toEqual([{ target_group_arn: tf.ref(svc.targetGroup, "arn"), container_name: "t-api", container_port: 8080 }]);
      expect(ecs().depends_on).toEqual(expect.arrayContaining([tf.address(svc.listenerRule)]));
      const [container] = JSON.parse(tf.of(svc.fargate.task.taskDefinition).container_definitions as string);
      expect(container).toMatchObject({ name: "t-api", portMappings: [{ containerPort: 8080, protocol: "tcp", name: "http" }] });
    });

    test("failing ALB checks are ignored for 30 s after a task starts", () => {
      expect(ecs().health_check_grace_period_seconds).toBe(30);
    });

    test("rolls back on the circuit breaker and on either deployment alarm", () => {
      expect(ecs()).toMatchObject({
        deployment_circuit_breaker: { enable: true, rollback: true },
        deployment_minimum_healthy_percent: 100,
        deployment_maximum_percent: 200,
        lifecycle: { ignore_changes: ["desired_count"] },
      });
      expect(ecs().alarms).toEqual({
        enable: true,
        rollback: true,
        alarm_names: [tf.ref(svc.alarms.target5xx, "alarm_name"), tf.ref(svc.alarms.unhealthyHosts, "alarm_name")],
      });
    });

    test("the alarms watch this target group's 5xx and unhealthy hosts", () => {
      const dimensions = { LoadBalancer: tf.ref(loadBalancer.loadBalancer, "arn_suffix"), TargetGroup: tf.ref(svc.targetGroup, "arn_suffix") };
      expect(tf.of(svc.alarms.target5xx)).toMatchObject({
        alarm_name: "t-api-target-5xx",
        namespace: "AWS/ApplicationELB",
        metric_name: "HTTPCode_Target_5XX_Count",
        dimensions,
        statistic: "Sum",
        threshold: 10,
        comparison_operator: "GreaterThanOrEqualToThreshold",
      });
      expect(tf.of(svc.alarms.unhealthyHosts)).toMatchObject({
        alarm_name: "t-api-unhealthy-hosts",
        metric_name: "UnHealthyHostCount",
        dimensions,
        threshold: 1,
        comparison_operator: "GreaterThanOrEqualToThreshold",
      });
    });

    test("tasks admit only the ALB's security group, only on the container port", () => {
      const ingress = tf.resources("aws_vpc_security_group_ingress_rule").filter((r) => r.security_group_id === taskSg());
      expect(ingress).toEqual([{ security_group_id: taskSg(), description: expect.any(String), ip_protocol: "tcp", from_port: 8080, to_port: 8080, referenced_security_group_id: albSg() }]);
    });

    test("no ingress rule for the tasks uses an address range", () => {
      const cidrRules = tf.resources("aws_vpc_security_group_ingress_rule").filter((r) => r.cidr_ipv4 !== undefined || r.cidr_ipv6 !== undefined);
      expect(cidrRules.length).toBeGreaterThan(0); // the ALB's own internet ingress
      for (const r of cidrRules) expect(r.security_group_id).toBe(albSg());
      expect(tf.of(svc.fargate.securityGroup).ingress ?? []).toEqual([]);
    });

    test("the ALB may reach the tasks on the container port", () => {
      const egress = tf.resources("aws_vpc_security_group_egress_rule").filter((r) => r.security_group_id === albSg());
      expect(egress).toEqual([expect.objectContaining({ ip_protocol: "tcp", from_port: 8080, to_port: 8080, referenced_security_group_id: taskSg() })]);
      expect(egress[0]).not.toHaveProperty("cidr_ipv4");
    });

    test("autoscaling also tracks the measured default of ALB requests per task on this target group", () => {
      const policies = tf.resources("aws_appautoscaling_policy");
      const types = policies.map((p) => p.target_tracking_scaling_policy_configuration.predefined_metric_specification.predefined_metric_type).sort();
      expect(types).toEqual(["ALBRequestCountPerTarget", "ECSServiceAverageCPUUtilization", "ECSServiceAverageMemoryUtilization"]);
      const requests = policies.find((p) => p.target_tracking_scaling_policy_configuration.predefined_metric_specification.predefined_metric_type === "ALBRequestCountPerTarget")!;
      expect(requests.target_tracking_scaling_policy_configuration).toMatchObject({
        target_value: DEFAULT_REQUESTS_PER_TASK_PER_MINUTE,
        scale_out_cooldown: 60,
        scale_in_cooldown: 300,
        predefined_metric_specification: { resource_label: `${tf.ref(loadBalancer.loadBalancer, "arn_suffix")}/${tf.ref(svc.targetGroup, "arn_suffix")}` },
      });
    });

    test("private subnets, no public IP (the network has a NAT gateway)", () => {
      expect(ecs().network_configuration).toMatchObject({ subnets: network.privateSubnets.map((s) => tf.ref(s, "id")), assign_public_ip: false });
    });
  });

  test("with HTTPS, the rule attaches to the HTTPS listener, not the redirecting one", () => {
    const { tf, svc, loadBalancer } = web({}, { loadBalancer: { certificate: CERT } });
    expect(tf.of(svc.listenerRule).listener_arn).toBe(tf.ref(loadBalancer.listener, "arn"));
    expect(tf.of(loadBalancer.listener).protocol).toBe("HTTPS");
    expect(tf.of(svc.listenerRule).listener_arn).not.toBe(tf.ref(loadBalancer.httpListener, "arn"));
  });

  test("with neither NAT nor endpoints, tasks get public IPs in public subnets yet still admit only the ALB", () => {
    const { tf, svc, network, loadBalancer } = web({}, { network: { natStrategy: "none" } });
    expect(tf.of(svc.fargate.service).network_configuration).toMatchObject({
      subnets: network.publicSubnets.map((s) => tf.ref(s, "id")),
      assign_public_ip: true,
    });
    const ingress = tf.resources("aws_vpc_security_group_ingress_rule").filter((r) => r.security_group_id === tf.ref(svc.fargate.securityGroup, "id"));
    expect(ingress).toEqual([expect.objectContaining({ referenced_security_group_id: tf.ref(loadBalancer.securityGroup, "id") })]);
  });

  test("containerPort moves the target group, the mapping and both security group rules", () => {
    const { tf, svc } = web({ containerPort: 3000 });
    expect(tf.of(svc.targetGroup).port).toBe(3000);
    expect(tf.of(svc.fargate.service).load_balancer[0].container_port).toBe(3000);
    for (const type of ["aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule"]) {
      const rules = tf.resources(type).filter((r) => r.referenced_security_group_id !== undefined);
      expect(rules).toEqual([expect.objectContaining({ from_port: 3000, to_port: 3000 })]);
    }
  });

  test("healthCheckPath sets the ALB probe path", () => {
    const { tf, svc } = web({ healthCheckPath: "/ready" });
    expect(tf.of(svc.targetGroup).health_check).toMatchObject({ path: "/ready", matcher: "200" });
  });

  test("deregistrationDelaySeconds sets the drain time", () => {
    const { tf, svc } = web({ deregistrationDelaySeconds: 5 });
    expect(tf.of(svc.targetGroup).deregistration_delay).toBe("5");
  });

  test("targetGroupName names the target group", () => {
    const { tf, svc } = web({ targetGroupName: "bunfg-prod-api" });
    expect(tf.of(svc.targetGroup).name).toBe("bunfg-prod-api");
  });

  describe("scaling targets", () => {
    const targets = (props: Partial<WebServiceProps>) => {
      const { tf } = web(props);
      return Object.fromEntries(
        tf
          .resources("aws_appautoscaling_policy")
          .map((p) => [p.target_tracking_scaling_policy_configuration.predefined_metric_specification.predefined_metric_type, p.target_tracking_scaling_policy_configuration.target_value]),
      );
    };

    test("defaults: requests at the measured default, CPU above the utilisation measured there", () => {
      expect(targets({})).toMatchObject({ ALBRequestCountPerTarget: DEFAULT_REQUESTS_PER_TASK_PER_MINUTE, ECSServiceAverageCPUUtilization: DEFAULT_WEB_CPU_TARGET_PERCENT });
    });

    test("requestsPerTaskPerMinute and cpuTargetPercent: the policies track the given values", () => {
      expect(targets({ requestsPerTaskPerMinute: 42_000, cpuTargetPercent: 70 })).toMatchObject({ ALBRequestCountPerTarget: 42_000, ECSServiceAverageCPUUtilization: 70 });
    });
  });

  describe("routing", () => {
    test("host headers only: a host condition and no path condition", () => {
      const { tf, svc } = web({ routing: { priority: 20, hostHeaders: ["api.example.com"] } });
      expect(tf.of(svc.listenerRule)).toMatchObject({ priority: 20, condition: [{ host_header: { values: ["api.example.com"] } }] });
      expect(tf.of(svc.listenerRule).condition[0]).not.toHaveProperty("path_pattern");
    });

    test("paths and hosts: both conditions, which the ALB ANDs", () => {
      const { tf, svc } = web({ routing: { priority: 5, pathPatterns: ["/v1/*", "/v2/*"], hostHeaders: ["a.example.com"] } });
      expect(tf.of(svc.listenerRule).condition).toEqual([
        { path_pattern: { values: ["/v1/*", "/v2/*"] } },
        { host_header: { values: ["a.example.com"] } },
      ]);
      expect(tf.of(svc.listenerRule).priority).toBe(5);
    });
  });

  test("min, max and desired tasks and the spot share reach the service", () => {
    const { tf, svc } = web({ minTasks: 2, maxTasks: 10, desiredTasks: 2, spotShare: 0.5 });
    expect(tf.of(svc.fargate.service)).toMatchObject({
      desired_count: 2,
      capacity_provider_strategy: [
        { capacity_provider: "FARGATE", weight: 50, base: 2 },
        { capacity_provider: "FARGATE_SPOT", weight: 50, base: 0 },
      ],
    });
    expect(tf.of(svc.fargate.autoscaling.target)).toMatchObject({ min_capacity: 2, max_capacity: 10 });
  });

  test("namePrefix and name name the alarms, task family and service", () => {
    const { tf, svc } = web({ namePrefix: "prod", name: "shop" });
    expect(tf.of(svc.alarms.target5xx).alarm_name).toBe("prod-shop-target-5xx");
    expect(tf.of(svc.fargate.task.taskDefinition).family).toBe("prod-shop");
    expect(tf.of(svc.fargate.service).name).toBe("shop");
  });

  describe("fails when", () => {
    const fails = (props: Partial<WebServiceProps>) => () =>
      build((stack) => {
        const p = platform(stack);
        return new WebService(stack, "Web", {
          ...workloadProps(p),
          loadBalancer: p.loadBalancer,
          targetGroupName: "t-api",
          routing: { priority: 10, pathPatterns: ["/api/*"] },
          ...props,
        });
      });

    test("routing has neither paths nor hosts", () => {
      expect(fails({ routing: { priority: 10 } })).toThrow('WebService "api": routing needs pathPatterns or hostHeaders, got {"priority":10}');
      expect(fails({ routing: { priority: 10, pathPatterns: [], hostHeaders: [] } })).toThrow(
        'WebService "api": routing needs pathPatterns or hostHeaders, got {"priority":10,"pathPatterns":[],"hostHeaders":[]}',
      );
    });

    test("targetGroupName is longer than 32 characters", () => {
      const name = "t".repeat(33);
      expect(fails({ targetGroupName: name })).toThrow(`WebService "api": targetGroupName "${name}" is 33 characters; AWS allows 32`);
      expect(fails({ targetGroupName: "t".repeat(32) })).not.toThrow();
    });

    test("desiredTasks is outside [minTasks, maxTasks]", () => {
      expect(fails({ minTasks: 2, maxTasks: 3, desiredTasks: 1 })).toThrow('FargateService "api": desiredTasks 1 must be within [minTasks, maxTasks] = [2, 3]');
    });
  });
});

describe("DeploymentAlarms", () => {
  const alarms = (target5xxPerMinute?: number) =>
    synth((stack) => {
      const p = platform(stack);
      const svc = new WebService(stack, "Web", {
        ...workloadProps(p),
        loadBalancer: p.loadBalancer,
        targetGroupName: "t-api",
        routing: { priority: 10, pathPatterns: ["/api/*"] },
      });
      return { alarms: new DeploymentAlarms(stack, "Extra", { name: "t-extra", loadBalancer: p.loadBalancer.loadBalancer, targetGroup: svc.targetGroup, target5xxPerMinute }) };
    });

  test("defaults: 10 target 5xx a minute for 2 minutes, or one unhealthy host for 3; missing data is fine", () => {
    const { tf, alarms: a } = alarms();
    expect(tf.of(a.target5xx)).toMatchObject({ alarm_name: "t-extra-target-5xx", threshold: 10, period: 60, evaluation_periods: 2, treat_missing_data: "notBreaching" });
    expect(tf.of(a.unhealthyHosts)).toMatchObject({ alarm_name: "t-extra-unhealthy-hosts", statistic: "Maximum", threshold: 1, evaluation_periods: 3, treat_missing_data: "notBreaching" });
  });

  test("target5xxPerMinute sets the 5xx threshold only", () => {
    const { tf, alarms: a } = alarms(25);
    expect(tf.of(a.target5xx).threshold).toBe(25);
    expect(tf.of(a.unhealthyHosts).threshold).toBe(1);
  });
});
