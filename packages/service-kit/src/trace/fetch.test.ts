import { describe, expect, test } from "bun:test";
import { currentTraceId, withTraceId } from "./context";
import { createTracedFetch, traceHeaders } from "./fetch";
import { newTraceId, rootFromAmznTraceId, traceIdFromTraceparent } from "./trace-id";

describe("createTracedFetch", () => {
  test("forwards the current trace as X-Amzn-Trace-Id and traceparent to a real server", async () => {
    const seen: Headers[] = [];
    const upstream = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: (req) => (seen.push(req.headers), new Response("ok")) });
    try {
      const traced = createTracedFetch(currentTraceId);
      const id = newTraceId();
      await withTraceId(id, () => traced(`http://127.0.0.1:${upstream.port}/`));
      expect(rootFromAmznTraceId(seen[0]!.get("x-amzn-trace-id"))).toBe(id);
      expect(traceIdFromTraceparent(seen[0]!.get("traceparent"))).toBe(id.slice(2, 10) + id.slice(11));
      // Outside a traced unit of work: plain fetch, no headers added.
      await traced(`http://127.0.0.1:${upstream.port}/`);
      expect(seen[1]!.has("x-amzn-trace-id")).toBe(false);
      // A caller's own header wins.
      await withTraceId(id, () => traced(`http://127.0.0.1:${upstream.port}/`, { headers: { "x-amzn-trace-id": "Root=mine" } }));
      expect(seen[2]!.get("x-amzn-trace-id")).toBe("Root=mine");
    } finally {
      upstream.stop(true);
    }
  });

  test("traceHeaders gives headers that parse back to the same trace", () => {
    const id = newTraceId();
    const h = traceHeaders(id);
    expect(rootFromAmznTraceId(h["x-amzn-trace-id"])).toBe(id);
    expect(traceIdFromTraceparent(h.traceparent)).toHaveLength(32);
  });
});

describe("withTraceId", () => {
  test("carries the ID through awaits and not outside", async () => {
    expect(currentTraceId()).toBeUndefined();
    const inner = await withTraceId("1-00000001-0123456789abcdef01234567", async () => {
      await Bun.sleep(1);
      return currentTraceId();
    });
    expect(inner).toBe("1-00000001-0123456789abcdef01234567");
    expect(currentTraceId()).toBeUndefined();
  });
});
