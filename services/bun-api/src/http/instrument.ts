import type { Server } from "bun";
import { HEALTHCHECK_AGENT } from "../healthcheck";
import type { Level, Logger } from "@bun-fargate/service-kit/log/logger";
import { RequestContext, requestContext } from "../trace/context";
import { traceIdFromHeaders } from "@bun-fargate/service-kit/trace/trace-id";
import { decorate, problem } from "./respond";
import type { Handler } from "./router";
import { isValidHost, pathOf } from "./target";

/** What Bun.serve calls: the request and, except in in-process tests, the server. */
export type ServeHandler = (req: Request, server?: Server<undefined>) => Response | Promise<Response>;

/** User agents of health checkers whose requests to the health routes are logged at debug. */
export const HEALTH_CHECKER_AGENTS = ["ELB-HealthChecker/", HEALTHCHECK_AGENT] as const;

const IP = /^[0-9A-Fa-f.:]{2,45}$/;
const CLOSE = { connection: "close" } as const;
/** Bounds for untrusted strings copied into the access line. */
export const MAX_LOGGED_PATH = 256;
export const MAX_LOGGED_USER_AGENT = 256;

export interface InstrumentOptions {
  readonly logger: Logger;
  /** Route templates whose health-checker requests log at debug. */
  readonly healthRoutes: ReadonlySet<string>;
}

/**
 * Wraps a handler with what every request gets: a trace ID, the request context in
 * AsyncLocalStorage, a 400 for an invalid Host header, a JSON 500 for anything thrown, the security
 * and trace headers, and exactly one access line. Synchronous handlers stay synchronous: no promise
 * is created for them. With `route` null (the fallback) the handler sets `ctx.route` itself.
 */
export function instrument(route: string | null, handler: Handler, options: InstrumentOptions): ServeHandler {
  const { logger } = options;
  const health = route !== null && options.healthRoutes.has(route);
  // Bun's router matched a static template only for a path equal to it (queries aside), so the
  // access line takes the template instead of building req.url (~1 µs: Bun assembles and parses
  // the absolute URL on first access). Parameter routes and the fallback read the path.
  const staticPath = route !== null && !route.includes(":") ? route : undefined;
  const finish = (req: Request, server: Server<undefined> | undefined, headers: Headers, ctx: RequestContext, res: Response, start: number): Response => {
    const out = ctx.response === res ? res : decorate(res, ctx);
    const status = out.status;
    const userAgent = headers.get("user-agent");
    const healthRoute = route === null ? ctx.route !== null && options.healthRoutes.has(ctx.route) : health;
    const level: Level = status >= 500 ? "error" : healthRoute && isHealthChecker(userAgent) ? "debug" : "info";
    if (logger.isEnabled(level)) {
      const method = req.method;
      logger.request(
        level,
        {
          traceId: ctx.traceId,
          method,
          route: ctx.route,
          path: ctx.path === undefined ? (staticPath ?? truncate(pathOf(req.url), MAX_LOGGED_PATH)) : truncate(ctx.path, MAX_LOGGED_PATH),
          status,
          durationMs: Math.round((performance.now() - start) * 1000) / 1000,
          bytesIn: ctx.bytesIn ?? contentLength(headers),
          bytesOut: method === "HEAD" ? 0 : ctx.bytesOut,
          clientIp: clientIp(req, server, headers),
          userAgent: userAgent === null ? null : truncate(userAgent, MAX_LOGGED_USER_AGENT),
        },
        ctx.err,
      );
    }
    return out;
  };
  const failed = (ctx: RequestContext, err: unknown): Response => {
    ctx.err = err;
    return problem(ctx, 500, "internal error");
  };

  return (req, server) => {
    const start = performance.now();
    const headers = req.headers;
    const ctx = new RequestContext(traceIdFromHeaders(headers), route);
    // RFC 9112 §3.2: a server must answer 400 to an invalid Host or to several Host lines. Nothing
    // here reads Host (routing uses the path alone), so a missing one (HTTP/1.0) is fine. The
    // connection is closed: its client is broken, and the request may be a CONNECT (see app.ts).
    const host = headers.get("host");
    let out: Response | Promise<Response>;
    if (host !== null && !isValidHost(host)) {
      out = problem(ctx, 400, `invalid Host header ${JSON.stringify(host.slice(0, 100))}: expected host[:port], a single value, port 0-65535`, undefined, CLOSE);
    } else {
      try {
        out = requestContext.run(ctx, handler, req as Parameters<Handler>[0], ctx);
      } catch (err) {
        out = failed(ctx, err);
      }
    }
    if (out instanceof Promise) {
      return out.then(
        (res) => finish(req, server, headers, ctx, res, start),
        (err: unknown) => finish(req, server, headers, ctx, failed(ctx, err), start),
      );
    }
    return finish(req, server, headers, ctx, out, start);
  };
}

function truncate(value: string, max: number): string {
  return value.length > max ? value.slice(0, max) : value;
}

function isHealthChecker(userAgent: string | null): boolean {
  if (userAgent === null) return false;
  for (const prefix of HEALTH_CHECKER_AGENTS) if (userAgent.startsWith(prefix)) return true;
  return false;
}

function contentLength(headers: Headers): number {
  const value = headers.get("content-length");
  if (value === null) return 0;
  const n = Number(value);
  return Number.isSafeInteger(n) && n >= 0 ? n : 0;
}

/**
 * The right-most X-Forwarded-For entry: the ALB appends the address it saw, so that one is the
 * only entry a client cannot forge. Without the header, the socket's peer address.
 */
export function clientIp(req: Request, server: Server<undefined> | undefined, headers: Headers = req.headers): string | null {
  const forwarded = headers.get("x-forwarded-for");
  if (forwarded !== null) {
    // Behind the ALB, consecutive requests often come from one client: the last answer is reused.
    if (forwarded === lastForwarded) return lastForwardedIp;
    const ip = forwarded.slice(forwarded.lastIndexOf(",") + 1).trim();
    if (IP.test(ip)) {
      lastForwarded = forwarded;
      lastForwardedIp = ip;
      return ip;
    }
  }
  return server?.requestIP(req)?.address ?? null;
}

let lastForwarded: string | undefined;
let lastForwardedIp: string | null = null;
