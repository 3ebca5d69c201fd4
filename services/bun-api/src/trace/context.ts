import { AsyncLocalStorage } from "node:async_hooks";

/** What one request carries from its start to its access line. */
export class RequestContext {
  /** Request body bytes read, when the handler read the body. */
  bytesIn: number | null = null;
  /** Response body bytes, when known. */
  bytesOut: number | null = null;
  /** The response built by the `json`/`problem` helpers, which already has every header. */
  response: Response | undefined = undefined;
  /** An error behind a 500, written into the access line. */
  err: unknown = undefined;
  /** The path routed on when it is not the path of `req.url` (the fallback normalises it). */
  path: string | undefined = undefined;

  constructor(
    readonly traceId: string,
    /** The route template that matched, or null; the 405 fallback fills in the path's template. */
    public route: string | null,
  ) {}
}

/**
 * Carries the request context through awaits and callbacks, so a log line written anywhere while a
 * request is handled gets its trace ID without the context being passed down by hand.
 */
export const requestContext = new AsyncLocalStorage<RequestContext>();

/** The trace ID of the request being handled, if any. */
export function currentTraceId(): string | undefined {
  return requestContext.getStore()?.traceId;
}
