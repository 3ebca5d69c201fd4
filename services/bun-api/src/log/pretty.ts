import type { LogSink } from "@bun-fargate/service-kit/log/sink";

const COLORS: Record<string, string> = {
  trace: "\x1b[90m",
  debug: "\x1b[36m",
  info: "\x1b[32m",
  warn: "\x1b[33m",
  error: "\x1b[31m",
  fatal: "\x1b[35m",
};
const RESET = "\x1b[0m";
const DIM = "\x1b[2m";
/** Shown once in the startup line, not on every line. */
const QUIET = new Set(["time", "level", "msg", "service", "version", "env"]);

/**
 * Human-readable lines for local development (LOG_FORMAT=pretty). It re-reads the JSON lines the
 * logger builds, so both formats carry the same fields; speed does not matter here.
 */
export function prettySink(inner: LogSink, options: { readonly color?: boolean } = {}): LogSink {
  const color = options.color ?? false;
  return {
    write(lines) {
      let out = "";
      for (const line of lines.split("\n")) if (line.length > 0) out += formatLine(line, color) + "\n";
      inner.write(out);
    },
    flush: () => inner.flush(),
  };
}

export function formatLine(line: string, color = false): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const level = String(record.level ?? "info");
  const time = typeof record.time === "string" ? record.time.slice(11, 23) : "";
  const tag = level.toUpperCase().padEnd(5);
  const head = color ? `${DIM}${time}${RESET} ${COLORS[level] ?? ""}${tag}${RESET}` : `${time} ${tag}`;
  if (record.msg === "request") {
    const { method, path, status, durationMs, traceId } = record;
    return `${head} ${method} ${path} ${status} ${durationMs}ms ${dim(`traceId=${traceId}`, color)}`;
  }
  const rest: string[] = [];
  let stack = "";
  for (const [key, value] of Object.entries(record)) {
    if (QUIET.has(key) || (key === "traceId" && value === null)) continue;
    if (key === "err" && value && typeof value === "object") {
      const err = value as { type?: string; message?: string; stack?: string };
      rest.push(`err=${err.type}: ${err.message}`);
      if (err.stack) stack = "\n" + err.stack;
      continue;
    }
    rest.push(`${key}=${typeof value === "string" ? value : JSON.stringify(value)}`);
  }
  return `${head} ${record.msg} ${dim(rest.join(" "), color)}${stack}`;
}

function dim(text: string, color: boolean): string {
  return color ? `${DIM}${text}${RESET}` : text;
}
