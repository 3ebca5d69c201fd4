/**
 * Every service's image, built from its Dockerfile by a real OCI builder and run with the settings
 * of its synthesized task definition (user, read-only root, mounts, variables, health check, stop
 * timeout, CPU and memory). Skipped, with the reason, where no container engine can run.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { engineOk, engineRun } from "../src/engine";
import { firstOk, startContainer, type RunningContainer } from "../src/run";
import type { RunSpec } from "../src/task-definition";
import { APP_VERSION, BUILD_TIMEOUT_MS, built, engine, longRunning, RUN_ENVIRONMENT, RUN_TIMEOUT_MS, runSpec, scheduled, services, skip } from "./suite";
import { startMoto, type Moto } from "./moto";

/** ELF e_machine values. */
const EM = { amd64: 62, arm64: 183 } as const;

/** A request that stays in flight until the test sends the rest of its body, per service. */
const SLOW_REQUEST: Readonly<Record<string, { path: string; body: string; status: number }>> = {
  "bun-api": { path: "/v1/notes", body: JSON.stringify({ title: "sent slowly", body: "x".repeat(400) }), status: 201 },
};

/**
 * The lines that mark a long-running service's start and stop, by kind: a web service's server
 * (services/bun-api/src/server.ts) and a worker's poll loop (services/worker/src/worker.ts).
 */
const LIFECYCLE: Readonly<Record<"web" | "worker", { started: string; stopping: string; stopped: string; clean: Record<string, unknown> }>> = {
  web: { started: "listening", stopping: "shutdown started", stopped: "shutdown complete", clean: { drained: true } },
  worker: { started: "polling", stopping: "draining", stopped: "stopped", clean: { signal: "SIGTERM", released: 0 } },
};

/**
 * What a scheduled task's run needs in the emulator, and what it must have left there, per service.
 * The container runs with the task definition's variables, plus the emulator's endpoint.
 */
const SCHEDULED_RUN: Readonly<Record<string, { seed(moto: Moto, env: Readonly<Record<string, string>>): Promise<void>; check(moto: Moto, env: Readonly<Record<string, string>>): Promise<void> }>> = {
  nightly: {
    async seed(moto, env) {
      const bucket = env.NIGHTLY_BUCKET!;
      await moto.createBucket(bucket);
      const line = (orderId: string, sku: string, quantity: number, unitPriceCents: number) => JSON.stringify({ orderId, sku, quantity, unitPriceCents });
      await moto.putObject(bucket, `${env.NIGHTLY_INPUT_PREFIX}a.jsonl`, `${line("o-1", "SKU-A", 2, 500)}\n${line("o-2", "SKU-B", 1, 120)}\n`);
    },
    async check(moto, env) {
      const report = JSON.parse(await moto.getObject(env.NIGHTLY_BUCKET!, `${env.NIGHTLY_OUTPUT_PREFIX}2026-12-03.json`)) as Record<string, unknown>;
      expect(report).toMatchObject({ runDate: "2026-12-03", objects: 1, records: 2, totals: { orders: 2, quantity: 3, revenueCents: 1120 } });
    },
  },
};

/**
 * Runs inside the container as its own user (a Bun executable runs as the bun CLI with
 * BUN_BE_BUN=1): which paths it can write, walking the whole file system except /proc, /sys and
 * /dev, and the CPU and memory limits the kernel applies to it.
 */
const PROBE = `
const fs = require("fs");
const writable = []; let checked = 0;
function walk(dir) {
  let entries; try { entries = fs.readdirSync(dir, { withFileTypes: true }); } catch { return; }
  try { const t = fs.mkdtempSync((dir === "/" ? "" : dir) + "/.probe-"); fs.rmdirSync(t); writable.push(dir); } catch {}
  for (const e of entries) {
    const p = (dir === "/" ? "" : dir) + "/" + e.name;
    if (p === "/proc" || p === "/sys" || p === "/dev") continue;
    checked++;
    if (e.isDirectory()) walk(p);
    else if (e.isFile()) { try { fs.accessSync(p, fs.constants.W_OK); writable.push(p); } catch {} }
  }
}
walk("/");
const read = (p) => { try { return fs.readFileSync(p, "utf8").trim(); } catch { return null; } };
console.log(JSON.stringify({
  uid: process.getuid(), gid: process.getgid(), server: read("/proc/1/status"), checked, writable,
  cpu: { quota: read("/sys/fs/cgroup/cpu/cpu.cfs_quota_us"), period: read("/sys/fs/cgroup/cpu/cpu.cfs_period_us"), max: read("/sys/fs/cgroup/cpu.max") },
  memory: read("/sys/fs/cgroup/memory/memory.limit_in_bytes") ?? read("/sys/fs/cgroup/memory.max"),
}));
`;

function elfMachine(image: string, path: string): number {
  const name = `bf-elf-${Math.random().toString(16).slice(2, 10)}`;
  const dir = mkdtempSync(join(tmpdir(), "elf-"));
  try {
    engineOk(engine!, ["create", "--name", name, "--pull", "never", image]);
    engineOk(engine!, ["cp", `${name}:${path}`, join(dir, "binary")]);
    const head = readFileSync(join(dir, "binary")).subarray(0, 20);
    expect(head.subarray(0, 4).toString("latin1")).toBe("\x7fELF");
    return head.readUInt16LE(18);
  } finally {
    engineRun(engine!, ["rm", "--force", name]);
    rmSync(dir, { recursive: true, force: true });
  }
}

function imageConfig(image: string): { Architecture: string; Config: { User?: string; Entrypoint?: string[]; Volumes?: Record<string, unknown> } } {
  return (JSON.parse(engineOk(engine!, ["image", "inspect", image])) as never[])[0]!;
}

/** Sends the headers and half the body; `finish()` sends the rest. Resolves with the raw response. */
function slowRequest(port: number, path: string, body: string) {
  let rest: (() => void) | undefined;
  let opened: () => void = () => {};
  const sent = new Promise<void>((resolve) => (opened = resolve));
  const response = new Promise<string>((resolve, reject) => {
    let out = "";
    Bun.connect({
      hostname: "127.0.0.1",
      port,
      socket: {
        open(socket) {
          const half = body.length >> 1;
          socket.write(`POST ${path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, half)}`);
          rest = () => socket.write(body.slice(half));
          opened();
        },
        data(_s, data) {
          out += data.toString();
          const end = out.indexOf("\r\n\r\n");
          const length = Number(/content-length: (\d+)/i.exec(out)?.[1] ?? NaN);
          if (end >= 0 && out.length - end - 4 >= length) resolve(out);
        },
        close: () => resolve(out),
        error: (_s, err) => reject(err),
      },
    }).catch(reject);
  });
  return { sent, finish: () => rest?.(), response };
}

async function waitForLog(container: RunningContainer, match: (line: Record<string, unknown>) => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const lines = container.stdout().split("\n").filter(Boolean);
    if (lines.some((l) => { try { return match(JSON.parse(l)); } catch { return false; } })) return;
    await Bun.sleep(50);
  }
  throw new Error(`no matching log line within ${timeoutMs} ms; stdout:\n${container.stdout()}`);
}

if (skip) {
  test.skip(`image suite (${skip})`, () => {});
} else {
  test("the shipped configuration has services to build", () => {
    expect(services.length).toBeGreaterThan(0);
  });

  for (const service of services) {
    describe(`${service.name}: image`, () => {
      test(
        "builds for amd64 from its Dockerfile, unchanged, and runs as a non-root user with an exec-form entrypoint",
        async () => {
          const image = await built(service, "amd64");
          const config = imageConfig(image.tag);
          expect(config.Architecture).toBe("amd64");
          expect(config.Config.User).toBe(runSpec(service.name).user!);
          expect(config.Config.User).not.toMatch(/^0(:|$)|^root/);
          expect(config.Config.Entrypoint?.length).toBe(1);
          expect(elfMachine(image.tag, config.Config.Entrypoint![0]!)).toBe(EM.amd64);
        },
        BUILD_TIMEOUT_MS,
      );

      test(
        "builds for arm64 too (Fargate's default architecture here), with an aarch64 executable",
        async () => {
          const image = await built(service, "arm64");
          const config = imageConfig(image.tag);
          expect(config.Architecture).toBe("arm64");
          expect(elfMachine(image.tag, config.Config.Entrypoint![0]!)).toBe(EM.arm64);
        },
        BUILD_TIMEOUT_MS,
      );
    });
  }

  for (const service of scheduled) {
    const run = SCHEDULED_RUN[service.name];
    describe.skipIf(!run)(`${service.name}: one run with ${RUN_ENVIRONMENT}'s task definition`, () => {
      let moto: Moto | undefined;
      beforeAll(async () => {
        moto = await startMoto();
      }, 60_000);
      afterAll(() => moto?.stop());

      test.skipIf(!startMoto.available)(
        "runs to its end against the emulator (host network): exit 0, the output written, every stdout line one JSON object, the last its summary",
        async () => {
          const spec = runSpec(service.name);
          const image = await built(service, "amd64");
          await run!.seed(moto!, spec.environment);
          const container = startContainer(engine!, {
            image: image.tag,
            spec,
            network: "host",
            extraEnvironment: { AWS_ENDPOINT_URL: moto!.url, AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test", AWS_REGION: "us-east-1", NIGHTLY_RUN_DATE: "2026-12-03" },
          });
          try {
            expect(spec.healthCheck).toBeUndefined();
            const code = container.exited(RUN_TIMEOUT_MS);
            const lines = container.stdout().split("\n").filter(Boolean).map((l) => {
              try {
                return JSON.parse(l) as Record<string, unknown>;
              } catch {
                return { notJson: l };
              }
            });
            expect({ code, notJson: lines.filter((l) => "notJson" in l), stderr: container.stderr() }).toEqual({ code: 0, notJson: [], stderr: "" });
            expect(lines.at(-1)).toMatchObject({ msg: "nightly run finished", outcome: "ok", env: RUN_ENVIRONMENT, version: APP_VERSION });
            await run!.check(moto!, spec.environment);
          } finally {
            container.remove();
          }
        },
        BUILD_TIMEOUT_MS,
      );

      test(
        "without its store: exits non-zero with JSON error lines and no stack trace, as the failed-run alarm expects",
        async () => {
          const spec = runSpec(service.name);
          const image = await built(service, "amd64");
          // Port 9 (discard) on the container's own loopback: nothing listens there.
          const container = startContainer(engine!, { image: image.tag, spec, extraEnvironment: { AWS_ENDPOINT_URL: "http://127.0.0.1:9", AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test", AWS_REGION: "us-east-1" } });
          try {
            const code = container.exited(RUN_TIMEOUT_MS);
            expect(code).not.toBe(0);
            const out = container.stdout();
            const lines = out.split("\n").filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
            expect(lines.some((l) => l.level === "error")).toBe(true);
            expect(out + container.stderr()).not.toMatch(/\n\s+at \S/);
          } finally {
            container.remove();
          }
        },
        BUILD_TIMEOUT_MS,
      );
    });
  }

  for (const service of longRunning) {
    describe(`${service.name}: run with ${RUN_ENVIRONMENT}'s task definition`, () => {
      let spec: RunSpec;
      let container: RunningContainer;
      let entrypoint: string;
      let stopped = false;
      beforeAll(async () => {
        spec = runSpec(service.name);
        const image = await built(service, "amd64");
        entrypoint = imageConfig(image.tag).Config.Entrypoint![0]!;
        container = startContainer(engine!, { image: image.tag, spec });
        if (service.kind === "web") await firstOk(container.port!, "/healthz", performance.now());
        // A worker touches its heartbeat file before it logs that it polls.
        else await waitForLog(container, (l) => l.msg === LIFECYCLE.worker.started);
      }, BUILD_TIMEOUT_MS);

      test.if(service.kind === "web")(
        "/healthz and /readyz answer 200, GET / reports the version passed in, an unknown path is a JSON 404",
        async () => {
          const base = `http://127.0.0.1:${container.port}`;
          for (const path of ["/healthz", "/readyz"]) expect((await fetch(base + path)).status).toBe(200);
          const info = await fetch(base + "/");
          expect(info.status).toBe(200);
          expect(await info.json()).toMatchObject({ version: APP_VERSION, environment: RUN_ENVIRONMENT });
          const missing = await fetch(base + "/no/such/path");
          expect(missing.status).toBe(404);
          expect(missing.headers.get("content-type")).toStartWith("application/json");
          expect(await missing.json()).toHaveProperty("error");
        },
        RUN_TIMEOUT_MS,
      );

      test(
        "the task definition's health check command exits 0 inside the running container",
        () => {
          expect(spec.healthCheck).toBeDefined();
          expect(container.healthcheck()).toBe(0);
          const [kind, ...command] = spec.healthCheck!.command;
          expect(kind).toBe("CMD");
          const direct = container.exec(command);
          expect({ status: direct.status, stderr: direct.stderr }).toEqual({ status: 0, stderr: "" });
        },
        RUN_TIMEOUT_MS,
      );

      test(
        "runs as the task definition's user, can write only where it mounts a volume, within its CPU and memory",
        () => {
          const [uid, gid] = spec.user!.split(":").map(Number) as [number, number];
          const probe = container.exec([entrypoint, "-e", PROBE], { BUN_BE_BUN: "1" });
          expect(probe.status).toBe(0);
          const seen = JSON.parse(probe.stdout) as { uid: number; gid: number; server: string; checked: number; writable: string[]; cpu: { quota: string | null; period: string | null; max: string | null }; memory: string };
          expect([seen.uid, seen.gid]).toEqual([uid, gid]);
          // The server itself (PID 1 of the container): real, effective, saved and filesystem IDs.
          expect(/^Uid:\s+(.*)$/m.exec(seen.server)![1]!.split(/\s+/).map(Number)).toEqual([uid, uid, uid, uid]);
          expect(/^Gid:\s+(.*)$/m.exec(seen.server)![1]!.split(/\s+/).map(Number)).toEqual([gid, gid, gid, gid]);
          expect(seen.checked).toBeGreaterThan(100);
          // Every declared writable mount is writable by the user (Fargate's bind mounts are not, unless the image declares the VOLUME).
          // Files the service made inside them (a worker's heartbeat file) are the mount's; nothing outside is writable.
          const mounts = spec.mounts.filter((m) => !m.readOnly).map((m) => m.containerPath);
          expect(seen.writable.filter((p) => mounts.includes(p)).sort()).toEqual(mounts.sort());
          expect(seen.writable.filter((p) => !mounts.some((m) => p === m || p.startsWith(`${m}/`)))).toEqual([]);
          const cpus = seen.cpu.max ? Number(seen.cpu.max.split(" ")[0]) / Number(seen.cpu.max.split(" ")[1]) : Number(seen.cpu.quota) / Number(seen.cpu.period);
          expect(cpus).toBeCloseTo(spec.cpuUnits / 1024, 5);
          expect(Number(seen.memory)).toBe(spec.memoryMiB * 1024 * 1024);
        },
        RUN_TIMEOUT_MS,
      );

      test(
        "SIGTERM (with a request in flight, for a web service): the request completes, the container exits 0 within the drain window, every stdout line is one JSON object",
        async () => {
          const marks = LIFECYCLE[service.kind as "web" | "worker"];
          const slow = SLOW_REQUEST[service.name];
          const request = slow && container.port ? slowRequest(container.port, slow.path, slow.body) : undefined;
          await request?.sent;
          if (request) await Bun.sleep(200);
          const stopping = container.stop();
          stopped = true;
          await waitForLog(container, (l) => l.msg === marks.stopping);
          request?.finish();
          const raw = request ? await request.response : "";
          const { exitCode, seconds } = await stopping;
          expect(exitCode).toBe(0);
          const drainSeconds = Number(spec.environment.DRAIN_TIMEOUT_MS ?? 10_000) / 1000;
          expect(seconds).toBeLessThan(Math.min(drainSeconds, spec.stopTimeoutSeconds));
          if (slow) expect(Number(/^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1])).toBe(slow.status);
          const lines = container.stdout().split("\n").filter(Boolean);
          const parsed = lines.map((l) => {
            try {
              return JSON.parse(l) as Record<string, unknown>;
            } catch {
              return { notJson: l };
            }
          });
          expect(parsed.filter((l) => "notJson" in l)).toEqual([]);
          const messages = parsed.map((l) => l.msg);
          expect(messages[0]).toBe(marks.started);
          expect(messages.at(-1)).toBe(marks.stopped);
          const started = messages.indexOf(marks.stopping);
          expect(started).toBeGreaterThan(0);
          if (slow) {
            const answered = parsed.findIndex((l) => l.msg === "request" && l.path === slow.path);
            expect(parsed[answered]).toMatchObject({ status: slow.status });
            expect(answered).toBeGreaterThan(started);
          }
          expect(parsed.at(-1)).toMatchObject(marks.clean);
        },
        RUN_TIMEOUT_MS,
      );

      afterAll(() => {
        if (!stopped) container?.stop();
        container?.remove();
      });
    });
  }
}
