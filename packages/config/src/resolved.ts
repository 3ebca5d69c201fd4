import type {
  ActiveHours,
  Architecture,
  LogLevel,
  NatStrategy,
  PolicyTier,
  RoutingConfig,
  Grant,
  SchedulingConfig,
  SecretRef,
  ServiceKind,
  VpcEndpointName,
} from "./types";
import type { ResolvedDeployment } from "./deployment";
import type { ResolvedCertificate } from "./domain";
import type { ResolvedAlarms, ResolvedNotifications } from "./operations";
import type { ResolvedQuotas } from "./quotas";
import type { ResolvedQueue } from "./queue";
import type { ResolvedScheduling } from "./scheduling";

/** A service with every default applied for one environment. */
export interface ResolvedService {
  readonly name: string;
  readonly kind: ServiceKind;
  readonly source: string;
  readonly containerPort: number;
  readonly healthCheckPath: string | undefined;
  readonly command: readonly string[] | undefined;
  readonly cpu: number;
  readonly memoryMiB: number;
  readonly sizeReason: string | undefined;
  readonly architecture: Architecture;
  readonly minTasks: number;
  readonly maxTasks: number;
  readonly desiredTasks: number;
  /** The request-count target of a web service; undefined for other kinds unless set (which validation refuses). */
  readonly requestsPerTaskPerMinute: number | undefined;
  /** The CPU target; undefined for a scheduled service unless set (which validation refuses). */
  readonly cpuTargetPercent: number | undefined;
  readonly spotShare: number;
  readonly environment: Readonly<Record<string, string>>;
  readonly secrets: Readonly<Record<string, SecretRef>>;
  readonly logLevel: LogLevel;
  readonly enableExec: boolean;
  readonly schedule: string | undefined;
  /** How Scheduler starts the runs; filled in for every kind, set only on a scheduled service (validation refuses it elsewhere). */
  readonly scheduling: ResolvedScheduling;
  /** `scheduling` as written for this service (override, else entry), so validation can name it on another kind. */
  readonly schedulingWritten: SchedulingConfig | undefined;
  readonly routing: RoutingConfig | undefined;
  /** How a deploy replaces the tasks (every number filled in); workers never shift traffic. */
  readonly deployment: ResolvedDeployment;
  /** What the task role grants: the service's list, then the environment's. */
  readonly permissions: readonly Grant[];
  /** Thresholds of the alarms that notify the environment's alarm topic. */
  readonly alarms: ResolvedAlarms;
  /** The job queue of a worker (the service's keys, then the environment's); undefined without one. */
  readonly queue: ResolvedQueue | undefined;
  /** Workers whose queues this service sends to. */
  readonly sends: readonly string[];
}

/** An environment with every default applied and its services resolved. */
export interface ResolvedEnvironment {
  readonly name: string;
  readonly project: string;
  readonly region: string;
  readonly allowedAccountIds: readonly string[];
  readonly vpcCidr: string;
  readonly azCount: number;
  readonly natStrategy: NatStrategy;
  readonly vpcEndpoints: readonly VpcEndpointName[];
  /** The domain, its hosted zone, where its certificate comes from, and HSTS with defaults applied. */
  readonly certificate: ResolvedCertificate | undefined;
  /** IPv6 on the internet side (VPC range, public subnets, ALB, AAAA record). */
  readonly dualStack: boolean;
  readonly logRetentionDays: number;
  readonly flowLogs: boolean;
  readonly deletionProtection: boolean;
  readonly albAccessLogs: boolean;
  readonly spotShare: number;
  readonly policyTier: PolicyTier;
  readonly containerInsights: boolean;
  readonly activeHours: ActiveHours | undefined;
  readonly logLevel: LogLevel;
  readonly enableExec: boolean;
  readonly stateBucket: string | undefined;
  /** AWS's quotas, raised where the environment's `quotas` says so. */
  readonly quotas: ResolvedQuotas;
  /** The alarm topic's subscriptions; `enabled: false` means no topic and no notifying alarms. */
  readonly notifications: ResolvedNotifications;
  readonly services: readonly ResolvedService[];
}
