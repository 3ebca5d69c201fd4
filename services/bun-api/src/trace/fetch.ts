import { createTracedFetch } from "@bun-fargate/service-kit/trace/fetch";
import { currentTraceId } from "./context";

/**
 * `fetch` for calls to other services: adds the current request's trace ID as `X-Amzn-Trace-Id`
 * (Root) and W3C `traceparent`, unless the caller set them. Outside a request it is plain `fetch`.
 */
export const tracedFetch = createTracedFetch(currentTraceId);
