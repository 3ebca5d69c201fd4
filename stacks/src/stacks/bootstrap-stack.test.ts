import { applyPolicies, type PolicyFinding } from "@bun-fargate/constructs";
import { defaultConfig, loadConfig, type PlatformConfig } from "@bun-fargate/config";
import { buildApp } from "../app";
import { Testing } from "cdktf";
import { AWS_PROFILE, resources, synth, type SynthesizedStack } from "../testing";
import { deployLookupPolicy, deployPolicies, type PolicyDocument } from "./bootstrap-deploy-policy";
import { deployDomainPolicy, deployDomainStatements } from "./bootstrap-domain-policy";
import { DEPLOY_QUEUE_ACTIONS, deployQueuePolicy } from "./bootstrap-queue-policy";
import { BOOTSTRAP_DEFAULTS, BootstrapStack, bootstrapPropsFor, deployDomainOf, deployRoleName, type BootstrapStackProps } from "./bootstrap-stack";

const PROPS: BootstrapStackProps = {
  region: "us-east-1",
  accountId: "111111111111",
  project: "bunfg",
  githubOwner: "acme",
  githubRepo: "platform",
  environments: [{ name: "dev" }, { name: "staging" }],
  stateBucketName: "acme-bunfg-tfstate",
};

function build(overrides: Partial<BootstrapStackProps> = {}): { stack: BootstrapStack; json: SynthesizedStack } {
  const stack = new BootstrapStack(Testing.app(), "bootstrap", { ...PROPS, ...overrides });
  return { stack, json: synth(stack) };
}

const one = (json: SynthesizedStack, type: string) => {
  const all = resources(json, type);
  expect(all).toHaveLength(1);
  return all[0]!;
};

/** The trust policy of a role by its name, parsed. */
function trustOf(json: SynthesizedStack, roleName: string): { Statement: { Principal: { Federated: string }; Condition: { StringEquals: Record<string, string> } }[] } {
  const role = resources(json, "aws_iam_role").find((r) => r.name === roleName);
  expect(role).toBeDefined();
  return JSON.parse(role!.assume_role_policy as string);
}

/** Every inline policy of a role, keyed by policy name. */
function policiesOf(json: SynthesizedStack, env: string): Record<string, PolicyDocument> {
  const entries = resources(json, "aws_iam_role_policy")
    .filter((p) => String(p.role).includes(`DeployRole${env[0]!.toUpperCase()}${env.slice(1)}`))
    .map((p) => [p.name as string, JSON.parse(p.policy as string) as PolicyDocument] as const);
  return Object.fromEntries(entries);
}

const resourcesOfDocs = (docs: Record<string, PolicyDocument>): string[] =>
  Object.values(docs).flatMap((d) => d.Statement.flatMap((s) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource as string])));

describe("BootstrapStack", () => {
  test("defaults: a versioned, encrypted, private, TLS-only state bucket that survives destroy", () => {
    const { json } = build();
    const bucket = one(json, "aws_s3_bucket");
    expect(bucket).toMatchObject({ bucket: "acme-bunfg-tfstate", lifecycle: { prevent_destroy: true } });
    expect(one(json, "aws_s3_bucket_versioning")).toMatchObject({ versioning_configuration: { status: "Enabled" } });
    expect(one(json, "aws_s3_bucket_server_side_encryption_configuration")).toMatchObject({ rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } }] });
    expect(one(json, "aws_s3_bucket_public_access_block")).toMatchObject({ block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true });
    expect(one(json, "aws_s3_bucket_ownership_controls")).toMatchObject({ rule: { object_ownership: "BucketOwnerEnforced" } });
    expect(one(json, "aws_s3_bucket_lifecycle_configuration")).toMatchObject({ rule: [{ noncurrent_version_expiration: [{ noncurrent_days: 90 }], status: "Enabled" }] });
    const policy = JSON.parse(one(json, "aws_s3_bucket_policy").policy as string);
    expect(policy.Statement).toEqual([
      expect.objectContaining({ Effect: "Deny", Action: "s3:*", Condition: { Bool: { "aws:SecureTransport": "false" } }, Resource: [expect.stringContaining("aws_s3_bucket.StateBucket.arn"), expect.stringMatching(/StateBucket\.arn\}\/\*$/)] }),
    ]);
  });

  test("defaults: GitHub's OIDC provider for the STS audience, and one role per environment trusting only its GitHub Environment", () => {
    const { json } = build();
    expect(one(json, "aws_iam_openid_connect_provider")).toMatchObject({ url: "https://token.actions.githubusercontent.com", client_id_list: ["sts.amazonaws.com"] });
    expect(resources(json, "aws_iam_role").map((r) => r.name)).toEqual(["bunfg-github-deploy-dev", "bunfg-github-deploy-staging"]);
    const trust = trustOf(json, "bunfg-github-deploy-staging").Statement;
    expect(trust).toHaveLength(1);
    expect(trust[0]).toMatchObject({
      Effect: "Allow",
      Action: "sts:AssumeRoleWithWebIdentity",
      Principal: { Federated: "${aws_iam_openid_connect_provider.GithubOidc.arn}" },
      Condition: { StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com", "token.actions.githubusercontent.com:sub": "repo:acme/platform:environment:staging" } },
    });
    expect(JSON.stringify(trust)).not.toMatch(/StringLike|\*/);
    expect(resources(json, "aws_iam_role").map((r) => r.max_session_duration)).toEqual([3600, 3600]);
  });

  test("defaults: the provider refuses other accounts, state is a per-account file outside cdktf.out, and outputs say what to set up on GitHub", () => {
    const { json } = build();
    expect(json.terraform.backend).toEqual({ local: { path: "../../../terraform.bootstrap-111111111111.tfstate" } });
    expect(json.provider.aws[0]).toMatchObject({ region: "us-east-1", allowed_account_ids: ["111111111111"] });
    expect(json.output?.GithubSetup?.value).toEqual({
      dev: { roleArn: "${aws_iam_role.DeployRoleDev.arn}", githubEnvironment: "dev", branch: "main" },
      staging: { roleArn: "${aws_iam_role.DeployRoleStaging.arn}", githubEnvironment: "staging", branch: "main" },
    });
  });

  test("deploy policies: each environment's role names only its own resources and state", () => {
    const { json } = build();
    const dev = resourcesOfDocs(policiesOf(json, "dev"));
    expect(dev).toEqual(expect.arrayContaining([
      "arn:aws:s3:::acme-bunfg-tfstate/dev/*",
      "arn:aws:ecs:us-east-1:111111111111:cluster/bunfg-dev",
      "arn:aws:ecr:us-east-1:111111111111:repository/bunfg/dev/*",
      "arn:aws:iam::111111111111:role/dev-*",
      "arn:aws:elasticloadbalancing:us-east-1:111111111111:targetgroup/bunfg-dev-*/*",
    ]));
    expect(dev.filter((r) => r.includes("staging"))).toEqual([]);
    // What the constructs create beyond the basics: wake/sleep scheduled scaling, log error metrics.
    const actions = Object.values(policiesOf(json, "dev")).flatMap((d) => d.Statement.flatMap((s) => s.Action));
    expect(actions).toEqual(expect.arrayContaining(["application-autoscaling:PutScheduledAction", "logs:PutMetricFilter", "scheduler:CreateSchedule", "ecs:UpdateService"]));
    expect(resourcesOfDocs(policiesOf(json, "staging"))).toContain("arn:aws:s3:::acme-bunfg-tfstate/staging/*");
  });

  test("deploy policies: roles can be passed only to the services that run workloads, and only own or service-role policies attached", () => {
    const docs = policiesOf(build().json, "dev");
    const statements = Object.values(docs).flatMap((d) => d.Statement);
    const pass = statements.find((s) => s.Action.includes("iam:PassRole"));
    expect(pass).toMatchObject({ Resource: "arn:aws:iam::111111111111:role/dev-*", Condition: { StringEquals: { "iam:PassedToService": expect.arrayContaining(["ecs-tasks.amazonaws.com", "events.amazonaws.com"]) } } });
    const attach = statements.find((s) => s.Action.includes("iam:AttachRolePolicy"));
    expect(attach?.Condition?.ArnLike?.["iam:PolicyARN"]).toEqual(["arn:aws:iam::111111111111:policy/dev-*", "arn:aws:iam::aws:policy/service-role/*"]);
    // The deploy role itself is outside what it may manage.
    expect(deployRoleName("bunfg", "dev").startsWith("dev-")).toBe(false);
    expect(statements.flatMap((s) => s.Action).filter((a) => a === "*" || a.endsWith(":*"))).toEqual([]);
  });

  test("deploy policies: a role of an environment with job queues may manage its own queues only, by name", () => {
    const { json } = build({ environments: [{ name: "dev", queues: true }, { name: "staging" }] });
    const managed = resources(json, "aws_iam_policy");
    expect(managed.map((p) => p.name)).toEqual(["bunfg-github-deploy-dev-job-queues"]);
    const attachment = resources(json, "aws_iam_role_policy_attachment");
    expect(attachment).toHaveLength(1);
    expect(String(attachment[0]!.role)).toContain("DeployRoleDev");
    expect(policiesOf(json, "dev")["job-queues"]).toBeUndefined();
    expect(JSON.parse(managed[0]!.policy as string)).toEqual({
      Version: "2012-10-17",
      Statement: [{ Sid: "JobQueues", Effect: "Allow", Action: [...DEPLOY_QUEUE_ACTIONS], Resource: "arn:aws:sqs:us-east-1:111111111111:dev-*" }],
    });
    expect(DEPLOY_QUEUE_ACTIONS.some((a) => /Message/.test(a))).toBe(false);
  });

  test("deploy policies: fit IAM's 10,240-character limit for a role's inline policies", () => {
    const { json } = build({ environments: [{ name: "dev", queues: true }, { name: "staging", queues: true }] });
    for (const env of ["dev", "staging"]) {
      const total = resources(json, "aws_iam_role_policy")
        .filter((p) => String(p.role).includes(env === "dev" ? "DeployRoleDev" : "DeployRoleStaging"))
        .reduce((n, p) => n + String(p.policy).replace(/\s/g, "").length, 0);
      expect(total).toBeGreaterThan(1000);
      expect(total).toBeLessThan(10240);
    }
  });

  test("deploy policies: pass the least-privilege policy check, with the one '*' exception suppressed and explained", () => {
    const stack = new BootstrapStack(Testing.app(), "bootstrap", PROPS);
    const findings: PolicyFinding[] = [];
    applyPolicies(stack, { environment: "bootstrap", tier: "prod", onFinding: (f) => findings.push(f) });
    Testing.synth(stack, true);
    expect(findings.filter((f) => f.level !== "suppressed").map((f) => f.message)).toEqual([]);
    // One finding per statement: ecs:ListTasks, acm:ListCertificates and the Logs query definitions, in each role.
    expect(findings.map((f) => `${f.ruleId} ${f.address}`)).toEqual([
      ...Array(3).fill("BF-IAM-001 aws_iam_role_policy.DeployPolicyDevLookups"),
      ...Array(3).fill("BF-IAM-001 aws_iam_role_policy.DeployPolicyStagingLookups"),
    ]);
  });

  test("region: the provider, the bucket and the environments' ARNs follow it; an environment may name its own", () => {
    const { json } = build({ region: "eu-west-1", environments: [{ name: "dev" }, { name: "staging", region: "eu-central-1" }] });
    expect(json.provider.aws[0]).toMatchObject({ region: "eu-west-1" });
    expect(resourcesOfDocs(policiesOf(json, "dev"))).toContain("arn:aws:ecs:eu-west-1:111111111111:cluster/bunfg-dev");
    expect(resourcesOfDocs(policiesOf(json, "staging"))).toContain("arn:aws:ecs:eu-central-1:111111111111:cluster/bunfg-staging");
  });

  test("accountId: the only account allowed, and the account of every ARN", () => {
    const { json } = build({ accountId: "999999999999" });
    expect(json.provider.aws[0]).toMatchObject({ allowed_account_ids: ["999999999999"] });
    expect(resourcesOfDocs(policiesOf(json, "dev")).filter((r) => r.includes("111111111111"))).toEqual([]);
  });

  test("project: names roles and the resource prefixes", () => {
    const { json } = build({ project: "shop" });
    expect(resources(json, "aws_iam_role").map((r) => r.name)).toContain("shop-github-deploy-dev");
    expect(resourcesOfDocs(policiesOf(json, "dev"))).toContain("arn:aws:ecr:us-east-1:111111111111:repository/shop/dev/*");
  });

  test("githubOwner and githubRepo: the repository in the token subject", () => {
    const { json } = build({ githubOwner: "Other-Org", githubRepo: "infra.v2" });
    expect(trustOf(json, "bunfg-github-deploy-dev").Statement[0]!.Condition.StringEquals["token.actions.githubusercontent.com:sub"]).toBe("repo:Other-Org/infra.v2:environment:dev");
  });

  test("environments: githubEnvironment names the Environment in the subject; branch is reported", () => {
    const { json } = build({ environments: [{ name: "prod", githubEnvironment: "production", branch: "release" }] });
    expect(trustOf(json, "bunfg-github-deploy-prod").Statement[0]!.Condition.StringEquals["token.actions.githubusercontent.com:sub"]).toBe("repo:acme/platform:environment:production");
    expect(json.output?.GithubSetup?.value).toEqual({ prod: { roleArn: "${aws_iam_role.DeployRoleProd.arn}", githubEnvironment: "production", branch: "release" } });
  });

  test("stateBucketName: the bucket, and the only state the roles can read", () => {
    const { json } = build({ stateBucketName: "other-state" });
    expect(one(json, "aws_s3_bucket")).toMatchObject({ bucket: "other-state" });
    expect(resourcesOfDocs(policiesOf(json, "dev"))).toEqual(expect.arrayContaining(["arn:aws:s3:::other-state", "arn:aws:s3:::other-state/dev/*"]));
  });

  test("existingOidcProviderArn: no provider is created and roles trust the given one", () => {
    const arn = "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com";
    const { json } = build({ existingOidcProviderArn: arn });
    expect(resources(json, "aws_iam_openid_connect_provider")).toEqual([]);
    expect(trustOf(json, "bunfg-github-deploy-dev").Statement[0]!.Principal.Federated).toBe(arn);
  });

  test("maxSessionDurationSeconds, stateVersionRetentionDays and partition", () => {
    const { json } = build({ maxSessionDurationSeconds: 7200, stateVersionRetentionDays: 30, partition: "aws-us-gov" });
    expect(resources(json, "aws_iam_role").map((r) => r.max_session_duration)).toEqual([7200, 7200]);
    expect(one(json, "aws_s3_bucket_lifecycle_configuration")).toMatchObject({ rule: [{ noncurrent_version_expiration: [{ noncurrent_days: 30 }] }] });
    expect(resourcesOfDocs(policiesOf(json, "dev")).every((r) => r === "*" || r.startsWith("arn:aws-us-gov:"))).toBe(true);
  });

  test("snapshot", () => {
    expect(Testing.synth(build().stack)).toMatchSnapshot();
  });

  describe("fails when", () => {
    const cases: [string, Partial<BootstrapStackProps>, string][] = [
      ["the account ID is not 12 digits", { accountId: "1234" }, 'accountId = "1234": must be a 12-digit AWS account ID'],
      ["the region is not a region", { region: "mars" }, 'region = "mars": must be an AWS region'],
      ["the owner holds a wildcard", { githubOwner: "*" }, 'githubOwner = "*": must be a GitHub user or organization name'],
      ["the repository holds a wildcard", { githubRepo: "plat*" }, 'githubRepo = "plat*": must be a GitHub repository name'],
      ["the bucket name is not an S3 name", { stateBucketName: "Bad_Bucket" }, 'stateBucketName = "Bad_Bucket": must be an S3 bucket name'],
      ["the session is too short", { maxSessionDurationSeconds: 900 }, "maxSessionDurationSeconds = 900: must be a whole number from 3600 to 43200"],
      ["state versions are kept for no days", { stateVersionRetentionDays: 0 }, "stateVersionRetentionDays = 0: must be a whole number from 1 to 3650"],
      ["no environment is given", { environments: [] }, "environments = []: must name at least one environment"],
      ["an environment name is invalid", { environments: [{ name: "Dev" }] }, 'environments.name = "Dev": must be 1-16 lower-case letters'],
      ["an environment is listed twice", { environments: [{ name: "dev" }, { name: "dev" }] }, 'environments.name = "dev": is listed twice'],
      ["one environment's names would include another's", { environments: [{ name: "dev" }, { name: "dev-eu" }] }, 'environments.name = "dev": is a prefix of "dev-eu"'],
      ["an environment's region is invalid", { environments: [{ name: "dev", region: "east" }] }, 'environments[dev].region = "east": must be an AWS region'],
      ["a GitHub Environment holds a wildcard", { environments: [{ name: "dev", githubEnvironment: "d*" }] }, 'environments[dev].githubEnvironment = "d*": must be a GitHub Environment name without wildcards'],
    ];
    test.each(cases)("%s", (_what, overrides, message) => {
      expect(() => build(overrides)).toThrow(message);
    });
  });
});

describe("bootstrapPropsFor", () => {
  const withBuckets = (only: string[], buckets: Record<string, string | undefined>) =>
    loadConfig(undefined, { only }).environments.map((e) => ({ ...e, stateBucket: buckets[e.name] }));

  test("defaults: one account's environments from the config, this repository's defaults", () => {
    const props = bootstrapPropsFor(withBuckets(["prod"], { prod: "bun-fargate-prod-tfstate" }));
    expect(props).toEqual({
      region: "us-east-1",
      accountId: "333333333333",
      project: "bunfg",
      githubOwner: BOOTSTRAP_DEFAULTS.repository.split("/")[0],
      githubRepo: BOOTSTRAP_DEFAULTS.repository.split("/")[1],
      stateBucketName: "bun-fargate-prod-tfstate",
      environments: [{ name: "prod", region: "us-east-1", branch: "main", slack: false, domain: { domainName: "api.example.com", hostedZoneId: undefined, createsCertificate: true }, queues: true }],
    });
    expect(() => new BootstrapStack(Testing.app(), "bootstrap", props)).not.toThrow();
  });

  test("repository and branch", () => {
    const props = bootstrapPropsFor(withBuckets(["prod"], { prod: "b-prod" }), { repository: "acme/platform", branch: "trunk" });
    expect(props).toMatchObject({ githubOwner: "acme", githubRepo: "platform", environments: [{ branch: "trunk" }] });
  });

  test("fails when the environments are in several accounts", () => {
    expect(() => bootstrapPropsFor(withBuckets(["dev", "prod"], { dev: "b", prod: "b" }))).toThrow(
      "bootstrap: environments are in 2 accounts (dev: 111111111111, prod: 333333333333); apply the bootstrap once per account, e.g. BF_ENVIRONMENTS=dev",
    );
  });

  test("fails when an environment has no state bucket", () => {
    expect(() => bootstrapPropsFor(withBuckets(["dev"], {}))).toThrow('bootstrap: stateBucket = dev: null: the environments of one account need one stateBucket');
  });

  test("fails when the repository is not owner/repo, or nothing is selected", () => {
    expect(() => bootstrapPropsFor(withBuckets(["prod"], { prod: "b-prod" }), { repository: "platform" })).toThrow('repository = "platform": must be "owner/repo"');
    expect(() => bootstrapPropsFor([])).toThrow("no environment selected");
  });
});

// A Terraform type the stacks start to use needs its actions in the deploy role, or the first real
// deploy fails half-way. Each type the environment stacks synthesize must be listed here with the
// actions that create it, and those must be granted.
const ACTIONS_BY_TYPE: Record<string, string[]> = {
  aws_vpc: ["ec2:CreateVpc", "ec2:ModifyVpcAttribute"],
  aws_subnet: ["ec2:CreateSubnet"],
  aws_internet_gateway: ["ec2:CreateInternetGateway", "ec2:AttachInternetGateway"],
  aws_route_table: ["ec2:CreateRouteTable"],
  aws_route: ["ec2:CreateRoute"],
  aws_route_table_association: ["ec2:AssociateRouteTable"],
  aws_eip: ["ec2:AllocateAddress"],
  aws_nat_gateway: ["ec2:CreateNatGateway"],
  aws_default_security_group: ["ec2:RevokeSecurityGroupIngress", "ec2:RevokeSecurityGroupEgress"],
  aws_security_group: ["ec2:CreateSecurityGroup"],
  aws_security_group_rule: ["ec2:AuthorizeSecurityGroupIngress"],
  aws_vpc_security_group_ingress_rule: ["ec2:AuthorizeSecurityGroupIngress"],
  aws_vpc_security_group_egress_rule: ["ec2:AuthorizeSecurityGroupEgress"],
  aws_vpc_endpoint: ["ec2:CreateVpcEndpoint"],
  aws_flow_log: ["ec2:CreateFlowLogs", "iam:PassRole"],
  aws_cloudwatch_log_group: ["logs:CreateLogGroup", "logs:PutRetentionPolicy"],
  aws_cloudwatch_log_metric_filter: ["logs:PutMetricFilter"],
  aws_cloudwatch_log_resource_policy: ["logs:PutResourcePolicy", "logs:DescribeResourcePolicies"],
  aws_cloudwatch_event_rule: ["events:PutRule", "events:DescribeRule"],
  aws_cloudwatch_event_target: ["events:PutTargets", "events:ListTargetsByRule"],
  aws_cloudwatch_metric_alarm: ["cloudwatch:PutMetricAlarm"],
  aws_iam_role: ["iam:CreateRole"],
  aws_iam_role_policy: ["iam:PutRolePolicy"],
  aws_ecs_cluster: ["ecs:CreateCluster"],
  aws_ecs_cluster_capacity_providers: ["ecs:PutClusterCapacityProviders"],
  aws_ecs_task_definition: ["ecs:RegisterTaskDefinition", "iam:PassRole"],
  aws_ecs_service: ["ecs:CreateService", "ecs:UpdateService"],
  aws_appautoscaling_target: ["application-autoscaling:RegisterScalableTarget"],
  aws_appautoscaling_policy: ["application-autoscaling:PutScalingPolicy"],
  aws_appautoscaling_scheduled_action: ["application-autoscaling:PutScheduledAction"],
  aws_scheduler_schedule: ["scheduler:CreateSchedule", "iam:PassRole"],
  aws_ecr_repository: ["ecr:CreateRepository"],
  aws_ecr_lifecycle_policy: ["ecr:PutLifecyclePolicy"],
  aws_lb: ["elasticloadbalancing:CreateLoadBalancer"],
  aws_lb_listener: ["elasticloadbalancing:CreateListener"],
  aws_lb_listener_rule: ["elasticloadbalancing:CreateRule"],
  aws_lb_target_group: ["elasticloadbalancing:CreateTargetGroup"],
  aws_s3_bucket: ["s3:CreateBucket"],
  aws_s3_bucket_policy: ["s3:PutBucketPolicy"],
  aws_s3_bucket_public_access_block: ["s3:PutBucketPublicAccessBlock"],
  aws_s3_bucket_ownership_controls: ["s3:PutBucketOwnershipControls"],
  aws_s3_bucket_versioning: ["s3:PutBucketVersioning"],
  aws_s3_bucket_server_side_encryption_configuration: ["s3:PutEncryptionConfiguration"],
  aws_s3_bucket_lifecycle_configuration: ["s3:PutLifecycleConfiguration"],
  "data.aws_availability_zones": ["ec2:DescribeAvailabilityZones"],
  "data.aws_acm_certificate": ["acm:ListCertificates", "acm:DescribeCertificate"],
  "data.aws_route53_zone": ["route53:ListHostedZones", "route53:GetHostedZone", "route53:ListTagsForResource"],
  aws_route53_record: ["route53:ChangeResourceRecordSets", "route53:GetChange", "route53:ListResourceRecordSets"],
  aws_acm_certificate: ["acm:RequestCertificate", "acm:AddTagsToCertificate", "acm:DescribeCertificate", "acm:ListTagsForCertificate", "acm:DeleteCertificate"],
  aws_acm_certificate_validation: ["acm:DescribeCertificate"],
  "data.aws_region": [],
  "data.aws_iam_policy_document": [],
  "data.terraform_remote_state": ["s3:GetObject"],
  "data.aws_caller_identity": [],
  "data.aws_partition": [],
  aws_kms_key: ["kms:CreateKey", "kms:PutKeyPolicy", "kms:EnableKeyRotation", "kms:DescribeKey", "kms:ScheduleKeyDeletion"],
  aws_kms_alias: ["kms:CreateAlias", "kms:ListAliases"],
  aws_sns_topic: ["sns:CreateTopic", "sns:SetTopicAttributes", "sns:GetTopicAttributes"],
  aws_sns_topic_policy: ["sns:SetTopicAttributes"],
  aws_sns_topic_subscription: ["sns:Subscribe", "sns:GetSubscriptionAttributes", "sns:Unsubscribe"],
  aws_chatbot_slack_channel_configuration: ["chatbot:CreateSlackChannelConfiguration", "chatbot:DescribeSlackChannelConfigurations", "iam:PassRole"],
  aws_cloudwatch_dashboard: ["cloudwatch:PutDashboard", "cloudwatch:GetDashboard"],
  aws_cloudwatch_query_definition: ["logs:PutQueryDefinition", "logs:DescribeQueryDefinitions"],
  aws_sqs_queue: ["sqs:CreateQueue", "sqs:GetQueueAttributes", "sqs:SetQueueAttributes", "sqs:ListQueueTags", "sqs:DeleteQueue"],
  aws_sqs_queue_redrive_policy: ["sqs:SetQueueAttributes", "sqs:GetQueueAttributes"],
  aws_sqs_queue_redrive_allow_policy: ["sqs:SetQueueAttributes", "sqs:GetQueueAttributes"],
};

/** IAM's matching: `*` stands for any characters, anywhere in the action. */
const granted = (actions: readonly string[], action: string) =>
  actions.some((a) => new RegExp(`^${a.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`).test(action));

describe("deploy role covers what the environment stacks create", () => {
  // Every kind of service, and every environment's options (NAT, endpoints, flow logs, certificate, access logs).
  const config: PlatformConfig = {
    ...defaultConfig,
    // A Slack channel too, so the Chatbot configuration's actions are checked.
    environments: { ...defaultConfig.environments, staging: { ...defaultConfig.environments.staging!, notifications: { slack: { workspaceId: "T0123ABCD", channelId: "C0123ABCDE" } } } },
    services: [
      ...defaultConfig.services,
      { name: "mailer", kind: "worker", source: "services/mailer" },
      { name: "nightly-etl", kind: "scheduled", source: "services/etl", schedule: "cron(0 3 * * ? *)" },
    ],
  };
  const { environments } = buildApp({ profile: AWS_PROFILE, config });

  test.each(environments.map((e) => [e.environment.name, e] as const))("%s", (name, env) => {
    const props = { partition: "aws", accountId: "111111111111", region: env.environment.region, project: env.environment.project, environment: name, stateBucket: "b", slack: env.environment.notifications.slack !== undefined };
    const domain = deployDomainPolicy(props, deployDomainOf(env.environment));
    const queues = env.environment.services.some((s) => s.queue) ? [deployQueuePolicy(props)] : [];
    const actions = [...Object.values(deployPolicies(props)), deployLookupPolicy(props), ...(domain ? [domain] : []), ...queues].flatMap((d) => d.Statement.flatMap((s) => s.Action));
    const types = new Set<string>();
    for (const stack of [env.network, env.cluster, ...env.services, env.operations]) {
      const json = synth(stack);
      for (const type of Object.keys(json.resource ?? {})) types.add(type);
      for (const type of Object.keys(json.data ?? {})) types.add(`data.${type}`);
    }
    expect([...types]).toEqual(expect.arrayContaining(["aws_vpc", "aws_ecs_service", "aws_lb", "aws_scheduler_schedule", "aws_iam_role"]));
    expect([...types].filter((t) => !(t in ACTIONS_BY_TYPE))).toEqual([]);
    const missing = [...types].flatMap((t) => (ACTIONS_BY_TYPE[t] ?? []).filter((a) => !granted(actions, a)).map((a) => `${t}: ${a}`));
    expect(missing).toEqual([]);
  });
});

describe("deploy role: the domain (Route 53 and ACM)", () => {
  const props = { partition: "aws", accountId: "333333333333", region: "us-east-1", project: "bunfg", environment: "prod", stateBucket: "b" };
  const byZoneId = { domainName: "api.example.com", hostedZoneId: "Z0123456789ABCDEFGHIJ", createsCertificate: true };
  const sid = (statements: ReturnType<typeof deployDomainStatements>, id: string) => statements.find((s) => s.Sid === id);

  test("records only in the zone given by ID, only the domain and its validation names, only A, AAAA and CNAME", () => {
    const s = deployDomainStatements(props, byZoneId);
    expect(sid(s, "DomainRecords")).toEqual({
      Sid: "DomainRecords",
      Effect: "Allow",
      Action: ["route53:ChangeResourceRecordSets"],
      Resource: "arn:aws:route53:::hostedzone/Z0123456789ABCDEFGHIJ",
      Condition: {
        "ForAllValues:StringLike": { "route53:ChangeResourceRecordSetsNormalizedRecordNames": ["api.example.com", "_*.api.example.com"] },
        "ForAllValues:StringEquals": { "route53:ChangeResourceRecordSetsRecordTypes": ["A", "AAAA", "CNAME"] },
      },
    });
    expect(sid(s, "ReadDomainZone")?.Resource).toBe("arn:aws:route53:::hostedzone/Z0123456789ABCDEFGHIJ");
    // With the zone's ID, no listing of every zone.
    expect(sid(s, "FindZoneByName")).toBeUndefined();
  });

  test("certificates: requested only with the environment's tag, and only such certificates managed", () => {
    const s = deployDomainStatements(props, byZoneId);
    expect(sid(s, "RequestTaggedCertificate")).toMatchObject({ Action: ["acm:RequestCertificate"], Resource: "*", Condition: { StringEquals: { "aws:RequestTag/Environment": "prod" } } });
    expect(sid(s, "ManageOwnCertificates")).toMatchObject({ Resource: "arn:aws:acm:us-east-1:333333333333:certificate/*", Condition: { StringEquals: { "aws:ResourceTag/Environment": "prod" } } });
    expect(s.flatMap((x) => x.Action).filter((a) => a.endsWith("*"))).toEqual([]);
  });

  test("a zone looked up by name: records in any zone (the ID is not known), still only the domain's names; zones may be listed", () => {
    const s = deployDomainStatements(props, { ...byZoneId, hostedZoneId: undefined });
    expect(sid(s, "DomainRecords")?.Resource).toBe("arn:aws:route53:::hostedzone/*");
    expect(sid(s, "FindZoneByName")).toMatchObject({ Action: ["route53:ListHostedZones", "route53:ListHostedZonesByName"], Resource: "*" });
  });

  test("an existing certificate: no ACM actions, no CNAME, no validation names", () => {
    const s = deployDomainStatements(props, { ...byZoneId, createsCertificate: false });
    expect(s.flatMap((x) => x.Action).filter((a) => a.startsWith("acm:"))).toEqual([]);
    expect(sid(s, "DomainRecords")?.Condition).toEqual({
      "ForAllValues:StringLike": { "route53:ChangeResourceRecordSetsNormalizedRecordNames": ["api.example.com"] },
      "ForAllValues:StringEquals": { "route53:ChangeResourceRecordSetsRecordTypes": ["A", "AAAA"] },
    });
  });

  test("the domain policy passes the least-privilege check, its '*' lookups suppressed with their reason", () => {
    const stack = new BootstrapStack(Testing.app(), "bootstrap", { ...PROPS, environments: [{ name: "prod", domain: { ...byZoneId, hostedZoneId: undefined } }] });
    const findings: PolicyFinding[] = [];
    applyPolicies(stack, { environment: "bootstrap", tier: "prod", onFinding: (f) => findings.push(f) });
    Testing.synth(stack, true);
    expect(findings.filter((f) => f.level !== "suppressed").map((f) => f.message)).toEqual([]);
    const domain = findings.filter((f) => f.address === "aws_iam_role_policy.DeployPolicyProdDomain");
    // RequestCertificate and the zone listing: the two statements on "*".
    expect(domain.map((f) => f.ruleId)).toEqual(["BF-IAM-001", "BF-IAM-001"]);
  });

  test("from the shipped config: prod's role gets the domain policy, dev's none", () => {
    const envs = loadConfig(defaultConfig).environments;
    expect(deployDomainOf(envs.find((e) => e.name === "prod")!)).toEqual({ domainName: "api.example.com", hostedZoneId: undefined, createsCertificate: true });
    expect(deployDomainOf(envs.find((e) => e.name === "dev")!)).toBeUndefined();
    expect(deployDomainPolicy(props, undefined)).toBeUndefined();
    const { json } = build({ accountId: "333333333333", environments: [{ name: "prod", domain: byZoneId }] });
    const domain = resources(json, "aws_iam_role_policy").filter((p) => p.name === "domain");
    expect(domain).toHaveLength(1);
    expect(JSON.parse(String(domain[0]!.policy))).toEqual(deployDomainPolicy(props, byZoneId));
  });
});
