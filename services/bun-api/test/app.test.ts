/** The service in-process: every request goes through the same handlers Bun.serve calls, without a port. */
import { beforeEach, describe, expect, test } from "bun:test";
import { createApp } from "../src/app";
import { MAX_BODY_BYTES } from "../src/http/body";
import { instrument } from "../src/http/instrument";
import { SECURITY_HEADERS, TRACE_HEADER } from "../src/http/respond";
import { Lifecycle } from "../src/lifecycle";
import { JsonLogger, type Level } from "@bun-fargate/service-kit/log/logger";
import { memorySink } from "@bun-fargate/service-kit/log/sink";
import { NOTE_LIMITS, NoteStore } from "../src/routes/notes";
import { currentTraceId } from "../src/trace/context";
import { tracedFetch } from "../src/trace/fetch";
import { Prng, seedFrom } from "./prng";

const STORE_SEED = seedFrom("STORE_SEED", 20_261_202);

const ROOT = "1-6b02f941-f12e7d0c409369c33074d233";
/** A response body as JSON, untyped: tests look into it freely. */
const json = (res: Response): Promise<any> => res.json();
const TRACE_ID = /^1-[0-9a-f]{8}-[0-9a-f]{24}$/;

function setup(level: Level = "debug") {
  const sink = memorySink();
  const logger = new JsonLogger({ base: { service: "bun-api", version: "1.2.3", env: "test" }, sink, level, traceId: currentTraceId });
  const lifecycle = new Lifecycle();
  lifecycle.ready();
  const app = createApp({ config: { serviceName: "bun-api", appVersion: "1.2.3", environment: "test" }, logger, lifecycle, notes: new NoteStore() });
  return { sink, logger, lifecycle, app };
}

let t: ReturnType<typeof setup>;
beforeEach(() => {
  t = setup();
});

/** The one access line the request wrote; fails unless there is exactly one line. */
function onlyLine(): Record<string, unknown> {
  expect(t.sink.lines).toHaveLength(1);
  return t.sink.records()[0]!;
}

function expectSecurityHeaders(res: Response): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(res.headers.get(name)).toBe(value);
  expect(res.headers.get(TRACE_HEADER)).toMatch(/^(1-[0-9a-f]{8}-[0-9a-f]{24}|[0-9a-f]{32})$/);
}

const post = (body: string | Uint8Array | null, headers: Record<string, string> = { "content-type": "application/json" }) =>
  t.app.request("/v1/notes", { method: "POST", body, headers });

describe("GET /", () => {
  test("names the service, with the security and trace headers and one access line", async () => {
    const res = await t.app.request("/", { headers: { "user-agent": "curl/8", "x-forwarded-for": "198.51.100.1, 203.0.113.7" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expectSecurityHeaders(res);
    const body = await res.text();
    expect(JSON.parse(body)).toEqual({ service: "bun-api", version: "1.2.3", environment: "test" });
    const line = onlyLine();
    expect(line).toMatchObject({
      level: "info",
      msg: "request",
      service: "bun-api",
      version: "1.2.3",
      env: "test",
      traceId: res.headers.get(TRACE_HEADER),
      method: "GET",
      route: "/",
      path: "/",
      status: 200,
      bytesIn: 0,
      bytesOut: body.length,
      clientIp: "203.0.113.7",
      userAgent: "curl/8",
    });
    expect(line.durationMs).toBeGreaterThanOrEqual(0);
    expect(line.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });
});

describe("health", () => {
  test("liveness is 200 whatever the phase", async () => {
    for (const step of [() => {}, () => t.lifecycle.drain()]) {
      step();
      const res = await t.app.request("/healthz");
      expect(res.status).toBe(200);
      expect(await json(res)).toEqual({ status: "ok" });
    }
  });

  test("readiness is 503 while starting, 200 when ready, 503 once draining", async () => {
    const fresh = setup();
    const starting = new Lifecycle();
    const app = createApp({ config: { serviceName: "s", appVersion: "1", environment: "test" }, logger: fresh.logger, lifecycle: starting });
    const states: [number, unknown][] = [];
    const check = async () => {
      const res = await app.request("/readyz");
      states.push([res.status, await json(res)]);
    };
    await check();
    starting.ready();
    await check();
    starting.drain();
    await check();
    starting.ready(); // draining never goes back
    await check();
    expect(states).toEqual([
      [503, { status: "starting" }],
      [200, { status: "ready" }],
      [503, { status: "draining" }],
      [503, { status: "draining" }],
    ]);
  });

  test("health checker requests log at debug; anyone else's at info", async () => {
    await t.app.request("/readyz", { headers: { "user-agent": "ELB-HealthChecker/2.0" } });
    await t.app.request("/healthz", { headers: { "user-agent": "bun-api-healthcheck" } });
    await t.app.request("/healthz", { headers: { "user-agent": "curl/8" } });
    // A checker's user agent does not hide requests to other routes.
    await t.app.request("/", { headers: { "user-agent": "ELB-HealthChecker/2.0" } });
    expect(t.sink.records().map((r) => r.level)).toEqual(["debug", "debug", "info", "info"]);

    const info = setup("info");
    await info.app.request("/readyz", { headers: { "user-agent": "ELB-HealthChecker/2.0" } });
    expect(info.sink.lines).toHaveLength(0);
  });

  test("HEAD is answered from GET, without a body", async () => {
    const res = await t.app.request("/healthz", { method: "HEAD" });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("");
    expect(onlyLine()).toMatchObject({ method: "HEAD", route: "/healthz", bytesOut: 0 });
  });
});

describe("unknown routes and methods", () => {
  test("an unknown path is a JSON 404", async () => {
    const res = await t.app.request("/nope");
    expect(res.status).toBe(404);
    expectSecurityHeaders(res);
    expect(await json(res)).toEqual({ error: "no route for this path", traceId: res.headers.get(TRACE_HEADER) });
    expect(onlyLine()).toMatchObject({ status: 404, route: null, path: "/nope" });
  });

  test("a known path with the wrong method is a JSON 405 with Allow", async () => {
    for (const [path, method, allow] of [
      ["/v1/notes", "PUT", "GET, HEAD, POST"],
      ["/v1/notes/abc", "POST", "DELETE, GET, HEAD"],
      ["/healthz", "DELETE", "GET, HEAD"],
      ["/", "OPTIONS", "GET, HEAD"],
    ] as const) {
      const res = await t.app.request(path, { method });
      expect(res.status).toBe(405);
      expect(res.headers.get("allow")).toBe(allow);
      expectSecurityHeaders(res);
      expect((await json(res)).error).toBe(`method ${method} is not allowed here; allowed: ${allow}`);
    }
    expect(t.sink.records().map((r) => [r.status, r.route])).toEqual([
      [405, "/v1/notes"],
      [405, "/v1/notes/:id"],
      [405, "/healthz"],
      [405, "/"],
    ]);
  });

  test("an unusual method gets the same 404 or 405, and closes the connection; ordinary methods keep it", async () => {
    for (const [method, path, status] of [
      ["CONNECT", "/healthz", 405],
      ["TRACE", "/v1/notes", 405],
      ["PROPFIND", "/", 405],
      ["PURGE", "/nope", 404],
    ] as const) {
      const res = await t.app.request(path, { method });
      expect(res.status).toBe(status);
      expect(res.headers.get("connection")).toBe("close");
      expectSecurityHeaders(res);
      if (status === 405) expect((await json(res)).error).toStartWith(`method ${method} is not allowed here; allowed: GET, HEAD`);
    }
    expect(t.sink.records().map((r) => [r.status, r.route])).toEqual([
      [405, "/healthz"],
      [405, "/v1/notes"],
      [405, "/"],
      [404, null],
    ]);
    for (const method of ["OPTIONS", "PUT", "PATCH"]) {
      const res = await t.app.request("/healthz", { method });
      expect([res.status, res.headers.get("connection")]).toEqual([405, null]);
    }
  });

  test("an invalid Host is a 400 naming it, on a route and in the fallback; a valid or empty one is ignored", async () => {
    for (const path of ["/healthz", "/v1/notes?limit=1", "/nope"]) {
      t.sink.clear();
      const res = await t.app.request(path, { headers: { host: "x:99999" } });
      expect(res.status).toBe(400);
      expectSecurityHeaders(res);
      expect((await json(res)).error).toBe('invalid Host header "x:99999": expected host[:port], a single value, port 0-65535');
      expect(onlyLine()).toMatchObject({ status: 400, path: path.split("?")[0] });
    }
    for (const host of ["", "api.example.com:443", "[::1]"]) expect((await t.app.request("/healthz", { headers: { host } })).status).toBe(200);
  });

  test("encoded newlines in a path stay encoded in the one log line", async () => {
    for (const path of ["/nope%0A%0D", "/%0d%0aSet-Cookie:%20x=1", "/v1/notes/abc%0Adef"]) {
      t.sink.clear();
      const res = await t.app.fetch(new Request(`http://localhost${path}`));
      expect(res.status).toBe(404);
      expect(await json(res)).toHaveProperty("error");
      const line = onlyLine();
      expect(line.path).toBe(path);
      expect(t.sink.lines[0]).not.toMatch(/[\r\n]/);
    }
  });

  test("a long path is cut in the log", async () => {
    await t.app.request(`/${"a".repeat(5000)}`);
    expect((onlyLine().path as string).length).toBe(256);
  });
});

describe("trace IDs", () => {
  test("a well-formed X-Amzn-Trace-Id Root is kept, returned and logged", async () => {
    const res = await t.app.request("/", { headers: { "x-amzn-trace-id": `Self=1-67891234-12456789abcdef012345678;Root=${ROOT};Sampled=1` } });
    expect(res.headers.get(TRACE_HEADER)).toBe(ROOT);
    expect(onlyLine().traceId).toBe(ROOT);
  });

  test("otherwise a valid traceparent's trace-id", async () => {
    const res = await t.app.request("/", { headers: { traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" } });
    expect(res.headers.get(TRACE_HEADER)).toBe("4bf92f3577b34da6a3ce929d0e0e4736");
  });

  test("malformed, oversized or control-character values get a new ID, each with one line", async () => {
    const bad = [
      "Root=1-zzzzzzzz-f12e7d0c409369c33074d233",
      `Root=${ROOT}${"A".repeat(20_000)}`,
      `Root=${ROOT.slice(0, 20)}\t${ROOT.slice(20)}`,
      `Root=${ROOT.slice(0, 20)}%0D%0A${ROOT.slice(20)}`,
      `Root=${ROOT}\u0001`,
      "\u00ff\u00fe",
    ];
    for (const value of bad) {
      t.sink.clear();
      const res = await t.app.request("/", { headers: { "x-amzn-trace-id": value, traceparent: value } });
      expect(res.status).toBe(200);
      const id = res.headers.get(TRACE_HEADER)!;
      expect(id).toMatch(TRACE_ID);
      expect(id).not.toBe(ROOT);
      expect(onlyLine().traceId).toBe(id);
    }
  });

  test("the trace ID reaches log lines written inside a handler, across awaits", async () => {
    const { logger, sink } = setup();
    const handler = instrument(
      "/work",
      async (_req, ctx) => {
        logger.info("step one");
        await Bun.sleep(1);
        logger.info("step two");
        return new Response(ctx.traceId);
      },
      { logger, healthRoutes: new Set() },
    );
    const res = await handler(new Request("http://localhost/work", { headers: { "x-amzn-trace-id": `Root=${ROOT}` } }));
    expect(await res.text()).toBe(ROOT);
    expect(sink.records().map((r) => [r.msg, r.traceId])).toEqual([
      ["step one", ROOT],
      ["step two", ROOT],
      ["request", ROOT],
    ]);
  });

  test("tracedFetch forwards the trace to the next service as X-Amzn-Trace-Id and traceparent", async () => {
    const upstream = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: (req) => Response.json(Object.fromEntries(req.headers)) });
    try {
      const { logger } = setup();
      const handler = instrument(
        "/call",
        async () => {
          const res = await tracedFetch(`http://127.0.0.1:${upstream.port}/`, { headers: { accept: "application/json" } });
          return Response.json(await json(res));
        },
        { logger, healthRoutes: new Set() },
      );
      const seen = await json(await handler(new Request("http://localhost/call", { headers: { "x-amzn-trace-id": `Root=${ROOT}` } })));
      expect(seen["x-amzn-trace-id"]).toBe(`Root=${ROOT}`);
      expect(seen.traceparent).toMatch(/^00-6b02f941f12e7d0c409369c33074d233-[0-9a-f]{16}-01$/);
      expect(seen.accept).toBe("application/json");
      // Outside a request it is plain fetch.
      const plain = await json(await tracedFetch(`http://127.0.0.1:${upstream.port}/`));
      expect(plain["x-amzn-trace-id"]).toBeUndefined();
    } finally {
      await upstream.stop(true);
    }
  });
});

describe("client IP", () => {
  test("is the right-most X-Forwarded-For entry, which the ALB appends", async () => {
    await t.app.request("/", { headers: { "x-forwarded-for": "10.9.9.9, 198.51.100.1,203.0.113.7" } });
    await t.app.request("/", { headers: { "x-forwarded-for": "2001:db8::1" } });
    await t.app.request("/", { headers: { "x-forwarded-for": "203.0.113.7, not-an-ip" } });
    await t.app.request("/");
    expect(t.sink.records().map((r) => r.clientIp)).toEqual(["203.0.113.7", "2001:db8::1", null, null]);
  });

  test("authorization and cookie headers are never logged", async () => {
    await t.app.request("/", { headers: { authorization: "Bearer secret-token", cookie: "session=secret-cookie" } });
    expect(t.sink.lines.join("\n")).not.toContain("secret");
  });
});

describe("/v1/notes", () => {
  test("create, read, list, delete", async () => {
    const input = JSON.stringify({ title: "  Buy milk ", body: "2 litres", tags: ["home", "urgent-1"] });
    const created = await post(input);
    expect(created.status).toBe(201);
    const note = await json(created);
    expect(note).toMatchObject({ title: "Buy milk", body: "2 litres", tags: ["home", "urgent-1"] });
    expect(created.headers.get("location")).toBe(`/v1/notes/${note.id}`);
    expectSecurityHeaders(created);

    const got = await t.app.request(`/v1/notes/${note.id}`);
    expect(await json(got)).toEqual(note);
    await post(JSON.stringify({ title: "second" }));
    const list = await json(await t.app.request("/v1/notes?limit=1"));
    expect(list).toMatchObject({ count: 1, notes: [{ title: "second" }] });

    expect((await t.app.request(`/v1/notes/${note.id}`, { method: "DELETE" })).status).toBe(204);
    const gone = await t.app.request(`/v1/notes/${note.id}`);
    expect(gone.status).toBe(404);
    expect((await t.app.request(`/v1/notes/${note.id}`, { method: "DELETE" })).status).toBe(404);

    const lines = t.sink.records();
    expect(lines).toHaveLength(7);
    expect(lines[0]).toMatchObject({ method: "POST", route: "/v1/notes", status: 201, bytesIn: input.length });
    expect(lines[1]).toMatchObject({ route: "/v1/notes/:id", path: `/v1/notes/${note.id}` });
  });

  test.each([
    ["no content type", "{}", {}, 415, "expected content-type application/json, got no content-type"],
    ["a form", "title=x", { "content-type": "application/x-www-form-urlencoded" }, 415, 'expected content-type application/json, got content-type "application/x-www-form-urlencoded"'],
    ["invalid JSON", '{"title": "x",}', undefined, 400, "the request body is not valid JSON: "],
    ["an empty body", "", undefined, 400, "the request body is empty; expected a JSON object"],
    ["an array", "[]", undefined, 400, "the request body must be a JSON object, got an array"],
    ["a string", '"x"', undefined, 400, "the request body must be a JSON object, got a string"],
    ["an unknown field", '{"title":"x","colour":"red"}', undefined, 400, "colour: unknown field; allowed fields are title, body, tags"],
    ["a missing title", "{}", undefined, 400, "title: must be a non-blank string of at most 200 characters, got nothing"],
    ["a numeric title", '{"title": 42}', undefined, 400, "title: must be a non-blank string of at most 200 characters, got a number"],
    ["a blank title", '{"title": "   "}', undefined, 400, 'title: must be a non-blank string of at most 200 characters, got "   "'],
    ["a long title", JSON.stringify({ title: "x".repeat(201) }), undefined, 400, "title: must be a non-blank string of at most 200 characters, got a string of 201 characters"],
    ["a null body", '{"title":"x","body":null}', undefined, 400, "body: must be a string of at most 10000 characters, got null"],
    ["too many tags", JSON.stringify({ title: "x", tags: Array.from({ length: 11 }, (_, i) => `t${i}`) }), undefined, 400, "tags: must be an array of at most 10 tags, got an array of 11"],
    ["a bad tag", '{"title":"x","tags":["ok","Not OK"]}', undefined, 400, 'tags[1]: must be 1 to 32 lowercase letters, digits or hyphens, starting with a letter or digit, got "Not OK"'],
  ])("%s is answered %d with a precise message and one line", async (_name, body, headers, status, message) => {
    const res = await post(body, headers ?? { "content-type": "application/json; charset=utf-8" });
    expect(res.status).toBe(status);
    expectSecurityHeaders(res);
    const answer = await json(res);
    expect(answer.error).toStartWith(message as string);
    expect(answer.traceId).toBe(res.headers.get(TRACE_HEADER));
    expect(answer).not.toHaveProperty("stack");
    expect(onlyLine()).toMatchObject({ status, route: "/v1/notes", method: "POST" });
  });

  test("a body that is not UTF-8 is a 400", async () => {
    const res = await post(new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]));
    expect(res.status).toBe(400);
    expect((await json(res)).error).toBe("the request body is not valid UTF-8");
  });

  test("a body over 1 MiB is a 413, by Content-Length and when streamed", async () => {
    const declared = await post("{}", { "content-type": "application/json", "content-length": String(MAX_BODY_BYTES + 1) });
    expect(declared.status).toBe(413);
    const chunk = new Uint8Array(256 * 1024).fill(0x20);
    const stream = new ReadableStream({
      pull(controller) {
        controller.enqueue(chunk);
      },
    });
    const streamed = await t.app.fetch(new Request("http://localhost/v1/notes", { method: "POST", body: stream, headers: { "content-type": "application/json" } }));
    expect(streamed.status).toBe(413);
    expect((await json(streamed)).error).toBe(`the request body is larger than ${MAX_BODY_BYTES} bytes`);
    expect(t.sink.records().map((r) => r.status)).toEqual([413, 413]);
  });

  test("list limit is validated", async () => {
    for (const limit of ["0", "101", "abc", "1.5", "-1", "9999"]) {
      const res = await t.app.request(`/v1/notes?limit=${limit}`);
      expect(res.status).toBe(400);
      expect((await json(res)).error).toBe(`limit: must be an integer from 1 to 100, got ${JSON.stringify(limit)}`);
    }
    expect((await t.app.request("/v1/notes?limit=100")).status).toBe(200);
  });

  test("the store keeps at most its capacity, dropping the oldest", () => {
    const store = new NoteStore(3);
    const ids = ["a", "b", "c", "d"].map((title) => store.add({ title, body: "", tags: [] }).id);
    expect(store.get(ids[0]!)).toBeUndefined();
    expect(store.list(10).map((n) => n.title)).toEqual(["d", "c", "b"]);
    expect(NOTE_LIMITS.stored).toBe(1000);
  });

  test(`the store agrees with a plain list under any mix of adds, deletes and pages (seed ${STORE_SEED})`, () => {
    const rng = new Prng(STORE_SEED);
    for (let run = 0; run < 50; run++) {
      const capacity = rng.int(1, 20);
      const store = new NoteStore(capacity);
      let model: { id: string; title: string }[] = [];
      for (let op = 0; op < 200; op++) {
        const context = `seed ${STORE_SEED} run ${run} op ${op}`;
        const roll = rng.int(0, 3);
        if (roll < 2) {
          const note = store.add({ title: `n${op}`, body: "", tags: [] });
          model.push({ id: note.id, title: note.title });
          if (model.length > capacity) model = model.slice(1);
        } else if (roll === 2 && model.length > 0) {
          const victim = rng.pick(model);
          expect(store.delete(victim.id), context).toBe(true);
          expect(store.delete(victim.id), context).toBe(false);
          model = model.filter((n) => n !== victim);
        } else {
          const limit = rng.int(1, 25);
          expect(store.list(limit).map((n) => n.title), context).toEqual(model.slice(-limit).reverse().map((n) => n.title));
        }
        for (const n of model) expect(store.get(n.id)?.title, context).toBe(n.title);
      }
    }
  });
});

describe("errors", () => {
  test("a throwing handler is a JSON 500 with the trace ID and no stack; the line has err", async () => {
    const { logger, sink } = setup();
    const sync = instrument(
      "/boom",
      () => {
        throw new Error("database password=hunter2 rejected");
      },
      { logger, healthRoutes: new Set() },
    );
    const async = instrument(
      "/boom",
      async () => {
        await Bun.sleep(1);
        throw new RangeError("later");
      },
      { logger, healthRoutes: new Set() },
    );
    for (const handler of [sync, async]) {
      const res = await handler(new Request("http://localhost/boom"));
      expect(res.status).toBe(500);
      expectSecurityHeaders(res);
      const text = await res.text();
      expect(JSON.parse(text)).toEqual({ error: "internal error", traceId: res.headers.get(TRACE_HEADER) });
      expect(text).not.toContain("hunter2");
      expect(text).not.toContain("at ");
    }
    const lines = sink.records();
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ level: "error", status: 500, route: "/boom", err: { type: "Error", message: "database password=hunter2 rejected" } });
    expect(lines[1]).toMatchObject({ level: "error", status: 500, err: { type: "RangeError", message: "later" } });
  });

  test("a response built without the helpers still gets every header", async () => {
    const { logger } = setup();
    const handler = instrument("/plain", () => Response.redirect("https://example.com/", 302), { logger, healthRoutes: new Set() });
    const res = await handler(new Request("http://localhost/plain"));
    expect(res.status).toBe(302);
    expectSecurityHeaders(res);
  });

  test("Bun's last-resort error handler answers the same JSON", async () => {
    const res = t.app.onError(new Error("escaped"));
    expect(res.status).toBe(500);
    expectSecurityHeaders(res);
    expect(Object.keys(await json(res))).toEqual(["error", "traceId"]);
    expect(onlyLine()).toMatchObject({ level: "error", msg: "unhandled error", err: { message: "escaped" } });
  });
});
