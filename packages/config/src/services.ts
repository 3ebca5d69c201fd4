import type { ServiceConfig } from "./types";

/**
 * The services. Add one by adding an entry: every environment gets a `<env>-<name>` stack, an
 * ECR repository, a log group and (for `web`) a target group and listener rule. Per-environment
 * differences go in `environments.ts` under `services`.
 *
 * Other kinds, for reference:
 *   { name: "mailer", kind: "worker", source: "services/mailer", queue: { maxJobSeconds: 30 } }
 *   { name: "nightly-etl", kind: "scheduled", source: "services/etl", schedule: "cron(0 3 * * ? *)" }
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
];
