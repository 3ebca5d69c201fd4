/**
 * The artifact the image ships: built by the same scripts/build.ts the Dockerfile runs, started as
 * the container starts it, and checked with the health check command the task definition runs.
 */
import { HEALTHCHECK_ARG } from "@bun-fargate/config/runtime";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildBinary } from "../scripts/build";
import { freePort, killStarted, startServer, type RunningServer } from "./helpers";

const dir = mkdtempSync(join(tmpdir(), "bun-api-binary-"));
const binary = join(dir, "server");

beforeAll(async () => {
  await buildBinary({ outfile: binary });
}, 60_000);

afterAll(() => {
  killStarted();
  rmSync(dir, { recursive: true, force: true });
});

async function healthcheck(port: number): Promise<{ code: number; stdout: string; stderr: string }> {
  const proc = Bun.spawn([binary, HEALTHCHECK_ARG], { env: { PORT: String(port) }, stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr };
}

describe("compiled binary", () => {
  let server: RunningServer;
  let port: number;

  test("starts from a directory without sources and serves /healthz", async () => {
    port = await freePort();
    server = await startServer({ cmd: [binary], cwd: dir, env: { PORT: String(port), LOG_LEVEL: "debug" } });
    expect(server.port).toBe(port);
    const res = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
  }, 15_000);

  test(`${HEALTHCHECK_ARG} exits 0 while the server is up, and its request logs at debug`, async () => {
    const result = await healthcheck(port);
    expect(result).toEqual({ code: 0, stdout: "", stderr: "" });
    const line = await server.waitForLine((l) => l.msg === "request" && l.userAgent === "bun-api-healthcheck");
    expect(line).toMatchObject({ level: "debug", route: "/healthz", status: 200 });
  }, 15_000);

  test(`${HEALTHCHECK_ARG} exits 1 once the server is down, with one line saying why`, async () => {
    server.proc.kill("SIGTERM");
    expect(await server.exited).toBe(0);
    const result = await healthcheck(port);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    const lines = result.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: "error", msg: "health check failed", url: `http://127.0.0.1:${port}/healthz` });
  }, 15_000);

  test(`${HEALTHCHECK_ARG} exits 1 when the server answers anything but 200`, async () => {
    const unhealthy = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response("no", { status: 503 }) });
    try {
      const result = await healthcheck(unhealthy.port!);
      expect(result.code).toBe(1);
      expect(JSON.parse(result.stderr)).toMatchObject({ status: 503 });
    } finally {
      await unhealthy.stop(true);
    }
  }, 15_000);
});
