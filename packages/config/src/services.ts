import type { ServiceConfig } from "./types";

/**
 * The services. Add one by adding an entry: every environment gets a `<env>-<name>` stack, an
 * ECR repository, a log group and (for `web`) a target group and listener rule. Per-environment
 * differences go in `environments.ts` under `services`.
 *
 * Other kinds, for reference:
 *   { name: "mailer", kind: "worker", source: "services/mailer" }
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
    // GET /v1/orders/:id reads from orders through Service Connect (ORDERS_URL).
    calls: ["orders"],
  },
  {
    // Internal: no ALB route; reached only by its callers, at http://orders:8080.
    name: "orders",
    kind: "internal",
    source: "services/orders",
    containerPort: 8080,
    healthCheckPath: "/readyz",
    maxTasks: 2,
  },
];
