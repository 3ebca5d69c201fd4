/**
 * Compiles the service into one executable: the command the Dockerfile runs, and the one the
 * binary test runs, so what is tested is what ships.
 *
 *   bun scripts/build.ts --outfile dist/server [--arch amd64|arm64] [--entry src/main.ts]
 *
 * `--arch` takes Docker's TARGETARCH names; the default is this machine's. Bun cross-compiles, so
 * one build machine produces both images without emulation. It downloads the other platform's
 * runtime (same Bun version) from the npm registry the first time.
 */
import { parseArgs } from "node:util";
import { resolve } from "node:path";

export const COMPILE_TARGETS = { amd64: "bun-linux-x64", arm64: "bun-linux-arm64" } as const;
export type Arch = keyof typeof COMPILE_TARGETS;

export interface BuildOptions {
  readonly outfile: string;
  /** @default - this machine's architecture */
  readonly arch?: Arch;
  /** @default "src/main.ts" of this package */
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
    entrypoints: [resolve(import.meta.dir, "..", options.entry ?? "src/main.ts")],
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
    // Parsing moves to build time: the first poll starts sooner after start.
    bytecode: true,
  });
  if (!result.success) {
    throw new AggregateError(result.logs, `bun build --compile failed for ${arch}`);
  }
}

if (import.meta.main) {
  const { values } = parseArgs({
    options: { outfile: { type: "string" }, arch: { type: "string" }, entry: { type: "string" } },
  });
  if (values.outfile === undefined) throw new Error("--outfile is required");
  if (values.arch !== undefined && !(values.arch in COMPILE_TARGETS)) {
    throw new Error(`--arch ${values.arch} is not supported; expected one of ${Object.keys(COMPILE_TARGETS).join(", ")}`);
  }
  const started = performance.now();
  await buildBinary({ outfile: values.outfile, arch: values.arch as Arch | undefined, entry: values.entry });
  console.log(`built ${values.outfile} (${values.arch ?? hostArch()}) in ${Math.round(performance.now() - started)} ms`);
}
