import { LIVENESS_PATH, READINESS_PATH } from "@bun-fargate/config/runtime";
import { jsonText } from "../http/respond";
import type { RouteTable } from "../http/router";
import type { Lifecycle } from "../lifecycle";

const OK = JSON.stringify({ status: "ok" });
const BODIES = {
  starting: JSON.stringify({ status: "starting" }),
  ready: JSON.stringify({ status: "ready" }),
  draining: JSON.stringify({ status: "draining" }),
} as const;

/**
 * Liveness answers 200 whenever the event loop can answer at all, draining included: failing it
 * would make ECS kill a task that is finishing its requests. Readiness answers 503 while starting
 * or draining, so the ALB stops routing to the task.
 */
export function healthRoutes(lifecycle: Lifecycle): RouteTable {
  return {
    [LIVENESS_PATH]: { GET: (_req, ctx) => jsonText(ctx, 200, OK) },
    [READINESS_PATH]: {
      GET: (_req, ctx) => {
        const phase = lifecycle.phase;
        return jsonText(ctx, phase === "ready" ? 200 : 503, BODIES[phase]);
      },
    },
  };
}
