import type { LogSink } from "./sink";

export const LEVELS = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 } as const;
export type Level = keyof typeof LEVELS;
/** A level, or "silent" to log nothing. */
export type LevelSetting = Level | "silent";
export const LEVEL_SETTINGS: readonly LevelSetting[] = [...(Object.keys(LEVELS) as Level[]), "silent"];

/** Extra fields of a line. `err` may hold anything thrown; it is written as `{ type, message, stack }`. */
export type Fields = Readonly<Record<string, unknown>>;

/** Fields present on every line, after `time`, `level` and `msg`. */
export interface LogBase {
  readonly service: string;
  readonly version: string;
  readonly env: string;
}

/** The access-log line: one per request. The producer bounds the untrusted strings and rounds the duration. */
export interface RequestLine {
  readonly traceId: string;
  readonly method: string;
  /** The route template that matched (`/v1/notes/:id`), or null when none did. */
  readonly route: string | null;
  readonly path: string;
  readonly status: number;
  readonly durationMs: number;
  readonly bytesIn: number | null;
  readonly bytesOut: number | null;
  readonly clientIp: string | null;
  readonly userAgent: string | null;
}

export interface LoggerOptions {
  readonly base: LogBase;
  readonly sink: LogSink;
  /** Lines below this level are dropped. @default "info" */
  readonly level?: LevelSetting;
  /** Trace ID of the work in progress, for lines that do not pass one. @default - none: `traceId` is null */
  readonly traceId?: () => string | undefined;
  /** Clock, for tests. @default Date.now */
  readonly now?: () => number;
}

/** Header names whose values never reach a log line, wherever they appear in logged fields. */
const REDACTED_KEYS = new Set(["authorization", "proxy-authorization", "cookie", "set-cookie"]);
const RESERVED_KEYS = new Set(["time", "level", "msg", "service", "version", "env", "traceId"]);

/** What the service logs through. {@link JsonLogger} is the implementation; tests and the benchmark may bring others. */
export interface Logger {
  readonly level: LevelSetting;
  isEnabled(level: Level): boolean;
  trace(msg: string, fields?: Fields): void;
  debug(msg: string, fields?: Fields): void;
  info(msg: string, fields?: Fields): void;
  warn(msg: string, fields?: Fields): void;
  error(msg: string, fields?: Fields): void;
  fatal(msg: string, fields?: Fields): void;
  /**
   * The access line, with `err` when the request failed with an exception. Callers check
   * {@link isEnabled} first, so a filtered line costs nothing.
   */
  request(level: Level, line: RequestLine, err?: unknown): void;
  /** Writes out anything buffered before returning. */
  flush(): void;
}

/**
 * One JSON object per line, to any {@link LogSink}. Each line is a plain object with a fixed key
 * order serialized by one JSON.stringify call: measured here, that is several times cheaper than
 * assembling the line from strings, and it escapes every untrusted string (a CR, LF or quote in a
 * path or header cannot break a line).
 */
export class JsonLogger implements Logger {
  readonly level: LevelSetting;
  readonly #min: number;
  readonly #sink: LogSink;
  readonly #service: string;
  readonly #version: string;
  readonly #env: string;
  readonly #traceId: () => string | undefined;
  readonly #now: () => number;
  #lastMs = -1;
  #lastIso = "";
  #requestHead = { time: "", level: "", text: "" };

  constructor(options: LoggerOptions) {
    this.level = options.level ?? "info";
    this.#min = this.level === "silent" ? Infinity : LEVELS[this.level];
    this.#sink = options.sink;
    this.#service = options.base.service;
    this.#version = options.base.version;
    this.#env = options.base.env;
    this.#traceId = options.traceId ?? (() => undefined);
    this.#now = options.now ?? Date.now;
  }

  isEnabled(level: Level): boolean {
    return LEVELS[level] >= this.#min;
  }

  trace(msg: string, fields?: Fields): void {
    this.log("trace", msg, fields);
  }
  debug(msg: string, fields?: Fields): void {
    this.log("debug", msg, fields);
  }
  info(msg: string, fields?: Fields): void {
    this.log("info", msg, fields);
  }
  warn(msg: string, fields?: Fields): void {
    this.log("warn", msg, fields);
  }
  error(msg: string, fields?: Fields): void {
    this.log("error", msg, fields);
  }
  fatal(msg: string, fields?: Fields): void {
    this.log("fatal", msg, fields);
  }

  log(level: Level, msg: string, fields?: Fields): void {
    if (LEVELS[level] < this.#min) return;
    const given = fields?.traceId;
    const record: Record<string, unknown> = {
      time: this.#iso(),
      level,
      msg: String(msg),
      service: this.#service,
      version: this.#version,
      env: this.#env,
      traceId: (typeof given === "string" ? given : this.#traceId()) ?? null,
    };
    if (fields !== undefined) {
      for (const key in fields) {
        if (RESERVED_KEYS.has(key)) continue;
        record[key] = key === "err" ? serializeError(fields[key]) : fields[key];
      }
    }
    this.#sink.write(stringifyRecord(record) + "\n");
  }

  request(level: Level, r: RequestLine, err?: unknown): void {
    if (LEVELS[level] < this.#min) return;
    // The fields before traceId change at most once a millisecond: only the request's own fields
    // are serialized per line, and spliced after the cached head.
    const fields = JSON.stringify(err === undefined ? r : { ...r, err: serializeError(err) });
    this.#sink.write(this.#head(level) + fields.slice(1) + "\n");
  }

  flush(): void {
    this.#sink.flush();
  }

  /** `{"time":…,"level":…,"msg":"request","service":…,"version":…,"env":…,` for this millisecond and level. */
  #head(level: Level): string {
    const time = this.#iso();
    const head = this.#requestHead;
    if (head.time !== time || head.level !== level) {
      const fixed = { time, level, msg: "request", service: this.#service, version: this.#version, env: this.#env };
      this.#requestHead = { time, level, text: JSON.stringify(fixed).slice(0, -1) + "," };
    }
    return this.#requestHead.text;
  }

  #iso(): string {
    const now = this.#now();
    if (now !== this.#lastMs) {
      this.#lastMs = now;
      this.#lastIso = new Date(now).toISOString();
    }
    return this.#lastIso;
  }
}

/** `{ type, message, stack }` for anything thrown. */
export function serializeError(err: unknown): { type: string; message: string; stack?: string } {
  if (err instanceof Error) {
    const out: { type: string; message: string; stack?: string } = { type: err.name || err.constructor?.name || "Error", message: err.message };
    if (typeof err.stack === "string") out.stack = err.stack;
    return out;
  }
  return { type: err === null ? "null" : typeof err, message: safeString(err) };
}

function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return "[unprintable]";
  }
}

function replacer(this: unknown, key: string, value: unknown): unknown {
  if (key !== "" && REDACTED_KEYS.has(key.toLowerCase())) return "[redacted]";
  if (value instanceof Error) return serializeError(value);
  if (typeof value === "bigint") return value.toString();
  return value;
}

/** Never throws: a field that cannot be serialized (a cycle) is replaced, not the line lost. */
function stringifyRecord(record: Record<string, unknown>): string {
  try {
    return JSON.stringify(record, replacer);
  } catch {
    for (const key of Object.keys(record)) {
      try {
        JSON.stringify(record[key], replacer);
      } catch {
        record[key] = "[unserializable]";
      }
    }
    return JSON.stringify(record, replacer);
  }
}
