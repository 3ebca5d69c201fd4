import { jsonText } from "../http/respond";
import type { RouteTable } from "../http/router";

export interface ServiceInfo {
  readonly service: string;
  readonly version: string;
  readonly environment: string;
}

/** `GET /`: what is running. The body never changes, so it is serialized once. */
export function infoRoutes(info: ServiceInfo): RouteTable {
  const body = JSON.stringify({ service: info.service, version: info.version, environment: info.environment });
  return { "/": { GET: (_req, ctx) => jsonText(ctx, 200, body) } };
}
