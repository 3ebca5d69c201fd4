import { describe, expect, test } from "bun:test";
import { JsonLogger, serializeError, type LoggerOptions, type RequestLine } from "@bun-fargate/service-kit/log/logger";
import { formatLine, prettySink } from "../src/log/pretty";
import { memorySink } from "@bun-fargate/service-kit/log/sink";
import { RequestContext, currentTraceId, requestContext } from "../src/trace/context";

const NOW = Date.UTC(2026, 10, 22, 12, 0, 0, 123);
const BASE = { service: "bun-api", version: "1.2.3", env: "test" };

function setup(options: Partial<LoggerOptions> = {}) {
  const sink = memorySink();
  const logger = new JsonLogger({ base: BASE, sink, now: () => NOW, traceId: currentTraceId, ...options });
  return { sink, logger };
}

const LINE: RequestLine = {
  traceId: "1-6b02f941-f12e7d0c409369c33074d233",
  method: "GET",
  route: "/v1/notes/:id",
  path: "/v1/notes/abc",
  status: 200,
  durationMs: 1.234,
  bytesIn: 0,
  bytesOut: 42,
  clientIp: "203.0.113.7",
  userAgent: "curl/8",
};

describe("JsonLogger", () => {
  test("defaults: one JSON line with time, level, msg, the base fields and a null traceId", () => {
    const { sink, logger } = setup();
    logger.info("hello");
    expect(sink.lines).toHaveLength(1);
    expect(JSON.parse(sink.lines[0]!)).toEqual({
      time: "2026-11-22T12:00:00.123Z",
      level: "info",
      msg: "hello",
      service: "bun-api",
      version: "1.2.3",
      env: "test",
      traceId: null,
    });
    expect(Object.keys(JSON.parse(sink.lines[0]!)).slice(0, 7)).toEqual(["time", "level", "msg", "service", "version", "env", "traceId"]);
  });

  test("level filters lower levels; silent drops everything", () => {
    const { sink, logger } = setup({ level: "warn" });
    logger.debug("no");
    logger.info("no");
    logger.warn("yes");
    logger.error("yes");
    expect(sink.records().map((r) => r.level)).toEqual(["warn", "error"]);
    expect(logger.isEnabled("info")).toBe(false);
    expect(logger.isEnabled("fatal")).toBe(true);

    const silent = setup({ level: "silent" });
    silent.logger.fatal("no");
    expect(silent.sink.lines).toHaveLength(0);
  });

  test("fields follow the fixed ones; reserved names cannot overwrite them", () => {
    const { sink, logger } = setup();
    logger.info("x", { port: 8080, level: "fake", service: "fake", nested: { a: [1, 2] } });
    const r = sink.records()[0]!;
    expect(r).toMatchObject({ level: "info", service: "bun-api", port: 8080, nested: { a: [1, 2] } });
  });

  test("the trace ID comes from the request context, or from a traceId field", () => {
    const { sink, logger } = setup();
    requestContext.run(new RequestContext("1-6b02f941-f12e7d0c409369c33074d233", "/"), () => logger.info("inside"));
    logger.info("outside");
    logger.info("given", { traceId: "abc" });
    expect(sink.records().map((r) => r.traceId)).toEqual(["1-6b02f941-f12e7d0c409369c33074d233", null, "abc"]);
  });

  test("the trace ID survives awaits inside the request context", async () => {
    const { sink, logger } = setup();
    await requestContext.run(new RequestContext("1-6b02f941-f12e7d0c409369c33074d233", "/"), async () => {
      await Bun.sleep(1);
      await Promise.resolve();
      setTimeout(() => logger.info("timer"), 0);
      logger.info("after await");
      await Bun.sleep(5);
    });
    expect(sink.records().map((r) => [r.msg, r.traceId])).toEqual([
      ["after await", "1-6b02f941-f12e7d0c409369c33074d233"],
      ["timer", "1-6b02f941-f12e7d0c409369c33074d233"],
    ]);
  });

  test("errors become err: { type, message, stack } on one line", () => {
    const { sink, logger } = setup();
    logger.error("failed", { err: new TypeError("bad thing") });
    logger.error("thrown string", { err: "just a string" });
    expect(sink.lines).toHaveLength(2);
    const [first, second] = sink.records();
    expect(first!.err).toMatchObject({ type: "TypeError", message: "bad thing" });
    expect(String((first!.err as { stack: string }).stack)).toContain("TypeError: bad thing\n");
    expect(second!.err).toEqual({ type: "string", message: "just a string" });
  });

  test("authorization and cookie never reach a line, whatever they are nested in", () => {
    const { sink, logger } = setup();
    const headers = new Headers({ authorization: "Bearer secret-token", cookie: "session=secret-cookie", accept: "*/*" });
    logger.info("headers", { headers, Authorization: "Basic secret-basic", deep: { "set-cookie": "a=secret-set" } });
    const line = sink.lines[0]!;
    expect(line).not.toContain("secret");
    const r = JSON.parse(line);
    expect(r.headers).toEqual({ authorization: "[redacted]", cookie: "[redacted]", accept: "*/*" });
    expect(r.Authorization).toBe("[redacted]");
  });

  test("a field that cannot be serialized does not lose the line", () => {
    const { sink, logger } = setup();
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    logger.warn("odd fields", { cycle, big: 10n, ok: true });
    expect(sink.records()[0]).toMatchObject({ msg: "odd fields", cycle: "[unserializable]", big: "10", ok: true });
  });

  test("request lines carry every access field, and err when given", () => {
    const { sink, logger } = setup();
    logger.request("info", LINE);
    logger.request("error", { ...LINE, status: 500 }, new Error("boom"));
    const [ok, failed] = sink.records();
    expect(ok).toEqual({ time: "2026-11-22T12:00:00.123Z", level: "info", msg: "request", ...BASE, ...LINE });
    expect(Object.keys(ok!)).toEqual(["time", "level", "msg", "service", "version", "env", "traceId", "method", "route", "path", "status", "durationMs", "bytesIn", "bytesOut", "clientIp", "userAgent"]);
    expect(failed).toMatchObject({ level: "error", status: 500, err: { type: "Error", message: "boom" } });
  });

  test("CR, LF and quotes in untrusted strings stay inside one line", () => {
    const { sink, logger } = setup();
    logger.request("info", { ...LINE, path: '/a"b\r\nX-Injected: 1', userAgent: "ua\n{\"level\":\"fatal\"}" });
    expect(sink.lines).toHaveLength(1);
    expect(sink.records()[0]).toMatchObject({ path: '/a"b\r\nX-Injected: 1', userAgent: 'ua\n{"level":"fatal"}' });
  });
});

describe("serializeError", () => {
  test("names the type from the error, or from what was thrown", () => {
    class DatabaseDown extends Error {
      override name = "DatabaseDown";
    }
    expect(serializeError(new DatabaseDown("x")).type).toBe("DatabaseDown");
    expect(serializeError(null)).toEqual({ type: "null", message: "null" });
    expect(serializeError(42)).toEqual({ type: "number", message: "42" });
  });
});

describe("pretty format", () => {
  test("turns request lines into one readable line", () => {
    const line = JSON.stringify({ time: "2026-11-22T12:00:00.123Z", level: "info", msg: "request", ...BASE, ...LINE });
    expect(formatLine(line)).toBe("12:00:00.123 INFO  GET /v1/notes/abc 200 1.234ms traceId=1-6b02f941-f12e7d0c409369c33074d233");
  });

  test("prints other lines with their fields, and stacks below", () => {
    const sink = memorySink();
    const logger = new JsonLogger({ base: BASE, sink: prettySink(sink), now: () => NOW });
    logger.info("listening", { port: 8080 });
    logger.error("failed", { err: new Error("boom") });
    expect(sink.lines[0]).toBe("12:00:00.123 INFO  listening port=8080");
    expect(sink.lines[1]).toStartWith("12:00:00.123 ERROR failed err=Error: boom");
    expect(sink.lines.slice(2).join("\n")).toContain("at ");
  });
});
