import { currentTraceId } from "./context";
import { newSpanId, toW3cTraceId, toXrayTraceId } from "./trace-id";

/**
 * `fetch` for calls to other services: adds the current request's trace ID as `X-Amzn-Trace-Id`
 * (Root) and W3C `traceparent`, unless the caller set them. Outside a request it is plain `fetch`.
 */
export function tracedFetch(input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
  const traceId = currentTraceId();
  if (traceId === undefined) return fetch(input, init);
  const headers = new Headers(init.headers ?? (input instanceof Request ? input.headers : undefined));
  if (!headers.has("x-amzn-trace-id")) headers.set("x-amzn-trace-id", `Root=${toXrayTraceId(traceId)}`);
  if (!headers.has("traceparent")) headers.set("traceparent", `00-${toW3cTraceId(traceId)}-${newSpanId()}-01`);
  return fetch(input, { ...init, headers });
}
