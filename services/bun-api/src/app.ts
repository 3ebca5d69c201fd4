import { LIVENESS_PATH, READINESS_PATH } from "@bun-fargate/config/runtime";
import type { Config } from "./config";
import { instrument, type ServeHandler } from "./http/instrument";
import { problem } from "./http/respond";
import { compileRoutes, matchRoute, type Handler, type Method, type RouteTable } from "./http/router";
import { normalisePath, pathOf } from "./http/target";
import type { Lifecycle } from "./lifecycle";
import type { Logger } from "@bun-fargate/service-kit/log/logger";
import { healthRoutes } from "./routes/health";
import { infoRoutes } from "./routes/info";
import { jobRoutes, type JobQueue } from "./routes/jobs";
import { NoteStore, noteRoutes } from "./routes/notes";
import { RequestContext, requestContext } from "./trace/context";
import { newTraceId } from "@bun-fargate/service-kit/trace/trace-id";

/**
 * Methods answered on a keep-alive connection like any other. After any other method (CONNECT,
 * TRACE, WebDAV and other extension methods Bun passes through) the answer, a 405 or 404 like any
 * method a route lacks, carries `Connection: close`: after a CONNECT, Bun 1.4.5 reads the rest of
 * the connection as a tunnel and never answers the next request on it. A 4xx, not a 501: the client
 * asked for something this service does not offer, and a 5xx would count against the service.
 */
export const ORDINARY_METHODS: ReadonlySet<string> = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);
const CLOSE = { connection: "close" } as const;

export interface AppOptions {
  readonly config: Pick<Config, "serviceName" | "appVersion" | "environment">;
  readonly logger: Logger;
  readonly lifecycle: Lifecycle;
  /** @default - a new empty store */
  readonly notes?: NoteStore;
  /** Where POST /v1/jobs enqueues. @default - none: POST /v1/jobs answers 503 */
  readonly jobs?: JobQueue;
}

export interface App {
  /** For Bun.serve `routes`: every template's method handlers, instrumented. */
  readonly routes: Record<string, Partial<Record<Method, ServeHandler>>>;
  /**
   * For Bun.serve `fetch`: what Bun's router did not match. Routes on the normalised path (a
   * request for `/./healthz` or `/v1/../healthz` is served by `/healthz`), else 405 (known path),
   * 404, or 400 for a target that is not a path; closes the connection after an unusual method.
   */
  readonly fallback: ServeHandler;
  /** For Bun.serve `error`: the last resort if something throws outside a handler's own guard. */
  readonly onError: (err: Error) => Response;
  /** Dispatches as Bun.serve would, without a server or a port: for tests. */
  fetch(req: Request): Promise<Response>;
  /** `fetch` for a path on http://localhost. */
  request(path: string, init?: RequestInit): Promise<Response>;
}

export function createApp(options: AppOptions): App {
  const { config, logger, lifecycle } = options;
  const table: RouteTable = {
    ...healthRoutes(lifecycle),
    ...infoRoutes({ service: config.serviceName, version: config.appVersion, environment: config.environment }),
    ...noteRoutes(options.notes ?? new NoteStore()),
    ...jobRoutes(options.jobs),
  };
  const compiled = compileRoutes(table);
  const instrumentOptions = { logger, healthRoutes: new Set([LIVENESS_PATH, READINESS_PATH]) };

  const dispatch: Handler = (req, ctx) => {
    const method = req.method;
    const close = ORDINARY_METHODS.has(method) ? undefined : CLOSE;
    const path = normalisePath(pathOf(req.url));
    if (path === undefined) return problem(ctx, 400, "the request target must be a path starting with /", undefined, close);
    ctx.path = path;
    const match = matchRoute(compiled, path);
    if (match === undefined) return problem(ctx, 404, "no route for this path", undefined, close);
    ctx.route = match.route.template;
    const handler = match.route.methods[(method === "HEAD" ? "GET" : method) as Method];
    if (handler === undefined) {
      const allow = match.route.allow;
      return problem(ctx, 405, `method ${method.slice(0, 32)} is not allowed here; allowed: ${allow}`, undefined, close === undefined ? { allow } : { allow, ...close });
    }
    Object.defineProperty(req, "params", { value: match.params, configurable: true });
    return handler(req, ctx);
  };
  const fallback = instrument(null, dispatch, instrumentOptions);

  const routes: App["routes"] = {};
  for (const route of compiled) {
    const methods: Partial<Record<Method, ServeHandler>> = {};
    for (const [method, handler] of Object.entries(route.methods) as [Method, NonNullable<(typeof route.methods)[Method]>][]) {
      const instrumented = instrument(route.template, handler, instrumentOptions);
      methods[method] = route.params.length === 0 ? instrumented : normalisedParams(instrumented, fallback);
    }
    routes[route.template] = methods;
  }

  const onError = (err: Error): Response => {
    const ctx = requestContext.getStore() ?? new RequestContext(newTraceId(), null);
    logger.error("unhandled error", { traceId: ctx.traceId, err });
    return problem(ctx, 500, "internal error");
  };

  const fetch = async (req: Request): Promise<Response> => {
    const match = matchRoute(compiled, pathOf(req.url));
    const method = (req.method === "HEAD" ? "GET" : req.method) as Method;
    const handler = match === undefined ? undefined : routes[match.route.template]![method];
    if (handler !== undefined) Object.defineProperty(req, "params", { value: match!.params, configurable: true });
    const res = await (handler ?? fallback)(req);
    return req.method === "HEAD" ? new Response(null, res) : res;
  };

  return {
    routes,
    fallback,
    onError,
    fetch,
    request: (path, init) => fetch(new Request(`http://localhost${path}`, init)),
  };
}

/**
 * Bun's router matches the path as sent, so `/v1/notes/..` or `/v1/notes/%2e%2e` reaches
 * `/v1/notes/:id` with the id "..", while the same path normalised is `/v1/`. A parameter that
 * normalising could change (a dot segment, or a `\`, which the URL parser reads as `/`) sends the
 * request to the fallback, which routes on the normalised path: one behaviour for every shape of a
 * path. Other requests pay one check per parameter.
 */
function normalisedParams(handler: ServeHandler, fallback: ServeHandler): ServeHandler {
  return (req, server) => {
    const params = (req as Request & { params?: Record<string, string> }).params;
    for (const name in params) {
      const value = params[name]!;
      if (value === "." || value === ".." || value.includes("\\")) return fallback(req, server);
    }
    return handler(req, server);
  };
}
