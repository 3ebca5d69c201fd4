import { build, platform, synth, synthAcross, workloadProps, type Json, type PlatformOptions, type Synthesized } from "../testing/fixtures";
import { FargateService, type FargateServiceProps } from "./fargate-service";
import { ServiceAutoscaling } from "./service-autoscaling";
import { WorkerService, type WorkerServiceProps } from "./worker-service";

const service = (props: Partial<FargateServiceProps> = {}, options: PlatformOptions = {}) =>
  synth((stack) => {
    const p = platform(stack, options);
    return { ...p, svc: new FargateService(stack, "Service", { ...workloadProps(p), ...props }) };
  });

const policiesOf = (tf: Synthesized): Record<string, Json> =>
  Object.fromEntries(
    tf.resources("aws_appautoscaling_policy").map((p) => [p.target_tracking_scaling_policy_configuration.predefined_metric_specification.predefined_metric_type, p]),
  );

describe("FargateService", () => {
  describe("defaults", () => {
    const { tf, svc, cluster, network } = service();
    const ecs = () => tf.of(svc.service);

    test("a service of the cluster running the task definition, one task to start", () => {
      expect(ecs()).toMatchObject({
        name: "api",
        cluster: tf.ref(cluster.cluster, "arn"),
        task_definition: tf.ref(svc.task.taskDefinition, "arn"),
        desired_count: 1,
        platform_version: "LATEST",
        capacity_provider_strategy: [{ capacity_provider: "FARGATE", weight: 1, base: 0 }],
      });
      expect(tf.of(svc.task.taskDefinition).family).toBe("t-api");
    });

    test("rolling deploys keep 100% healthy, allow 200%, and roll back on the circuit breaker", () => {
      expect(ecs()).toMatchObject({
        deployment_minimum_healthy_percent: 100,
        deployment_maximum_percent: 200,
        deployment_circuit_breaker: { enable: true, rollback: true },
        wait_for_steady_state: true,
      });
    });

    test("desired_count is left to autoscaling after creation", () => {
      expect(ecs().lifecycle).toEqual({ ignore_changes: ["desired_count"] });
    });

    test("waits for the cluster's capacity providers", () => {
      expect(ecs().depends_on).toEqual([tf.address(cluster.capacityProviders)]);
    });

    test("with the cluster in another stack, depends on nothing there (Terraform rejects depends_on on a remote output)", () => {
      const across = synthAcross((shared, own) => {
        const p = platform(shared);
        return { svc: new FargateService(own, "Service", workloadProps(p)) };
      });
      const remote = across.tf.json.data?.terraform_remote_state ?? {};
      expect(Object.keys(remote)).not.toHaveLength(0); // the cluster really is referenced across stacks
      expect(across.tf.of(across.svc.service).depends_on ?? []).toEqual([]);
    });

    test("tags propagate from the service; ECS Exec is off", () => {
      expect(ecs()).toMatchObject({ propagate_tags: "SERVICE", enable_ecs_managed_tags: true, enable_execute_command: false });
    });

    test("runs in the private subnets without a public IP when the network has NAT", () => {
      expect(network.natGateways).toHaveLength(1);
      expect(ecs().network_configuration).toEqual({
        subnets: network.privateSubnets.map((s) => tf.ref(s, "id")),
        security_groups: [tf.ref(svc.securityGroup, "id")],
        assign_public_ip: false,
      });
    });

    test("not load balanced: no target group, no grace period, no deployment alarms", () => {
      expect(ecs()).not.toHaveProperty("load_balancer");
      expect(ecs()).not.toHaveProperty("health_check_grace_period_seconds");
      expect(ecs()).not.toHaveProperty("alarms");
      expect(ecs().deployment_circuit_breaker).toBeDefined();
      expect(tf.resources("aws_lb_target_group")).toHaveLength(0);
    });

    test("its security group admits nothing and lets out only HTTPS", () => {
      const sg = tf.ref(svc.securityGroup, "id");
      expect(tf.of(svc.securityGroup)).toMatchObject({ name: "t-api-tasks", vpc_id: tf.ref(network.vpc, "id") });
      expect(tf.resources("aws_vpc_security_group_ingress_rule").filter((r) => r.security_group_id === sg)).toEqual([]);
      expect(tf.resources("aws_vpc_security_group_egress_rule").filter((r) => r.security_group_id === sg)).toEqual([
        expect.objectContaining({ ip_protocol: "tcp", from_port: 443, to_port: 443, cidr_ipv4: "0.0.0.0/0" }),
      ]);
      expect(tf.of(svc.securityGroup).ingress ?? []).toEqual([]);
    });

    test("autoscaling keeps 1 to 2 tasks, tracking CPU at 60% and memory at 75%", () => {
      expect(tf.of(svc.autoscaling.target)).toEqual({
        service_namespace: "ecs",
        scalable_dimension: "ecs:service:DesiredCount",
        resource_id: `service/${tf.ref(cluster.cluster, "name")}/${tf.ref(svc.service, "name")}`,
        min_capacity: 1,
        max_capacity: 2,
      });
      const policies = policiesOf(tf);
      expect(Object.keys(policies).sort()).toEqual(["ECSServiceAverageCPUUtilization", "ECSServiceAverageMemoryUtilization"]);
      expect(policies.ECSServiceAverageCPUUtilization!.target_tracking_scaling_policy_configuration.target_value).toBe(60);
      expect(policies.ECSServiceAverageMemoryUtilization!.target_tracking_scaling_policy_configuration.target_value).toBe(75);
    });

    test("scaling policies act on the scalable target, out after 60 s and in after 300 s", () => {
      for (const policy of Object.values(policiesOf(tf))) {
        expect(policy).toMatchObject({
          policy_type: "TargetTrackingScaling",
          resource_id: tf.ref(svc.autoscaling.target, "resource_id"),
          scalable_dimension: tf.ref(svc.autoscaling.target, "scalable_dimension"),
          service_namespace: tf.ref(svc.autoscaling.target, "service_namespace"),
        });
        expect(policy.target_tracking_scaling_policy_configuration).toMatchObject({ scale_out_cooldown: 60, scale_in_cooldown: 300 });
      }
    });
  });

  test("minTasks, maxTasks and desiredTasks bound autoscaling and set the first count", () => {
    const { tf, svc } = service({ minTasks: 2, maxTasks: 6, desiredTasks: 3 });
    expect(tf.of(svc.service).desired_count).toBe(3);
    expect(tf.of(svc.autoscaling.target)).toMatchObject({ min_capacity: 2, max_capacity: 6 });
  });

  test("maxTasks defaults to at least minTasks", () => {
    const { tf, svc } = service({ minTasks: 3 });
    expect(tf.of(svc.service).desired_count).toBe(3);
    expect(tf.of(svc.autoscaling.target)).toMatchObject({ min_capacity: 3, max_capacity: 3 });
  });

  test("spotShare 0.5 runs the minimum on demand and splits the rest", () => {
    const { tf, svc } = service({ spotShare: 0.5, minTasks: 2, maxTasks: 10 });
    expect(tf.of(svc.service).capacity_provider_strategy).toEqual([
      { capacity_provider: "FARGATE", weight: 50, base: 2 },
      { capacity_provider: "FARGATE_SPOT", weight: 50, base: 0 },
    ]);
  });

  test("spotShare 1 runs everything on spot", () => {
    const { tf, svc } = service({ spotShare: 1 });
    expect(tf.of(svc.service).capacity_provider_strategy).toEqual([{ capacity_provider: "FARGATE_SPOT", weight: 1, base: 0 }]);
  });

  test("a network with neither NAT nor endpoints puts tasks in public subnets with a public IP", () => {
    const { tf, svc, network } = service({}, { network: { natStrategy: "none" } });
    expect(tf.of(svc.service).network_configuration).toMatchObject({
      subnets: network.publicSubnets.map((s) => tf.ref(s, "id")),
      assign_public_ip: true,
    });
  });

  test("a network without NAT but with the ECR, Logs and S3 endpoints keeps tasks private", () => {
    const { tf, svc, network } = service({}, { network: { natStrategy: "none", vpcEndpoints: ["ecr-api", "ecr-dkr", "logs", "s3"] } });
    expect(tf.of(svc.service).network_configuration).toMatchObject({
      subnets: network.privateSubnets.map((s) => tf.ref(s, "id")),
      assign_public_ip: false,
    });
  });

  test("enableExec turns ECS Exec on for the service and the task", () => {
    const { tf, svc } = service({ enableExec: true });
    expect(tf.of(svc.service).enable_execute_command).toBe(true);
    expect(tf.rolePolicies(svc.task.roles.taskRole)).toHaveLength(1);
  });

  test("task settings reach the task definition", () => {
    const { tf, svc } = service({ cpu: 512, memoryMiB: 1024, architecture: "X86_64", containerPort: 3000, environment: { A: "1" }, logRetentionDays: 7 });
    const td = tf.of(svc.task.taskDefinition);
    expect(td).toMatchObject({ cpu: "512", memory: "1024", runtime_platform: { cpu_architecture: "X86_64" } });
    const [container] = JSON.parse(td.container_definitions as string);
    expect(container.portMappings).toEqual([expect.objectContaining({ containerPort: 3000 })]);
    expect(container.environment).toEqual([{ name: "A", value: "1" }]);
    expect(tf.of(svc.task.logGroup).retention_in_days).toBe(7);
  });

  describe("fails when", () => {
    const fails = (props: Partial<FargateServiceProps>) => () =>
      build((stack) => {
        const p = platform(stack);
        return new FargateService(stack, "Service", { ...workloadProps(p), ...props });
      });

    test("desiredTasks is below minTasks", () => {
      expect(fails({ minTasks: 2, maxTasks: 4, desiredTasks: 1 })).toThrow(
        'FargateService "api": desiredTasks 1 must be within [minTasks, maxTasks] = [2, 4]',
      );
    });

    test("desiredTasks is above maxTasks", () => {
      expect(fails({ minTasks: 1, maxTasks: 4, desiredTasks: 5 })).toThrow('FargateService "api": desiredTasks 5 must be within [minTasks, maxTasks] = [1, 4]');
    });

    test("minTasks exceeds maxTasks", () => {
      expect(fails({ minTasks: 5, maxTasks: 3 })).toThrow('FargateService "api": desiredTasks 5 must be within [minTasks, maxTasks] = [5, 3]');
    });

    test("the bounds themselves are allowed", () => {
      expect(fails({ minTasks: 1, maxTasks: 4, desiredTasks: 4 })).not.toThrow();
      expect(fails({ minTasks: 2, maxTasks: 4, desiredTasks: 2 })).not.toThrow();
    });

    test("spotShare is outside 0..1", () => {
      expect(fails({ spotShare: 1.2 })).toThrow("capacityStrategy: spotShare 1.2 must be a number from 0 to 1");
    });
  });
});

describe("ServiceAutoscaling", () => {
  const autoscaling = (props: Partial<ConstructorParameters<typeof ServiceAutoscaling>[2]>) =>
    synth((stack) => {
      const p = platform(stack);
      const svc = new FargateService(stack, "Service", workloadProps(p));
      return { scaling: new ServiceAutoscaling(stack, "Extra", { cluster: p.cluster.cluster, service: svc.service, minTasks: 1, maxTasks: 4, ...props }) };
    });

  test("target percentages and cooldowns are configurable", () => {
    const { tf, scaling } = autoscaling({ cpuTargetPercent: 50, memoryTargetPercent: 80, scaleOutCooldownSeconds: 30, scaleInCooldownSeconds: 600 });
    const [cpu, memory] = scaling.policies.map((p) => tf.of(p).target_tracking_scaling_policy_configuration);
    expect(cpu).toMatchObject({ target_value: 50, scale_out_cooldown: 30, scale_in_cooldown: 600 });
    expect(memory).toMatchObject({ target_value: 80, scale_out_cooldown: 30, scale_in_cooldown: 600 });
    expect(tf.of(scaling.target)).toMatchObject({ min_capacity: 1, max_capacity: 4 });
  });

  test("requestsPerTarget adds ALB request-count tracking with its resource label", () => {
    const { tf, scaling } = autoscaling({ requestsPerTarget: { resourceLabel: "app/t-alb/123/targetgroup/t-api/456", target: 500 } });
    expect(scaling.policies).toHaveLength(3);
    expect(tf.of(scaling.policies[2]!).target_tracking_scaling_policy_configuration).toMatchObject({
      target_value: 500,
      predefined_metric_specification: { predefined_metric_type: "ALBRequestCountPerTarget", resource_label: "app/t-alb/123/targetgroup/t-api/456" },
    });
  });

  describe("fails when", () => {
    const fails = (props: Partial<ConstructorParameters<typeof ServiceAutoscaling>[2]>) => () =>
      build((stack) => {
        const p = platform(stack);
        const svc = new FargateService(stack, "Service", workloadProps(p));
        return new ServiceAutoscaling(stack, "Extra", { cluster: p.cluster.cluster, service: svc.service, minTasks: 1, maxTasks: 4, ...props });
      });

    test("minTasks exceeds maxTasks", () => {
      expect(fails({ minTasks: 5, maxTasks: 4 })).toThrow("ServiceAutoscaling: minTasks 5 must not exceed maxTasks 4");
    });

    test.each([
      ["cpuTargetPercent", 9],
      ["cpuTargetPercent", 96],
      ["memoryTargetPercent", 5],
      ["memoryTargetPercent", 100],
    ])("%s is %p", (field, value) => {
      expect(fails({ [field]: value })).toThrow(`ServiceAutoscaling: ${field} ${value} must be between 10 and 95`);
    });
  });
});

describe("WorkerService", () => {
  const worker = (props: Partial<WorkerServiceProps> = {}) =>
    synth((stack) => {
      const p = platform(stack);
      return { ...p, worker: new WorkerService(stack, "Worker", { ...workloadProps(p, "jobs"), ...props }) };
    });

  describe("defaults", () => {
    const { tf, worker: w, network } = worker();

    test("an ECS service with no load balancer and no ingress at all", () => {
      const ecs = tf.of(w.fargate.service);
      expect(ecs).toMatchObject({ name: "jobs", deployment_circuit_breaker: { enable: true, rollback: true } });
      expect(ecs).not.toHaveProperty("load_balancer");
      expect(tf.resources("aws_lb_target_group")).toHaveLength(0);
      expect(tf.resources("aws_lb_listener_rule")).toHaveLength(0);
      // The only ingress rules in the stack are the ALB's own.
      const taskSg = tf.ref(w.fargate.securityGroup, "id");
      expect(tf.resources("aws_vpc_security_group_ingress_rule").filter((r) => r.security_group_id === taskSg)).toEqual([]);
      expect(tf.resources("aws_vpc_security_group_ingress_rule").length).toBeGreaterThan(0);
    });

    test("no port mapping, private subnets, no public IP", () => {
      const [container] = JSON.parse(tf.of(w.fargate.task.taskDefinition).container_definitions as string);
      expect(container.portMappings).toEqual([]);
      expect(tf.of(w.fargate.service).network_configuration).toMatchObject({
        subnets: network.privateSubnets.map((s) => tf.ref(s, "id")),
        assign_public_ip: false,
      });
    });

    test("scales on CPU and memory only", () => {
      const types = Object.keys(policiesOf(tf)).sort();
      expect(types).toEqual(["ECSServiceAverageCPUUtilization", "ECSServiceAverageMemoryUtilization"]);
    });
  });

  test("min, max and desired tasks pass through", () => {
    const { tf, worker: w } = worker({ minTasks: 2, maxTasks: 5, desiredTasks: 4 });
    expect(tf.of(w.fargate.service).desired_count).toBe(4);
    expect(tf.of(w.fargate.autoscaling.target)).toMatchObject({ min_capacity: 2, max_capacity: 5 });
  });

  test("fails when desiredTasks is outside [minTasks, maxTasks]", () => {
    expect(() =>
      build((stack) => {
        const p = platform(stack);
        return new WorkerService(stack, "Worker", { ...workloadProps(p, "jobs"), minTasks: 1, maxTasks: 2, desiredTasks: 3 });
      }),
    ).toThrow('FargateService "jobs": desiredTasks 3 must be within [minTasks, maxTasks] = [1, 2]');
  });
});
