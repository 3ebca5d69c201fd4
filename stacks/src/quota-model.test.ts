// The config's quota checks count what the constructs build (rules, target groups, security group
// rules, Elastic IPs, task definition size) without building it. This compares those counts with
// real synthesized stacks, so that a construct that adds a rule per service cannot slip past them.
import { albUsage, defaultConfig, PLATFORM_TASK_DEFINITION_BYTES, taskDefinitionBytes, type PlatformConfig } from "@bun-fargate/config";
import { buildApp } from "./app";
import { AWS_PROFILE, resources, synth } from "./testing";

const web = (name: string, priority: number) => ({ ...defaultConfig.services[0]!, name, routing: { priority, pathPatterns: [`/${name}/*`] } });
const config: PlatformConfig = {
  ...defaultConfig,
  services: [
    { ...defaultConfig.services[0]!, routing: { priority: 100, pathPatterns: ["/*"] } },
    web("catalog", 10),
    web("billing", 20),
    { name: "mailer", kind: "worker", source: "services/bun-api" },
    { name: "etl", kind: "scheduled", source: "services/bun-api", schedule: "cron(0 3 * * ? *)" },
    ...defaultConfig.services.slice(1),
  ],
};

describe("quota counts agree with the synthesized stacks", () => {
  const { environments } = buildApp({ config, profile: AWS_PROFILE });

  test.each(environments.map((e) => [e.environment.name, e] as const))("%s: listener rules, target groups and the ALB's outbound rules", (_name, env) => {
    const usage = albUsage(env.environment);
    const cluster = synth(env.cluster);
    const services = env.services.map((s) => synth(s));
    const albGroup = Object.keys(cluster.resource.aws_security_group ?? {})[0]!;
    const all = [cluster, ...services];
    expect(all.flatMap((s) => resources(s, "aws_lb_listener_rule"))).toHaveLength(usage.listenerRules);
    expect(all.flatMap((s) => resources(s, "aws_lb_target_group"))).toHaveLength(usage.targetGroups);
    // Rules on the ALB's group: in the cluster stack by reference, in service stacks through cross-stack outputs.
    const onAlbGroup = all.flatMap((s) => resources(s, "aws_vpc_security_group_egress_rule")).filter((r) => {
      const id = String(r.security_group_id);
      return id.includes(`aws_security_group.${albGroup}.id`) || /cross-stack-reference-input-.*-cluster\.outputs\.cross-stack-output-aws_security_groupLoadBalancer_SecurityGroup/.test(id);
    });
    expect(onAlbGroup).toHaveLength(usage.securityGroupEgressRules);
    // Three web services; outside dev each deploys with traffic shifting, which doubles rules and target groups.
    expect(usage.listenerRules).toBe(env.environment.policyTier === "dev" ? 3 : 6);
  });

  test.each(environments.map((e) => [e.environment.name, e] as const))("%s: one Elastic IP per NAT gateway", (_name, env) => {
    const eips = resources(synth(env.network), "aws_eip");
    const nat = env.environment.natStrategy;
    expect(eips).toHaveLength(nat === "per-az" ? env.environment.azCount : nat === "single" ? 1 : 0);
  });

  test("the task definition's size stays within the estimate, at the longest names and the longest image reference", () => {
    const long: PlatformConfig = {
      project: "abcdefghijklmnop",
      environments: { stagingwest1: { ...defaultConfig.environments.staging!, services: {}, enableExec: true } },
      services: [
        {
          name: "abcdefghijklmnopqrstuvwx",
          kind: "worker",
          source: "services/bun-api",
          command: ["serve", "--port", "8080"],
          environment: { FEATURE_FLAGS: "a,b,c", REGION_NAME: "eu-central-2" },
          secrets: { DB_URL: { secretsManagerArn: "arn:aws:secretsmanager:us-east-1:111111111111:secret:db-AbCdEf", jsonKey: "url" }, TOKEN: { ssmParameterArn: "arn:aws:ssm:us-east-1:111111111111:parameter/x" } },
        },
      ],
    };
    const [env] = buildApp({ config: long, profile: AWS_PROFILE }).environments;
    const td = resources(synth(env!.services[0]!), "aws_ecs_task_definition")[0]!;
    // At deploy, the image variable becomes a digest reference: the longest our repository names allow.
    const image = `111111111111.dkr.ecr.ap-southeast-7.amazonaws.com/abcdefghijklmnop/stagingwest1/abcdefghijklmnopqrstuvwx@sha256:${"f".repeat(64)}`;
    const role = `arn:aws:iam::111111111111:role/${"r".repeat(64)}`;
    const containers = String(td.container_definitions).replace("${var.image}", image);
    const request = JSON.stringify({ ...td, container_definitions: containers, execution_role_arn: role, task_role_arn: role });
    const estimate = taskDefinitionBytes(env!.environment, env!.environment.services[0]!);
    expect(request.length).toBeLessThanOrEqual(estimate.total);
    // And the estimate is not so loose that it refuses what ECS would take: the platform's share is measured, not guessed.
    expect(estimate.total - request.length).toBeLessThan(PLATFORM_TASK_DEFINITION_BYTES / 2);
  });
});
