import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { defaultConfig, type PlatformConfig } from "@bun-fargate/config";
import fc from "fast-check";
import { buildApp } from "../app";
import type { StackJson } from "../cost/terraform-json";
import { AWS_PROFILE, synth } from "../testing";
import { ASSUMPTIONS, CDK_ECS_PATTERNS, deployTime, duration, type DeploySettings } from "./model";
import { goals, rows } from "./report";
import { serviceSettings } from "./settings";

const root = resolve(__dirname, "../../..");
const BUN = join(root, "stacks", "node_modules", ".bin", "bun");

function synthesized(config: PlatformConfig = defaultConfig): StackJson[] {
  const { environments } = buildApp({ profile: AWS_PROFILE, config });
  return environments.flatMap((e) => [e.network, e.cluster, ...e.services]).map((s) => ({ name: s.node.id, json: synth(s) as unknown as StackJson["json"] }));
}

const web = (strategy: DeploySettings["strategy"], more: Partial<DeploySettings> = {}): DeploySettings => ({
  strategy,
  bakeMinutes: 10,
  healthCheckIntervalSeconds: 10,
  healthyThreshold: 2,
  deregistrationDelaySeconds: 15,
  containerHealthCheckIntervalSeconds: 10,
  alarmWindowSeconds: 180,
  automaticRollback: true,
  ...more,
});

describe("deploy-time model", () => {
  test("rolling: task start, the health checks that admit a task, the drain and the stop", () => {
    const t = deployTime(web("ROLLING"));
    expect(t.phases.map((p) => [p.name, p.seconds])).toEqual([
      ["task start", 45],
      ["health checks (2 x 10 s)", 20],
      ["drain old tasks", 15],
      ["stop old tasks", 2],
    ]);
    expect([t.completeSeconds, t.rollbackSeconds, t.detectionSeconds]).toEqual([82, 65, 240]);
  });

  test("canary: the scale-up, test traffic, the canary share's hold, the rest, the bake, the clean-up; a rollback is one rule change", () => {
    const t = deployTime(web("CANARY", { canaryPercent: 10, canaryMinutes: 5 }));
    expect(t.completeSeconds).toBe(45 + 20 + 5 + 5 + 300 + 5 + 600 + 15 + 2);
    expect(t.rollbackSeconds).toBe(ASSUMPTIONS.ruleChangeSeconds);
    // A 100 % canary has no hold and no second shift.
    expect(deployTime(web("CANARY", { canaryPercent: 100, canaryMinutes: 5 })).completeSeconds).toBe(45 + 20 + 5 + 5 + 600 + 15 + 2);
  });

  test("linear: a rule change per step, a wait between steps but none after the last", () => {
    const t = deployTime(web("LINEAR", { stepPercent: 25, stepMinutes: 2, bakeMinutes: 0 }));
    expect(t.phases.find((p) => p.name.includes("waits"))).toEqual({ name: "3 waits of 2 min", seconds: 360 });
    expect(t.completeSeconds).toBe(45 + 20 + 5 + 4 * 5 + 360 + 0 + 15 + 2);
  });

  test("blue-green: all at once after the test traffic", () => {
    expect(deployTime(web("BLUE_GREEN", { bakeMinutes: 15 })).completeSeconds).toBe(45 + 20 + 5 + 5 + 900 + 15 + 2);
  });

  test("the AWS CDK ecs-patterns defaults: 5 checks 30 s apart, 300 s of draining, and no automatic rollback", () => {
    const t = deployTime(CDK_ECS_PATTERNS);
    expect([t.completeSeconds, t.rollbackSeconds, t.rollbackHow, t.detectionSeconds]).toEqual([45 + 150 + 300 + 2, 195, "no automatic rollback: a manual redeploy", undefined]);
  });

  test("properties: a longer bake or hold never shortens a deploy, never changes a rollback; the phases add up", () => {
    const settings = fc.record({
      strategy: fc.constantFrom<DeploySettings["strategy"]>("ROLLING", "BLUE_GREEN", "CANARY", "LINEAR"),
      bakeMinutes: fc.integer({ min: 0, max: 1440 }),
      canaryPercent: fc.integer({ min: 1, max: 1000 }).map((t) => t / 10),
      canaryMinutes: fc.integer({ min: 0, max: 1440 }),
      stepPercent: fc.integer({ min: 30, max: 1000 }).map((t) => t / 10),
      stepMinutes: fc.integer({ min: 0, max: 1440 }),
      healthCheckIntervalSeconds: fc.integer({ min: 5, max: 300 }),
      healthyThreshold: fc.integer({ min: 2, max: 10 }),
      deregistrationDelaySeconds: fc.integer({ min: 0, max: 3600 }),
      automaticRollback: fc.boolean(),
    });
    fc.assert(
      fc.property(settings, fc.integer({ min: 1, max: 600 }), (s, more) => {
        const t = deployTime(s);
        expect(t.phases.reduce((a, p) => a + p.seconds, 0)).toBe(t.completeSeconds);
        const longer = deployTime({ ...s, bakeMinutes: s.bakeMinutes + more, canaryMinutes: s.canaryMinutes + more, stepMinutes: s.stepMinutes + more });
        expect(longer.completeSeconds).toBeGreaterThanOrEqual(t.completeSeconds);
        expect(longer.rollbackSeconds).toBe(t.rollbackSeconds);
        if (s.strategy !== "ROLLING") expect(longer.completeSeconds).toBeGreaterThan(t.completeSeconds);
      }),
      { seed: 20261202, numRuns: 300 },
    );
  });

  test("durations read as seconds under two minutes, minutes and seconds above", () => {
    expect([82, 120, 997, 600].map(duration)).toEqual(["82 s", "2 min", "16 min 37 s", "10 min"]);
  });
});

describe("deploy-time settings, read from the synthesized stacks", () => {
  const services = serviceSettings(synthesized());

  test("every environment's service, with its strategy, health checks, drain and alarms as synthesized", () => {
    const by = Object.fromEntries(services.filter((s) => s.service === "bun-api").map((s) => [s.environment, s.settings]));
    expect(by.dev).toEqual({ strategy: "ROLLING", bakeMinutes: 0, healthCheckIntervalSeconds: 10, healthyThreshold: 2, deregistrationDelaySeconds: 15, containerHealthCheckIntervalSeconds: 10, alarmWindowSeconds: 180, automaticRollback: true });
    expect(by.prod).toMatchObject({ strategy: "CANARY", bakeMinutes: 10, canaryPercent: 10, canaryMinutes: 5, alarmWindowSeconds: 180 });
    expect(by.staging).toMatchObject({ strategy: "LINEAR", bakeMinutes: 5, stepPercent: 25, stepMinutes: 1 });
  });

  test("the shipped settings meet the goals: prod canary under 20 min, rollbacks under 1 min, dev under 2 min", () => {
    const table = rows(services);
    expect(table.map((r) => [r.environment, duration(r.ours.completeSeconds), duration(r.ours.rollbackSeconds)])).toEqual([
      ["dev", "82 s", "65 s"],
      // The worker: no ALB to drain or pass health checks (rolling in dev, blue-green in staging and prod).
      ["dev", "57 s", "55 s"],
      ["staging", "9 min 47 s", "5 s"],
      ["staging", "6 min 7 s", "5 s"],
      ["prod", "16 min 37 s", "5 s"],
      ["prod", "11 min 7 s", "5 s"],
    ]);
    expect(goals(table).filter((g) => !g.met)).toEqual([]);
  });

  test("a worker has no load balancer: only its container check admits a task, and nothing drains", () => {
    const config: PlatformConfig = { ...defaultConfig, environments: { dev: { ...defaultConfig.environments.dev!, services: {} } }, services: [{ name: "mailer", kind: "worker", source: "services/bun-api" }] };
    const [worker] = serviceSettings(synthesized(config));
    expect(worker?.settings).toMatchObject({ strategy: "ROLLING", healthyThreshold: 0, deregistrationDelaySeconds: 0, containerHealthCheckIntervalSeconds: 10, automaticRollback: true });
    expect(deployTime(worker!.settings).completeSeconds).toBe(45 + 10 + 0 + 2);
  });
});

describe("pnpm deploy-time as a process", () => {
  function run(config: PlatformConfig | undefined, args: string[] = []) {
    const work = mkdtempSync(join(tmpdir(), "deploy-time-"));
    try {
      const env = { ...process.env, BF_CONFIG: "", GITHUB_STEP_SUMMARY: "" };
      if (config) {
        writeFileSync(join(work, "config.json"), JSON.stringify(config));
        env.BF_CONFIG = join(work, "config.json");
      }
      const s = spawnSync(process.execPath, [join(root, "scripts", "synth.mjs"), "--out", join(work, "out")], { encoding: "utf8", env });
      expect(s.status).toBe(0);
      return spawnSync(BUN, [join(root, "stacks", "deploy-time", "deploy-time.ts"), "--outdir", join(work, "out"), ...args], { encoding: "utf8", env });
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }

  test("prints each environment's figures beside the AWS CDK defaults and the goals, all met", () => {
    const r = run(undefined, ["--phases"]);
    expect([r.status, r.stderr]).toEqual([0, ""]);
    expect(r.stdout).toMatch(/^prod +bun-api +canary 10 % for 5 min, bake 10 min +16 min 37 s +5 s \(rule back to the previous revision, still running\) +4 min +8 min 17 s +3 min 15 s \(no automatic rollback: a manual redeploy\)$/m);
    expect(r.stdout).toContain("  hold 10 % (5 min)");
    expect(r.stdout).toMatch(/^met +dev bun-api: a deploy completes in under 2 min \(82 s\)$/m);
  });

  test("exits 1 and names the goal when a prod canary would take longer than 20 minutes", () => {
    const slow: PlatformConfig = { ...defaultConfig, environments: { ...defaultConfig.environments, prod: { ...defaultConfig.environments.prod!, deployment: { strategy: "canary", canaryMinutes: 10, bakeTimeMinutes: 15 } } } };
    const r = run(slow);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^MISSED prod bun-api: a canary deploy completes, bake included, in under 20 min \(26 min 37 s\)$/m);
  });

  test("--task-start changes the one assumption it names, and refuses a non-number", () => {
    const r = run(undefined, ["--task-start", "90"]);
    expect(r.stdout).toContain("Assumed: task start 90 s");
    // 45 s more per deploy puts dev past its 2 minutes.
    expect(r.stdout).toMatch(/^dev +bun-api +rolling +2 min 7 s/m);
    expect([r.status, r.stdout]).toEqual([1, expect.stringMatching(/^MISSED dev bun-api: a deploy completes in under 2 min \(2 min 7 s\)$/m)]);
    const bad = run(undefined, ["--task-start", "soon"]);
    expect([bad.status, bad.stderr.trim()]).toEqual([2, 'deploy-time: --task-start "soon" must be a number of seconds']);
  });
});
