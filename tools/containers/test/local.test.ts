/** `pnpm local <env> <service>` run as a person would, as a real process. */
import { describe, expect, test } from "bun:test";
import { spawn } from "bun";
import { join } from "node:path";
import { engineRun } from "../src/engine";
import { REPO_ROOT } from "../src/paths";
import { BUILD_TIMEOUT_MS, engine, skip } from "./suite";

const LOCAL = join(REPO_ROOT, "tools", "containers", "src", "local.ts");

function local(args: string[], env: Record<string, string> = {}) {
  const proc = spawn([process.execPath, LOCAL, ...args], { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdout: "pipe", stderr: "pipe", stdin: "ignore" });
  let out = "";
  let err = "";
  const decoder = new TextDecoder();
  const reading = Promise.all([
    (async () => {
      for await (const c of proc.stdout) out += decoder.decode(c, { stream: true });
    })(),
    (async () => {
      for await (const c of proc.stderr) err += decoder.decode(c, { stream: true });
    })(),
  ]);
  return { proc, out: () => out, err: () => err, exited: Promise.all([proc.exited, reading]).then(([code]) => code) };
}

async function waitFor(read: () => string, pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const m = pattern.exec(read());
    if (m) return m;
    await Bun.sleep(100);
  }
  throw new Error(`no ${pattern} within ${timeoutMs} ms:\n${read()}`);
}

describe("pnpm local", () => {
  test.if(skip === undefined)(
    "dev bun-api: builds, serves the dev task definition on localhost, passes JSON logs through, stops on SIGINT with exit 0",
    async () => {
      const run = local(["dev", "bun-api", "--port", "0", "--version", "local-test"]);
      const [, port] = await waitFor(run.err, /serving on http:\/\/127\.0\.0\.1:(\d+)/, BUILD_TIMEOUT_MS);
      const info = await fetch(`http://127.0.0.1:${port}/`);
      expect(await info.json()).toEqual({ service: "bun-api", version: "local-test", environment: "dev" });
      expect(run.err()).toContain("task definition dev-bun-api: 0.25 vCPU, 512 MiB, user 65532:65532, read-only root true");
      await waitFor(run.out, /"path":"\/"/, 5000);
      run.proc.kill("SIGINT");
      expect(await run.exited).toBe(0);
      expect(run.err()).toMatch(/exited 0 after/);
      const lines = run.out().trim().split("\n");
      expect(lines.length).toBeGreaterThanOrEqual(4);
      for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
      expect(JSON.parse(lines.at(-1)!)).toMatchObject({ msg: "shutdown complete", env: "dev" });
      const name = /stopping (\S+)/.exec(run.err())![1]!;
      expect(engineRun(engine!, ["container", "exists", name]).status).not.toBe(0);
    },
    BUILD_TIMEOUT_MS,
  );

  test("an unknown service is refused by name, before anything is built", async () => {
    const run = local(["dev", "nope"]);
    expect(await run.exited).toBe(2);
    expect(run.err()).toContain('unknown service "nope"; configured: bun-api');
  });

  test("an unknown environment is refused with the configured ones", async () => {
    const run = local(["qa", "bun-api"]);
    expect(await run.exited).toBe(1);
    expect(run.err()).toContain('environment = "qa": unknown environment; configured: dev, staging, prod');
    expect(run.err()).not.toMatch(/\n\s+at /);
  });

  test.if(skip === undefined)("a secret the task definition does not name is refused, naming it", async () => {
    const run = local(["dev", "bun-api", "--secret", "NOT_A_SECRET=x"]);
    expect(await run.exited).toBe(2);
    expect(run.err()).toContain("secret NOT_A_SECRET is not one the task definition names; it names: none");
    expect(run.err()).not.toContain("=x");
  });

  test("without a container engine it says so and what to install", async () => {
    const run = local(["dev", "bun-api"], { BF_CONTAINER_ENGINE: "docker", PATH: "/nonexistent" });
    expect(await run.exited).toBe(1);
    expect(run.err()).toMatch(/no container engine can run here \(install podman, or start Docker\): docker is not installed/);
  });
});
