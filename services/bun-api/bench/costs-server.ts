/**
 * Minimal Bun.serve servers, each doing one piece of what the service does per request, so the
 * cost of that piece in Bun itself can be measured alone (bench/costs.ts). `COST_VARIANT` picks one.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { writeSync } from "node:fs";

const BODY = JSON.stringify({ service: "bun-api", version: "bench", environment: "bench" });
const TYPE = "application/json; charset=utf-8";
const TRACE_ID = "1-6b02f941-f12e7d0c409369c33074d233";
const SECURITY = { "x-content-type-options": "nosniff", "x-frame-options": "DENY", "cache-control": "no-store" };
const TEMPLATE = new Headers({ "content-type": TYPE, ...SECURITY });
const als = new AsyncLocalStorage<{ id: string }>();

let buffer = "";
let scheduled = false;
const out = Buffer.allocUnsafe(1 << 20);
const flush = (): void => {
  scheduled = false;
  const n = out.write(buffer, 0, "utf8");
  buffer = "";
  writeSync(1, out, 0, n);
};
const log = (line: string): void => {
  buffer += line;
  if (!scheduled) {
    scheduled = true;
    setImmediate(flush);
  }
};
let timer: Timer | undefined;
const logLater = (line: string): void => {
  buffer += line;
  timer ??= setTimeout(() => {
    timer = undefined;
    flush();
  }, 10);
};
const line = (req: Request): string =>
  JSON.stringify({
    time: new Date().toISOString(),
    level: "info",
    msg: "request",
    traceId: TRACE_ID,
    method: req.method,
    route: "/",
    path: "/",
    status: 200,
    durationMs: 0.01,
    bytesIn: 0,
    bytesOut: BODY.length,
    clientIp: "203.0.113.7",
    userAgent: "oha/1.16.0",
  }) + "\n";
let sinkHole = 0;
// Each line encoded into the output buffer as it comes: no string concatenation to flatten later.
let used = 0;
const flushDirect = (): void => {
  scheduled = false;
  writeSync(1, out, 0, used);
  used = 0;
};
const logDirect = (line: string): void => {
  used += out.write(line, used, "utf8");
  if (!scheduled) {
    scheduled = true;
    setImmediate(flushDirect);
  }
};
const text = (): Response => new Response(BODY, { headers: { "content-type": TYPE } });

export const VARIANTS: Record<string, (req: Request) => Response> = {
  /** bench/bare.ts: Response.json of a constant object. */
  bare: () => Response.json({ ok: true, service: "bare" }),
  /** A constant JSON text with its content type. */
  text,
  /** + one request header read: Bun copies every header into a Headers object on first access. */
  "one-header": (req) => {
    req.headers.get("x-amzn-trace-id");
    return text();
  },
  /** + the five header reads the service makes. */
  "five-headers": (req) => {
    const h = req.headers;
    h.get("x-amzn-trace-id");
    h.get("host");
    h.get("user-agent");
    h.get("content-length");
    h.get("x-forwarded-for");
    return text();
  },
  /** + req.url: Bun builds (and parses) the absolute URL from Host and the target. */
  url: (req) => {
    void req.url.length;
    return text();
  },
  /** + the service's response headers: copied from a Headers template, trace ID set after. */
  "response-template": () => {
    const res = new Response(BODY, { headers: TEMPLATE });
    res.headers.set("x-trace-id", TRACE_ID);
    return res;
  },
  /** The same five response headers from an object literal. */
  "response-literal": () => new Response(BODY, { headers: { "content-type": TYPE, ...SECURITY, "x-trace-id": TRACE_ID } }),
  /** + an AsyncLocalStorage.run around the handler. */
  "als-run": () => als.run({ id: TRACE_ID }, text),
  /** + one access line (JSON.stringify of 13 fields) buffered and written once per event-loop turn. */
  "line": (req) => {
    const res = text();
    log(line(req));
    return res;
  },
  /** The line built, never written. */
  "line-unwritten": (req) => {
    const res = text();
    sinkHole += line(req).length;
    return res;
  },
  /** The line encoded into the output buffer at once, written once per turn. */
  "line-direct": (req) => {
    const res = text();
    logDirect(line(req));
    return res;
  },
  /** The line buffered and written at most every 10 ms. */
  "line-10ms": (req) => {
    const res = text();
    logLater(line(req));
    return res;
  },
  /**
   * What the service's contract needs, as cheaply as Bun allows: the request headers read (trace ID,
   * Host, User-Agent, X-Forwarded-For), the five response headers, and one access line built by
   * concatenation and written at most every 10 ms. No validation, no context: the floor for any
   * implementation of that contract on this Bun.
   */
  floor: (req) => {
    const h = req.headers;
    const trace = h.get("x-amzn-trace-id") ?? "";
    h.get("host");
    const agent = h.get("user-agent") ?? "";
    const ip = h.get("x-forwarded-for") ?? "";
    const res = new Response(BODY, { headers: TEMPLATE });
    res.headers.set("x-trace-id", TRACE_ID);
    logLater(
      `{"time":"${new Date().toISOString()}","level":"info","msg":"request","traceId":"${trace.slice(5)}","method":"${req.method}","route":"/","path":"/","status":200,"durationMs":0.01,"bytesIn":0,"bytesOut":${BODY.length},"clientIp":"${ip}","userAgent":"${agent}"}\n`,
    );
    return res;
  },
  /** The request headers as one plain object (Bun's Headers#toJSON) instead of a get per header. */
  "headers-tojson": (req) => {
    const h = req.headers.toJSON();
    sinkHole += (h["x-amzn-trace-id"]?.length ?? 0) + (h.host?.length ?? 0) + (h["user-agent"]?.length ?? 0) + (h["x-forwarded-for"]?.length ?? 0);
    return text();
  },
  /** The five response headers as an array of pairs. */
  "response-pairs": () => new Response(BODY, { headers: [["content-type", TYPE], ["x-content-type-options", "nosniff"], ["x-frame-options", "DENY"], ["cache-control", "no-store"], ["x-trace-id", TRACE_ID]] }),
  /** The five response headers: a fresh copy of the template, trace ID set, then given to the Response. */
  "response-copy-first": () => {
    const headers = new Headers(TEMPLATE);
    headers.set("x-trace-id", TRACE_ID);
    return new Response(BODY, { headers });
  },
  /** The four constant response headers only (from the template), no per-request header. */
  "response-constant": () => new Response(BODY, { headers: TEMPLATE }),
  /** The line written with its own writeSync per request: a synchronous write per line. */
  "line-write-each": (req) => {
    const res = text();
    writeSync(1, line(req));
    return res;
  },
  /** The line through console.log per request. */
  "line-console": (req) => {
    const res = text();
    console.log(line(req).slice(0, -1));
    return res;
  },
  /** AsyncLocalStorage used once at start, not per request: whether its cost is global. */
  "als-once": text,
};

if (import.meta.main) {
  const name = process.env.COST_VARIANT ?? "bare";
  const handler = VARIANTS[name];
  if (handler === undefined) throw new Error(`COST_VARIANT=${JSON.stringify(name)}: expected one of ${Object.keys(VARIANTS).join(", ")}`);
  if (name === "als-once") als.run({ id: TRACE_ID }, () => sinkHole++);
  Bun.serve({ port: Number(process.env.PORT ?? 0), hostname: "127.0.0.1", development: false, routes: { "/": handler, "/healthz": text } });
}
