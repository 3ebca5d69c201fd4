// Every kind of bad input, fed to `pnpm synth` as a real process (scripts/synth.mjs): the answer
// is a message naming what is wrong, exit 1, and the previous output left as it was; never a stack
// trace, a code frame or a Bun crash report.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { defaultConfig } from "@bun-fargate/config";
import { CRASH } from "./testing";

const script = resolve(__dirname, "../../scripts/synth.mjs");
const shipped = () => JSON.parse(JSON.stringify(defaultConfig)) as { project: string; environments: Record<string, Record<string, unknown>>; services: Record<string, unknown>[] };


let dir: string;
let out: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "synth-input-"));
  out = join(dir, "cdktf.out");
  mkdirSync(out);
  writeFileSync(join(out, "previous-synth"), "kept");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function synth(env: Record<string, string>, files: Record<string, string> = {}) {
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  // The caller's BF_* variables must not leak in: each test states its own.
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("BF_")));
  const result = spawnSync(process.execPath, [script, "--out", out], { encoding: "utf8", env: { ...base, ...env } });
  return { status: result.status, stderr: result.stderr };
}

function expectRefused(result: { status: number | null; stderr: string }, ...messages: (string | RegExp)[]) {
  expect(result.status).toBe(1);
  for (const m of messages) {
    if (typeof m === "string") expect(result.stderr).toContain(m);
    else expect(result.stderr).toMatch(m);
  }
  expect(result.stderr).not.toMatch(CRASH);
  expect(result.stderr).toContain("was left as it was");
  expect(readdirSync(out)).toEqual(["previous-synth"]);
  expect(readdirSync(dir).filter((f) => f.startsWith("cdktf.out"))).toEqual(["cdktf.out"]);
}

const config = (mutate: (c: ReturnType<typeof shipped>) => void) => {
  const c = shipped();
  mutate(c);
  return { "config.json": JSON.stringify(c) };
};
const withConfig = (name = "config.json") => ({ BF_CONFIG: join(dir, name) });

describe("pnpm synth refuses bad input with a message", () => {
  test("wrong types and misspelt keys: every problem at once, each naming its field", () => {
    const files = config((c) => {
      c.environments.dev!.containerInsights = "false";
      c.environments.dev!.logRetentionDay = 7;
      c.services[0]!.enableExec = "false";
      c.services[0]!.routing = { priority: 100, hostHeaders: [443] };
      delete c.environments.prod!.allowedAccountIds;
    });
    expectRefused(
      synth(withConfig(), files),
      "Invalid configuration (5 problems); nothing was synthesized:",
      'dev: containerInsights = "false": must be true or false',
      'dev: logRetentionDay = 7: unknown setting (did you mean "logRetentionDays"?)',
      'service "bun-api": enableExec = "false": must be true or false',
      'service "bun-api": routing.hostHeaders[0] = 443: must be a host name',
      "prod: allowedAccountIds = undefined: is required",
    );
  });

  test("a service without a name, a source without a Dockerfile", () => {
    expectRefused(synth(withConfig(), config((c) => delete c.services[0]!.name)), "services[0]: name = undefined: is required");
    expectRefused(synth(withConfig(), config((c) => (c.services[0]!.source = "packages/config"))), 'service "bun-api": source = "packages/config": has no Dockerfile');
  });

  test("a size reason too short for suppressPolicy is a config problem, not an exception during synth", () => {
    const files = config((c) => Object.assign(c.services[0]!, { cpu: 512, memoryMiB: 1024, sizeReason: "ok" }));
    expectRefused(synth(withConfig(), files), 'service "bun-api": sizeReason = "ok": must say why the task needs more than 0.25 vCPU / 0.5 GB');
  });

  test("BF_BACKEND=s3 for an environment without a state bucket", () => {
    const files = config((c) => delete c.environments.staging!.stateBucket);
    expectRefused(synth({ ...withConfig(), BF_BACKEND: "s3", BF_ENVIRONMENTS: "staging" }, files), "staging: stateBucket = undefined: BF_BACKEND=s3 keeps this environment's Terraform state in its stateBucket");
  });

  test.each(["true", "yes", "0", ""])("BF_BOOTSTRAP=%j is refused rather than read as one mode or the other", (value) => {
    expectRefused(synth({ BF_BOOTSTRAP: value }), `BF_BOOTSTRAP = "${value}" is not allowed; set BF_BOOTSTRAP=1`);
  });

  test("BF_PROFILE and BF_AWS_ENDPOINT values that are not allowed", () => {
    expectRefused(synth({ BF_PROFILE: "prod" }), 'BF_PROFILE = "prod" is not allowed; use "aws" (default) or "emulator"');
    expectRefused(synth({ BF_ENVIRONMENTS: "dev,prd" }), 'config: environment = "prd": unknown environment (did you mean "prod"?); configured: dev, staging, prod');
  });

  test("a BF_CONFIG module that is missing, not a module, throws while loading, or exports nothing", () => {
    expectRefused(synth({ BF_CONFIG: join(dir, "absent.json") }), /config: BF_CONFIG = ".*absent\.json": could not be loaded/);
    expectRefused(synth({ BF_CONFIG: join(dir, "notes.txt") }, { "notes.txt": "x" }), "must name a .ts, .js, .mjs or .json module");
    expectRefused(synth(withConfig("broken.json"), { "broken.json": "{ nope" }), /config: BF_CONFIG = ".*broken\.json": could not be loaded/);
    expectRefused(synth(withConfig("throws.ts"), { "throws.ts": 'throw new TypeError("config exploded");\nexport default {};\n' }), "could not be loaded", "config exploded");
    expectRefused(synth(withConfig("syntax.ts"), { "syntax.ts": "export default { project: ;\n" }), /config: BF_CONFIG = ".*syntax\.ts": could not be loaded/);
    expectRefused(synth(withConfig("empty.ts"), { "empty.ts": "export const other = 1;\n" }), "exports neither `config` nor a default export");
  });

  test("a BF_CONFIG module of the wrong shape", () => {
    expectRefused(synth(withConfig("list.json"), { "list.json": "[1, 2]" }), "config: (the whole entry) = [1,2]: must be an object { project, environments, services }, not a list");
    expectRefused(synth(withConfig("n.ts"), { "n.ts": "export const config = 42;\n" }), "config: (the whole entry) = 42: must be an object { project, environments, services }, not a number");
  });

  test("a TypeScript config module with values JSON cannot hold", () => {
    const module = `const c = ${JSON.stringify(shipped())};\nc.services[0].maxTasks = 10n;\nc.services[0].command = [Symbol("x")];\nexport default c;\n`;
    expectRefused(synth(withConfig("odd.ts"), { "odd.ts": module }), 'service "bun-api": maxTasks = 10n: must be a whole number from 0 to 1000', 'service "bun-api": command[0] = Symbol(x): each argument must be a string');
  });

  test("policy errors in several stacks are all reported in one run", () => {
    const files = config((c) => {
      c.services.push({ ...c.services[0]!, name: "orders", routing: { priority: 50, pathPatterns: ["/orders/*"] } });
      c.environments.prod!.services = { ...(c.environments.prod!.services as Record<string, unknown>), "bun-api": { minTasks: 1, maxTasks: 10 }, orders: { minTasks: 1 } };
    });
    const result = synth(withConfig(), files);
    expectRefused(result, /prod-bun-api\/Web\/Fargate\/Service: \[BF-ECS-003\]/, /prod-orders\/Web\/Fargate\/Service: \[BF-ECS-003\]/, /Synth stopped: 2 error\(s\) in 2 stack\(s\) \(prod-bun-api, prod-orders\)/);
  });

  test("a configuration given by BF_CONFIG synthesizes like the shipped one when it is valid", () => {
    const result = synth(withConfig(), config(() => undefined));
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(readdirSync(join(out, "stacks")).sort()).toEqual(["dev-bun-api", "dev-cluster", "dev-network", "dev-nightly", "dev-operations", "dev-worker", "prod-bun-api", "prod-cluster", "prod-network", "prod-nightly", "prod-operations", "prod-worker", "staging-bun-api", "staging-cluster", "staging-network", "staging-nightly", "staging-operations", "staging-worker"]);
  });
});
