import { LIVENESS_PATH, READINESS_PATH } from "@bun-fargate/config/runtime";
import type { Logger } from "@bun-fargate/service-kit/log/logger";
import { currentTraceId, withTraceId } from "@bun-fargate/service-kit/trace/context";
import { traceIdFromHeaders } from "@bun-fargate/service-kit/trace/trace-id";
import { ORDER_ID, SAMPLE_ORDERS, type Order } from "./orders";

/** Response header that returns the request's trace ID (as bun-api's). */
export const TRACE_HEADER = "x-trace-id";
const HEADERS = { "content-type": "application/json; charset=utf-8", "x-content-type-options": "nosniff", "cache-control": "no-store" } as const;
const ORDER_PATH = /^\/v1\/orders\/([^/]*)$/;

export interface AppOptions {
  readonly logger: Logger;
  /** False once the service is stopping: /readyz answers 503. */
  readonly ready: () => boolean;
  /** @default SAMPLE_ORDERS */
  readonly orders?: ReadonlyMap<string, Order>;
}

/**
 * The whole HTTP surface. Every request runs with its trace ID (the incoming `X-Amzn-Trace-Id`
 * Root, else the `traceparent` trace-id, else a new one, exactly as bun-api reads it) and writes
 * one access line carrying that ID: the line that shows a caller's trace arrived.
 */
export function createApp(options: AppOptions): (req: Request) => Response {
  const { logger } = options;
  const orders = options.orders ?? SAMPLE_ORDERS;
  const send = (status: number, body: unknown): Response =>
    new Response(JSON.stringify(body), { status, headers: { ...HEADERS, [TRACE_HEADER]: currentTraceId()! } });
  const problem = (status: number, error: string, extra: Record<string, unknown> = {}): Response => send(status, { error, ...extra, traceId: currentTraceId() });

  const route = (req: Request, path: string): { route: string | null; res: Response } => {
    const get = req.method === "GET" || req.method === "HEAD";
    if (path === LIVENESS_PATH || path === READINESS_PATH) {
      if (!get) return { route: path, res: problem(405, `method ${req.method.slice(0, 32)} is not allowed here; allowed: GET, HEAD`) };
      const ok = path === LIVENESS_PATH || options.ready();
      return { route: path, res: send(ok ? 200 : 503, { status: ok ? "ok" : "stopping" }) };
    }
    const m = ORDER_PATH.exec(path);
    if (!m) return { route: null, res: problem(404, "no route for this path") };
    const template = "/v1/orders/:id";
    if (!get) return { route: template, res: problem(405, `method ${req.method.slice(0, 32)} is not allowed here; allowed: GET, HEAD`) };
    let id: string;
    try {
      id = decodeURIComponent(m[1]!);
    } catch {
      id = "";
    }
    if (!ORDER_ID.test(id)) return { route: template, res: problem(400, "the order ID must be 1-64 letters, digits, _ or -") };
    const order = orders.get(id);
    return { route: template, res: order ? send(200, order) : problem(404, "no such order", { id }) };
  };

  return (req) =>
    withTraceId(traceIdFromHeaders(req.headers), () => {
      const started = performance.now();
      let path = "/";
      try {
        path = new URL(req.url).pathname;
      } catch {
        // Bun hands only valid URLs to fetch; keep "/" for a Request built by hand.
      }
      const { route: template, res } = route(req, path);
      const health = template === LIVENESS_PATH || template === READINESS_PATH;
      const level = res.status >= 500 && !health ? "error" : health ? "debug" : "info";
      if (logger.isEnabled(level)) {
        logger.request(level, {
          traceId: currentTraceId()!,
          method: req.method.slice(0, 32),
          route: template,
          path: path.slice(0, 512),
          status: res.status,
          durationMs: Math.round((performance.now() - started) * 1000) / 1000,
          bytesIn: null,
          bytesOut: null,
          clientIp: null,
          userAgent: req.headers.get("user-agent")?.slice(0, 256) ?? null,
        });
      }
      return req.method === "HEAD" ? new Response(null, res) : res;
    });
}
