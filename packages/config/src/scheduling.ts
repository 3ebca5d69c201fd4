/** Defaults of a scheduled service's `scheduling` (schema/scheduling.ts), applied once when the config is resolved. */
import type { SchedulingConfig } from "./types";

/** How EventBridge Scheduler starts a scheduled service's runs, every field filled in. */
export interface ResolvedScheduling {
  readonly timezone: string;
  readonly retries: number;
  /** Minutes of flexible window, or "off". */
  readonly flexibleWindowMinutes: number | "off";
  readonly maximumEventAgeSeconds: number;
}

/** The documented defaults, in one place. */
export const SCHEDULING_DEFAULTS: ResolvedScheduling = {
  timezone: "UTC",
  retries: 2,
  flexibleWindowMinutes: "off",
  maximumEventAgeSeconds: 3600,
};

/** The environment's settings key by key over the service's, over the defaults. */
export function resolveScheduling(service: SchedulingConfig | undefined, override: SchedulingConfig | undefined): ResolvedScheduling {
  return {
    timezone: override?.timezone ?? service?.timezone ?? SCHEDULING_DEFAULTS.timezone,
    retries: override?.retries ?? service?.retries ?? SCHEDULING_DEFAULTS.retries,
    flexibleWindowMinutes: override?.flexibleWindowMinutes ?? service?.flexibleWindowMinutes ?? SCHEDULING_DEFAULTS.flexibleWindowMinutes,
    maximumEventAgeSeconds: override?.maximumEventAgeSeconds ?? service?.maximumEventAgeSeconds ?? SCHEDULING_DEFAULTS.maximumEventAgeSeconds,
  };
}
