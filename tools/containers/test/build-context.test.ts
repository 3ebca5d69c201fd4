/**
 * What the builder takes into an image build from the repository root, read back from a real build
 * (`COPY . /ctx/` exported to a folder), so the .dockerignore rules are proven by the engine that
 * applies them, not by reading them.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { engineOk } from "../src/engine";
import { REPO_ROOT } from "../src/paths";
import { engine, services, skip } from "./suite";

const scratch = mkdtempSync(join(tmpdir(), "build-context-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function files(dir: string, base = dir): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path, base) : [relative(base, path)];
  });
}

/** Builds `COPY . /ctx/` with `context` and returns the files that reached the image. */
function contextOf(context: string): string[] {
  const containerfile = join(scratch, `Containerfile.${Math.random().toString(16).slice(2)}`);
  writeFileSync(containerfile, "FROM scratch\nCOPY . /ctx/\n");
  const out = mkdtempSync(join(scratch, "out-"));
  engineOk(engine!, ["build", "--quiet", "-f", containerfile, "--output", `type=local,dest=${out}`, context]);
  return files(join(out, "ctx")).sort();
}

describe.if(skip === undefined)("image build context", () => {
  test("the repository's .dockerignore keeps dependencies, history, local secrets and state out, and sources in", () => {
    const context = join(scratch, "planted");
    const planted = {
      kept: ["services/orders/src/main.ts", "services/orders/Dockerfile", "packages/config/package.json", "pnpm-lock.yaml", "package.json"],
      dropped: [
        "node_modules/left-pad/index.js",
        "services/orders/node_modules/x/index.js",
        ".git/config",
        ".env",
        ".env.production",
        "services/orders/.env.local",
        "services/orders/.aws/credentials",
        "deploy.pem",
        "services/orders/tls.key",
        "terraform.prod-network.tfstate",
        "stacks/terraform.tfstate.backup",
        "cdktf.out/stacks/prod-network/cdk.tf.json",
        "stacks/.terraform/providers/x",
        "services/orders/dist/server",
        "npm-debug.log",
      ],
    };
    for (const file of [...planted.kept, ...planted.dropped]) {
      mkdirSync(dirname(join(context, file)), { recursive: true });
      writeFileSync(join(context, file), "x");
    }
    copyFileSync(join(REPO_ROOT, ".dockerignore"), join(context, ".dockerignore"));
    const reached = contextOf(context);
    for (const file of planted.kept) expect(reached).toContain(file);
    expect(reached.filter((f) => planted.dropped.includes(f))).toEqual([]);
  }, 60_000);

  test("the real repository's build context holds every service's sources and no dependency folder, git history, state or .env", () => {
    const reached = contextOf(REPO_ROOT);
    for (const service of services) expect(reached).toContain(`${service.source}/Dockerfile`);
    expect(reached).toContain("pnpm-lock.yaml");
    const unwanted = reached.filter((f) => /(^|\/)(node_modules|\.git|cdktf\.out|\.terraform)\//.test(f) || /(^|\/)\.env(\.|$)|\.tfstate/.test(f));
    expect(unwanted).toEqual([]);
  }, 120_000);
});
