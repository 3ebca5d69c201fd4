/**
 * Compiles the service into one executable, the command the Dockerfile runs:
 *
 *   bun scripts/build.ts --outfile dist/server [--arch amd64|arm64]
 *
 * `--arch` takes Docker's TARGETARCH names; the default is this machine's (Bun cross-compiles).
 */
import { parseArgs } from "node:util";
import { resolve } from "node:path";

const COMPILE_TARGETS = { amd64: "bun-linux-x64", arm64: "bun-linux-arm64" } as const;
type Arch = keyof typeof COMPILE_TARGETS;

const { values } = parseArgs({ options: { outfile: { type: "string" }, arch: { type: "string" } } });
if (values.outfile === undefined) throw new Error("--outfile is required");
const arch = (values.arch ?? (process.arch === "arm64" ? "arm64" : "amd64")) as Arch;
if (!(arch in COMPILE_TARGETS)) throw new Error(`--arch ${arch} is not supported; expected one of ${Object.keys(COMPILE_TARGETS).join(", ")}`);
const result = await Bun.build({
  entrypoints: [resolve(import.meta.dir, "..", "src/main.ts")],
  // Configuration comes from the task definition only, never from files in the working directory.
  compile: { target: COMPILE_TARGETS[arch], outfile: resolve(values.outfile), autoloadDotenv: false, autoloadBunfig: false },
  format: "esm",
  minify: true,
  sourcemap: "linked",
  bytecode: true,
});
if (!result.success) throw new AggregateError(result.logs, `bun build --compile failed for ${arch}`);
console.log(`built ${values.outfile} (${arch})`);
