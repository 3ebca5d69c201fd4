import type { RequestContext } from "../trace/context";

/** A route handler: the request (with `params` from the route template) and its context. */
export type Handler = (req: Request & { readonly params: Record<string, string> }, ctx: RequestContext) => Response | Promise<Response>;

export const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
export type Method = (typeof METHODS)[number];

/** Route templates in Bun.serve syntax (`/v1/notes/:id`) to handlers per method. */
export type RouteTable = Readonly<Record<string, Readonly<Partial<Record<Method, Handler>>>>>;

export interface CompiledRoute {
  readonly template: string;
  readonly methods: Readonly<Partial<Record<Method, Handler>>>;
  /** The `Allow` header value: the methods, plus HEAD wherever GET is (Bun answers HEAD from GET). */
  readonly allow: string;
  readonly pattern: RegExp;
  readonly params: readonly string[];
}

export interface RouteMatch {
  readonly route: CompiledRoute;
  readonly params: Record<string, string>;
}

/**
 * The same table Bun.serve routes natively, compiled to patterns. Bun only calls the fallback for
 * what its router did not match, so this answers two questions: is an unmatched request a known
 * path with the wrong method (405) or an unknown path (404), and, for tests, which handler Bun
 * would have called. Static templates win over parameter templates, as in Bun.
 */
export function compileRoutes(table: RouteTable): readonly CompiledRoute[] {
  const routes = Object.entries(table).map(([template, methods]) => {
    const params: string[] = [];
    const source = template
      .split("/")
      .map((segment) => {
        if (segment.startsWith(":")) {
          params.push(segment.slice(1));
          return "([^/]+)";
        }
        return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      })
      .join("/");
    const names = Object.keys(methods).filter((m): m is Method => (METHODS as readonly string[]).includes(m));
    const allow = [...names, ...(names.includes("GET") ? ["HEAD"] : [])].sort().join(", ");
    return { template, methods, allow, pattern: new RegExp(`^${source}$`), params };
  });
  return routes.sort((a, b) => a.params.length - b.params.length);
}

export function matchRoute(routes: readonly CompiledRoute[], pathname: string): RouteMatch | undefined {
  for (const route of routes) {
    const m = route.pattern.exec(pathname);
    if (m === null) continue;
    const params: Record<string, string> = {};
    route.params.forEach((name, i) => {
      params[name] = decodeParam(m[i + 1]!);
    });
    return { route, params };
  }
  return undefined;
}

function decodeParam(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
