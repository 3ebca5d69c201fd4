/**
 * Compiles a service into one executable: what each service's `scripts/build.ts` runs, so the
 * Dockerfile's build step and the tests that start the binary use the same code, and what is
 * tested is what ships.
 *
 *   bun scripts/build.ts --outfile dist/server [--arch amd64|arm64] [--entry src/main.ts]
 *
 * `--arch` takes Docker's TARGETARCH names; the default is this machine's. Bun cross-compiles, so
 * one build machine produces both images without emulation. It downloads the other platform's
 * runtime (same Bun version) from the npm registry the first time.
 */
import { resolve } from "node:path";
import { parseArgs } from "node:util";

export const COMPILE_TARGETS = { amd64: "bun-linux-x64", arm64: "bun-linux-arm64" } as const;
export type Arch = keyof typeof COMPILE_TARGETS;

export interface BuildOptions {
  /** The service's folder (its `package.json`); `entry` is relative to it. */
  readonly root: string;
  readonly outfile: string;
  /** @default - this machine's architecture */
  readonly arch?: Arch;
  /** @default "src/main.ts" */
  readonly entry?: string;
}

export function hostArch(): Arch {
  if (process.arch === "x64") return "amd64";
  if (process.arch === "arm64") return "arm64";
  throw new Error(`no Linux build target for architecture ${process.arch}; expected x64 or arm64`);
}

export async function buildBinary(options: BuildOptions): Promise<void> {
  const arch = options.arch ?? hostArch();
  const result = await Bun.build({
    entrypoints: [resolve(options.root, options.entry ?? "src/main.ts")],
    compile: {
      target: COMPILE_TARGETS[arch],
      outfile: resolve(options.outfile),
      // Configuration comes from the task definition only, never from files in the working directory.
      autoloadDotenv: false,
      autoloadBunfig: false,
    },
    // ESM for top-level await in main.ts (bytecode defaults to CommonJS otherwise).
    format: "esm",
    minify: true,
    sourcemap: "linked",
    // Parsing moves to build time: the service answers (or polls, or runs) sooner after start.
    bytecode: true,
  });
  if (!result.success) {
    throw new AggregateError(result.logs, `bun build --compile failed for ${arch}`);
  }
}

/** The command line of a service's `scripts/build.ts`: `--outfile` (required), `--arch`, `--entry`. */
export async function buildCli(root: string, args: readonly string[] = Bun.argv.slice(2)): Promise<void> {
  const { values } = parseArgs({
    args: [...args],
    options: { outfile: { type: "string" }, arch: { type: "string" }, entry: { type: "string" } },
  });
  if (values.outfile === undefined) throw new Error("--outfile is required");
  if (values.arch !== undefined && !(values.arch in COMPILE_TARGETS)) {
    throw new Error(`--arch ${values.arch} is not supported; expected one of ${Object.keys(COMPILE_TARGETS).join(", ")}`);
  }
  const started = performance.now();
  await buildBinary({ root, outfile: values.outfile, arch: values.arch as Arch | undefined, entry: values.entry });
  console.log(`built ${values.outfile} (${values.arch ?? hostArch()}) in ${Math.round(performance.now() - started)} ms`);
}
