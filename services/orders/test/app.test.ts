import { describe, expect, test } from "bun:test";
import { JsonLogger } from "@bun-fargate/service-kit/log/logger";
import { memorySink } from "@bun-fargate/service-kit/log/sink";
import { currentTraceId } from "@bun-fargate/service-kit/trace/context";
import { createApp, TRACE_HEADER } from "../src/app";
import { ORDER_ID, SAMPLE_ORDERS } from "../src/orders";

function app(ready = true) {
  const sink = memorySink();
  const logger = new JsonLogger({ base: { service: "orders", version: "t", env: "test" }, level: "debug", sink, traceId: currentTraceId });
  const handle = createApp({ logger, ready: () => ready });
  const get = async (path: string, init: RequestInit = {}) => {
    const res = handle(new Request(`http://orders:8080${path}`, init));
    return { res, body: res.status === 204 || init.method === "HEAD" ? null : ((await res.json()) as Record<string, unknown>) };
  };
  return { get, sink };
}

const XRAY = "1-5759e988-bd862e3fe1be46a994272793";
const W3C = "4bf92f3577b34da6a3ce929d0e0e4736";

describe("GET /v1/orders/:id", () => {
  test("a known order: 200 and the order as JSON", async () => {
    const { res, body } = await app().get("/v1/orders/ord-1001");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
    expect(body).toEqual({ ...SAMPLE_ORDERS.get("ord-1001")! });
  });

  test("an unknown order: 404 with the ID and the trace ID", async () => {
    const { res, body } = await app().get("/v1/orders/ord-9999", { headers: { "x-amzn-trace-id": `Root=${XRAY}` } });
    expect(res.status).toBe(404);
    expect(body).toEqual({ error: "no such order", id: "ord-9999", traceId: XRAY });
  });

  test.each(["bad%20id", "a.b", "%E0%A4%A", "x".repeat(65), ""])("a malformed ID %p: 400, never a 5xx", async (id) => {
    const { res, body } = await app().get(`/v1/orders/${id}`);
    expect(res.status).toBe(400);
    expect(body!.error).toBe("the order ID must be 1-64 letters, digits, _ or -");
  });

  test("generated: any path segment gets 200, 400 or 404 and one access line, never a 5xx", async () => {
    // A seeded generator (the image's build runs these tests with production dependencies only).
    // Seed printed on failure; characters from the ID alphabet, its neighbours and beyond ASCII.
    const seed = Number(process.env.ORDERS_TEST_SEED ?? Date.now() % 2 ** 31);
    let s = seed;
    const next = (n: number) => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 8) % n;
    const alphabet = ["a", "Z", "0", "9", "_", "-", ".", "/", "%", " ", "~", "é", "😀", "\u0000", "?", "#", "1", "o", "r", "d"];
    const { get, sink } = app();
    for (let i = 0; i < 500; i++) {
      const raw = i < SAMPLE_ORDERS.size ? [...SAMPLE_ORDERS.keys()][i]! : Array.from({ length: next(70) }, () => alphabet[next(alphabet.length)]).join("");
      sink.clear();
      const { res } = await get(`/v1/orders/${encodeURIComponent(raw)}`);
      const expected = SAMPLE_ORDERS.has(raw) ? 200 : ORDER_ID.test(raw) ? 404 : 400;
      if (res.status !== expected) throw new Error(`seed ${seed}: ${JSON.stringify(raw)} gave ${res.status}, expected ${expected}`);
      expect(sink.records().filter((l) => l.msg === "request")).toHaveLength(1);
    }
  });

  test("another method: 405", async () => {
    const { res } = await app().get("/v1/orders/ord-1001", { method: "DELETE" });
    expect(res.status).toBe(405);
  });

  test("HEAD: the GET's status, no body", async () => {
    const res = (await app().get("/v1/orders/ord-1001", { method: "HEAD" })).res;
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("");
  });
});

describe("trace IDs, read exactly as bun-api reads them", () => {
  test("the X-Amzn-Trace-Id Root wins over traceparent, on the response and the access line", async () => {
    const { get, sink } = app();
    const { res } = await get("/v1/orders/ord-1002", { headers: { "x-amzn-trace-id": `Root=${XRAY};Parent=53995c3f42cd8ad8;Sampled=1`, traceparent: `00-${W3C}-00f067aa0ba902b7-01` } });
    expect(res.headers.get(TRACE_HEADER)).toBe(XRAY);
    expect(sink.records()).toEqual([expect.objectContaining({ msg: "request", level: "info", traceId: XRAY, method: "GET", route: "/v1/orders/:id", path: "/v1/orders/ord-1002", status: 200, service: "orders" })]);
  });

  test("a traceparent alone gives its trace-id", async () => {
    const { get, sink } = app();
    await get("/v1/orders/ord-1002", { headers: { traceparent: `00-${W3C}-00f067aa0ba902b7-01` } });
    expect(sink.records()[0]!.traceId).toBe(W3C);
  });

  test("no (or a malformed) header: a new X-Ray ID", async () => {
    const { get, sink } = app();
    await get("/v1/orders/ord-1002", { headers: { "x-amzn-trace-id": "Root=nope" } });
    expect(sink.records()[0]!.traceId).toMatch(/^1-[0-9a-f]{8}-[0-9a-f]{24}$/);
  });
});

describe("health", () => {
  test("/healthz and /readyz answer 200, logged at debug", async () => {
    const { get, sink } = app();
    expect((await get("/healthz")).res.status).toBe(200);
    expect((await get("/readyz")).body).toEqual({ status: "ok" });
    expect(sink.records().map((l) => l.level)).toEqual(["debug", "debug"]);
  });

  test("/readyz answers 503 while stopping; /healthz stays 200", async () => {
    const { get } = app(false);
    expect((await get("/readyz")).res.status).toBe(503);
    expect((await get("/healthz")).res.status).toBe(200);
  });

  test("an unknown path: 404 JSON", async () => {
    const { res, body } = await app().get("/nope");
    expect(res.status).toBe(404);
    expect(body!.error).toBe("no route for this path");
  });
});
