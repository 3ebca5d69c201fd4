/** GET /v1/orders/:id: bun-api calling the orders service, in-process against real upstream servers, then as two real processes. */
import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { createApp } from "../src/app";
import { loadConfig, ConfigError } from "../src/config";
import { TRACE_HEADER } from "../src/http/respond";
import { Lifecycle } from "../src/lifecycle";
import { JsonLogger } from "@bun-fargate/service-kit/log/logger";
import { memorySink } from "@bun-fargate/service-kit/log/sink";
import type { OrderRoutesOptions } from "../src/routes/orders";
import { currentTraceId } from "../src/trace/context";
import { freePort, killStarted, startServer } from "./helpers";

const ROOT = "1-6b02f941-f12e7d0c409369c33074d233";
const json = (res: Response): Promise<any> => res.json();

function setup(orders: OrderRoutesOptions) {
  const sink = memorySink();
  const logger = new JsonLogger({ base: { service: "bun-api", version: "t", env: "test" }, sink, level: "debug", traceId: currentTraceId });
  const lifecycle = new Lifecycle();
  lifecycle.ready();
  const app = createApp({ config: { serviceName: "bun-api", appVersion: "t", environment: "test" }, logger, lifecycle, orders });
  return { app, sink, get: (id: string) => app.request(`/v1/orders/${id}`, { headers: { "x-amzn-trace-id": `Root=${ROOT}` } }) };
}

const upstreams: ReturnType<typeof Bun.serve>[] = [];
afterEach(async () => {
  for (const u of upstreams.splice(0)) await u.stop(true);
});
function upstream(fetch: (req: Request) => Response | Promise<Response>): string {
  const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch });
  upstreams.push(server);
  return `http://127.0.0.1:${server.port}`;
}

/** The response and the one access line it wrote; never a stack trace in the body. */
async function answer(t: ReturnType<typeof setup>, id: string) {
  const res = await t.get(id);
  const text = await res.text();
  expect(text).not.toContain("    at ");
  const lines = t.sink.records();
  expect(lines).toHaveLength(1);
  return { status: res.status, body: JSON.parse(text), line: lines[0]!, res };
}

describe("GET /v1/orders/:id", () => {
  test("passes the order through, having sent the trace ID and the ID to the callee", async () => {
    const seen: { path: string; trace: string | null }[] = [];
    const t = setup({ url: upstream((req) => (seen.push({ path: new URL(req.url).pathname, trace: req.headers.get("x-amzn-trace-id") }), Response.json({ id: "ord-1001", status: "placed" }))) });
    const { status, body, line, res } = await answer(t, "ord-1001");
    expect([status, body]).toEqual([200, { id: "ord-1001", status: "placed" }]);
    expect(res.headers.get(TRACE_HEADER)).toBe(ROOT);
    expect(seen).toEqual([{ path: "/v1/orders/ord-1001", trace: `Root=${ROOT}` }]);
    expect(line).toMatchObject({ msg: "request", level: "info", route: "/v1/orders/:id", status: 200, traceId: ROOT });
  });

  test("a trailing slash on the URL is tolerated", async () => {
    const t = setup({ url: upstream(() => Response.json({ id: "x1" })) + "/" });
    expect((await answer(t, "x1")).status).toBe(200);
  });

  test("the callee's 404: 404 with the ID", async () => {
    const t = setup({ url: upstream(() => Response.json({ error: "no such order" }, { status: 404 })) });
    const { status, body } = await answer(t, "ord-9");
    expect([status, body]).toEqual([404, { error: "no such order", id: "ord-9", traceId: ROOT }]);
  });

  test("the callee fails (500): 502, logged at error", async () => {
    const t = setup({ url: upstream(() => new Response("boom\n    at secret (/app/x.ts:1:1)", { status: 500 })) });
    const { status, body, line } = await answer(t, "ord-1");
    expect([status, body]).toEqual([502, { error: "the orders service answered 500", traceId: ROOT }]);
    expect(line.level).toBe("error");
  });

  test("the callee answers 200 with something that is not JSON: 502", async () => {
    const t = setup({ url: upstream(() => new Response("<html>", { status: 200 })) });
    const { status, body } = await answer(t, "ord-1");
    expect([status, body.error]).toEqual([502, "the orders service answered with something that is not JSON"]);
  });

  test("nothing listens at the URL: 502", async () => {
    const t = setup({ url: `http://127.0.0.1:${await freePort()}` });
    const { status, body, line } = await answer(t, "ord-1");
    expect([status, body]).toEqual([502, { error: "the orders service could not be reached", traceId: ROOT }]);
    expect(line).toMatchObject({ level: "error", status: 502 });
    expect(line.err).toBeDefined();
  });

  test("the callee does not answer within the timeout: 504, in about the timeout", async () => {
    const t = setup({ url: upstream(() => Bun.sleep(2000).then(() => Response.json({}))), timeoutMs: 150 });
    const started = performance.now();
    const { status, body } = await answer(t, "ord-1");
    expect([status, body]).toEqual([504, { error: "the orders service did not answer within 150 ms", traceId: ROOT }]);
    expect(performance.now() - started).toBeLessThan(1500);
  });

  test("no ORDERS_URL: 503, and no call", async () => {
    const t = setup({ url: undefined });
    const { status, body } = await answer(t, "ord-1");
    expect([status, body]).toEqual([503, { error: "the orders service is not configured here (ORDERS_URL is unset)", traceId: ROOT }]);
  });

  test.each(["a.b", "x".repeat(65), "%20", "a%2Fb", "%E2%82%AC"])("a malformed ID %p: 400, and no call", async (id) => {
    let calls = 0;
    const t = setup({ url: upstream(() => (calls++, Response.json({}))) });
    const { status, body } = await answer(t, id);
    expect([status, body.error]).toEqual([400, "the order ID must be 1-64 letters, digits, _ or -"]);
    expect(calls).toBe(0);
  });
});

describe("ORDERS_URL", () => {
  test("an origin is taken as is; unset leaves ordersUrl out", () => {
    expect(loadConfig({ ORDERS_URL: "http://orders:8080" }).ordersUrl).toBe("http://orders:8080");
    expect(loadConfig({}).ordersUrl).toBeUndefined();
  });

  test.each(["orders:8080", "http://orders:8080/v1", "http://user:pw@orders", "ftp://orders", ""])("%p is refused, naming the variable and what is allowed", (value) => {
    let error: unknown;
    try {
      loadConfig({ ORDERS_URL: value });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error as ConfigError).toMatchObject({ variable: "ORDERS_URL", value, allowed: "an http:// or https:// origin such as http://orders:8080 (no path, query or credentials)" });
  });
});

const ORDERS_MAIN = join(import.meta.dir, "..", "..", "orders", "src", "main.ts");

// The image build copies only this service, so there (and only there) the test is skipped; the
// repository's test suite (scripts/test-suites.mjs, "bun-api") always has services/orders.
describe.skipIf(!existsSync(ORDERS_MAIN))("two real processes: bun-api calling orders (skipped where services/orders is absent)", () => {
  afterAll(killStarted);

  test("the trace ID sent to bun-api is the one in orders' access line for the hop", async () => {
    const orders = await startServer({ cmd: [process.execPath, ORDERS_MAIN], cwd: join(ORDERS_MAIN, "..", ".."), env: { SERVICE_NAME: "orders" } });
    const api = await startServer({ env: { ORDERS_URL: orders.url } });
    try {
      const res = await fetch(`${api.url}/v1/orders/ord-1002`, { headers: { "x-amzn-trace-id": `Root=${ROOT};Sampled=1` } });
      expect(res.status).toBe(200);
      expect(res.headers.get(TRACE_HEADER)).toBe(ROOT);
      expect((await json(res)).id).toBe("ord-1002");
      const hop = await orders.waitForLine((l) => l.msg === "request" && l.route === "/v1/orders/:id");
      expect(hop).toMatchObject({ service: "orders", traceId: ROOT, path: "/v1/orders/ord-1002", status: 200 });
      const own = await api.waitForLine((l) => l.msg === "request" && l.route === "/v1/orders/:id");
      expect(own).toMatchObject({ service: "bun-api", traceId: ROOT, status: 200 });

      // A request with no trace header: bun-api makes an ID, and orders logs that same ID.
      const fresh = await fetch(`${api.url}/v1/orders/ord-1001`);
      const made = fresh.headers.get(TRACE_HEADER)!;
      expect(made).toMatch(/^1-[0-9a-f]{8}-[0-9a-f]{24}$/);
      expect(await orders.waitForLine((l) => l.msg === "request" && l.path === "/v1/orders/ord-1001")).toMatchObject({ traceId: made });

      // orders stops: bun-api answers 502, as JSON, and stays up.
      orders.proc.kill("SIGTERM");
      expect(await orders.exited).toBe(0);
      const down = await fetch(`${api.url}/v1/orders/ord-1001`);
      expect(down.status).toBe(502);
      expect((await json(down)).error).toBe("the orders service could not be reached");
    } finally {
      api.proc.kill("SIGTERM");
      await api.exited;
    }
  }, 20_000);
});
