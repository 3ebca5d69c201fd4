/**
 * Test helpers: a stack built from raw provider resources that passes every rule, with a hook to
 * change one resource's props, and a way to read what the policy reported. Not exported from the
 * package; rules are tested against these, not against our constructs, so they hold for any stack.
 */
import { CloudwatchMetricAlarm, type CloudwatchMetricAlarmConfig } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { App, TerraformStack, Testing } from "cdktf";
import { AppautoscalingTarget, type AppautoscalingTargetConfig } from "@cdktf/provider-aws/lib/appautoscaling-target";
import { CloudwatchLogGroup, type CloudwatchLogGroupConfig } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { EcrRepository, type EcrRepositoryConfig } from "@cdktf/provider-aws/lib/ecr-repository";
import { EcsService, type EcsServiceConfig } from "@cdktf/provider-aws/lib/ecs-service";
import { EcsTaskDefinition, type EcsTaskDefinitionConfig } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { IamRolePolicy, type IamRolePolicyConfig } from "@cdktf/provider-aws/lib/iam-role-policy";
import { Lb, type LbConfig } from "@cdktf/provider-aws/lib/lb";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { LbListener, type LbListenerConfig } from "@cdktf/provider-aws/lib/lb-listener";
import { SecurityGroup, type SecurityGroupConfig } from "@cdktf/provider-aws/lib/security-group";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { VpcSecurityGroupIngressRule, type VpcSecurityGroupIngressRuleConfig } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import type { Construct } from "constructs";
import { applyPolicies, type PolicyOptions } from "./apply-policies";
import type { PolicyTier } from "./types";

export interface Container {
  readonly [key: string]: unknown;
}

/** A container that passes every container rule. */
export const goodContainer: Container = {
  name: "app",
  image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/api:1.0.0",
  essential: true,
  user: "65532:65532",
  readonlyRootFilesystem: true,
  environment: [{ name: "LOG_LEVEL", value: "info" }],
  portMappings: [{ containerPort: 8080 }],
};

export interface Patches {
  readonly subnets?: number;
  readonly lb?: Partial<LbConfig>;
  readonly https?: Partial<LbListenerConfig>;
  readonly http?: Partial<LbListenerConfig>;
  readonly albSg?: Partial<SecurityGroupConfig>;
  readonly taskSg?: Partial<SecurityGroupConfig>;
  readonly ingress?: Partial<VpcSecurityGroupIngressRuleConfig>;
  readonly repo?: Partial<EcrRepositoryConfig>;
  readonly logs?: Partial<CloudwatchLogGroupConfig>;
  readonly taskDefinition?: Partial<EcsTaskDefinitionConfig>;
  readonly containers?: readonly Container[];
  readonly service?: Partial<EcsServiceConfig>;
  readonly scaling?: Partial<AppautoscalingTargetConfig>;
  readonly policy?: Partial<IamRolePolicyConfig>;
  readonly alarm?: Partial<CloudwatchMetricAlarmConfig>;
}

export interface Built {
  readonly lb: Lb;
  readonly http: LbListener;
  readonly taskSg: SecurityGroup;
  readonly repo: EcrRepository;
  readonly taskDefinition: EcsTaskDefinition;
  readonly service: EcsService;
  readonly policy: IamRolePolicy;
}

/** A web service stack that is compliant in prod, with `patches` applied to single resources. */
export function compliantStack(scope: Construct, p: Patches = {}): Built {
  const subnets = Array.from({ length: p.subnets ?? 2 }, (_, i) =>
    new Subnet(scope, `Private${i}`, { vpcId: "vpc-1", cidrBlock: `10.0.${i}.0/24`, availabilityZone: `us-east-1${"abc"[i]}` }),
  );
  const albSg = new SecurityGroup(scope, "AlbSg", { name: "alb", vpcId: "vpc-1", ...p.albSg });
  const taskSg = new SecurityGroup(scope, "TaskSg", { name: "task", vpcId: "vpc-1", ...p.taskSg });
  new VpcSecurityGroupIngressRule(scope, "FromAlb", {
    securityGroupId: taskSg.id,
    referencedSecurityGroupId: albSg.id,
    ipProtocol: "tcp",
    fromPort: 8080,
    toPort: 8080,
    ...p.ingress,
  });
  const lb = new Lb(scope, "Alb", {
    name: "prod-alb",
    loadBalancerType: "application",
    subnets: subnets.map((s) => s.id),
    securityGroups: [albSg.id],
    dropInvalidHeaderFields: true,
    enableDeletionProtection: true,
    ...p.lb,
  });
  new LbListener(scope, "Https", {
    loadBalancerArn: lb.arn,
    port: 443,
    protocol: "HTTPS",
    certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/abc",
    routingHttpResponseStrictTransportSecurityHeaderValue: "max-age=31536000",
    defaultAction: [{ type: "fixed-response", fixedResponse: { contentType: "application/json", statusCode: "404" } }],
    ...p.https,
  });
  const http = new LbListener(scope, "Http", {
    loadBalancerArn: lb.arn,
    port: 80,
    protocol: "HTTP",
    defaultAction: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }],
    ...p.http,
  });
  const repo = new EcrRepository(scope, "Repo", {
    name: "api",
    imageTagMutability: "IMMUTABLE",
    imageScanningConfiguration: { scanOnPush: true },
    ...p.repo,
  });
  const logs = new CloudwatchLogGroup(scope, "Logs", { name: "/ecs/api", retentionInDays: 90, ...p.logs });
  const policy = new IamRolePolicy(scope, "Pull", {
    role: "exec",
    policy: JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
        { Effect: "Allow", Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"], Resource: repo.arn },
        { Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${logs.arn}:*` },
      ],
    }),
    ...p.policy,
  });
  const taskDefinition = new EcsTaskDefinition(scope, "Task", {
    family: "api",
    cpu: "256",
    memory: "512",
    networkMode: "awsvpc",
    requiresCompatibilities: ["FARGATE"],
    runtimePlatform: { cpuArchitecture: "ARM64", operatingSystemFamily: "LINUX" },
    containerDefinitions: JSON.stringify(p.containers ?? [goodContainer]),
    ...p.taskDefinition,
  });
  const service = new EcsService(scope, "Service", {
    name: "api",
    cluster: "prod",
    taskDefinition: taskDefinition.arn,
    desiredCount: 2,
    networkConfiguration: { subnets: subnets.map((s) => s.id), securityGroups: [taskSg.id], assignPublicIp: false },
    deploymentCircuitBreaker: { enable: true, rollback: true },
    alarms: { alarmNames: ["api-5xx", "api-unhealthy"], enable: true, rollback: true },
    deploymentConfiguration: { strategy: "CANARY", bakeTimeInMinutes: "10", canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: "5" } },
    ...p.service,
  });
  new AppautoscalingTarget(scope, "Scaling", {
    serviceNamespace: "ecs",
    scalableDimension: "ecs:service:DesiredCount",
    resourceId: `service/prod/${service.name}`,
    minCapacity: 2,
    maxCapacity: 10,
    ...p.scaling,
  });
  new CloudwatchMetricAlarm(scope, "Notify", {
    alarmName: "api-alert-log-errors",
    namespace: "BunFargate/Logs",
    metricName: "api-errors",
    statistic: "Sum",
    period: 60,
    evaluationPeriods: 3,
    threshold: 5,
    comparisonOperator: "GreaterThanOrEqualToThreshold",
    alarmActions: ["arn:aws:sns:us-east-1:123456789012:alarms"],
    ...p.alarm,
  });
  return { lb, http, taskSg, repo, taskDefinition, service, policy };
}

export interface Reported {
  readonly level: "error" | "warning" | "info";
  readonly ruleId: string;
  readonly path: string;
  readonly message: string;
}

const LEVELS: Record<string, Reported["level"]> = { "@cdktf/error": "error", "@cdktf/warn": "warning", "@cdktf/info": "info" };

/** Every policy annotation under `scope`, after aspects have run. */
export function reported(scope: Construct): Reported[] {
  return scope.node.findAll().flatMap((node) =>
    node.node.metadata
      .filter((m) => LEVELS[m.type] && typeof m.data === "string" && m.data.startsWith("[BF-"))
      .map((m) => ({
        level: LEVELS[m.type] as Reported["level"],
        ruleId: /^\[(BF-[A-Z]+-\d+)\]/.exec(m.data as string)?.[1] ?? "",
        path: node.node.path,
        message: m.data as string,
      })),
  );
}

/** A stack with the AWS provider, as cdktf's validations require. */
export function newStack(app: App, name: string): TerraformStack {
  const stack = new TerraformStack(app, name);
  new AwsProvider(stack, "aws", { region: "us-east-1" });
  return stack;
}

/** Builds one stack in a fresh app, applies the policies for `environment` and runs the aspects. */
export function check(build: (stack: TerraformStack) => void, environment: PolicyTier | string = "prod", options: Partial<PolicyOptions> = {}): Reported[] {
  const app: App = Testing.app();
  const stack = newStack(app, `${environment}-api`);
  build(stack);
  applyPolicies(stack, { environment, ...options });
  Testing.synth(stack);
  return reported(stack);
}

/** Rule IDs reported at a level, sorted, for compact assertions. */
export function ids(found: readonly Reported[], level?: Reported["level"]): string[] {
  return found.filter((f) => !level || f.level === level).map((f) => f.ruleId).sort();
}
