/**
 * The shape of the platform's configuration. Entries live in `environments.ts` and `services.ts`;
 * `loadConfig` validates them once and resolves every default, so that stacks and constructs only
 * ever see complete, checked values.
 */

export type NatStrategy = "none" | "single" | "per-az";
export type Architecture = "ARM64" | "X86_64";
export type ServiceKind = "web" | "worker" | "scheduled";
export type LogLevel = "debug" | "info" | "warn" | "error";
/** Which column of the policy checks' severity table applies: dev warns, staging and prod fail. */
export type PolicyTier = "dev" | "staging" | "prod";

/** Interface endpoints are billed per AZ-hour; `s3` is a free gateway endpoint. */
export type VpcEndpointName = "ecr-api" | "ecr-dkr" | "logs" | "secretsmanager" | "ssm" | "s3";

/**
 * A secret is injected by ECS from a store at task start; the value never appears in
 * configuration, Terraform state or the task definition.
 */
export type SecretRef =
  | {
      /** ARN of a Secrets Manager secret. */
      readonly secretsManagerArn: string;
      /** A key inside a JSON secret. @default - the whole secret string */
      readonly jsonKey?: string;
    }
  | {
      /** ARN of an SSM Parameter Store parameter (SecureString recommended). */
      readonly ssmParameterArn: string;
    };

export interface RoutingConfig {
  /** Listener rule priority: unique per environment, lower wins. */
  readonly priority: number;
  /** Path patterns such as `/api/*`. @default - any path (host headers must then be given) */
  readonly pathPatterns?: readonly string[];
  /** Host headers such as `api.example.com`. @default - any host */
  readonly hostHeaders?: readonly string[];
}

/** The settings of a service that an environment may override. */
export interface ServiceSettings {
  /** Task CPU units (256 = 0.25 vCPU). @default 256 */
  readonly cpu?: number;
  /** Task memory. Must be a valid Fargate combination with `cpu`. @default 512 */
  readonly memoryMiB?: number;
  /**
   * Why the task needs more than 0.25 vCPU / 0.5 GB. Required by the policy checks when it does.
   * @default - none (the task must then stay at the default size)
   */
  readonly sizeReason?: string;
  /** @default "ARM64" (about 20% cheaper on Fargate) */
  readonly architecture?: Architecture;
  /** Lower bound for autoscaling. @default 1 */
  readonly minTasks?: number;
  /** Upper bound for autoscaling. @default max(2, minTasks) */
  readonly maxTasks?: number;
  /** Tasks at first creation; autoscaling owns the count afterwards. @default minTasks */
  readonly desiredTasks?: number;
  /**
   * Share of tasks on FARGATE_SPOT, 0 to 1. Interrupted spot tasks are replaced; keep web
   * services partly on demand in production.
   * @default - the environment's `spotShare`
   */
  readonly spotShare?: number;
  /** Plain, non-secret environment variables. @default {} */
  readonly environment?: Readonly<Record<string, string>>;
  /** Secrets by reference, keyed by the variable name the container sees. @default {} */
  readonly secrets?: Readonly<Record<string, SecretRef>>;
  /** Service log level. @default - the environment's `logLevel` */
  readonly logLevel?: LogLevel;
  /** Turn on ECS Exec (shell access through SSM). @default - the environment's `enableExec` */
  readonly enableExec?: boolean;
  /** Schedule of a `scheduled` service (`cron(...)` or `rate(...)`, UTC). */
  readonly schedule?: string;
  /** Routing of a `web` service. */
  readonly routing?: RoutingConfig;
}

export interface ServiceConfig extends ServiceSettings {
  /** Lower-case name, used in stack, resource and DNS names. */
  readonly name: string;
  /** `web` sits behind the ALB, `worker` runs without one, `scheduled` runs on a schedule. */
  readonly kind: ServiceKind;
  /** Folder holding the service's Dockerfile, relative to the repository root. */
  readonly source: string;
  /** Port the container listens on. @default 8080 */
  readonly containerPort?: number;
  /** Path the ALB probes for readiness. Required for `web` services. */
  readonly healthCheckPath?: string;
  /** Command override for the container. @default - the image's entrypoint */
  readonly command?: readonly string[];
}

export interface CertificateConfig {
  /** The domain the ALB serves, e.g. `api.example.com`; used for service URLs. */
  readonly domainName: string;
  /**
   * ARN of an ACM certificate in the environment's region.
   * @default - the ISSUED certificate for `domainName` is looked up at plan time
   */
  readonly certificateArn?: string;
}

/**
 * Hours when services run. Outside them, every service of the environment scales to zero tasks
 * (nights and weekends in development cost nothing but the load balancer).
 */
export interface ActiveHours {
  /** Days services run, as an EventBridge cron day-of-week field. @default "MON-FRI" */
  readonly days?: "MON-FRI" | "MON-SUN";
  /** Hour (0-23) services wake. */
  readonly startHour: number;
  /** Hour (1-24) services sleep; after startHour. */
  readonly endHour: number;
  /** IANA time zone of the hours. @default "UTC" */
  readonly timezone?: string;
}

export interface EnvironmentConfig {
  /** AWS region, e.g. `us-east-1`. */
  readonly region: string;
  /** Deploys refuse any other account (provider `allowed_account_ids`). */
  readonly allowedAccountIds: readonly string[];
  /** VPC CIDR, /16 to /22. Environments must not overlap, so they can be peered later. */
  readonly vpcCidr: string;
  /** Availability zones used. @default 2 */
  readonly azCount?: number;
  /** How private subnets reach the internet. @default "single" */
  readonly natStrategy?: NatStrategy;
  /** VPC endpoints, so private tasks can pull images and write logs without NAT. @default [] */
  readonly vpcEndpoints?: readonly VpcEndpointName[];
  /** HTTPS on the ALB with HTTP redirected. @default - plain HTTP only */
  readonly certificate?: CertificateConfig;
  /** CloudWatch Logs retention for service logs. @default 30 */
  readonly logRetentionDays?: number;
  /** VPC flow logs to CloudWatch Logs. @default false */
  readonly flowLogs?: boolean;
  /** ALB deletion protection. @default false */
  readonly deletionProtection?: boolean;
  /** ALB access logs to a new S3 bucket. @default false */
  readonly albAccessLogs?: boolean;
  /** Default share of tasks on FARGATE_SPOT. @default 0 */
  readonly spotShare?: number;
  /**
   * Strictness of the synth-time policy checks.
   * @default - the environment's name when it is dev, staging or prod; otherwise "prod"
   */
  readonly policyTier?: PolicyTier;
  /** Container Insights metrics (about $6 a month per service). @default true */
  readonly containerInsights?: boolean;
  /** Run services only in these hours. @default - always */
  readonly activeHours?: ActiveHours;
  /** Default service log level. @default "info" */
  readonly logLevel?: LogLevel;
  /** Default for ECS Exec. @default false */
  readonly enableExec?: boolean;
  /** S3 bucket for Terraform state when deploying with `BF_BACKEND=s3`. @default - none; required for s3 */
  readonly stateBucket?: string;
  /** Per-service overrides, keyed by service name. @default {} */
  readonly services?: Readonly<Record<string, ServiceSettings>>;
}

export interface PlatformConfig {
  /** Short project name, the prefix of ALB and shared resource names. */
  readonly project: string;
  readonly environments: Readonly<Record<string, EnvironmentConfig>>;
  readonly services: readonly ServiceConfig[];
}
