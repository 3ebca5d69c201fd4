/**
 * Autoscaling targets from the measured capacity of one task, not from a guess. The method (README,
 * "How a service scales"): measure each route's highest rate at p99 < 50 ms in a task-sized cgroup
 * (`pnpm bench:api:fargate --routes`), take the heaviest route a service serves as its capacity
 * (a heavier route divides the figure), keep a task at HEADROOM of it, and let CPU scale out only
 * above the utilisation measured at that load, as a backstop for work heavier than measured.
 */

/**
 * `services/bun-api` at 0.25 vCPU / 512 MiB, `pnpm bench:api:fargate --routes`, 2026-12-02
 * 07:31-07:41 UTC (services/bun-api/README.md, "Capacity per task, by route"): its heaviest route.
 * GET / holds 18,840 a second; the first measure, 11,300.
 */
export const MEASURED_TASK_CAPACITY = {
  route: "POST /v1/notes",
  cpuUnits: 256,
  memoryMiB: 512,
  /** Highest constant rate with p99 under 50 ms. */
  requestsPerSecond: 5050,
  /** The task's CPU utilisation (what ECS reports) at half that rate. */
  cpuPercentAtHalf: 77,
} as const;

/**
 * Share of the measured capacity a task is kept at: traffic can double during the minutes a
 * scale-out takes (target tracking alarms on 1-minute data, then a task starts) before p99 breaks.
 */
export const SCALING_HEADROOM = 0.5;

/** ALBRequestCountPerTarget is a sum per minute: capacity x headroom x 60, rounded down to a hundred. */
export function requestTargetPerMinute(requestsPerSecond: number, headroom: number): number {
  return Math.floor((requestsPerSecond * headroom * 60) / 100) * 100;
}

/** 151,500 requests per task per minute (2,525 a second). */
export const DEFAULT_REQUESTS_PER_TASK_PER_MINUTE = requestTargetPerMinute(MEASURED_TASK_CAPACITY.requestsPerSecond, SCALING_HEADROOM);

/** What the request-count target was before it came from a measure: 1,000 a minute, about 17 a second. */
export const FORMER_REQUESTS_PER_TASK_PER_MINUTE = 1000;

/**
 * CPU target of a web service: 5 points above the utilisation measured at the request target's
 * load, rounded up to a multiple of 5 (85), so that CPU leads only when the work per request is
 * heavier than measured. At 60 it would scale out at about a quarter of the measured capacity.
 */
export const DEFAULT_WEB_CPU_TARGET_PERCENT = Math.min(95, Math.ceil((MEASURED_TASK_CAPACITY.cpuPercentAtHalf + 5) / 5) * 5);

/** CPU target of a worker (no request count to track, nothing measured): as before. */
export const DEFAULT_CPU_TARGET_PERCENT = 60;

/** Ranges the settings accept. */
export const CPU_TARGET_RANGE = { min: 10, max: 95 } as const;
export const REQUEST_TARGET_RANGE = { min: 60, max: 3_600_000 } as const;
