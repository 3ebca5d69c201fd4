/**
 * The saved Logs Insights queries (packages/config/src/log-queries.ts) against what the service
 * really writes: the server runs as a process, answers requests, and every field each query reads
 * must be a key of its access lines. A renamed log field fails here before a query silently
 * matches nothing in production.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { LOG_QUERIES, queryFields, TRACE_ID_PLACEHOLDER } from "@bun-fargate/config/log-queries";
import { LEVELS } from "@bun-fargate/service-kit/log/logger";
import { killStarted, requestLines, startServer, type Line } from "./helpers";

afterAll(killStarted);

const TIMEOUT = 20_000;

describe("saved log queries", () => {
  test(
    "read only fields the running server writes on its access lines",
    async () => {
      const server = await startServer();
      const trace = "1-6b02f941-f12e7d0c409369c33074d233";
      await fetch(`${server.url}/`, { headers: { "x-amzn-trace-id": `Root=${trace}` } });
      await fetch(`${server.url}/no-such-route`);
      await fetch(`${server.url}/v1/notes`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
      const lines = await (async () => {
        for (let i = 0; i < 100 && requestLines(server.lines()).length < 3; i++) await Bun.sleep(20);
        return requestLines(server.lines());
      })();
      server.proc.kill("SIGTERM");
      await server.exited;
      expect(lines.length).toBeGreaterThanOrEqual(3);
      // Keys every access line has (the queries must not depend on a line that happens to carry more).
      const everywhere = Object.keys(lines[0]!).filter((k) => lines.every((l: Line) => k in l));
      for (const q of Object.values(LOG_QUERIES)) {
        const fields = queryFields(q.query);
        expect(fields.length).toBeGreaterThan(0);
        expect({ query: q.name, missing: fields.filter((f) => !everywhere.includes(f)) }).toEqual({ query: q.name, missing: [] });
      }
      // What the queries compare fields with is what the lines hold.
      expect(lines.every((l) => l.msg === "request")).toBe(true);
      expect(lines.find((l) => l.traceId === trace)).toBeDefined();
      expect(lines.find((l) => l.route === null && l.status === 404)).toBeDefined();
      expect(Object.keys(LEVELS)).toEqual(expect.arrayContaining(["error", "fatal"]));
      expect(typeof lines[0]!.durationMs).toBe("number");
      expect(typeof lines[0]!.status).toBe("number");
      expect(LOG_QUERIES.trace.query).toContain(`traceId = "${TRACE_ID_PLACEHOLDER}"`);
    },
    TIMEOUT,
  );

  test("queryFields finds a field renamed away from the log line", () => {
    expect(queryFields('fields @timestamp, latencyMs | filter msg = "request and status" | sort latencyMs desc')).toEqual(["latencyMs", "msg"]);
    expect(queryFields("stats count(*) as n by bin(5m) as period, route | sort n desc")).toEqual(["route"]);
  });
});
