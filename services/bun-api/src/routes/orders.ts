import { CALL_TIMEOUT_MS } from "@bun-fargate/config/runtime";
import { json, problem } from "../http/respond";
import type { RouteTable } from "../http/router";
import { tracedFetch } from "../trace/fetch";

/** An order ID as the orders service accepts it: 1-64 letters, digits, `_` or `-`. */
export const ORDER_ID = /^[A-Za-z0-9_-]{1,64}$/;

export interface OrderRoutesOptions {
  /** The orders service (ORDERS_URL, set by the platform from `calls: ["orders"]`); unset: 503. */
  readonly url: string | undefined;
  /** How long the call may take, body included. @default CALL_TIMEOUT_MS (5000) */
  readonly timeoutMs?: number;
  /** @default tracedFetch (forwards the request's trace ID) */
  readonly fetch?: typeof tracedFetch;
}

/**
 * `GET /v1/orders/:id`: the order, read from the orders service through Service Connect. The
 * caller's mistakes are 4xx (a malformed ID is refused before any call); the callee's are 502 (it
 * failed or answered something unusable), 504 (no answer within the timeout) or 503 (this service
 * has no ORDERS_URL). Every answer is JSON with the trace ID; none carries a stack trace.
 */
export function orderRoutes(options: OrderRoutesOptions): RouteTable {
  const timeoutMs = options.timeoutMs ?? CALL_TIMEOUT_MS;
  const call = options.fetch ?? tracedFetch;
  const base = options.url?.replace(/\/+$/, "");
  return {
    "/v1/orders/:id": {
      GET: async (req, ctx) => {
        const id = req.params.id!;
        if (!ORDER_ID.test(id)) return problem(ctx, 400, "the order ID must be 1-64 letters, digits, _ or -");
        if (base === undefined) return problem(ctx, 503, "the orders service is not configured here (ORDERS_URL is unset)");
        let status: number;
        let body: unknown;
        try {
          const res = await call(`${base}/v1/orders/${id}`, { headers: { accept: "application/json" }, signal: AbortSignal.timeout(timeoutMs) });
          status = res.status;
          const text = await res.text();
          body = status === 200 ? JSON.parse(text) : undefined;
        } catch (err) {
          ctx.err = err;
          const timedOut = err instanceof DOMException && err.name === "TimeoutError";
          return timedOut
            ? problem(ctx, 504, `the orders service did not answer within ${timeoutMs} ms`)
            : problem(ctx, 502, err instanceof SyntaxError ? "the orders service answered with something that is not JSON" : "the orders service could not be reached");
        }
        if (status === 200 && typeof body === "object" && body !== null) return json(ctx, 200, body);
        if (status === 404) return problem(ctx, 404, "no such order", { id });
        return problem(ctx, 502, `the orders service answered ${status}`);
      },
    },
  };
}
