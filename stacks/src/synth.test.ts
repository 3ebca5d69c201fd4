// `pnpm synth` as a real process: all or nothing.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const script = resolve(__dirname, "../../scripts/synth.mjs");
const run = (out: string, env: Record<string, string>) =>
  spawnSync(process.execPath, [script, "--out", out], { encoding: "utf8", env: { ...process.env, ...env } });

describe("scripts/synth.mjs", () => {
  let dir: string;
  let out: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "synth-test-"));
    out = join(dir, "cdktf.out");
    mkdirSync(out);
    writeFileSync(join(out, "previous-synth"), "kept");
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test("writes every stack of every environment and replaces the previous output", () => {
    const result = run(out, { BF_ENVIRONMENTS: "", BF_PROFILE: "aws", BF_BACKEND: "local" });
    expect(result.status).toBe(0);
    expect(readdirSync(join(out, "stacks")).sort()).toEqual(["dev-bun-api", "dev-cluster", "dev-network", "prod-bun-api", "prod-cluster", "prod-network", "staging-bun-api", "staging-cluster", "staging-network"]);
    expect(existsSync(join(out, "previous-synth"))).toBe(false);
    expect(readdirSync(dir)).toEqual(["cdktf.out"]);
  });

  test("fails when the environment is unknown, naming it, and writes nothing", () => {
    const result = run(out, { BF_ENVIRONMENTS: "dev,qa" });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('environment = "qa": unknown environment; configured: dev, staging, prod');
    expect(result.stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace
    expect(readdirSync(out)).toEqual(["previous-synth"]);
    expect(readdirSync(dir)).toEqual(["cdktf.out"]);
  });

  test("fails on a bad profile value and writes nothing", () => {
    const result = run(out, { BF_PROFILE: "emulator", BF_AWS_ENDPOINT: "http://203.0.113.9:5000" });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('BF_AWS_ENDPOINT = "http://203.0.113.9:5000" must be an http URL on loopback');
    expect(readdirSync(out)).toEqual(["previous-synth"]);
  });
});
