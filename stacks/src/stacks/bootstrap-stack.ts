import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { suppressPolicy } from "@bun-fargate/constructs";
import type { ResolvedEnvironment } from "@bun-fargate/config";
import { LocalBackend, TerraformOutput, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { deployLookupPolicy, deployPolicies } from "./bootstrap-deploy-policy";
import { deployDomainPolicy, DOMAIN_POLICY_NAME, type DeployDomain } from "./bootstrap-domain-policy";
import { deployQueuePolicy, QUEUE_POLICY_NAME } from "./bootstrap-queue-policy";

export const GITHUB_OIDC_URL = "https://token.actions.githubusercontent.com";
export const GITHUB_OIDC_AUDIENCE = "sts.amazonaws.com";

/** One environment the account hosts: its deploy role and who may assume it. */
export interface BootstrapEnvironment {
  /** Environment name from the config (`dev`): the prefix of what its stacks name. */
  readonly name: string;
  /** Region its stacks deploy to. @default - the stack's `region` */
  readonly region?: string;
  /** GitHub Environment whose jobs may assume the role (the token subject names it). @default - `name` */
  readonly githubEnvironment?: string;
  /**
   * Branch that may deploy. The token of a job in a GitHub Environment names the environment, not
   * the branch, so this is enforced by the Environment's deployment branch rule (see
   * docs/ci-cd.md) and reported in the `GithubSetup` output.
   * @default "main"
   */
  readonly branch?: string;
  /** Its alarms go to Slack through AWS Chatbot: the role may manage that channel configuration. @default false */
  readonly slack?: boolean;
  /**
   * Its domain's hosted zone and certificate (config `certificate` with a hosted zone): the role may
   * write those records and manage that certificate (bootstrap-domain-policy.ts).
   * @default - no Route 53 or ACM changes
   */
  readonly domain?: DeployDomain;
  /** It has a worker with a queue: the role may manage `<env>-*` SQS queues (bootstrap-queue-policy.ts). @default false */
  readonly queues?: boolean;
}

export interface BootstrapStackProps {
  /** Region of the state bucket (and of environments that do not name their own). */
  readonly region: string;
  /** The one AWS account this stack may be applied to (provider `allowed_account_ids`). */
  readonly accountId: string;
  /** Project name from the config: the prefix of ALB, cluster, repository and role names. */
  readonly project: string;
  /** GitHub user or organization owning the repository, exactly as GitHub spells it. */
  readonly githubOwner: string;
  /** GitHub repository name, exactly as GitHub spells it. */
  readonly githubRepo: string;
  /** The environments deployed into this account: one deploy role each. */
  readonly environments: readonly BootstrapEnvironment[];
  /** S3 bucket for Terraform state (the environments' `stateBucket`). */
  readonly stateBucketName: string;
  /**
   * ARN of the account's GitHub OIDC provider, when one exists already (IAM allows one per URL).
   * @default - a provider is created
   */
  readonly existingOidcProviderArn?: string;
  /** Longest deploy session, in seconds (3600-43200). @default 3600 */
  readonly maxSessionDurationSeconds?: number;
  /** Days an overwritten state version is kept, for recovery (1-3650). @default 90 */
  readonly stateVersionRetentionDays?: number;
  /** AWS partition. @default "aws" */
  readonly partition?: string;
}

/** The deploy role of one environment: outside the `<env>-*` names the role may manage. */
export const deployRoleName = (project: string, environment: string): string => `${project}-github-deploy-${environment}`;

/** Values for this repository; the project, account, region and bucket come from the config. */
export const BOOTSTRAP_DEFAULTS = {
  /** `owner/repo` of the GitHub repository that deploys; override with BF_GITHUB_REPOSITORY. */
  repository: "example-org/bun-fargate",
  branch: "main",
} as const;

const GITHUB_OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const GITHUB_REPO = /^[A-Za-z0-9._-]{1,100}$/;
const GITHUB_ENVIRONMENT = /^[^*?"'\s][^*?"']{0,254}$/;
const ENV_NAME = /^[a-z][a-z0-9-]{0,15}$/;
const ACCOUNT_ID = /^\d{12}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

function validate(props: BootstrapStackProps): void {
  const fail = (field: string, value: unknown, allowed: string) => {
    throw new Error(`BootstrapStack: ${field} = ${JSON.stringify(value)}: ${allowed}`);
  };
  if (!ACCOUNT_ID.test(props.accountId)) fail("accountId", props.accountId, "must be a 12-digit AWS account ID");
  if (!REGION.test(props.region)) fail("region", props.region, "must be an AWS region such as us-east-1");
  // Wildcards here would let other repositories assume the deploy roles.
  if (!GITHUB_OWNER.test(props.githubOwner)) fail("githubOwner", props.githubOwner, "must be a GitHub user or organization name (letters, digits, hyphens; no wildcards)");
  if (!GITHUB_REPO.test(props.githubRepo)) fail("githubRepo", props.githubRepo, "must be a GitHub repository name (letters, digits, . _ -; no wildcards)");
  if (!BUCKET.test(props.stateBucketName) || props.stateBucketName.includes("..")) {
    fail("stateBucketName", props.stateBucketName, "must be an S3 bucket name: 3-63 lower-case letters, digits, dots and hyphens");
  }
  const session = props.maxSessionDurationSeconds ?? 3600;
  if (!Number.isInteger(session) || session < 3600 || session > 43200) fail("maxSessionDurationSeconds", session, "must be a whole number from 3600 to 43200");
  const retention = props.stateVersionRetentionDays ?? 90;
  if (!Number.isInteger(retention) || retention < 1 || retention > 3650) fail("stateVersionRetentionDays", retention, "must be a whole number from 1 to 3650");
  if (props.environments.length === 0) fail("environments", [], "must name at least one environment");
  const names = props.environments.map((e) => e.name);
  for (const env of props.environments) {
    if (!ENV_NAME.test(env.name)) fail("environments.name", env.name, "must be 1-16 lower-case letters, digits and hyphens, starting with a letter");
    if (names.filter((n) => n === env.name).length > 1) fail("environments.name", env.name, "is listed twice; each environment gets one role");
    // Roles are scoped by `<env>-*`: `dev` would also match everything of `dev-eu`.
    const shadowed = names.find((n) => n !== env.name && n.startsWith(`${env.name}-`));
    if (shadowed) fail("environments.name", env.name, `is a prefix of "${shadowed}", so its role's "${env.name}-*" names would include that environment's`);
    if (env.region !== undefined && !REGION.test(env.region)) fail(`environments[${env.name}].region`, env.region, "must be an AWS region such as us-east-1");
    if (env.githubEnvironment !== undefined && !GITHUB_ENVIRONMENT.test(env.githubEnvironment)) {
      fail(`environments[${env.name}].githubEnvironment`, env.githubEnvironment, "must be a GitHub Environment name without wildcards or quotes");
    }
  }
}

/**
 * What must exist before the first `cdktf deploy` with S3 state, applied once per AWS account
 * with administrator credentials: the state bucket, GitHub's OIDC provider and one deploy role per
 * environment that only that repository's jobs in that GitHub Environment can assume.
 */
export class BootstrapStack extends TerraformStack {
  public readonly stateBucket: S3Bucket;
  public readonly oidcProviderArn: string;
  public readonly deployRoles: ReadonlyMap<string, IamRole>;

  constructor(scope: Construct, id: string, props: BootstrapStackProps) {
    super(scope, id);
    validate(props);
    const partition = props.partition ?? "aws";
    // The state bucket cannot hold the state of the stack that creates it. The state stays a file
    // at the repository root (git-ignored), one per account, outside cdktf.out which every synth
    // replaces; docs/ci-cd.md says where to keep a copy.
    new LocalBackend(this, { path: `../../../terraform.bootstrap-${props.accountId}.tfstate` });
    new AwsProvider(this, "Aws", {
      region: props.region,
      allowedAccountIds: [props.accountId],
      defaultTags: [{ tags: { Project: props.project, Stack: id, ManagedBy: "cdktf" } }],
    });

    this.stateBucket = new S3Bucket(this, "StateBucket", { bucket: props.stateBucketName, lifecycle: { preventDestroy: true } });
    const bucket = this.stateBucket.id;
    new S3BucketVersioningA(this, "StateBucketVersioning", { bucket, versioningConfiguration: { status: "Enabled" } });
    new S3BucketServerSideEncryptionConfigurationA(this, "StateBucketEncryption", {
      bucket,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
    });
    new S3BucketPublicAccessBlock(this, "StateBucketPublicAccess", {
      bucket,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, "StateBucketOwnership", { bucket, rule: { objectOwnership: "BucketOwnerEnforced" } });
    new S3BucketLifecycleConfiguration(this, "StateBucketLifecycle", {
      bucket,
      rule: [
        {
          id: "expire-old-state-versions",
          status: "Enabled",
          filter: [{ prefix: "" }],
          noncurrentVersionExpiration: [{ noncurrentDays: props.stateVersionRetentionDays ?? 90 }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
        },
      ],
    });
    new S3BucketPolicy(this, "StateBucketPolicy", {
      bucket,
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: [this.stateBucket.arn, `${this.stateBucket.arn}/*`],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          },
        ],
      }),
    });

    this.oidcProviderArn =
      props.existingOidcProviderArn ??
      new IamOpenidConnectProvider(this, "GithubOidc", { url: GITHUB_OIDC_URL, clientIdList: [GITHUB_OIDC_AUDIENCE] }).arn;

    const roles = new Map<string, IamRole>();
    const setup: Record<string, { roleArn: string; githubEnvironment: string; branch: string }> = {};
    for (const env of props.environments) {
      const githubEnvironment = env.githubEnvironment ?? env.name;
      const role = new IamRole(this, `DeployRole${pascal(env.name)}`, {
        name: deployRoleName(props.project, env.name),
        description: `GitHub Actions deploys of ${env.name} from ${props.githubOwner}/${props.githubRepo}`,
        maxSessionDuration: props.maxSessionDurationSeconds ?? 3600,
        assumeRolePolicy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Principal: { Federated: this.oidcProviderArn },
              Action: "sts:AssumeRoleWithWebIdentity",
              Condition: {
                StringEquals: {
                  "token.actions.githubusercontent.com:aud": GITHUB_OIDC_AUDIENCE,
                  "token.actions.githubusercontent.com:sub": `repo:${props.githubOwner}/${props.githubRepo}:environment:${githubEnvironment}`,
                },
              },
            },
          ],
        }),
      });
      const policyProps = {
        partition,
        accountId: props.accountId,
        region: env.region ?? props.region,
        project: props.project,
        slack: env.slack ?? false,
        environment: env.name,
        stateBucket: props.stateBucketName,
      };
      for (const [name, document] of Object.entries(deployPolicies(policyProps))) {
        new IamRolePolicy(this, `DeployPolicy${pascal(env.name)}${pascal(name)}`, { role: role.name, name, policy: JSON.stringify(document) });
      }
      const lookups = new IamRolePolicy(this, `DeployPolicy${pascal(env.name)}Lookups`, { role: role.name, name: "lookups", policy: JSON.stringify(deployLookupPolicy(policyProps)) });
      suppressPolicy(lookups, "BF-IAM-001", "ecs:ListTasks, acm:ListCertificates, kms:CreateKey, kms:ListAliases and the Logs query-definition calls have no resource-level permissions; ListTasks is narrowed to the environment's cluster, CreateKey to keys tagged with the environment");
      const domainPolicy = deployDomainPolicy(policyProps, env.domain);
      if (domainPolicy) {
        const domain = new IamRolePolicy(this, `DeployPolicy${pascal(env.name)}Domain`, { role: role.name, name: DOMAIN_POLICY_NAME, policy: JSON.stringify(domainPolicy) });
        suppressPolicy(domain, "BF-IAM-001", "route53:ListHostedZones (zone lookup by name) and acm:RequestCertificate have no resource-level permissions; the request is bound to the environment's tag");
      }
      if (env.queues ?? false) {
        // A managed policy: the role's inline policies are at IAM's 10,240 characters in total already.
        // Named after the deploy role, outside the `<env>-*` policies the role may attach itself.
        const queues = new IamPolicy(this, `DeployPolicy${pascal(env.name)}Queues`, {
          name: `${deployRoleName(props.project, env.name)}-${QUEUE_POLICY_NAME}`,
          description: `SQS job queues of ${env.name} (${env.name}-*)`,
          policy: JSON.stringify(deployQueuePolicy(policyProps)),
        });
        new IamRolePolicyAttachment(this, `DeployPolicy${pascal(env.name)}QueuesAttachment`, { role: role.name, policyArn: queues.arn });
      }
      roles.set(env.name, role);
      setup[env.name] = { roleArn: role.arn, githubEnvironment, branch: env.branch ?? BOOTSTRAP_DEFAULTS.branch };
    }
    this.deployRoles = roles;

    new TerraformOutput(this, "StateBucketName", { value: bucket });
    new TerraformOutput(this, "OidcProviderArn", { value: this.oidcProviderArn });
    // What to configure on GitHub: each Environment, the branch it admits, and the role it gets.
    new TerraformOutput(this, "GithubSetup", { value: setup });
  }
}

function pascal(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join("");
}

export interface BootstrapPropsOptions {
  /** `owner/repo`. @default BOOTSTRAP_DEFAULTS.repository */
  readonly repository?: string;
  /** @default BOOTSTRAP_DEFAULTS.branch */
  readonly branch?: string;
}

/**
 * Props for the environments of one account, from the loaded config. The bootstrap is applied per
 * account, so select that account's environments (e.g. `BF_ENVIRONMENTS=prod`) when they differ.
 */
export function bootstrapPropsFor(environments: readonly ResolvedEnvironment[], options: BootstrapPropsOptions = {}): BootstrapStackProps {
  const first = environments[0];
  if (!first) throw new Error("bootstrap: no environment selected; set BF_ENVIRONMENTS to the environments of one AWS account");
  const repository = options.repository ?? BOOTSTRAP_DEFAULTS.repository;
  const [owner, repo, ...rest] = repository.split("/");
  if (!owner || !repo || rest.length > 0) throw new Error(`bootstrap: repository = ${JSON.stringify(repository)}: must be "owner/repo" (BF_GITHUB_REPOSITORY)`);
  const accounts = [...new Set(environments.map((e) => e.allowedAccountIds[0]))];
  if (accounts.length > 1) {
    const list = environments.map((e) => `${e.name}: ${e.allowedAccountIds[0]}`).join(", ");
    throw new Error(`bootstrap: environments are in ${accounts.length} accounts (${list}); apply the bootstrap once per account, e.g. BF_ENVIRONMENTS=${first.name}`);
  }
  const buckets = [...new Set(environments.map((e) => e.stateBucket))];
  if (buckets.length > 1 || first.stateBucket === undefined) {
    const list = environments.map((e) => `${e.name}: ${JSON.stringify(e.stateBucket ?? null)}`).join(", ");
    throw new Error(`bootstrap: stateBucket = ${list}: the environments of one account need one stateBucket (environments.ts)`);
  }
  return {
    region: first.region,
    accountId: accounts[0]!,
    project: first.project,
    githubOwner: owner,
    githubRepo: repo,
    stateBucketName: first.stateBucket,
    environments: environments.map((e) => ({
      name: e.name,
      region: e.region,
      branch: options.branch ?? BOOTSTRAP_DEFAULTS.branch,
      slack: e.notifications.enabled && e.notifications.slack !== undefined,
      domain: deployDomainOf(e),
      queues: e.services.some((s) => s.queue !== undefined),
    })),
  };
}

/** What the deploy role of `env` needs for its domain; none without a hosted zone. */
export function deployDomainOf(env: ResolvedEnvironment): DeployDomain | undefined {
  const c = env.certificate;
  if (!c?.hostedZone) return undefined;
  return { domainName: c.domainName, hostedZoneId: "id" in c.hostedZone ? c.hostedZone.id : undefined, createsCertificate: c.certificateArn === undefined };
}
