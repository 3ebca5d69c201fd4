import type { ServiceConfig } from "./types";

/**
 * The services. Add one by adding an entry: every environment gets a `<env>-<name>` stack, an
 * ECR repository, a log group and (for `web`) a target group and listener rule. Per-environment
 * differences go in `environments.ts` under `services`.
 *
 * Other kinds, for reference:
 *   { name: "mailer", kind: "worker", source: "services/mailer", queue: { maxJobSeconds: 30 } }
 * and `worker` below is a `worker`, `nightly` a `scheduled` one.
 */
export const services: readonly ServiceConfig[] = [
  {
    name: "bun-api",
    kind: "web",
    source: "services/bun-api",
    containerPort: 8080,
    healthCheckPath: "/readyz",
    routing: { priority: 100, pathPatterns: ["/*"] },
    maxTasks: 4,
    // POST /v1/jobs enqueues on the worker's queue (WORKER_QUEUE_URL); its stack is applied after the worker's.
    sends: ["worker"],
  },
  {
    name: "worker",
    kind: "worker",
    source: "services/worker",
    // An SQS queue and a dead-letter queue; scaled on visible messages per running task.
    queue: { maxReceiveCount: 5, retentionDays: 4, maxJobSeconds: 60 },
    maxTasks: 4,
  },
  {
    // The nightly ETL job: EventBridge Scheduler starts one task at 03:00 UTC; a run that exits
    // non-zero (or never starts) fires `<env>-nightly-alert-failed-run`. Its bucket is per
    // environment (environments.ts: NIGHTLY_BUCKET and the grants on it).
    name: "nightly",
    kind: "scheduled",
    source: "services/nightly",
    schedule: "cron(0 3 * * ? *)",
    // Defaults written out, as the place to change them: retries apply only to a run Scheduler could not start.
    scheduling: { timezone: "UTC", retries: 2, flexibleWindowMinutes: "off", maximumEventAgeSeconds: 3600 },
    // On-demand only: a run that Spot takes back is a failed night, and one short task a day costs little.
    spotShare: 0,
    environment: { NIGHTLY_INPUT_PREFIX: "incoming/", NIGHTLY_OUTPUT_PREFIX: "reports/" },
  },
];
