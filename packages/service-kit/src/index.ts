// What every Bun service of the workspace shares: JSON logs with a trace ID, trace-ID parsing and
// generation, a fetch that forwards the trace, and the signal/crash handlers of a graceful stop.
export * from "./log/logger";
export * from "./log/sink";
export * from "./trace/trace-id";
export * from "./trace/context";
export * from "./trace/fetch";
export * from "./process";
