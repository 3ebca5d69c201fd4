import type { TerraformStack } from "cdktf";
import { ServiceRepository } from "../cluster/service-repository";
import { build, IMAGE, REGION, synth, type Json, type Synthesized } from "../testing/fixtures";
import { FargateTaskDefinition, type FargateTaskDefinitionProps } from "./task-definition";

const SM_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:t/db-AbCdEf";
const SM_ARN_2 = "arn:aws:secretsmanager:us-east-1:123456789012:secret:t/stripe-GhIjKl";
const SSM_ARN = "arn:aws:ssm:us-east-1:123456789012:parameter/t/api/token";

const make = (stack: TerraformStack, props: Partial<FargateTaskDefinitionProps>) => {
  const repository = new ServiceRepository(stack, "Repository", { name: "t/api" });
  const task = new FargateTaskDefinition(stack, "Task", {
    family: "t-api",
    image: IMAGE,
    repository: repository.repository,
    region: REGION,
    logGroupName: "/ecs/t/api",
    ...props,
  });
  return { repository, task };
};

const taskDefinition = (props: Partial<FargateTaskDefinitionProps> = {}) => {
  const built = synth((stack) => make(stack, props));
  const td = built.tf.of(built.task.taskDefinition);
  const containers = JSON.parse(td.container_definitions as string) as Json[];
  return { ...built, td, containers, container: containers[0]! };
};

/** Every statement of every inline policy of the execution role, flattened. */
const executionStatements = (tf: Synthesized, task: FargateTaskDefinition) => tf.rolePolicies(task.roles.executionRole).flat();

describe("FargateTaskDefinition", () => {
  describe("defaults", () => {
    const { tf, task, repository, td, containers, container } = taskDefinition();

    test("a FARGATE task in awsvpc mode, 0.25 vCPU / 0.5 GB as strings, Linux on ARM64", () => {
      expect(td).toMatchObject({
        family: "t-api",
        requires_compatibilities: ["FARGATE"],
        network_mode: "awsvpc",
        cpu: "256",
        memory: "512",
        runtime_platform: { operating_system_family: "LINUX", cpu_architecture: "ARM64" },
        execution_role_arn: tf.ref(task.roles.executionRole, "arn"),
        task_role_arn: tf.ref(task.roles.taskRole, "arn"),
        volume: [{ name: "tmp" }],
      });
      expect(task.roles.executionRole).not.toBe(task.roles.taskRole);
    });

    test("one essential container named after the family, running the given image", () => {
      expect(containers).toHaveLength(1);
      expect(container).toMatchObject({ name: "t-api", image: IMAGE, essential: true, privileged: false });
      expect(task.containerName).toBe("t-api");
      expect(container).not.toHaveProperty("command");
    });

    test("non-root, read-only root filesystem, /tmp the only writable path", () => {
      expect(container.user).toBe("65532:65532");
      expect(container.readonlyRootFilesystem).toBe(true);
      expect(container.mountPoints).toEqual([{ sourceVolume: "tmp", containerPath: "/tmp", readOnly: false }]);
    });

    test("stopTimeout 30 s and a health check run by the image's own binary", () => {
      expect(container.stopTimeout).toBe(30);
      expect(container.healthCheck).toEqual({ command: ["CMD", "/app/server", "--healthcheck"], interval: 10, timeout: 5, retries: 3, startPeriod: 10 });
      expect(JSON.stringify(container.healthCheck)).not.toMatch(/curl|wget|CMD-SHELL/);
    });

    test("no port mapping, environment or secrets unless given; no init process", () => {
      expect(container.portMappings).toEqual([]);
      expect(container.environment).toEqual([]);
      expect(container.secrets).toEqual([]);
      expect(container).not.toHaveProperty("linuxParameters");
    });

    test("awslogs to its own log group, kept 30 days, without blocking the app", () => {
      expect(tf.of(task.logGroup)).toEqual({ name: "/ecs/t/api", retention_in_days: 30 });
      expect(container.logConfiguration).toEqual({
        logDriver: "awslogs",
        options: {
          "awslogs-group": tf.ref(task.logGroup, "name"),
          "awslogs-region": "us-east-1",
          "awslogs-stream-prefix": "t-api",
          mode: "non-blocking",
          "max-buffer-size": "25m",
        },
      });
    });

    test("both roles are assumable by ECS tasks only", () => {
      for (const role of [task.roles.executionRole, task.roles.taskRole]) {
        expect(tf.statements(tf.of(role).assume_role_policy)).toEqual([
          { actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["ecs-tasks.amazonaws.com"] }] },
        ]);
      }
      expect(tf.of(task.roles.executionRole).name).toBe("t-api-execution");
      expect(tf.of(task.roles.taskRole).name).toBe("t-api-task");
    });

    test("the execution role may pull only its repository and write only its log group", () => {
      const statements = executionStatements(tf, task);
      expect(statements).toEqual([
        { sid: "EcrAuth", actions: ["ecr:GetAuthorizationToken"], resources: ["*"] },
        {
          sid: "PullImage",
          actions: ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"],
          resources: [tf.ref(repository.repository, "arn")],
        },
        { sid: "WriteLogs", actions: ["logs:CreateLogStream", "logs:PutLogEvents"], resources: [`${tf.ref(task.logGroup, "arn")}:*`] },
      ]);
    });

    test("GetAuthorizationToken is the only action on a wildcard resource", () => {
      const wild = executionStatements(tf, task).filter((s) => s.resources?.some((r) => r.includes("*") && !r.endsWith(":*")));
      expect(wild.flatMap((s) => s.actions)).toEqual(["ecr:GetAuthorizationToken"]);
    });

    test("without secrets, the execution role reads no secret or parameter", () => {
      const actions = executionStatements(tf, task).flatMap((s) => s.actions);
      expect(actions).toContain("ecr:BatchGetImage");
      expect(actions.filter((a) => a.startsWith("secretsmanager:") || a.startsWith("ssm:") || a.startsWith("kms:"))).toEqual([]);
    });

    test("the task role starts empty", () => {
      expect(tf.rolePolicies(task.roles.taskRole)).toEqual([]);
      expect(tf.rolePolicies(task.roles.executionRole)).toHaveLength(1);
      expect(tf.resources("aws_iam_role_policy_attachment")).toHaveLength(0);
      expect(tf.of(task.roles.taskRole)).not.toHaveProperty("inline_policy");
      expect(tf.of(task.roles.taskRole)).not.toHaveProperty("managed_policy_arns");
    });
  });

  test("cpu and memoryMiB give the task size, as strings", () => {
    const { td } = taskDefinition({ cpu: 1024, memoryMiB: 3072 });
    expect(td).toMatchObject({ cpu: "1024", memory: "3072" });
  });

  test("architecture X86_64 changes the runtime platform", () => {
    const { td } = taskDefinition({ architecture: "X86_64" });
    expect(td.runtime_platform).toEqual({ operating_system_family: "LINUX", cpu_architecture: "X86_64" });
  });

  test("containerPort adds one TCP port mapping", () => {
    const { container } = taskDefinition({ containerPort: 8080 });
    expect(container.portMappings).toEqual([{ containerPort: 8080, protocol: "tcp", name: "http", appProtocol: "http" }]);
  });

  test("environment is passed sorted by name, so reordering the config changes nothing", () => {
    const { container } = taskDefinition({ environment: { ZED: "z", ALPHA: "a", MID: "m" } });
    expect(container.environment).toEqual([
      { name: "ALPHA", value: "a" },
      { name: "MID", value: "m" },
      { name: "ZED", value: "z" },
    ]);
  });

  describe("secrets", () => {
    const { tf, task, container } = taskDefinition({
      secrets: {
        DB_PASSWORD: { secretsManagerArn: SM_ARN, jsonKey: "password" },
        DB_USER: { secretsManagerArn: SM_ARN, jsonKey: "username" },
        STRIPE_KEY: { secretsManagerArn: SM_ARN_2 },
        API_TOKEN: { ssmParameterArn: SSM_ARN },
      },
    });

    test("are injected by reference, sorted by name; a JSON key uses the arn:key:: form", () => {
      expect(container.secrets).toEqual([
        { name: "API_TOKEN", valueFrom: SSM_ARN },
        { name: "DB_PASSWORD", valueFrom: `${SM_ARN}:password::` },
        { name: "DB_USER", valueFrom: `${SM_ARN}:username::` },
        { name: "STRIPE_KEY", valueFrom: SM_ARN_2 },
      ]);
      expect(container.environment).toEqual([]);
    });

    test("the execution role may read exactly those secrets and parameters", () => {
      const statements = executionStatements(tf, task);
      expect(statements.find((s) => s.sid === "ReadSecrets")).toEqual({
        sid: "ReadSecrets",
        actions: ["secretsmanager:GetSecretValue"],
        resources: [SM_ARN, SM_ARN_2],
      });
      expect(statements.find((s) => s.sid === "ReadParameters")).toEqual({ sid: "ReadParameters", actions: ["ssm:GetParameters"], resources: [SSM_ARN] });
      expect(statements.map((s) => s.sid)).toEqual(["EcrAuth", "PullImage", "WriteLogs", "ReadSecrets", "ReadParameters"]);
    });

    test("only Secrets Manager references: no SSM statement", () => {
      const { tf: t, task: tk } = taskDefinition({ secrets: { STRIPE_KEY: { secretsManagerArn: SM_ARN_2 } } });
      const sids = executionStatements(t, tk).map((s) => s.sid);
      expect(sids).toContain("ReadSecrets");
      expect(sids).not.toContain("ReadParameters");
    });
  });

  test("command overrides the entrypoint's arguments", () => {
    const { container } = taskDefinition({ command: ["/app/server", "--migrate"] });
    expect(container.command).toEqual(["/app/server", "--migrate"]);
  });

  test("healthCheckCommand replaces the check, and null removes it", () => {
    const custom = taskDefinition({ healthCheckCommand: ["CMD", "/app/worker", "--alive"] }).container;
    expect(custom.healthCheck).toMatchObject({ command: ["CMD", "/app/worker", "--alive"], interval: 10 });
    const none = taskDefinition({ healthCheckCommand: null }).container;
    expect(none).not.toHaveProperty("healthCheck");
    expect(none.user).toBe("65532:65532");
  });

  test("stopTimeoutSeconds sets the stop timeout", () => {
    expect(taskDefinition({ stopTimeoutSeconds: 120 }).container.stopTimeout).toBe(120);
  });

  test("logRetentionDays and logGroupName configure the log group", () => {
    const { tf, task, container } = taskDefinition({ logRetentionDays: 90, logGroupName: "/ecs/prod/api" });
    expect(tf.of(task.logGroup)).toEqual({ name: "/ecs/prod/api", retention_in_days: 90 });
    expect(container.logConfiguration.options["awslogs-group"]).toBe(tf.ref(task.logGroup, "name"));
  });

  test("region goes to the log driver", () => {
    expect(taskDefinition({ region: "eu-central-1" }).container.logConfiguration.options["awslogs-region"]).toBe("eu-central-1");
  });

  test("family names the task definition, the container, the roles and the log streams", () => {
    const { tf, task, td, container } = taskDefinition({ family: "prod-worker" });
    expect(td.family).toBe("prod-worker");
    expect(container.name).toBe("prod-worker");
    expect(container.logConfiguration.options["awslogs-stream-prefix"]).toBe("prod-worker");
    expect(tf.of(task.roles.executionRole).name).toBe("prod-worker-execution");
  });

  test("image accepts a tag reference as well as a digest", () => {
    expect(taskDefinition({ image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/t/api:sha-abc123" }).container.image).toBe(
      "123456789012.dkr.ecr.us-east-1.amazonaws.com/t/api:sha-abc123",
    );
  });

  describe("enableExec", () => {
    const { tf, task, container } = taskDefinition({ enableExec: true });

    test("runs an init process in the container", () => {
      expect(container.linuxParameters).toEqual({ initProcessEnabled: true });
    });

    test("gives the task role the SSM session channels and nothing else", () => {
      const policies = tf.rolePolicies(task.roles.taskRole);
      expect(policies).toHaveLength(1);
      expect(policies[0]).toEqual([
        {
          sid: "EcsExecChannels",
          actions: ["ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"],
          resources: ["*"],
        },
      ]);
    });

    test("leaves the execution role as it was", () => {
      expect(executionStatements(tf, task).map((s) => s.sid)).toEqual(["EcrAuth", "PullImage", "WriteLogs"]);
    });
  });

  describe("fails when", () => {
    const fails = (props: Partial<FargateTaskDefinitionProps>) => () => build((stack) => make(stack, props));

    test("cpu is not a Fargate CPU value", () => {
      expect(fails({ cpu: 300 })).toThrow('FargateTaskDefinition "t-api": cpu 300 is not a Fargate CPU value; allowed: 256, 512, 1024, 2048, 4096, 8192, 16384');
    });

    test("memory does not go with the cpu", () => {
      expect(fails({ cpu: 256, memoryMiB: 4096 })).toThrow('FargateTaskDefinition "t-api": memoryMiB 4096 is not valid with cpu 256; allowed: 512, 1024, 2048');
      expect(fails({ cpu: 1024, memoryMiB: 1024 })).toThrow('FargateTaskDefinition "t-api": memoryMiB 1024 is not valid with cpu 1024');
    });

    test.each([1, 121, 2.5, 0])("stopTimeoutSeconds is %p", (stopTimeoutSeconds) => {
      expect(fails({ stopTimeoutSeconds })).toThrow(
        `FargateTaskDefinition "t-api": stopTimeoutSeconds ${stopTimeoutSeconds} must be between 2 and 120 (Fargate limit)`,
      );
    });

    test("stopTimeoutSeconds 2 and 120 are allowed", () => {
      expect(fails({ stopTimeoutSeconds: 2 })).not.toThrow();
      expect(fails({ stopTimeoutSeconds: 120 })).not.toThrow();
    });

    test.each(["nginx", "123456789012.dkr.ecr.us-east-1.amazonaws.com/t/api", ""])("image is %p (neither digest nor tag)", (image) => {
      expect(fails({ image })).toThrow(`FargateTaskDefinition "t-api": image "${image}" must be a digest or tag reference`);
    });
  });
});
