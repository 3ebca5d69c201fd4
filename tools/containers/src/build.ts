/**
 * Builds a service's Dockerfile, unchanged, from the repository root (its build context), for one
 * platform. Base images are the Dockerfile's own (pulled from their registry) or, where no registry
 * is reachable, stand-ins made from Debian's packages (./stand-ins.ts); `bases` chooses.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { globalArgs } from "./dockerfile";
import { engineRun, hostPlatformArch, lastLines, type Engine } from "./engine";
import { REPO_ROOT } from "./paths";
import { standInBuildArgs, standInsUnavailable, StandInError, type Arch } from "./stand-ins";

/** `real`: the Dockerfile's base images; `stand-in`: made here; `auto`: real if they can be pulled. */
export type BasesChoice = "real" | "stand-in" | "auto";

export interface BuildOptions {
  /** The service's folder, relative to the repository root (its config `source`). */
  readonly source: string;
  /** @default - this machine's architecture */
  readonly arch?: Arch;
  /** @default "auto" */
  readonly bases?: BasesChoice;
  /** Image name to tag. @default `localhost/bun-fargate/<folder name>:<arch>` */
  readonly tag?: string;
  /** Build without the layer cache. @default false */
  readonly noCache?: boolean;
  /** Where build output goes, line by line. @default - kept, shown only on failure */
  readonly onOutput?: (chunk: string) => void;
}

export interface BuiltImage {
  readonly tag: string;
  readonly arch: Arch;
  readonly bases: "real" | "stand-in";
  readonly seconds: number;
  readonly output: string;
}

export class BuildError extends Error {
  constructor(
    message: string,
    readonly output: string,
  ) {
    super(message);
    this.name = "BuildError";
  }
}

/** The host's CA bundle, mounted over the stand-ins' own for RUN steps that reach the npm registry. */
function hostCaBundle(): string | undefined {
  for (const file of [process.env.NODE_EXTRA_CA_CERTS, process.env.SSL_CERT_FILE, "/etc/ssl/certs/ca-certificates.crt"]) {
    if (file && existsSync(file)) return file;
  }
  return undefined;
}

const realBasesReachable = new Map<string, boolean>();

/** Whether every real base image is present or can be pulled (a registry is reachable). */
function canUseRealBases(engine: Engine, images: readonly string[], arch: Arch): boolean {
  return images.every((image) => {
    const k = `${image} ${arch}`;
    if (!realBasesReachable.has(k)) {
      const present = engineRun(engine, engine.name === "podman" ? ["image", "exists", image] : ["image", "inspect", image]).status === 0;
      realBasesReachable.set(k, present || engineRun(engine, ["pull", "--quiet", "--platform", `linux/${arch}`, image], { timeoutMs: 180_000 }).status === 0);
    }
    return realBasesReachable.get(k)!;
  });
}

export function dockerfileOf(source: string): string {
  return join(REPO_ROOT, source, "Dockerfile");
}

export async function buildImage(engine: Engine, options: BuildOptions): Promise<BuiltImage> {
  const arch = options.arch ?? hostPlatformArch();
  const build = hostPlatformArch();
  const dockerfile = dockerfileOf(options.source);
  if (!existsSync(dockerfile)) throw new BuildError(`${options.source}: no Dockerfile at ${dockerfile}`, "");
  const args = globalArgs(dockerfile);
  const images = [...args].filter(([name]) => /_IMAGE$/.test(name)).map(([, value]) => value);
  const choice = options.bases ?? "auto";
  const real = choice === "real" || (choice === "auto" && canUseRealBases(engine, images, arch));
  const buildArgs = new Map<string, string>();
  const flags: string[] = [];
  if (!real) {
    const why = standInsUnavailable(engine);
    if (why) throw new StandInError(`the base images (${images.join(", ")}) cannot be pulled and ${why}`);
    for (const [name, value] of standInBuildArgs(engine, args, arch)) buildArgs.set(name, value);
    const ca = hostCaBundle();
    if (ca) flags.push("--volume", `${ca}:/etc/ssl/certs/ca-certificates.crt:ro`);
  }
  if (engine.name === "podman") {
    // buildah 1.28 predefines neither; BuildKit does, and ignores these.
    buildArgs.set("BUILDPLATFORM", `linux/${build}`);
    buildArgs.set("TARGETARCH", arch);
    // --format docker keeps HEALTHCHECK (the OCI format drops it); host network needs no CNI bridge.
    flags.push("--format", "docker", "--network", "host");
  }
  const tag = options.tag ?? `localhost/bun-fargate/${options.source.split("/").at(-1)}:${arch}`;
  const cmd = [
    "build",
    "--platform",
    `linux/${arch}`,
    ...flags,
    ...[...buildArgs].flatMap(([k, v]) => ["--build-arg", `${k}=${v}`]),
    ...(options.noCache ? ["--no-cache"] : []),
    "-f",
    dockerfile,
    "-t",
    tag,
    REPO_ROOT,
  ];
  const started = performance.now();
  const { code, output } = await stream(engine, cmd, options.onOutput);
  const seconds = (performance.now() - started) / 1000;
  if (code !== 0) throw new BuildError(`${engine.name} build of ${options.source} (${arch}) failed (exit ${code}):\n${lastLines(output, 40)}`, output);
  return { tag, arch, bases: real ? "real" : "stand-in", seconds, output };
}

async function stream(engine: Engine, args: string[], onOutput?: (chunk: string) => void): Promise<{ code: number; output: string }> {
  const child = Bun.spawn([engine.name, ...args], { env: { ...process.env, ...engine.env }, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  let output = "";
  const decoder = new TextDecoder();
  const read = async (from: ReadableStream<Uint8Array>) => {
    for await (const chunk of from) {
      const text = decoder.decode(chunk, { stream: true });
      output += text;
      onOutput?.(text);
    }
  };
  const [code] = await Promise.all([child.exited, read(child.stdout), read(child.stderr)]);
  return { code, output };
}
