/**
 * pnpm local <env> <service>: the service's container as the environment's synthesized task
 * definition runs it (variables, user, read-only root, mounts, CPU and memory, health check, stop
 * timeout), on a port of this machine. Logs are pretty-printed on a terminal and passed through as
 * JSON otherwise. Secrets are never fetched: the command lists what the task would receive and
 * takes local values from --secret NAME=value or a git-ignored env file.
 */
import { loadConfig, stackName, ConfigError } from "@bun-fargate/config";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { buildImage, type BasesChoice } from "./build";
import { engineRun, findEngine, hostPlatformArch } from "./engine";
import { REPO_ROOT } from "./paths";
import { prettyLine } from "./pretty";
import { firstOk, startContainer } from "./run";
import { synthesize } from "./synth";
import { readRunSpec } from "./task-definition";

const USAGE = `usage: pnpm local <environment> <service> [options]
  --port <n>            host port on 127.0.0.1 (default: the container port; 0 picks a free one)
  --secret NAME=value   a local value for a secret the task definition names (repeatable)
  --env-file <file>     NAME=value lines for secrets; must be git-ignored (default: <service>/.env.local if present)
  --version <v>         APP_VERSION the service reports (default: local)
  --bases <b>           base images: auto (default: the Dockerfile's own if they can be pulled), real, stand-in
  --no-build            run the last image built by this command instead of building`;

class UsageError extends Error {}

/** The `NAME=value` lines of an env file; `#` comments and blank lines skipped. */
export function parseEnvFile(text: string, file: string): Record<string, string> {
  const out: Record<string, string> = {};
  text.split("\n").forEach((raw, i) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!m) throw new UsageError(`${file}:${i + 1}: expected NAME=value`);
    out[m[1]!] = m[2]!.replace(/^(['"])(.*)\1$/, "$2");
  });
  return out;
}

/** Outside the repository, or ignored by git: a file that cannot be committed by accident. */
function gitIgnored(file: string): boolean {
  if (!resolve(file).startsWith(REPO_ROOT + "/")) return true;
  return spawnSync("git", ["check-ignore", "--quiet", resolve(file)], { cwd: REPO_ROOT }).status === 0;
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      port: { type: "string" },
      secret: { type: "string", multiple: true },
      "env-file": { type: "string" },
      version: { type: "string" },
      bases: { type: "string" },
      "no-build": { type: "boolean" },
      help: { type: "boolean" },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const [envName, serviceName, ...extra] = positionals;
  if (!envName || !serviceName || extra.length > 0) throw new UsageError(USAGE);
  const bases = (values.bases ?? "auto") as BasesChoice;
  if (!["auto", "real", "stand-in"].includes(bases)) throw new UsageError(`--bases = "${values.bases}": use auto, real or stand-in`);
  const cwd = process.env.INIT_CWD ?? process.cwd();

  const config = loadConfig(undefined, { only: [envName] });
  const service = config.environments[0]!.services.find((s) => s.name === serviceName);
  if (!service) throw new UsageError(`unknown service "${serviceName}"; configured: ${config.environments[0]!.services.map((s) => s.name).join(", ")}`);
  if (service.kind === "scheduled") console.error(`note: ${serviceName} is a scheduled task; it runs once and exits`);

  const engine = findEngine();
  const arch = hostPlatformArch();
  process.stderr.write(`synthesizing ${envName} … `);
  const spec = readRunSpec(synthesize([envName]), stackName(envName, serviceName), { variables: { app_version: values.version ?? "local" } });
  console.error(`done (task definition ${spec.family}: ${spec.cpuUnits / 1024} vCPU, ${spec.memoryMiB} MiB, user ${spec.user ?? "image default"}, read-only root ${spec.readOnlyRoot})`);
  for (const [name, expr] of Object.entries(spec.standIns)) console.error(`note: ${name} is \${${expr}} in AWS; locally ${spec.environment[name]}, where nothing answers`);
  if (spec.architecture !== (arch === "arm64" ? "ARM64" : "X86_64")) console.error(`note: Fargate runs this task on ${spec.architecture}; this machine runs the ${arch} image built from the same Dockerfile`);

  const secretValues: Record<string, string> = {};
  const envFile = values["env-file"] ?? (existsSync(join(REPO_ROOT, service.source, ".env.local")) ? join(REPO_ROOT, service.source, ".env.local") : undefined);
  if (envFile) {
    const path = isAbsolute(envFile) ? envFile : resolve(cwd, envFile);
    if (!existsSync(path)) throw new UsageError(`--env-file ${envFile}: no such file`);
    if (!gitIgnored(path)) throw new UsageError(`--env-file ${envFile} is not git-ignored: secrets must never be committed (add it to .gitignore)`);
    Object.assign(secretValues, parseEnvFile(readFileSync(path, "utf8"), envFile));
  }
  for (const pair of values.secret ?? []) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(pair);
    if (!m) throw new UsageError(`--secret ${pair.split("=")[0]}=…: expected NAME=value`);
    secretValues[m[1]!] = m[2]!;
  }
  for (const name of Object.keys(secretValues)) {
    if (!(name in spec.secrets)) throw new UsageError(`secret ${name} is not one the task definition names; it names: ${Object.keys(spec.secrets).join(", ") || "none"}`);
  }
  for (const [name, from] of Object.entries(spec.secrets)) {
    console.error(`secret ${name}: the task reads it from ${from}; locally ${name in secretValues ? "given" : "NOT given (pass --secret " + name + "=… or put it in the env file)"}`);
  }

  const tag = `localhost/bun-fargate-local/${serviceName}:${arch}`;
  if (values["no-build"]) {
    if (engineRun(engine, ["image", "inspect", tag]).status !== 0) throw new UsageError(`--no-build: no image ${tag} yet; run without --no-build once`);
  } else {
    process.stderr.write(`building ${service.source}/Dockerfile (${arch}) with ${engine.name} … `);
    const image = await buildImage(engine, { source: service.source, arch, bases, tag });
    console.error(`done in ${image.seconds.toFixed(1)} s (${image.bases === "stand-in" ? "stand-in base images made from Debian packages: no registry reachable" : "the Dockerfile's base images"})`);
  }

  const hostPort = values.port === undefined ? spec.containerPorts[0] : Number(values.port);
  if (hostPort !== undefined && !(Number.isInteger(hostPort) && hostPort >= 0 && hostPort <= 65535)) throw new UsageError(`--port ${values.port}: expected 0 to 65535`);
  const started = performance.now();
  const container = startContainer(engine, { image: tag, spec, hostPort: hostPort === 0 ? undefined : hostPort, secretValues });
  const color = process.stdout.isTTY === true;
  const logs = Bun.spawn([engine.name, "logs", "--follow", container.name], { env: { ...process.env, ...engine.env }, stdin: "ignore", stdout: "pipe", stderr: "inherit" });
  void (async () => {
    let pending = "";
    const decoder = new TextDecoder();
    for await (const chunk of logs.stdout) {
      pending += decoder.decode(chunk, { stream: true });
      const lines = pending.split("\n");
      pending = lines.pop()!;
      for (const line of lines) process.stdout.write((color ? prettyLine(line, true) : line) + "\n");
    }
  })();

  let stopping: Promise<number> | undefined;
  const stop = (why: string): Promise<number> =>
    (stopping ??= (async () => {
      console.error(`${why}: stopping ${container.name} (SIGTERM, then SIGKILL after ${spec.stopTimeoutSeconds} s) …`);
      const { exitCode, seconds } = await container.stop();
      await new Promise((r) => setTimeout(r, 200));
      logs.kill();
      container.remove();
      console.error(`exited ${exitCode} after ${seconds.toFixed(1)} s`);
      return exitCode;
    })());
  process.on("SIGINT", () => void stop("SIGINT"));
  process.on("SIGTERM", () => void stop("SIGTERM"));

  if (service.kind === "web" && container.port !== undefined) {
    try {
      const ms = await firstOk(container.port, service.healthCheckPath ?? "/", started);
      console.error(`serving on http://127.0.0.1:${container.port} (first 200 from ${service.healthCheckPath} after ${Math.round(ms)} ms); Ctrl-C stops it`);
    } catch (err) {
      console.error(`${(err as Error).message}`);
      return stop("not healthy");
    }
  }
  // Until the container exits by itself or a signal stops it.
  const wait = Bun.spawn([engine.name, "wait", container.name], { env: { ...process.env, ...engine.env }, stdin: "ignore", stdout: "pipe", stderr: "ignore" });
  const code = Number((await new Response(wait.stdout).text()).trim() || 1);
  return stopping ?? (logs.kill(), container.remove(), console.error(`exited ${code}`), code);
}

if (import.meta.main) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: Error) => {
      const known = err instanceof UsageError || err instanceof ConfigError || ["EngineUnavailable", "StandInError", "BuildError", "TaskDefinitionError"].includes(err.name);
      console.error(known ? err.message : `pnpm local failed: ${err.message}`);
      process.exit(known && err instanceof UsageError ? 2 : 1);
    },
  );
}
