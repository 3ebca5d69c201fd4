/** The service as a real process: real port, real signals, the container health check. */
import { afterAll, describe, expect, test } from "bun:test";
import { spawn, type Subprocess } from "bun";
import { join } from "node:path";

const DIR = join(import.meta.dir, "..");
const MAIN = join(DIR, "src", "main.ts");
const started: Subprocess[] = [];
afterAll(() => {
  for (const p of started) if (p.exitCode === null) p.kill("SIGKILL");
});

async function start(env: Record<string, string> = {}) {
  const proc = spawn([process.execPath, MAIN], { cwd: DIR, env: { PATH: process.env.PATH ?? "", PORT: "0", LOG_LEVEL: "debug", ...env }, stdout: "pipe", stderr: "pipe" });
  started.push(proc);
  let out = "";
  const decoder = new TextDecoder();
  const reading = (async () => {
    for await (const chunk of proc.stdout) out += decoder.decode(chunk, { stream: true });
  })();
  const lines = () => out.split("\n").filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
  const waitFor = async (match: (l: Record<string, unknown>) => boolean, ms = 5000) => {
    const until = Date.now() + ms;
    for (;;) {
      const hit = lines().find(match);
      if (hit) return hit;
      if (Date.now() > until) throw new Error(`no matching line in ${ms} ms:\n${out}`);
      await Bun.sleep(20);
    }
  };
  return { proc, lines, waitFor, exited: Promise.all([proc.exited, reading]).then(([c]) => c) };
}

describe("orders as a process", () => {
  test("serves an order on a real port, one JSON access line with the caller's trace ID; SIGTERM exits 0", async () => {
    const s = await start();
    const { port } = (await s.waitFor((l) => l.msg === "listening")) as { port: number };
    const res = await fetch(`http://127.0.0.1:${port}/v1/orders/ord-1003`, { headers: { traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { id: string }).id).toBe("ord-1003");
    const line = await s.waitFor((l) => l.msg === "request" && l.route === "/v1/orders/:id");
    expect(line).toMatchObject({ traceId: "0af7651916cd43dd8448eb211c80319c", status: 200, service: "orders" });
    s.proc.kill("SIGTERM");
    expect(await s.exited).toBe(0);
    expect(s.lines().map((l) => l.msg)).toEqual(["listening", "request", "stopping", "stopped"]);
  }, 15_000);

  test("--healthcheck exits 0 against a running server and 1 when nothing listens", async () => {
    const s = await start();
    const { port } = (await s.waitFor((l) => l.msg === "listening")) as { port: number };
    const check = (p: number) => spawn([process.execPath, MAIN, "--healthcheck"], { cwd: DIR, env: { PATH: process.env.PATH ?? "", PORT: String(p) }, stdout: "pipe", stderr: "pipe" });
    expect(await check(port).exited).toBe(0);
    s.proc.kill("SIGTERM");
    await s.exited;
    const failed = check(port);
    expect(await failed.exited).toBe(1);
    expect(JSON.parse(await new Response(failed.stderr).text())).toMatchObject({ level: "error", msg: "health check failed" });
  }, 15_000);

  test("an invalid PORT: one JSON line naming variable, value and what is allowed, exit 78", async () => {
    const s = await start({ PORT: "eighty" });
    expect(await s.exited).toBe(78);
    expect(s.lines()).toEqual([expect.objectContaining({ level: "fatal", msg: "invalid configuration", variable: "PORT", value: "eighty", allowed: "a whole number from 0 to 65535" })]);
  }, 15_000);
});
