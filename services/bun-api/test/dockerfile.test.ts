/**
 * No Docker engine runs here, so the Dockerfile is checked as text: what the task definition and
 * the runtime contract rely on must be true of it.
 */
import { CONTAINER_BINARY, CONTAINER_USER, DEFAULT_CONTAINER_PORT, HEALTHCHECK_ARG } from "@bun-fargate/config/runtime";
import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PACKAGE_DIR } from "./helpers";

const ROOT = join(PACKAGE_DIR, "..", "..");
const dockerfile = readFileSync(join(PACKAGE_DIR, "Dockerfile"), "utf8");
const dockerignorePath = join(ROOT, ".dockerignore");

interface Instruction {
  readonly keyword: string;
  readonly args: string;
}

/** Instructions in order, continuation lines joined, comments dropped. */
const instructions: Instruction[] = dockerfile
  .replace(/\\\n/g, " ")
  .split("\n")
  .map((line) => line.trim())
  .filter((line) => line.length > 0 && !line.startsWith("#"))
  .map((line) => {
    const [keyword, ...rest] = line.split(/\s+/);
    return { keyword: keyword!.toUpperCase(), args: rest.join(" ") };
  });

/** Global ARG defaults (before the first FROM), for resolving image references. */
const globalArgs = new Map<string, string>();
for (const i of instructions) {
  if (i.keyword === "FROM") break;
  const m = /^(\w+)=(\S+)$/.exec(i.args);
  if (i.keyword === "ARG" && m) globalArgs.set(m[1]!, m[2]!);
}
const resolve = (text: string) => text.replace(/\$\{?(\w+)\}?/g, (all, name: string) => globalArgs.get(name) ?? all);

interface Stage {
  readonly image: string;
  readonly name: string | undefined;
  readonly body: Instruction[];
}
const stages: Stage[] = [];
for (const i of instructions) {
  if (i.keyword === "FROM") {
    const words = i.args.split(/\s+/).filter((w) => !w.startsWith("--platform="));
    stages.push({ image: resolve(words[0]!), name: words[2], body: [] });
  } else if (stages.length > 0) {
    stages.at(-1)!.body.push(i);
  }
}
const runtime = stages.at(-1)!;
const build = stages.find((s) => s.name === "build")!;
const only = (stage: Stage, keyword: string) => stage.body.filter((i) => i.keyword === keyword);

function catalogVersion(name: string): string {
  const workspace = readFileSync(join(ROOT, "pnpm-workspace.yaml"), "utf8");
  const catalog = workspace.slice(workspace.indexOf("\ncatalog:"));
  const m = new RegExp(`^\\s+"?${name}"?:\\s*(\\S+)`, "m").exec(catalog);
  if (!m) throw new Error(`no ${name} in the pnpm catalog`);
  return m[1]!;
}

describe("Dockerfile", () => {
  test("the builder's Bun is the version pinned in the catalog, in package.json and running these tests", () => {
    const pinned = catalogVersion("bun");
    const pkg = JSON.parse(readFileSync(join(PACKAGE_DIR, "package.json"), "utf8"));
    expect(build.image).toBe(`oven/bun:${pinned}`);
    expect(pkg.devDependencies.bun).toBe("catalog:");
    expect(pkg.devDependencies["@types/bun"]).toBe(pinned);
    expect(Bun.version).toBe(pinned);
  });

  test("the final image is distroless glibc (the compiled binary needs glibc), non-root variant", () => {
    expect(runtime.image).toBe("gcr.io/distroless/base-debian12:nonroot");
  });

  test("the final image runs as the contract's non-root user", () => {
    const users = only(runtime, "USER").map((i) => i.args);
    expect(users).toEqual([CONTAINER_USER]);
    expect(CONTAINER_USER.split(":").every((id) => Number(id) > 0)).toBe(true);
  });

  test("ENTRYPOINT is the exec form of the contract's binary path, with no shell or wrapper", () => {
    const entrypoints = only(runtime, "ENTRYPOINT");
    expect(entrypoints).toHaveLength(1);
    expect(JSON.parse(entrypoints[0]!.args)).toEqual([CONTAINER_BINARY]);
    expect(only(runtime, "CMD")).toHaveLength(0);
    expect(only(runtime, "COPY").map((i) => i.args)).toContain(`--from=build /out/server ${CONTAINER_BINARY}`);
  });

  test("the image's health check is the task definition's: the binary itself, no curl", () => {
    const checks = only(runtime, "HEALTHCHECK");
    expect(checks).toHaveLength(1);
    const exec = /\bCMD (\[.*\])$/.exec(checks[0]!.args)?.[1];
    expect(JSON.parse(exec!)).toEqual([CONTAINER_BINARY, HEALTHCHECK_ARG]);
    expect(instructions.map((i) => i.args).join("\n")).not.toMatch(/\b(curl|wget)\b/);
  });

  test("the port is the contract's default", () => {
    expect(only(runtime, "EXPOSE").map((i) => i.args)).toEqual([String(DEFAULT_CONTAINER_PORT)]);
    expect(only(runtime, "ENV").map((i) => i.args)).toEqual([`PORT=${DEFAULT_CONTAINER_PORT}`]);
  });

  test("dependencies come from the frozen lockfile; tests run before the build, once for every platform", () => {
    const deps = stages.find((s) => s.name === "deps")!;
    expect(only(deps, "RUN").some((i) => i.args.startsWith("pnpm install --frozen-lockfile"))).toBe(true);
    const steps = build.body.map((i) => `${i.keyword} ${i.args}`);
    const test = steps.indexOf("RUN bun test");
    const arch = steps.indexOf("ARG TARGETARCH");
    const compile = steps.findIndex((s) => s.startsWith("RUN bun scripts/build.ts --arch"));
    expect(test).toBeGreaterThan(-1);
    expect(arch).toBeGreaterThan(test);
    expect(compile).toBeGreaterThan(arch);
  });
});

// Inside the image build the file is not in the context's copy of the repository: checked in CI.
// skipIf still runs the describe body, so the read must not happen when the file is absent.
const hasDockerignore = existsSync(dockerignorePath);
describe.skipIf(!hasDockerignore)(".dockerignore", () => {
  const patterns = (hasDockerignore ? readFileSync(dockerignorePath, "utf8") : "")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l.length > 0 && !l.startsWith("#"));

  test("keeps dependencies, git history and local secrets out of the build context", () => {
    for (const pattern of ["**/node_modules", ".git", "**/.env", "**/.env.*", "**/*.tfstate"]) expect(patterns).toContain(pattern);
  });

  test("does not exclude anything the Dockerfile copies", () => {
    const sources = only(stages.find((s) => s.name === "deps")!, "COPY")
      .concat(only(build, "COPY"))
      .filter((i) => !i.args.startsWith("--from"))
      .flatMap((i) => i.args.split(/\s+/).slice(0, -1));
    expect(sources.length).toBeGreaterThan(5);
    for (const source of sources) {
      for (const pattern of patterns) {
        const glob = new Bun.Glob(pattern.replace(/\/$/, ""));
        expect({ source, pattern, excluded: glob.match(source.replace(/\/$/, "")) }).toEqual({ source, pattern, excluded: false });
      }
    }
  });
});
