import { newSpanId, toW3cTraceId, toXrayTraceId } from "./trace-id";

/** The trace ID of the work in progress (a request, a job), or undefined outside one. */
export type TraceIdSource = () => string | undefined;

/** The outgoing trace headers for a trace ID: `X-Amzn-Trace-Id` (Root) and a W3C `traceparent` with a new span. */
export function traceHeaders(traceId: string): { readonly "x-amzn-trace-id": string; readonly traceparent: string } {
  return { "x-amzn-trace-id": `Root=${toXrayTraceId(traceId)}`, traceparent: `00-${toW3cTraceId(traceId)}-${newSpanId()}-01` };
}

/**
 * A `fetch` for calls to other services: adds the current trace ID (from `traceId`) as
 * `X-Amzn-Trace-Id` (Root) and W3C `traceparent`, unless the caller set them. Outside a traced unit
 * of work it is plain `fetch`.
 */
export function createTracedFetch(
  traceId: TraceIdSource,
  base: (input: string | URL | Request, init?: RequestInit) => Promise<Response> = fetch,
): (input: string | URL | Request, init?: RequestInit) => Promise<Response> {
  return (input, init = {}) => {
    const id = traceId();
    if (id === undefined) return base(input, init);
    const headers = new Headers(init.headers ?? (input instanceof Request ? input.headers : undefined));
    const add = traceHeaders(id);
    if (!headers.has("x-amzn-trace-id")) headers.set("x-amzn-trace-id", add["x-amzn-trace-id"]);
    if (!headers.has("traceparent")) headers.set("traceparent", add.traceparent);
    return base(input, { ...init, headers });
  };
}
