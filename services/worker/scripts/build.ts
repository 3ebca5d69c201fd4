/**
 * Compiles this service into one executable (the Dockerfile's build step, and what the tests that
 * start the binary build): `bun scripts/build.ts --outfile dist/server [--arch amd64|arm64]`. The
 * code is the services' shared one, in @bun-fargate/service-kit/build.
 */
import { resolve } from "node:path";
import { buildBinary as build, buildCli, type BuildOptions } from "@bun-fargate/service-kit/build";

export { COMPILE_TARGETS, hostArch, type Arch } from "@bun-fargate/service-kit/build";

const ROOT = resolve(import.meta.dir, "..");

/** Builds this service (see @bun-fargate/service-kit/build). */
export const buildBinary = (options: Omit<BuildOptions, "root">): Promise<void> => build({ root: ROOT, ...options });

if (import.meta.main) await buildCli(ROOT);
