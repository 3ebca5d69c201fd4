/** The service as a real process: real sockets, real signals, Bun's own router and limits. */
import { afterAll, describe, expect, test } from "bun:test";
import { MAX_BODY_BYTES } from "../src/http/body";
import { TRACE_HEADER } from "../src/http/respond";
import { killStarted, MAIN, rawRequest, requestLines, startServer, statusOf, type Line, type RunningServer } from "./helpers";

afterAll(killStarted);

const TIMEOUT = 15_000;

/**
 * A POST whose body arrives in two parts: the request is in flight from the first byte until
 * `finish()` sends the rest. Resolves with the raw response.
 */
function slowPost(port: number): { sent: Promise<void>; finish: () => void; response: Promise<string> } {
  const body = JSON.stringify({ title: "sent slowly", body: "x".repeat(200) });
  const half = body.length >> 1;
  let send: (() => void) | undefined;
  let opened: () => void = () => {};
  const sent = new Promise<void>((resolve) => (opened = resolve));
  const response = new Promise<string>((resolve, reject) => {
    let out = "";
    Bun.connect({
      hostname: "127.0.0.1",
      port,
      socket: {
        open(socket) {
          socket.write(`POST /v1/notes HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, half)}`);
          send = () => socket.write(body.slice(half));
          opened();
        },
        data(_socket, data) {
          out += data.toString();
          if (out.includes("\r\n\r\n") && out.endsWith("}")) resolve(out);
        },
        close: () => resolve(out),
        error: (_socket, err) => reject(err),
      },
    }).catch(reject);
  });
  return { sent, finish: () => send?.(), response };
}

async function connectionRefused(port: number): Promise<boolean> {
  return fetch(`http://127.0.0.1:${port}/healthz`).then(
    () => false,
    (err: Error) => /ECONNREFUSED|Unable to connect/i.test(err.message),
  );
}

function lastLine(server: RunningServer): Line {
  return server.lines().at(-1)!;
}

describe("shutdown", () => {
  test.concurrent(
    "SIGTERM with requests in flight: new connections refused, every request finished, exit 0",
    async () => {
      const server = await startServer();
      const inFlight = Array.from({ length: 5 }, () => slowPost(server.port));
      // Every request has its headers in: the server counts them as pending.
      await Promise.all(inFlight.map((r) => r.sent));
      await Bun.sleep(300);
      server.proc.kill("SIGTERM");
      const started = await server.waitForLine((l) => l.msg === "shutdown started");
      expect(started).toMatchObject({ signal: "SIGTERM", inFlight: 5 });
      await Bun.sleep(100);
      expect(await connectionRefused(server.port)).toBe(true);
      for (const request of inFlight) request.finish();
      const responses = await Promise.all(inFlight.map((r) => r.response));
      expect(responses.map(statusOf)).toEqual([201, 201, 201, 201, 201]);
      expect(await server.exited).toBe(0);
      expect(requestLines(server.lines()).map((l) => l.status)).toEqual([201, 201, 201, 201, 201]);
      expect(lastLine(server)).toMatchObject({ msg: "shutdown complete", drained: true });
      expect(server.stderr()).toBe("");
    },
    TIMEOUT,
  );

  test.concurrent(
    "readiness turns 503 during the drain delay while liveness stays 200; SIGINT works the same",
    async () => {
      const server = await startServer({ env: { DRAIN_DELAY_MS: "1500" } });
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
      server.proc.kill("SIGINT");
      await server.waitForLine((l) => l.msg === "shutdown started");
      const ready = await fetch(`${server.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({ status: "draining" });
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      expect(await server.exited).toBe(0);
      expect(lastLine(server)).toMatchObject({ msg: "shutdown complete", signal: "SIGINT", drained: true });
    },
    TIMEOUT,
  );

  test.concurrent(
    "a second signal exits at once",
    async () => {
      const server = await startServer();
      const stuck = slowPost(server.port);
      await stuck.sent;
      await Bun.sleep(300);
      server.proc.kill("SIGTERM");
      await server.waitForLine((l) => l.msg === "shutdown started");
      const sent = performance.now();
      server.proc.kill("SIGTERM");
      expect(await server.exited).toBe(143);
      expect(performance.now() - sent).toBeLessThan(2000);
      expect(lastLine(server)).toMatchObject({ level: "warn", msg: "second signal; exiting without waiting for in-flight requests" });
      expect(statusOf(await stuck.response)).toBe(0);
    },
    TIMEOUT,
  );

  test.concurrent(
    "the drain timeout cuts off a request that never finishes, then exits 1",
    async () => {
      const server = await startServer({ env: { DRAIN_TIMEOUT_MS: "300" } });
      const stuck = slowPost(server.port);
      await stuck.sent;
      await Bun.sleep(300);
      server.proc.kill("SIGTERM");
      expect(await server.exited).toBe(1);
      const lines = server.lines();
      expect(lines.find((l) => l.msg === "drain timed out; closing the remaining connections")).toMatchObject({ level: "warn", inFlight: 1 });
      expect(lastLine(server)).toMatchObject({ msg: "shutdown complete", drained: false });
      await stuck.response;
    },
    TIMEOUT,
  );
});

describe("start", () => {
  test.concurrent(
    "a bad variable prints one JSON line naming it and exits 78",
    async () => {
      const server = await startServer({ env: { LOG_LEVEL: "loud" }, waitListening: false });
      expect(await server.exited).toBe(78);
      const lines = server.stdout().trim().split("\n");
      expect(lines).toHaveLength(1);
      expect(JSON.parse(lines[0]!)).toMatchObject({
        level: "fatal",
        msg: "invalid configuration",
        variable: "LOG_LEVEL",
        value: "loud",
        allowed: "one of trace, debug, info, warn, error, fatal, silent",
      });
      expect(server.stderr()).toBe("");
    },
    TIMEOUT,
  );

  test.concurrent(
    "HOST sets the bind address, and the health check connects there",
    async () => {
      // 127.0.0.2 is loopback too (Linux routes 127/8 to lo): it reaches a wildcard listener only.
      const reaches = (host: string, port: number) =>
        fetch(`http://${host}:${port}/healthz`).then(
          (res) => res.status,
          () => "refused",
        );
      const healthcheck = async (env: Record<string, string>) => {
        const proc = Bun.spawn([process.execPath, MAIN, "--healthcheck"], { env: { PATH: process.env.PATH ?? "", ...env }, stdout: "pipe", stderr: "pipe" });
        const [stderr, code] = await Promise.all([new Response(proc.stderr).text(), proc.exited]);
        return { code, stderr };
      };
      const everywhere = await startServer();
      const loopback = await startServer({ env: { HOST: "127.0.0.1" } });
      expect(everywhere.lines()[0]).toMatchObject({ msg: "listening", host: "0.0.0.0" });
      expect(loopback.lines()[0]).toMatchObject({ msg: "listening", host: "127.0.0.1" });
      expect([await reaches("127.0.0.1", everywhere.port), await reaches("127.0.0.2", everywhere.port)]).toEqual([200, 200]);
      expect([await reaches("127.0.0.1", loopback.port), await reaches("127.0.0.2", loopback.port)]).toEqual([200, "refused"]);
      expect((await healthcheck({ PORT: String(loopback.port), HOST: "127.0.0.1" })).code).toBe(0);
      const elsewhere = await healthcheck({ PORT: String(loopback.port), HOST: "127.0.0.2" });
      expect(elsewhere.code).toBe(1);
      expect(JSON.parse(elsewhere.stderr)).toMatchObject({ msg: "health check failed", url: `http://127.0.0.2:${loopback.port}/healthz` });
      for (const server of [everywhere, loopback]) server.proc.kill("SIGTERM");
      expect([await everywhere.exited, await loopback.exited]).toEqual([0, 0]);

      const bad = await startServer({ env: { HOST: "example.com" }, waitListening: false });
      expect(await bad.exited).toBe(78);
      expect(JSON.parse(bad.stdout())).toMatchObject({ msg: "invalid configuration", variable: "HOST", value: "example.com" });
    },
    TIMEOUT,
  );

  test.concurrent(
    "a port in use is one JSON line and exit 1, not a second listener on the same port",
    async () => {
      const first = await startServer();
      const second = await startServer({ env: { PORT: String(first.port) }, waitListening: false });
      expect(await second.exited).toBe(1);
      expect(second.lines()).toEqual([expect.objectContaining({ level: "fatal", msg: "could not start", port: first.port })]);
      first.proc.kill("SIGTERM");
      expect(await first.exited).toBe(0);
    },
    TIMEOUT,
  );

  test.concurrent(
    "LOG_FORMAT=pretty prints lines for people",
    async () => {
      const server = await startServer({ env: { LOG_FORMAT: "pretty" }, waitListening: false });
      for (let waited = 0; !server.stdout().includes(" listening ") && waited < 5000; waited += 20) await Bun.sleep(20);
      server.proc.kill("SIGTERM");
      expect(await server.exited).toBe(0);
      const first = server.stdout().split("\n")[0]!;
      expect(first).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO {2}listening port=\d+ /);
    },
    TIMEOUT,
  );
});

describe("crashes", () => {
  test.concurrent.each(["throw", "reject"])(
    "an uncaught %s is one JSON line and exit 1, with nothing on stderr",
    async (mode) => {
      const server = await startServer({
        cmd: [process.execPath, "--preload", `${import.meta.dir}/fixtures/crash-later.ts`, MAIN],
        env: { CRASH: mode, CRASH_AFTER_MS: "300" },
      });
      expect(await server.exited).toBe(1);
      const line = lastLine(server);
      expect(line).toMatchObject({
        level: "fatal",
        msg: mode === "throw" ? "uncaught exception" : "unhandled rejection",
        err: { type: "Error", message: mode === "throw" ? "nobody caught this exception" : "nobody handled this rejection" },
      });
      expect(String((line.err as { stack: string }).stack)).toContain("crash-later.ts");
      expect(server.stdout().trim().split("\n").every((l) => l.startsWith("{") && l.endsWith("}"))).toBe(true);
      expect(server.stderr()).toBe("");
    },
    TIMEOUT,
  );
});

describe("bad input over the wire", () => {
  /** One request on its own connection, and the log lines written while it was handled. */
  async function send(server: RunningServer, request: string): Promise<{ status: number; lines: Line[] }> {
    const before = server.lines().length;
    const raw = await rawRequest(server.port, request, 1500);
    // Lines go out within an event-loop turn; give the pipe a moment.
    await Bun.sleep(50);
    const lines = server.lines().slice(before);
    const traceId = new RegExp(`^${TRACE_HEADER}: (\\S+)\\r$`, "im").exec(raw)?.[1];
    // When the service answered, its line carries the trace ID it returned.
    if (traceId !== undefined) expect(lines.map((l) => l.traceId)).toEqual([traceId]);
    return { status: statusOf(raw), lines };
  }

  test(
    "each is answered with the right status and at most one valid line; the server keeps serving",
    async () => {
      const server = await startServer();
      const head = (lines: string[]) => `${lines.join("\r\n")}\r\nConnection: close\r\n\r\n`;
      const chunk = (size: number) => `${size.toString(16)}\r\n${"a".repeat(size)}\r\n`;

      // What reaches the service's handlers: one access line each. (Past 1 MiB of a chunked body,
      // Bun answers 413 itself while the handler's read fails; the handler still logs the 413.)
      const handled: [string, string, number][] = [
        ["invalid JSON", head(["POST /v1/notes HTTP/1.1", "Host: x", "Content-Type: application/json", "Content-Length: 9"]) + '{"title":', 400],
        ["a wrong content type", head(["POST /v1/notes HTTP/1.1", "Host: x", "Content-Type: text/plain", "Content-Length: 2"]) + "{}", 415],
        ["an unknown route", head(["GET /v2/nothing HTTP/1.1", "Host: x"]), 404],
        ["a wrong method", head(["PATCH /v1/notes HTTP/1.1", "Host: x"]), 405],
        ["encoded newlines in the path", head(["GET /v1/notes/%0d%0aSet-Cookie:%20a=1 HTTP/1.1", "Host: x"]), 404],
        ["a malformed trace header", head(["GET / HTTP/1.1", "Host: x", "X-Amzn-Trace-Id: Root=1-zzzz;Root=%0d%0a", "traceparent: 00-xyz"]), 200],
        ["an oversized trace header", head(["GET / HTTP/1.1", "Host: x", `X-Amzn-Trace-Id: Root=1-6b02f941-f12e7d0c409369c33074d233;${"a".repeat(8000)}`]), 200],
        [
          "a chunked body over 1 MiB",
          head(["POST /v1/notes HTTP/1.1", "Host: x", "Content-Type: application/json", "Transfer-Encoding: chunked"]).replace(/\r\n\r\n$/, "\r\n\r\n") +
            chunk(600_000) +
            chunk(600_000) +
            "0\r\n\r\n",
          413,
        ],
      ];
      for (const [name, request, status] of handled) {
        const result = await send(server, request);
        expect({ name, status: result.status }).toEqual({ name, status });
        expect({ name, lines: result.lines.length }).toEqual({ name, lines: 1 });
        expect(result.lines[0]).toMatchObject({ msg: "request", status });
      }

      // What Bun's HTTP parser refuses before any JavaScript runs: the right status, no line
      // (Bun 1.4.5 has no hook for these; the ALB access log records them).
      const before = server.lines().length;
      const refused: [string, string, number][] = [
        ["headers over 16 KiB", head(["GET / HTTP/1.1", "Host: x", `X-Big: ${"a".repeat(17 * 1024)}`]), 431],
        ["a Content-Length over 1 MiB", head(["POST /v1/notes HTTP/1.1", "Host: x", "Content-Type: application/json", `Content-Length: ${MAX_BODY_BYTES + 1}`]), 413],
        ["a CR inside a trace header", head(["GET / HTTP/1.1", "Host: x", "X-Amzn-Trace-Id: Root=1-6b02f941\r-f12e7d0c409369c33074d233"]), 400],
        ["a LF inside a trace header", head(["GET / HTTP/1.1", "Host: x", "X-Amzn-Trace-Id: Root=1-6b02f941\n-f12e7d0c409369c33074d233"]), 400],
      ];
      for (const [name, request, status] of refused) {
        const result = await send(server, request);
        expect({ name, status: result.status }).toEqual({ name, status });
      }
      await Bun.sleep(50);
      expect(server.lines().length).toBe(before);

      const health = await fetch(`${server.url}/healthz`);
      expect(health.status).toBe(200);
      server.proc.kill("SIGTERM");
      expect(await server.exited).toBe(0);
      expect(server.stderr()).toBe("");
    },
    TIMEOUT,
  );
});

describe("log output", () => {
  test.concurrent.each(["exit", "crash", "signal"])(
    "no buffered line is lost on %s",
    async (mode) => {
      const lines = 20_000;
      const proc = Bun.spawn([process.execPath, `${import.meta.dir}/fixtures/log-burst.ts`], {
        env: { PATH: process.env.PATH ?? "", EXIT_MODE: mode, LINES: String(lines) },
        stdout: "pipe",
        stderr: "pipe",
      });
      // Read late, so the pipe fills and the writer has to wait for it.
      await Bun.sleep(200);
      const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
      const records = out
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as Line);
      const burst = records.filter((r) => r.msg === "burst").map((r) => r.i);
      expect(burst).toEqual(Array.from({ length: lines }, (_, i) => i));
      expect(code).toBe(mode === "crash" ? 1 : 0);
      if (mode === "crash") expect(records.at(-1)).toMatchObject({ level: "fatal", msg: "uncaught exception" });
      expect(err).toBe("");
    },
    TIMEOUT,
  );

  test(
    "every answered request has its line when the server stops right after a burst",
    async () => {
      const server = await startServer({ env: { LOG_LEVEL: "info" } });
      const total = 2000;
      let sent = 0;
      await Promise.all(
        Array.from({ length: 20 }, async () => {
          while (sent < total) {
            sent++;
            const res = await fetch(`${server.url}/`);
            await res.arrayBuffer();
          }
        }),
      );
      server.proc.kill("SIGTERM");
      expect(await server.exited).toBe(0);
      expect(requestLines(server.lines())).toHaveLength(total);
    },
    TIMEOUT,
  );

  test.each(["throw", "reject"])(
    "every answered request has its line when the server crashes (uncaught %s) right after a burst",
    async (mode) => {
      const server = await startServer({
        cmd: [process.execPath, "--preload", `${import.meta.dir}/fixtures/crash-on-signal.ts`, MAIN],
        env: { LOG_LEVEL: "info", CRASH: mode },
      });
      const total = 2000;
      let sent = 0;
      const traceIds = new Set<string>();
      await Promise.all(
        Array.from({ length: 20 }, async () => {
          while (sent < total) {
            sent++;
            const res = await fetch(`${server.url}/`);
            traceIds.add(res.headers.get(TRACE_HEADER)!);
            await res.arrayBuffer();
          }
        }),
      );
      // At once after the last response: the sink holds lines its 10 ms timer has not written yet.
      server.proc.kill("SIGUSR2");
      expect(await server.exited).toBe(1);
      const lines = server.lines();
      expect(lines.at(-1)).toMatchObject({ level: "fatal", msg: mode === "throw" ? "uncaught exception" : "unhandled rejection" });
      const logged = requestLines(lines);
      expect(logged).toHaveLength(total);
      expect(new Set(logged.map((l) => l.traceId as string))).toEqual(traceIds);
      expect(server.stderr()).toBe("");
    },
    TIMEOUT,
  );
});
