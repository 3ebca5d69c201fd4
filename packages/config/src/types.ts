/**
 * The shape of the platform's configuration, derived from the schema in `schema/` (the one place a
 * setting is declared, documented and checked). Entries live in `environments.ts` and
 * `services.ts`; `loadConfig` validates them once and resolves every default, so that stacks and
 * constructs only ever see complete, checked values.
 */
import type * as v from "valibot";
import type { DeploymentSchema } from "./schema/deployment";
import type { EnvironmentSchema } from "./schema/environment";
import type { PlatformSchema } from "./schema/platform";
import type { GrantSchema } from "./schema/permissions";
import type { RoutingSchema, SecretRefSchema, ServiceSchema, ServiceSettingsSchema } from "./schema/service";

/** Read-only all the way down; mapping keeps each field's documentation. */
type Immutable<T> = T extends readonly (infer U)[] ? readonly Immutable<U>[] : T extends object ? { readonly [K in keyof T]: Immutable<T[K]> } : T;

export type PlatformConfig = Immutable<v.InferInput<typeof PlatformSchema>>;
export type EnvironmentConfig = Immutable<v.InferInput<typeof EnvironmentSchema>>;
export type ServiceConfig = Immutable<v.InferInput<typeof ServiceSchema>>;
/** The settings of a service that an environment may override. */
export type ServiceSettings = Immutable<v.InferInput<typeof ServiceSettingsSchema>>;
export type RoutingConfig = Immutable<v.InferInput<typeof RoutingSchema>>;
export type SecretRef = Immutable<v.InferInput<typeof SecretRefSchema>>;
/** How a deploy replaces a service's tasks, as written in the config. */
export type DeploymentConfig = Immutable<v.InferInput<typeof DeploymentSchema>>;
/** One grant of a service's `permissions` (see grants.ts for the actions each expands to). */
export type Grant = Immutable<v.InferInput<typeof GrantSchema>>;
export type CertificateConfig = NonNullable<EnvironmentConfig["certificate"]>;
export type ActiveHours = NonNullable<EnvironmentConfig["activeHours"]>;
/** An environment's alarm topic subscriptions, as written. */
export type NotificationsConfig = NonNullable<EnvironmentConfig["notifications"]>;
/** A service's alarm thresholds, as written. */
export type AlarmsConfig = NonNullable<ServiceConfig["alarms"]>;
/** A scheduled service's `scheduling`, as written. */
export type SchedulingConfig = NonNullable<ServiceConfig["scheduling"]>;
/** Raised AWS quotas of an environment. */
export type QuotaSettings = NonNullable<EnvironmentConfig["quotas"]>;

export type NatStrategy = NonNullable<EnvironmentConfig["natStrategy"]>;
export type Architecture = NonNullable<ServiceConfig["architecture"]>;
export type ServiceKind = ServiceConfig["kind"];
export type LogLevel = NonNullable<ServiceConfig["logLevel"]>;
/** Which column of the policy checks' severity table applies: dev warns, staging and prod fail. */
export type PolicyTier = NonNullable<EnvironmentConfig["policyTier"]>;
/** Interface endpoints are billed per AZ-hour; `s3` is a free gateway endpoint. */
export type VpcEndpointName = NonNullable<EnvironmentConfig["vpcEndpoints"]>[number];
