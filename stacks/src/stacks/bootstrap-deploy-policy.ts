/**
 * What one environment's deploy role may do: exactly what `cdktf deploy` of that environment's
 * stacks, the image push and the deploy verification call, on the names those stacks use.
 *
 * Names come from the stacks (packages/config/src/names.ts and the constructs): the cluster and
 * ALB are `<project>-<env>`, target groups `<project>-<env>-<service>`, repositories
 * `<project>/<env>/<service>`, log groups `/ecs/<project>/<env>/…` and `/vpc/<env>/…`, and IAM
 * roles, task families, alarms and schedules `<env>-…`. A role for `dev` therefore cannot touch
 * `prod`'s resources even when both environments share an account. EC2 networking has no names
 * in its ARNs, so it is scoped to the environment's region and account.
 */

export interface DeployPolicyProps {
  readonly partition: string;
  readonly accountId: string;
  readonly region: string;
  readonly project: string;
  readonly environment: string;
  readonly stateBucket: string;
  /** Grant managing the environment's AWS Chatbot Slack channel. @default false */
  readonly slack?: boolean;
}

export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: "Allow" | "Deny";
  readonly Action: readonly string[];
  readonly Resource: string | readonly string[];
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | boolean | readonly string[]>>>>;
}

export interface PolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: readonly PolicyStatement[];
}

/** The services a deploy role may pass its workload roles to (ecs.amazonaws.com: the infrastructure role of a traffic-shifting deploy). */
export const PASS_ROLE_SERVICES = ["ecs-tasks.amazonaws.com", "ecs.amazonaws.com", "scheduler.amazonaws.com", "events.amazonaws.com", "vpc-flow-logs.amazonaws.com"];
/** Service-linked roles ECS, the ALB and autoscaling create on first use in an account. */
export const SERVICE_LINKED_ROLES = ["ecs.amazonaws.com", "elasticloadbalancing.amazonaws.com", "ecs.application-autoscaling.amazonaws.com"];

const doc = (...statements: PolicyStatement[]): PolicyDocument => ({ Version: "2012-10-17", Statement: statements });

/**
 * The deploy role's policies by name. Kept as several documents so each reads as one concern;
 * IAM caps a role's inline policies at 10,240 characters in total, which the tests check.
 */
export function deployPolicies(p: DeployPolicyProps): Record<string, PolicyDocument> {
  const arn = (service: string, resource: string, region = p.region, account = p.accountId) => `arn:${p.partition}:${service}:${region}:${account}:${resource}`;
  const env = p.environment;
  const scoped = `${p.project}-${env}`;
  const cluster = arn("ecs", `cluster/${scoped}`);

  return {
    "terraform-state": doc(
      { Sid: "ListStateBucket", Effect: "Allow", Action: ["s3:ListBucket"], Resource: `arn:${p.partition}:s3:::${p.stateBucket}` },
      // State keys are `<env>/<stack>.tfstate`, lock files `<env>/<stack>.tfstate.tflock`.
      { Sid: "ReadWriteOwnState", Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], Resource: `arn:${p.partition}:s3:::${p.stateBucket}/${env}/*` },
    ),
    network: doc(
      { Sid: "ReadNetwork", Effect: "Allow", Action: ["ec2:Describe*"], Resource: "*" },
      {
        Sid: "ManageNetwork",
        Effect: "Allow",
        Action: [
          "ec2:CreateVpc", "ec2:DeleteVpc", "ec2:ModifyVpcAttribute",
          "ec2:CreateSubnet", "ec2:DeleteSubnet", "ec2:ModifySubnetAttribute",
          "ec2:CreateInternetGateway", "ec2:DeleteInternetGateway", "ec2:AttachInternetGateway", "ec2:DetachInternetGateway",
          "ec2:AllocateAddress", "ec2:ReleaseAddress", "ec2:AssociateAddress", "ec2:DisassociateAddress",
          "ec2:CreateNatGateway", "ec2:DeleteNatGateway",
          "ec2:CreateRouteTable", "ec2:DeleteRouteTable", "ec2:AssociateRouteTable", "ec2:DisassociateRouteTable",
          "ec2:ReplaceRouteTableAssociation", "ec2:CreateRoute", "ec2:DeleteRoute", "ec2:ReplaceRoute",
          "ec2:CreateSecurityGroup", "ec2:DeleteSecurityGroup", "ec2:ModifySecurityGroupRules",
          "ec2:AuthorizeSecurityGroupIngress", "ec2:AuthorizeSecurityGroupEgress", "ec2:RevokeSecurityGroupIngress", "ec2:RevokeSecurityGroupEgress",
          "ec2:UpdateSecurityGroupRuleDescriptions*",
          "ec2:CreateVpcEndpoint", "ec2:DeleteVpcEndpoints", "ec2:ModifyVpcEndpoint",
          "ec2:CreateFlowLogs", "ec2:DeleteFlowLogs", "ec2:CreateTags", "ec2:DeleteTags",
        ],
        // Any owner: interface endpoints and prefix lists are owned by AWS, not by this account.
        Resource: arn("ec2", "*", p.region, "*"),
      },
    ),
    workloads: doc(
      {
        Sid: "ManageClusterAndServices",
        Effect: "Allow",
        Action: [
          "ecs:CreateCluster", "ecs:DeleteCluster", "ecs:UpdateCluster", "ecs:UpdateClusterSettings", "ecs:PutClusterCapacityProviders",
          "ecs:DescribeClusters", "ecs:CreateService", "ecs:UpdateService", "ecs:DeleteService", "ecs:DescribeServices",
          "ecs:DescribeTasks", "ecs:TagResource", "ecs:UntagResource", "ecs:ListTagsForResource",
          // Terraform's wait for a deploy and the pipeline's verification read the service deployment;
          // the verification stops one (rolling it back) when the smoke test through the test rule fails.
          "ecs:ListServiceDeployments", "ecs:DescribeServiceDeployments", "ecs:StopServiceDeployment",
        ],
        Resource: [cluster, arn("ecs", `service/${scoped}/*`), arn("ecs", `service-deployment/${scoped}/*`), arn("ecs", `task/${scoped}/*`), arn("ecs", `task-definition/${env}-*:*`)],
      },
      { Sid: "TaskDefinitions", Effect: "Allow", Action: ["ecs:RegisterTaskDefinition", "ecs:DeregisterTaskDefinition", "ecs:DescribeTaskDefinition"], Resource: "*" },
      {
        Sid: "ManageLoadBalancing",
        Effect: "Allow",
        Action: [
          "elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:DeleteLoadBalancer", "elasticloadbalancing:ModifyLoadBalancerAttributes",
          "elasticloadbalancing:SetSecurityGroups", "elasticloadbalancing:SetSubnets", "elasticloadbalancing:SetIpAddressType",
          "elasticloadbalancing:CreateListener", "elasticloadbalancing:DeleteListener", "elasticloadbalancing:ModifyListener*",
          "elasticloadbalancing:*ListenerCertificates",
          "elasticloadbalancing:CreateRule", "elasticloadbalancing:DeleteRule", "elasticloadbalancing:ModifyRule", "elasticloadbalancing:SetRulePriorities",
          "elasticloadbalancing:CreateTargetGroup", "elasticloadbalancing:DeleteTargetGroup", "elasticloadbalancing:ModifyTargetGroup*",
          "elasticloadbalancing:AddTags", "elasticloadbalancing:RemoveTags",
        ],
        Resource: [
          arn("elasticloadbalancing", `loadbalancer/app/${scoped}/*`),
          arn("elasticloadbalancing", `listener/app/${scoped}/*`),
          arn("elasticloadbalancing", `listener-rule/app/${scoped}/*`),
          arn("elasticloadbalancing", `targetgroup/${scoped}-*/*`),
        ],
      },
      { Sid: "ReadLoadBalancingAndScaling", Effect: "Allow", Action: ["elasticloadbalancing:Describe*", "application-autoscaling:Describe*"], Resource: "*" },
      {
        Sid: "ManageScaling",
        Effect: "Allow",
        Action: [
          "application-autoscaling:RegisterScalableTarget", "application-autoscaling:DeregisterScalableTarget",
          "application-autoscaling:PutScalingPolicy", "application-autoscaling:DeleteScalingPolicy",
          "application-autoscaling:PutScheduledAction", "application-autoscaling:DeleteScheduledAction",
          "application-autoscaling:TagResource", "application-autoscaling:UntagResource", "application-autoscaling:ListTagsForResource",
        ],
        Resource: arn("application-autoscaling", "scalable-target/*"),
      },
      {
        Sid: "ManageAlarms",
        Effect: "Allow",
        Action: ["cloudwatch:PutMetricAlarm", "cloudwatch:DeleteAlarms", "cloudwatch:DescribeAlarms", "cloudwatch:TagResource", "cloudwatch:UntagResource", "cloudwatch:ListTagsForResource", "cloudwatch:*Dashboard*"],
        // Our alarms, the ones target tracking creates in the caller's name, and the environment's dashboard.
        Resource: [arn("cloudwatch", `alarm:${env}-*`), arn("cloudwatch", `alarm:TargetTracking-service/${scoped}/*`), arn("cloudwatch", `dashboard/${scoped}`, "")],
      },
      {
        // Schedules, and the rules that send a scheduled task's failed runs to its log group (FailedRuns).
        Sid: "ManageSchedules",
        Effect: "Allow",
        Action: ["scheduler:CreateSchedule", "scheduler:UpdateSchedule", "scheduler:DeleteSchedule", "scheduler:GetSchedule", "scheduler:*TagResource", "scheduler:ListTagsForResource", "events:*Rule*", "events:*Targets", "events:*TagResource", "events:ListTagsForResource"],
        Resource: [arn("scheduler", `schedule/default/${env}-*`), arn("events", `rule/${env}-*`)],
      },
      { Sid: "ReadCertificates", Effect: "Allow", Action: ["acm:DescribeCertificate", "acm:ListTagsForCertificate"], Resource: arn("acm", "certificate/*") },
    ),
    "images-and-logs": doc(
      { Sid: "RegistryLogin", Effect: "Allow", Action: ["ecr:GetAuthorizationToken"], Resource: "*" },
      {
        Sid: "ManageRepositoriesAndImages",
        Effect: "Allow",
        Action: [
          "ecr:CreateRepository", "ecr:DeleteRepository", "ecr:DescribeRepositories", "ecr:PutImageTagMutability", "ecr:PutImageScanningConfiguration",
          "ecr:PutLifecyclePolicy", "ecr:GetLifecyclePolicy", "ecr:DeleteLifecyclePolicy", "ecr:GetRepositoryPolicy",
          "ecr:TagResource", "ecr:UntagResource", "ecr:ListTagsForResource",
          "ecr:BatchCheckLayerAvailability", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "ecr:PutImage",
          "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:DescribeImages", "ecr:ListImages", "ecr:BatchDeleteImage",
        ],
        Resource: arn("ecr", `repository/${p.project}/${env}/*`),
      },
      { Sid: "ReadLogGroups", Effect: "Allow", Action: ["logs:DescribeLogGroups"], Resource: "*" },
      {
        Sid: "ManageLogGroups",
        Effect: "Allow",
        Action: [
          "logs:CreateLogGroup", "logs:DeleteLogGroup", "logs:PutRetentionPolicy", "logs:DeleteRetentionPolicy",
          "logs:TagResource", "logs:UntagResource", "logs:ListTagsForResource", "logs:TagLogGroup", "logs:UntagLogGroup", "logs:ListTagsLogGroup",
          "logs:PutMetricFilter", "logs:DeleteMetricFilter", "logs:DescribeMetricFilters",
        ],
        // /aws/events/: the failed-run events of scheduled tasks (EventBridge writes only under that path).
        Resource: [arn("logs", `log-group:/ecs/${p.project}/${env}/*`), arn("logs", `log-group:/vpc/${env}/*`), arn("logs", `log-group:/aws/events/${env}-*`)],
      },
      {
        Sid: "ManageAccessLogBucket",
        Effect: "Allow",
        Action: [
          "s3:CreateBucket", "s3:DeleteBucket", "s3:ListBucket", "s3:ListBucketVersions", "s3:GetBucket*", "s3:PutBucket*", "s3:DeleteBucketPolicy",
          "s3:GetEncryptionConfiguration", "s3:PutEncryptionConfiguration", "s3:GetLifecycleConfiguration", "s3:PutLifecycleConfiguration",
          "s3:GetAccelerateConfiguration", "s3:GetReplicationConfiguration",
        ],
        Resource: `arn:${p.partition}:s3:::${scoped}-alb-logs-*`,
      },
    ),
    // The alarm topic and its key (cluster stack), each by its own name; the dashboard is under ManageAlarms.
    operations: doc(
      {
        Sid: "AlarmTopic",
        Effect: "Allow",
        Action: ["sns:CreateTopic", "sns:DeleteTopic", "sns:*TopicAttributes", "sns:*ubscri*", "sns:*Resource"],
        // The topic and its subscriptions (`<topic arn>:<id>`).
        Resource: arn("sns", `${scoped}-alarms*`),
      },
      {
        Sid: "OwnKeys",
        Effect: "Allow",
        Action: ["kms:DescribeKey", "kms:*KeyPolicy", "kms:*KeyRotation*", "kms:*Resource*", "kms:UpdateKeyDescription", "kms:ScheduleKeyDeletion", "kms:*Alias"],
        Resource: arn("kms", "key/*"),
        Condition: { StringEquals: { "aws:ResourceTag/Environment": env } },
      },
      { Sid: "KeyAlias", Effect: "Allow", Action: ["kms:*Alias"], Resource: arn("kms", `alias/${scoped}-alarms`) },
      ...(p.slack
        ? [
            { Sid: "SlackChannel", Effect: "Allow", Action: ["chatbot:*SlackChannelConfiguration", "chatbot:*Resource"], Resource: arn("chatbot", `chat-configuration/slack-channel/${scoped}-alarms`, "") },
            { Sid: "ReadSlackChannels", Effect: "Allow", Action: ["chatbot:DescribeSlackChannelConfigurations"], Resource: "*" },
            { Sid: "PassChatbotRole", Effect: "Allow", Action: ["iam:PassRole"], Resource: `arn:${p.partition}:iam::${p.accountId}:role/${env}-alarms-chatbot`, Condition: { StringEquals: { "iam:PassedToService": "chatbot.amazonaws.com" } } },
          ] satisfies PolicyStatement[]
        : []),
    ),
    "workload-roles": doc(
      {
        Sid: "ManageWorkloadRoles",
        Effect: "Allow",
        Action: [
          "iam:CreateRole", "iam:DeleteRole", "iam:GetRole", "iam:UpdateRole", "iam:UpdateRoleDescription", "iam:UpdateAssumeRolePolicy",
          "iam:TagRole", "iam:UntagRole", "iam:ListRoleTags", "iam:PutRolePolicy", "iam:GetRolePolicy", "iam:DeleteRolePolicy",
          "iam:ListRolePolicies", "iam:ListAttachedRolePolicies", "iam:ListInstanceProfilesForRole",
        ],
        Resource: `arn:${p.partition}:iam::${p.accountId}:role/${env}-*`,
      },
      {
        Sid: "AttachOwnOrServicePolicies",
        Effect: "Allow",
        Action: ["iam:AttachRolePolicy", "iam:DetachRolePolicy"],
        Resource: `arn:${p.partition}:iam::${p.accountId}:role/${env}-*`,
        // Never AdministratorAccess and friends: only this environment's own or AWS service-role policies.
        Condition: { ArnLike: { "iam:PolicyARN": [`arn:${p.partition}:iam::${p.accountId}:policy/${env}-*`, `arn:${p.partition}:iam::aws:policy/service-role/*`] } },
      },
      {
        Sid: "PassWorkloadRoles",
        Effect: "Allow",
        Action: ["iam:PassRole"],
        Resource: `arn:${p.partition}:iam::${p.accountId}:role/${env}-*`,
        Condition: { StringEquals: { "iam:PassedToService": PASS_ROLE_SERVICES } },
      },
      {
        Sid: "ReadManagedPolicies",
        Effect: "Allow",
        Action: ["iam:GetPolicy", "iam:GetPolicyVersion"],
        Resource: [`arn:${p.partition}:iam::aws:policy/*`, `arn:${p.partition}:iam::${p.accountId}:policy/${env}-*`],
      },
      {
        Sid: "CreateServiceLinkedRoles",
        Effect: "Allow",
        Action: ["iam:CreateServiceLinkedRole"],
        Resource: `arn:${p.partition}:iam::${p.accountId}:role/aws-service-role/*`,
        Condition: { StringEquals: { "iam:AWSServiceName": SERVICE_LINKED_ROLES } },
      },
    ),
  };
}

/**
 * Lookups IAM only grants on `"Resource": "*"`, kept apart so the exception is visible: listing a
 * cluster's tasks (deploy verification; narrowed by the `ecs:cluster` condition) and listing
 * certificates (the ALB's certificate lookup by domain), saved Logs Insights queries, the account's log
 * resource policies, key aliases and
 * Chatbot channel configurations.
 */
export function deployLookupPolicy(p: DeployPolicyProps): PolicyDocument {
  return doc(
    {
      Sid: "ListOwnClusterTasks",
      Effect: "Allow",
      Action: ["ecs:ListTasks"],
      Resource: "*",
      Condition: { ArnEquals: { "ecs:cluster": `arn:${p.partition}:ecs:${p.region}:${p.accountId}:cluster/${p.project}-${p.environment}` } },
    },
    { Sid: "ListCertificates", Effect: "Allow", Action: ["acm:ListCertificates"], Resource: "*" },
    // Saved Logs Insights queries, account-level log resource policies (each scheduled task's failed-run
    // log group has one, admitting only its rule) and these reads have no resource type to scope to.
    {
      Sid: "QueriesAndAliases",
      Effect: "Allow",
      Action: ["logs:*QueryDefinition*", "logs:*ResourcePolic*", "kms:ListAliases"],
      Resource: "*",
    },
    // A new key has no ARN yet: it must carry the environment's tag, and only keys with that tag are managed.
    { Sid: "CreateTaggedKey", Effect: "Allow", Action: ["kms:CreateKey"], Resource: "*", Condition: { StringEquals: { "aws:RequestTag/Environment": p.environment } } },
  );
}
