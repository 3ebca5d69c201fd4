/** One log line as a person reads it: time, level, service, message, then the request or the fields. */

const REQUEST_KEYS = new Set(["time", "level", "msg", "service", "version", "env", "traceId", "method", "route", "path", "status", "durationMs", "bytesIn", "bytesOut", "clientIp", "userAgent"]);
const BASE_KEYS = new Set(["time", "level", "msg", "service", "version", "env", "traceId"]);

const short = (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value));

/** `timestamp` is the event's own (ms) when the line has no `time`; `fallbackService` names lines that are not JSON. */
export function prettyLine(message: string, timestamp: number, fallbackService = ""): string {
  let line: Record<string, unknown> | undefined;
  try {
    const parsed: unknown = JSON.parse(message);
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) line = parsed as Record<string, unknown>;
  } catch {
    line = undefined;
  }
  const when = typeof line?.time === "string" ? line.time : new Date(timestamp).toISOString();
  const time = when.slice(11, 23);
  if (!line) return `${time} ${"".padEnd(5)} ${fallbackService.padEnd(12)} ${message.trimEnd()}`;
  const level = String(line.level ?? "").toUpperCase().padEnd(5);
  const service = String(line.service ?? fallbackService).padEnd(12);
  const trace = line.traceId ? `  trace=${String(line.traceId)}` : "";
  if (line.msg === "request") {
    const extra = line.err ? `  err=${short((line.err as { message?: unknown }).message ?? line.err)}` : "";
    return `${time} ${level} ${service} ${String(line.method)} ${String(line.path)} -> ${String(line.status)} in ${String(line.durationMs)} ms${trace}${extra}`;
  }
  const fields = Object.entries(line)
    .filter(([k]) => !BASE_KEYS.has(k) && !(REQUEST_KEYS.has(k) && line.msg === "request"))
    .map(([k, v]) => `${k}=${short(k === "err" && v && typeof v === "object" ? (v as { message?: unknown }).message : v)}`)
    .join(" ");
  return `${time} ${level} ${service} ${String(line.msg ?? "")}${fields ? `  ${fields}` : ""}${trace}`;
}
