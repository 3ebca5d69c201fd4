/**
 * The same Logger interface on pino, for the benchmark only: the service's own logger has to beat
 * this by a clear margin with the same fields to justify itself. pino gets its fastest setup:
 * asynchronous sonic-boom output buffered to 4 KiB, labels instead of numbers, ISO time.
 */
import pino from "pino";
import type { Fields, Level, LevelSetting, LogBase, Logger, RequestLine } from "@bun-fargate/service-kit/log/logger";
import { currentTraceId } from "../src/trace/context";

export class PinoLogger implements Logger {
  readonly level: LevelSetting;
  readonly #pino: pino.Logger;

  constructor(base: LogBase, level: LevelSetting) {
    this.level = level;
    this.#pino = pino(
      {
        level,
        base,
        messageKey: "msg",
        timestamp: pino.stdTimeFunctions.isoTime,
        formatters: { level: (label) => ({ level: label }) },
        mixin: () => {
          const traceId = currentTraceId();
          return traceId === undefined ? {} : { traceId };
        },
        redact: { paths: ["authorization", "cookie", "*.authorization", "*.cookie"], censor: "[redacted]" },
      },
      pino.destination({ dest: 1, sync: false, minLength: 4096 }),
    );
  }

  isEnabled(level: Level): boolean {
    return this.#pino.isLevelEnabled(level);
  }
  trace(msg: string, fields?: Fields): void {
    this.#pino.trace(fields ?? {}, msg);
  }
  debug(msg: string, fields?: Fields): void {
    this.#pino.debug(fields ?? {}, msg);
  }
  info(msg: string, fields?: Fields): void {
    this.#pino.info(fields ?? {}, msg);
  }
  warn(msg: string, fields?: Fields): void {
    this.#pino.warn(fields ?? {}, msg);
  }
  error(msg: string, fields?: Fields): void {
    this.#pino.error(fields ?? {}, msg);
  }
  fatal(msg: string, fields?: Fields): void {
    this.#pino.fatal(fields ?? {}, msg);
  }
  request(level: Level, line: RequestLine, err?: unknown): void {
    this.#pino[level](err === undefined ? line : { ...line, err }, "request");
  }
  flush(): void {
    this.#pino.flush();
  }
}
