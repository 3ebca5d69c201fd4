import { AsyncLocalStorage } from "node:async_hooks";

/**
 * The trace ID of the unit of work in progress, carried through awaits and callbacks, for services
 * whose unit is not an HTTP request (a queue job, a scheduled run). An HTTP service may keep its own
 * richer per-request store and pass its getter where a {@link TraceIdSource} is asked for.
 */
const traceStore = new AsyncLocalStorage<string>();

/** Runs `fn` with `traceId` as the current trace ID. */
export function withTraceId<T>(traceId: string, fn: () => T): T {
  return traceStore.run(traceId, fn);
}

/** The trace ID set by the nearest enclosing {@link withTraceId}, if any. */
export function currentTraceId(): string | undefined {
  return traceStore.getStore();
}
