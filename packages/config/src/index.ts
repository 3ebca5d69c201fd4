export * from "./types";
export * from "./resolved";
export * from "./errors";
export * from "./fargate";
export * from "./cidr";
export * from "./names";
export * from "./capacity";
export { DEFAULT_CPU, DEFAULT_MEMORY_MIB, policyTierOf, resolveEnvironment, resolveService } from "./defaults";
export { LOG_RETENTION_DAYS, EnvironmentSchema } from "./schema/environment";
export { MIN_REASON_LENGTH, PLATFORM_VARIABLES, RoutingSchema, SecretRefSchema, ServiceSchema, ServiceSettingsSchema } from "./schema/service";
export { PlatformSchema } from "./schema/platform";
export { ALARM_DEFAULTS, hasSubscribers, type ResolvedAlarms, type ResolvedNotifications } from "./operations";
export { EMAIL, webhookProblem } from "./schema/operations";
export { resolveScheduling, SCHEDULING_DEFAULTS, type ResolvedScheduling } from "./scheduling";
export { SCHEDULING_RANGES } from "./schema/scheduling";
export { QUOTAS, type QuotaDefinition, type ResolvedQuotas } from "./quotas";
export { AWS_REGIONS } from "./regions";
export { looksSecret, secretFinding, type SecretFinding } from "./secrets";
export { patternCovers, shadows } from "./routes";
export { albUsage } from "./validate-environment";
export { HSTS_DEFAULT_MAX_AGE_SECONDS, hstsHeader, resolveCertificate, zoneHolds, type HostedZoneRef, type ResolvedCertificate, type ResolvedHsts } from "./domain";
export { HSTS_MAX_AGE_SECONDS, HSTS_PRELOAD_MIN_AGE_SECONDS, HOSTED_ZONE_ID } from "./schema/domain";
export { PLATFORM_TASK_DEFINITION_BYTES, taskDefinitionBytes } from "./task-definition-size";
export { show } from "./show";
export { grantStatements, isFullSecretArn, permissionStatements, secretResourceArn, type GrantStatement } from "./grants";
export { actionProblem, NAMED_ACTION, starOnly, STAR_ONLY_ACTIONS } from "./iam-actions";
export { GRANT_KINDS } from "./schema/permissions";
export { loadConfig, selectedEnvironments, type LoadOptions, type LoadedConfig } from "./load";
export { defaultConfig } from "./platform";
export * as runtime from "./runtime";
export {
  DEFAULT_BAKE_TIME_MINUTES,
  DEPLOYMENT_STRATEGIES,
  linearSteps,
  resolveDeployment,
  shiftMinutes,
  TEST_TRAFFIC_HEADER,
  TIER_DEPLOYMENTS,
  TRAFFIC_SHIFTING,
  type DeploymentSource,
  type DeploymentStrategy,
  type ResolvedDeployment,
} from "./deployment";
export { DeploymentSchema } from "./schema/deployment";
export { deployOrder, MIN_OLDEST_MESSAGE_ALARM_SECONDS, QUEUE_DEFAULTS, QUEUE_RANGES, queueVariables, resolveQueue, sendCycle, validateQueues, type ResolvedQueue } from "./queue";
