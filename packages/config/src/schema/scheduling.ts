/**
 * The schema of a `scheduled` service's `scheduling`: how EventBridge Scheduler starts its runs.
 * Ranges are AWS's (EventBridge Scheduler API reference: RetryPolicy, FlexibleTimeWindow). Defaults
 * in `../scheduling.ts`, where the resolved values are built.
 */
import * as v from "valibot";
import { isTimeZone } from "../time-zones";
import { int, strictObject } from "./fields";

/** AWS's ranges for a schedule target's retry policy and flexible window. */
export const SCHEDULING_RANGES = {
  retries: { min: 0, max: 185 },
  flexibleWindowMinutes: { min: 1, max: 1440 },
  maximumEventAgeSeconds: { min: 60, max: 86400 },
} as const;

const r = SCHEDULING_RANGES;
const WINDOW = `must be "off" or a whole number of minutes from ${r.flexibleWindowMinutes.min} to ${r.flexibleWindowMinutes.max}`;

export const SchedulingSchema = strictObject(
  {
    /**
     * IANA time zone the `schedule` is evaluated in, such as "Europe/Berlin" (daylight saving is
     * followed: a 03:00 run stays at 03:00 local time). @default "UTC"
     */
    timezone: v.optional(
      v.pipe(
        v.string('must be an IANA time zone such as "UTC" or "Europe/Berlin"'),
        v.check(isTimeZone, 'must be an IANA time zone such as "UTC", "Europe/Berlin" or "Etc/GMT+9" (names are case-sensitive)'),
      ),
    ),
    /**
     * Times EventBridge Scheduler retries a run it could not start (RunTask refused or throttled,
     * no capacity). A run that started and failed is not retried: that is the failure alarm's. @default 2
     */
    retries: v.optional(int(r.retries.min, r.retries.max, `must be a whole number of retries from ${r.retries.min} to ${r.retries.max} (EventBridge Scheduler's range)`)),
    /**
     * Minutes after the scheduled time within which Scheduler may start the run (it spreads runs
     * to smooth load), or "off" to start on the minute. @default "off"
     */
    flexibleWindowMinutes: v.optional(
      v.union([v.literal("off"), int(r.flexibleWindowMinutes.min, r.flexibleWindowMinutes.max, WINDOW)], WINDOW),
    ),
    /**
     * How long Scheduler keeps retrying a run it could not start before dropping it. @default 3600
     * (a night's run that cannot start within an hour waits for the next night rather than colliding with the day)
     */
    maximumEventAgeSeconds: v.optional(
      int(r.maximumEventAgeSeconds.min, r.maximumEventAgeSeconds.max, `must be a whole number of seconds from ${r.maximumEventAgeSeconds.min} to ${r.maximumEventAgeSeconds.max} (EventBridge Scheduler's range)`),
    ),
  },
  "an object { timezone?, retries?, flexibleWindowMinutes?, maximumEventAgeSeconds? }",
);
