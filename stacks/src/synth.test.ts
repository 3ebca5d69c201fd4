// `pnpm synth` as a real process: all or nothing.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { defaultConfig } from "@bun-fargate/config";

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

  describe("a full synth (run once for these tests)", () => {
    let full: { dir: string; out: string; status: number | null };
    beforeAll(() => {
      const d = mkdtempSync(join(tmpdir(), "synth-full-"));
      const o = join(d, "cdktf.out");
      mkdirSync(o);
      writeFileSync(join(o, "previous-synth"), "kept");
      full = { dir: d, out: o, status: run(o, { BF_ENVIRONMENTS: "", BF_PROFILE: "aws", BF_BACKEND: "local" }).status };
    });
    afterAll(() => rmSync(full.dir, { recursive: true, force: true }));

    test("writes every stack of every environment and replaces the previous output", () => {
      expect(full.status).toBe(0);
      expect(readdirSync(join(full.out, "stacks")).sort()).toEqual(["dev-bun-api", "dev-cluster", "dev-network", "dev-nightly", "dev-operations", "dev-worker", "prod-bun-api", "prod-cluster", "prod-network", "prod-nightly", "prod-operations", "prod-worker", "staging-bun-api", "staging-cluster", "staging-network", "staging-nightly", "staging-operations", "staging-worker"]);
      expect(existsSync(join(full.out, "previous-synth"))).toBe(false);
      expect(readdirSync(full.dir)).toEqual(["cdktf.out"]);
    });

    test("every depends_on names a whole resource or data source of its own stack", () => {
      // Terraform rejects depends_on on an attribute, such as the remote-state output that a
      // reference to another stack becomes; only the whole-app synth shows those references.
      expect(full.status).toBe(0);
      const problems: string[] = [];
      let checked = 0;
      for (const stack of readdirSync(join(full.out, "stacks"))) {
        type Blocks = Record<string, Record<string, { depends_on?: string[] }>>;
        const json = JSON.parse(readFileSync(join(full.out, "stacks", stack, "cdk.tf.json"), "utf8")) as { resource?: Blocks; data?: Blocks };
        const defined = new Set([
          ...Object.entries(json.resource ?? {}).flatMap(([type, byName]) => Object.keys(byName).map((name) => `${type}.${name}`)),
          ...Object.entries(json.data ?? {}).flatMap(([type, byName]) => Object.keys(byName).map((name) => `data.${type}.${name}`)),
        ]);
        for (const [kind, blocks] of [["resource", json.resource], ["data", json.data]] as const) {
          for (const [type, byName] of Object.entries(blocks ?? {})) {
            for (const [name, block] of Object.entries(byName)) {
              for (const dep of block.depends_on ?? []) {
                checked++;
                if (!defined.has(dep)) problems.push(`${stack}: ${kind} ${type}.${name} depends on ${dep}`);
              }
            }
          }
        }
      }
      expect(checked).toBeGreaterThan(0);
      expect(problems).toEqual([]);
    });
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

  test("says which email subscriptions are new since the last synth there, and that they need confirming", () => {
    const first = run(out, { BF_ENVIRONMENTS: "dev", BF_PROFILE: "aws", BF_BACKEND: "local" });
    expect(first.status).toBe(0);
    expect(first.stdout).toContain("notice: dev-cluster: 1 new email subscription(s) to the alarm topic (dev-alerts@example.com): after the deploy SNS mails each address a confirmation link");
    const again = run(out, { BF_ENVIRONMENTS: "dev", BF_PROFILE: "aws", BF_BACKEND: "local" });
    expect(again.status).toBe(0);
    expect(again.stdout).not.toContain("notice:");
    const config = JSON.parse(JSON.stringify(defaultConfig)) as { environments: Record<string, { notifications?: unknown }> };
    config.environments.dev!.notifications = { emails: ["dev-alerts@example.com", "second@example.com"] };
    writeFileSync(join(dir, "config.json"), JSON.stringify(config));
    const added = run(out, { BF_ENVIRONMENTS: "dev", BF_PROFILE: "aws", BF_BACKEND: "local", BF_CONFIG: join(dir, "config.json") });
    expect(added.status).toBe(0);
    expect(added.stdout).toContain("notice: dev-cluster: 1 new email subscription(s) to the alarm topic (second@example.com)");
    config.environments.dev!.notifications = {};
    writeFileSync(join(dir, "config.json"), JSON.stringify(config));
    const nobody = run(out, { BF_ENVIRONMENTS: "dev", BF_PROFILE: "aws", BF_BACKEND: "local", BF_CONFIG: join(dir, "config.json") });
    expect(nobody.stdout).toContain("notice: dev-cluster: the alarm topic has no subscriptions, so its alarms reach nobody");
  });
});
