/**
 * HTTP edge cases on the wire, against the server as a process: what raw bytes can do that no HTTP
 * client sends (a missing or malformed Host, dot segments, CONNECT, half requests at shutdown).
 */
import { afterAll, describe, expect, test } from "bun:test";
import { SECURITY_HEADERS, TRACE_HEADER } from "../src/http/respond";
import { killStarted, requestLines, startServer, type Line, type RunningServer } from "./helpers";
import { exchange, isResponse, RawConnection, type RawResponse, type ReadResult } from "./raw-http";

afterAll(killStarted);

const TIMEOUT = 20_000;
const UNKNOWN_ID = "0190d5c4-0000-7000-8000-000000000000";

/** An answer the service wrote: JSON, the security headers, and its trace ID. */
function expectServiceAnswer(result: ReadResult, name: string): RawResponse {
  if (!isResponse(result)) throw new Error(`${name}: no response (${result})`);
  const headers = Object.fromEntries(Object.keys(SECURITY_HEADERS).map((h) => [h, result.headers.get(h)]));
  expect({ name, headers }).toEqual({ name, headers: SECURITY_HEADERS });
  expect({ name, traceId: result.headers.get(TRACE_HEADER) }).toEqual({ name, traceId: expect.stringMatching(/^1-[0-9a-f]{8}-[0-9a-f]{24}$/) });
  if (result.status !== 204) expect({ name, type: result.headers.get("content-type") }).toEqual({ name, type: "application/json; charset=utf-8" });
  return result;
}

/** The one access line with this answer's trace ID (after the pipe has delivered it). */
async function lineOf(server: RunningServer, res: RawResponse): Promise<Line> {
  const traceId = res.headers.get(TRACE_HEADER);
  await server.waitForLine((l) => l.msg === "request" && l.traceId === traceId);
  const lines = requestLines(server.lines()).filter((l) => l.traceId === traceId);
  expect(lines).toHaveLength(1);
  return lines[0]!;
}

const request = (line: string, headers: string[], body = ""): string => `${[line, ...headers].join("\r\n")}\r\n\r\n${body}`;

describe("Host", () => {
  // Bun 1.4.5 itself answers 400 to HTTP/1.1 without Host; everything else below reaches the app.
  const hosts: [name: string, version: string, headers: string[], valid: boolean][] = [
    ["HTTP/1.0 without Host", "HTTP/1.0", [], true],
    ["an empty Host", "HTTP/1.1", ["Host:"], true],
    ["a Host with a port", "HTTP/1.1", ["Host: api.example.com:8080"], true],
    ["an IPv6 Host", "HTTP/1.1", ["Host: [::1]:80"], true],
    ["a Host with a space", "HTTP/1.1", ["Host: a b"], false],
    ["a port out of range", "HTTP/1.1", ["Host: x:99999"], false],
    ["a port that is not a number", "HTTP/1.1", ["Host: x:abc"], false],
    ["an unclosed IPv6 literal", "HTTP/1.1", ["Host: [::1"], false],
    ["a Host with a path", "HTTP/1.1", ["Host: x/y"], false],
    ["a Host with user info", "HTTP/1.1", ["Host: user@x"], false],
    ["a Host with bytes over 0x7f", "HTTP/1.1", ["Host: \xff\xfe"], false],
    ["two Host lines", "HTTP/1.1", ["Host: x", "Host: y"], false],
  ];
  const targets: [target: string, status: number, route: string | null, path: string][] = [
    ["/v1/notes?limit=1", 200, "/v1/notes", "/v1/notes"],
    [`/v1/notes/${UNKNOWN_ID}`, 404, "/v1/notes/:id", `/v1/notes/${UNKNOWN_ID}`],
    ["/", 200, "/", "/"],
    ["/nope", 404, null, "/nope"],
    ["/v1/notes/x/../../../readyz", 200, "/readyz", "/readyz"],
    [`http://elsewhere.example/v1/notes?limit=1`, 200, "/v1/notes", "/v1/notes"],
  ];

  test(
    "routing reads the path alone: a valid or missing Host is served, an invalid one is a 400 naming it, never a 5xx",
    async () => {
      const server = await startServer();
      for (const [hostName, version, headers, valid] of hosts) {
        for (const [target, status, route, path] of targets) {
          const name = `${hostName}, GET ${target}`;
          const res = expectServiceAnswer(await exchange(server.port, request(`GET ${target} ${version}`, [...headers, "Connection: close"])), name);
          const line = await lineOf(server, res);
          if (valid) {
            expect({ name, status: res.status, route: line.route, path: line.path }).toEqual({ name, status, route, path });
          } else {
            expect({ name, status: res.status }).toEqual({ name, status: 400 });
            expect(JSON.parse(res.body).error).toStartWith("invalid Host header ");
            expect(line.status).toBe(400);
            // Not routed, so not normalised: the path as Bun reported it.
            if (!target.includes("..")) expect({ name, path: line.path }).toEqual({ name, path });
          }
        }
      }
      // A note created over HTTP/1.0 without Host, then read back by its Location.
      const body = JSON.stringify({ title: "no host" });
      const created = expectServiceAnswer(
        await exchange(server.port, request("POST /v1/notes HTTP/1.0", ["Content-Type: application/json", `Content-Length: ${body.length}`], body)),
        "POST without Host",
      );
      expect(created.status).toBe(201);
      const read = expectServiceAnswer(await exchange(server.port, request(`GET ${created.headers.get("location")} HTTP/1.0`, [])), "GET the note");
      expect(JSON.parse(read.body)).toMatchObject({ title: "no host" });
      server.proc.kill("SIGTERM");
      expect(await server.exited).toBe(0);
      expect(server.stderr()).toBe("");
    },
    TIMEOUT,
  );
});

describe("dot segments", () => {
  // Normalised (RFC 3986 §5.2.4, as the WHATWG URL parser does), then routed: the same answer
  // whether Bun's router or the fallback sees the request, and whatever the Host.
  const cases: [method: string, target: string, status: number, route: string | null, path: string][] = [
    ["GET", "/./healthz", 200, "/healthz", "/healthz"],
    ["GET", "/v1/../healthz", 200, "/healthz", "/healthz"],
    ["GET", "/v1/%2e%2e/healthz", 200, "/healthz", "/healthz"],
    ["GET", "/v1/%2E%2e/%2e/healthz", 200, "/healthz", "/healthz"],
    ["GET", "/a/b/../../healthz", 200, "/healthz", "/healthz"],
    ["GET", "/../../healthz", 200, "/healthz", "/healthz"],
    ["GET", "/v1\\..\\healthz", 200, "/healthz", "/healthz"],
    ["GET", "/v1/./notes?limit=2", 200, "/v1/notes", "/v1/notes"],
    ["HEAD", "/./healthz", 200, "/healthz", "/healthz"],
    ["POST", "/./healthz", 405, "/healthz", "/healthz"],
    ["DELETE", "/v1/notes/../notes", 405, "/v1/notes", "/v1/notes"],
    ["GET", `/v1/x/../notes/${UNKNOWN_ID}`, 404, "/v1/notes/:id", `/v1/notes/${UNKNOWN_ID}`],
    // Bun's router would match these to /v1/notes/:id with the id "..", ".", or "a\..": normalised, they are other paths.
    ["GET", "/v1/notes/..", 404, null, "/v1/"],
    ["GET", "/v1/notes/%2e%2e", 404, null, "/v1/"],
    ["GET", "/v1/notes/.", 404, null, "/v1/notes/"],
    ["DELETE", "/v1/notes/a\\..", 404, null, "/v1/notes/"],
    ["GET", "/v1/notes/..%2f..%2fhealthz", 404, "/v1/notes/:id", "/v1/notes/..%2f..%2fhealthz"],
    // Empty segments are not dot segments: //healthz is another path.
    ["GET", "//healthz", 404, null, "//healthz"],
    ["GET", "/healthz/", 404, null, "/healthz/"],
  ];

  test(
    "are resolved before routing, with or without a Host, by the router and the fallback alike",
    async () => {
      const server = await startServer();
      for (const version of ["HTTP/1.1", "HTTP/1.0"]) {
        for (const [method, target, status, route, path] of cases) {
          const name = `${method} ${target} ${version}`;
          const headers = version === "HTTP/1.1" ? ["Host: x", "Connection: close"] : [];
          const res = expectServiceAnswer(await exchange(server.port, request(`${method} ${target} ${version}`, headers), 2000, method === "HEAD"), name);
          const line = await lineOf(server, res);
          expect({ name, status: res.status, route: line.route, path: line.path }).toEqual({ name, status, route, path });
          if (status === 405) expect({ name, allow: res.headers.get("allow") }).toEqual({ name, allow: route === "/healthz" ? "GET, HEAD" : "GET, HEAD, POST" });
          if (target.endsWith("healthz") && status === 200 && method === "GET") expect(JSON.parse(res.body)).toEqual({ status: "ok" });
        }
      }
      server.proc.kill("SIGTERM");
      expect(await server.exited).toBe(0);
    },
    TIMEOUT,
  );
});

describe("methods the service does not serve", () => {
  test(
    "after CONNECT, TRACE or an extension method the answer closes the connection, so the next request goes to a fresh one",
    async () => {
      const server = await startServer();
      const next = request("GET /healthz HTTP/1.1", ["Host: x"]);
      for (const [first, host, status, allow] of [
        ["CONNECT x:443 HTTP/1.1", "x", 400, undefined],
        ["CONNECT x:443 HTTP/1.1", "a b", 400, undefined],
        ["CONNECT /healthz HTTP/1.1", "x", 405, "GET, HEAD"],
        ["TRACE /healthz HTTP/1.1", "x", 405, "GET, HEAD"],
        ["PROPFIND /v1/notes HTTP/1.1", "x", 405, "GET, HEAD, POST"],
        ["PURGE /nope HTTP/1.1", "x", 404, undefined],
        // An invalid Host closes the connection whatever the method.
        ["GET /healthz HTTP/1.1", "x:99999", 400, undefined],
      ] as const) {
        const conn = await RawConnection.open(server.port);
        // Pipelined: the second request is already on the connection when the first is answered.
        conn.write(request(first, [`Host: ${host}`]) + next);
        const res = expectServiceAnswer(await conn.read(), first);
        expect({ first, status: res.status, allow: res.headers.get("allow"), connection: res.headers.get("connection") }).toEqual({ first, status, allow, connection: "close" });
        expect({ first, closed: await conn.waitClosed(2000) }).toEqual({ first, closed: true });
        conn.close();
        expect((await lineOf(server, res)).status).toBe(status);
      }
      // A method the service routes keeps the connection: the next request on it is answered.
      const conn = await RawConnection.open(server.port);
      conn.write(request("PUT /healthz HTTP/1.1", ["Host: x", "Content-Length: 3"], "abc") + next);
      const put = expectServiceAnswer(await conn.read(), "PUT");
      expect(put.status).toBe(405);
      const after = expectServiceAnswer(await conn.read(), "GET after PUT");
      expect(after.status).toBe(200);
      conn.close();
      await lineOf(server, put);
      await lineOf(server, after);
      // A token Bun does not know is refused by Bun's parser: the connection closes, unanswered, unlogged.
      const before = requestLines(server.lines()).length;
      expect(await exchange(server.port, request("FOO / HTTP/1.1", ["Host: x"]))).toBe("closed");
      await Bun.sleep(100);
      expect(requestLines(server.lines())).toHaveLength(before);
      server.proc.kill("SIGTERM");
      expect(await server.exited).toBe(0);
    },
    TIMEOUT,
  );
});

describe("shutdown with connections that hold no request", () => {
  test.concurrent(
    "half a request line, half a header, an idle keep-alive and a silent socket: SIGTERM exits 0 at once",
    async () => {
      const server = await startServer();
      const sockets = await Promise.all(Array.from({ length: 4 }, () => RawConnection.open(server.port)));
      sockets[0]!.write("GET /hea");
      sockets[1]!.write("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Half: ");
      sockets[2]!.write(request("GET /healthz HTTP/1.1", ["Host: x"]));
      expect(expectServiceAnswer(await sockets[2]!.read(), "keep-alive").status).toBe(200);
      await Bun.sleep(200);
      const sent = performance.now();
      server.proc.kill("SIGTERM");
      expect(await server.exited).toBe(0);
      // The drain timeout is 10 s; nothing was in flight, so the process does not wait for it.
      expect(performance.now() - sent).toBeLessThan(2000);
      expect(server.lines().at(-1)).toMatchObject({ msg: "shutdown complete", drained: true });
      expect(server.stderr()).toBe("");
    },
    TIMEOUT,
  );

  test.concurrent(
    "a request in flight beside a half-open connection is answered, then the process exits 0 without waiting for the other",
    async () => {
      const server = await startServer();
      const half = await RawConnection.open(server.port);
      half.write("POST /v1/notes HTTP/1.1\r\nHost: x\r\nContent-");
      const body = JSON.stringify({ title: "in flight" });
      const slow = await RawConnection.open(server.port);
      slow.write(request("POST /v1/notes HTTP/1.1", ["Host: x", "Content-Type: application/json", `Content-Length: ${body.length}`], body.slice(0, 5)));
      await Bun.sleep(300);
      server.proc.kill("SIGTERM");
      const started = await server.waitForLine((l) => l.msg === "shutdown started");
      expect(started.inFlight).toBe(1);
      await Bun.sleep(300);
      const finishing = performance.now();
      slow.write(body.slice(5));
      expect(expectServiceAnswer(await slow.read(), "in flight").status).toBe(201);
      expect(await server.exited).toBe(0);
      expect(performance.now() - finishing).toBeLessThan(2000);
      expect(server.lines().at(-1)).toMatchObject({ msg: "shutdown complete", drained: true });
    },
    TIMEOUT,
  );
});
