import { LIVENESS_PATH, READINESS_PATH } from "@bun-fargate/config/runtime";
import type { Config } from "./config";
import { instrument, type ServeHandler } from "./http/instrument";
import { problem } from "./http/respond";
import { compileRoutes, matchRoute, pathOf, type Method, type RouteTable } from "./http/router";
import type { Lifecycle } from "./lifecycle";
import type { Logger } from "./log/logger";
import { healthRoutes } from "./routes/health";
import { infoRoutes } from "./routes/info";
import { NoteStore, noteRoutes } from "./routes/notes";
import { RequestContext, requestContext } from "./trace/context";
import { newTraceId } from "./trace/trace-id";

export interface AppOptions {
  readonly config: Pick<Config, "serviceName" | "appVersion" | "environment">;
  readonly logger: Logger;
  readonly lifecycle: Lifecycle;
  /** @default - a new empty store */
  readonly notes?: NoteStore;
}

export interface App {
  /** For Bun.serve `routes`: every template's method handlers, instrumented. */
  readonly routes: Record<string, Partial<Record<Method, ServeHandler>>>;
  /** For Bun.serve `fetch`: what no route matched, answered 405 (known path) or 404. */
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
  };
  const compiled = compileRoutes(table);
  const instrumentOptions = { logger, healthRoutes: new Set([LIVENESS_PATH, READINESS_PATH]) };

  const routes: App["routes"] = {};
  for (const route of compiled) {
    const methods: Partial<Record<Method, ServeHandler>> = {};
    for (const [method, handler] of Object.entries(route.methods) as [Method, NonNullable<(typeof route.methods)[Method]>][]) {
      methods[method] = instrument(route.template, handler, instrumentOptions);
    }
    routes[route.template] = methods;
  }

  const fallback = instrument(
    null,
    (req, ctx) => {
      const match = matchRoute(compiled, pathOf(req.url));
      if (match === undefined) return problem(ctx, 404, "no route for this path");
      ctx.route = match.route.template;
      return problem(ctx, 405, `method ${req.method} is not allowed here; allowed: ${match.route.allow}`, undefined, { allow: match.route.allow });
    },
    instrumentOptions,
  );

  const onError = (err: Error): Response => {
    const ctx = requestContext.getStore() ?? new RequestContext(newTraceId(), null);
    logger.error("unhandled error", { traceId: ctx.traceId, err });
    return problem(ctx, 500, "internal error");
  };

  const fetch = async (req: Request): Promise<Response> => {
    const match = matchRoute(compiled, pathOf(req.url));
    const method = (req.method === "HEAD" ? "GET" : req.method) as Method;
    const handler = match === undefined ? undefined : routes[match.route.template]![method];
    if (handler === undefined) return fallback(req);
    Object.defineProperty(req, "params", { value: match!.params });
    const res = await handler(req);
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
