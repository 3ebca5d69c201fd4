/**
 * Checks of the Dockerfile's text that the runtime contract relies on; the image itself is built
 * and run by the image suite (tools/containers). Also runs inside the image's build stage, so it
 * reads only what that stage has.
 */
import { CONTAINER_BINARY, CONTAINER_USER, HEALTHCHECK_ARG } from "@bun-fargate/config/runtime";
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const DIR = join(import.meta.dir, "..");
const text = readFileSync(join(DIR, "Dockerfile"), "utf8");
const instructions = text
  .replace(/\\\n/g, " ")
  .split("\n")
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith("#"))
  .map((l) => ({ keyword: l.split(/\s+/, 1)[0]!.toUpperCase(), args: l.slice(l.split(/\s+/, 1)[0]!.length).trim() }));
const runtime = instructions.slice(instructions.findLastIndex((i) => i.keyword === "FROM"));

test("runtime stage: the compiled binary as an exec-form ENTRYPOINT, the non-root user, the heartbeat health check, no port", () => {
  expect(runtime.find((i) => i.keyword === "ENTRYPOINT")?.args).toBe(JSON.stringify([CONTAINER_BINARY]));
  expect(runtime.find((i) => i.keyword === "USER")?.args).toBe(CONTAINER_USER);
  expect(runtime.find((i) => i.keyword === "HEALTHCHECK")?.args).toEndWith(`CMD ["${CONTAINER_BINARY}", "${HEALTHCHECK_ARG}"]`);
  expect(runtime.some((i) => i.keyword === "EXPOSE")).toBe(false);
  expect(runtime.find((i) => i.keyword === "VOLUME")?.args).toBe('["/tmp"]');
});

test("the build stage runs this package's tests before it compiles, and builds the worker's own package", () => {
  const build = instructions.map((i) => `${i.keyword} ${i.args}`);
  const tests = build.indexOf("RUN bun test");
  expect(tests).toBeGreaterThan(0);
  expect(build.findIndex((l) => l.startsWith("RUN bun scripts/build.ts"))).toBeGreaterThan(tests);
  expect(build).toContain("WORKDIR /repo/services/worker");
  expect(build.some((l) => l.includes('--filter "@bun-fargate/worker..."'))).toBe(true);
});

test("the Bun image is the catalog's Bun version", () => {
  const workspace = readFileSync(join(DIR, "..", "..", "pnpm-workspace.yaml"), "utf8");
  const catalog = /^\s+bun: (\S+)$/m.exec(workspace)![1];
  expect(text).toContain(`ARG BUN_IMAGE=oven/bun:${catalog}`);
});
