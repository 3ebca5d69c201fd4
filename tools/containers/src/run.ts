/**
 * Runs a built image the way Fargate would run its task definition: the same user, read-only root,
 * writable paths, variables, health check, stop timeout and CPU and memory limits.
 *
 * A task volume with no host path is an empty bind mount on Fargate, owned by root with mode 0755,
 * unless the image declares a VOLUME at the same path, whose content and permissions are then
 * copied in (AWS: "Use bind mounts with Amazon ECS"). Locally the first is a bind mount of a new
 * root-owned 0755 host folder and the second an anonymous volume, which the engine fills from the
 * image the same way. (A tmpfs will not do: podman gives it the image directory's mode.)
 */
import { randomBytes } from "node:crypto";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { engineOk, engineRun, type Engine } from "./engine";
import type { RunSpec } from "./task-definition";

export interface RunOptions {
  readonly image: string;
  readonly spec: RunSpec;
  /** @default - a new unique name */
  readonly name?: string;
  /** Host port for the first container port, on 127.0.0.1. @default 0 (any free port) */
  readonly hostPort?: number;
  /** Secret values by variable name (never on the command line: passed through the environment). @default {} */
  readonly secretValues?: Readonly<Record<string, string>>;
  /** Variables to set on top of the task definition's (local-only needs). @default {} */
  readonly extraEnvironment?: Readonly<Record<string, string>>;
  /**
   * "host" shares the host's network (a test's emulator on 127.0.0.1); no port is published then.
   * @default - the engine's default network, the first container port published on 127.0.0.1
   */
  readonly network?: "host";
}

export interface RunningContainer {
  readonly name: string;
  /** The host port the first container port is published on. */
  readonly port: number | undefined;
  /** What `run` was called with, for messages. */
  readonly args: readonly string[];
  /** stdout so far. */
  stdout(): string;
  stderr(): string;
  /** Runs a command inside the container. */
  exec(command: readonly string[], env?: Readonly<Record<string, string>>): { status: number; stdout: string; stderr: string };
  /** Runs the configured health check once; 0 is healthy. */
  healthcheck(): number;
  inspect(): Record<string, unknown>;
  /** Waits for the container to exit by itself (a run-to-completion task); resolves with its exit code. */
  exited(timeoutMs: number): number;
  /** Sends the stop signal, waits up to the stop timeout, then kills; resolves with the exit code and seconds taken. */
  stop(): Promise<{ exitCode: number; seconds: number }>;
  remove(): void;
}

/** The image's declared VOLUME paths. */
function imageVolumes(engine: Engine, image: string): Set<string> {
  const out = engineOk(engine, ["image", "inspect", "--format", "{{json .Config.Volumes}}", image]).trim();
  return new Set(out && out !== "null" ? Object.keys(JSON.parse(out) as Record<string, unknown>) : []);
}

export function runArgs(engine: Engine, options: RunOptions, name: string, scratch: string): string[] {
  const { spec } = options;
  const args = ["run", "--detach", "--name", name, "--pull", "never"];
  if (spec.user !== undefined) args.push("--user", spec.user);
  if (spec.readOnlyRoot) {
    args.push("--read-only");
    // podman adds writable tmpfs on /tmp, /var/tmp and /run to a read-only root unless told not to.
    if (engine.name === "podman") args.push("--read-only-tmpfs=false");
  }
  // Only the task definition's mounts: no anonymous volumes for the image's VOLUMEs otherwise.
  if (engine.name === "podman") args.push("--image-volume", "ignore");
  const declared = imageVolumes(engine, options.image);
  for (const m of spec.mounts) {
    const ro = m.readOnly ? ",readonly" : "";
    if (declared.has(m.containerPath)) {
      args.push("--mount", `type=volume,destination=${m.containerPath}${ro}`);
    } else {
      const source = mkdtempSync(join(scratch, `${m.volume}-`));
      chmodSync(source, 0o755);
      args.push("--mount", `type=bind,source=${source},destination=${m.containerPath}${ro}`);
    }
  }
  // 1024 CPU units are one vCPU; memory is a hard limit, without swap, as on Fargate.
  args.push("--cpus", String(spec.cpuUnits / 1024), "--memory", `${spec.memoryMiB}m`, "--memory-swap", `${spec.memoryMiB}m`);
  args.push("--stop-timeout", String(spec.stopTimeoutSeconds));
  if (spec.initProcess) args.push("--init");
  for (const [k, v] of Object.entries({ ...spec.environment, ...options.extraEnvironment })) args.push("--env", `${k}=${v}`);
  for (const k of Object.keys(options.secretValues ?? {})) args.push("--env", k);
  const port = spec.containerPorts[0];
  if (options.network === "host") args.push("--network", "host");
  else if (port !== undefined) args.push("--publish", `127.0.0.1:${options.hostPort ?? ""}:${port}`);
  const hc = spec.healthCheck;
  // ECS runs only the task definition's health check, never the image's HEALTHCHECK.
  if (!hc) args.push("--no-healthcheck");
  if (hc) {
    const [kind, ...rest] = hc.command;
    args.push("--health-cmd", kind === "CMD" ? JSON.stringify(rest) : rest.join(" "));
    args.push("--health-interval", `${hc.intervalSeconds}s`, "--health-timeout", `${hc.timeoutSeconds}s`, "--health-retries", String(hc.retries), "--health-start-period", `${hc.startPeriodSeconds}s`);
  }
  if (spec.entryPoint) args.push("--entrypoint", JSON.stringify(spec.entryPoint));
  args.push(options.image, ...(spec.command ?? []));
  return args;
}

export function startContainer(engine: Engine, options: RunOptions): RunningContainer {
  const name = options.name ?? `bf-${options.spec.family}-${randomBytes(4).toString("hex")}`;
  const scratch = mkdtempSync(join(tmpdir(), `${name}-`));
  const args = runArgs(engine, options, name, scratch);
  const started = engineRun(engine, args, { env: { ...options.secretValues } });
  if (started.status !== 0) {
    rmSync(scratch, { recursive: true, force: true });
    throw new Error(`${engine.name} run of ${options.image} failed (exit ${started.status}):\n${started.stderr.trim()}`);
  }
  const spec = options.spec;
  let port: number | undefined;
  if (spec.containerPorts[0] !== undefined && options.network !== "host") {
    const mapped = engineOk(engine, ["port", name, `${spec.containerPorts[0]}/tcp`]).trim().split("\n")[0] ?? "";
    port = Number(/:(\d+)$/.exec(mapped)?.[1]);
  }
  const logs = (stream: "stdout" | "stderr") => {
    const r = engineRun(engine, ["logs", name]);
    return stream === "stdout" ? r.stdout : r.stderr;
  };
  return {
    name,
    port,
    args,
    stdout: () => logs("stdout"),
    stderr: () => logs("stderr"),
    exec: (command, env = {}) => engineRun(engine, ["exec", ...Object.entries(env).flatMap(([k, v]) => ["--env", `${k}=${v}`]), name, ...command]),
    healthcheck: () => engineRun(engine, ["healthcheck", "run", name]).status,
    exited: (timeoutMs) => {
      const r = engineRun(engine, ["wait", name], { timeoutMs });
      if (r.status !== 0) throw new Error(`${engine.name} wait ${name} failed (exit ${r.status}): ${r.stderr.trim()}`);
      return Number(r.stdout.trim().split("\n").pop());
    },
    inspect: () => (JSON.parse(engineOk(engine, ["container", "inspect", name])) as Record<string, unknown>[])[0]!,
    async stop() {
      const started = performance.now();
      const child = Bun.spawn([engine.name, "stop", "--time", String(spec.stopTimeoutSeconds), name], { env: { ...process.env, ...engine.env }, stdout: "ignore", stderr: "pipe" });
      await child.exited;
      const seconds = (performance.now() - started) / 1000;
      const exitCode = Number(engineOk(engine, ["container", "inspect", "--format", "{{.State.ExitCode}}", name]).trim());
      return { exitCode, seconds };
    },
    remove: () => {
      engineRun(engine, ["rm", "--force", "--volumes", name]);
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}

/** Polls `GET <path>` until it answers 200; resolves with the milliseconds since `since`. */
export async function firstOk(port: number, path: string, since: number, timeoutMs = 30_000): Promise<number> {
  const deadline = since + timeoutMs;
  let last = "";
  while (performance.now() < deadline) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.status === 200) return performance.now() - since;
      last = `status ${res.status}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await Bun.sleep(5);
  }
  throw new Error(`no 200 from ${path} within ${timeoutMs} ms (last: ${last})`);
}
