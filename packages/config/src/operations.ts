/** Defaults of notifications and alarm thresholds, applied once when the config is resolved. */
import type { AlarmsConfig, NotificationsConfig } from "./types";

/** An environment's alarm topic and who is subscribed to it. */
export interface ResolvedNotifications {
  readonly enabled: boolean;
  readonly emails: readonly string[];
  readonly webhooks: readonly string[];
  readonly slack: { readonly workspaceId: string; readonly channelId: string } | undefined;
  /** Why a staging or prod environment runs without notifications (suppresses BF-OPS-001). */
  readonly reason: string | undefined;
}

/** Every alarm threshold of a service, filled in. */
export interface ResolvedAlarms {
  readonly errorRatePercent: number;
  readonly errorRateMinRequests: number;
  readonly p99LatencyMs: number;
  readonly unhealthyMinutes: number;
  readonly belowMinimumMinutes: number;
  readonly saturationPercent: number;
  readonly saturationMinutes: number;
  readonly logErrorsPerMinute: number;
  readonly logErrorMinutes: number;
  readonly evaluationMinutes: number;
}

/** The documented defaults (schema/operations.ts), in one place. */
export const ALARM_DEFAULTS: ResolvedAlarms = {
  errorRatePercent: 5,
  errorRateMinRequests: 10,
  p99LatencyMs: 2000,
  unhealthyMinutes: 5,
  belowMinimumMinutes: 5,
  saturationPercent: 90,
  saturationMinutes: 10,
  logErrorsPerMinute: 5,
  logErrorMinutes: 3,
  evaluationMinutes: 5,
};

export function resolveNotifications(config: NotificationsConfig | undefined): ResolvedNotifications {
  return {
    enabled: config?.enabled ?? true,
    emails: config?.emails ?? [],
    webhooks: config?.webhooks ?? [],
    slack: config?.slack,
    reason: config?.reason,
  };
}

/** The environment's thresholds key by key over the service's, over the defaults. */
export function resolveAlarms(service: AlarmsConfig | undefined, override: AlarmsConfig | undefined): ResolvedAlarms {
  const pick = <K extends keyof ResolvedAlarms>(key: K): ResolvedAlarms[K] => (override?.[key] ?? service?.[key] ?? ALARM_DEFAULTS[key]) as ResolvedAlarms[K];
  return Object.fromEntries(Object.keys(ALARM_DEFAULTS).map((k) => [k, pick(k as keyof ResolvedAlarms)])) as unknown as ResolvedAlarms;
}

/** True where someone is subscribed at all. */
export function hasSubscribers(n: ResolvedNotifications): boolean {
  return n.emails.length > 0 || n.webhooks.length > 0 || n.slack !== undefined;
}
