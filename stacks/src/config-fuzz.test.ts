// Property: whatever configuration synth is given (random ones, and the shipped one with values
// changed, deleted, added, swapped), it either synthesizes stacks that pass the policy rules, or
// fails with messages that each name a field, having written nothing; never a stack trace.
// Seeded and bounded: BF_FUZZ_SEED and BF_FUZZ_RUNS change the seed and the in-process count.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { ConfigError, defaultConfig, formatIssue, type PlatformConfig } from "@bun-fargate/config";
import type { PolicyFinding } from "@bun-fargate/constructs";
import fc from "fast-check";
import { buildApp } from "./app";
import { AnnotationErrors, synthEveryStack } from "./synth-every-stack";
import { AWS_PROFILE, CRASH } from "./testing";

const SEED = Number(process.env.BF_FUZZ_SEED ?? 20261202);
const RUNS = Number(process.env.BF_FUZZ_RUNS ?? 200);
const PROCESS_RUNS = 6;
const root = resolve(__dirname, "../..");
const script = join(root, "scripts", "synth.mjs");

type Json = unknown;
type Path = (string | number)[];

// ------------------------------------------------------------------------------- generators

const ODD_STRINGS = ["", " ", "false", "true", "0", "1", "-1", "NaN", "null", "../..", "/", "*", "/*", "${var.image}", "\u0000", "é", "🚀", "a".repeat(300), "cron(61 3 * * ? *)", "10.010.0.0/16", "Etc/GMT+9", "us-east1", "internal"];
const ODD_NUMBERS = [0, -0, 1, -1, 0.5, 1.5, 2, 7, 100, 255, 256, 512, 1000, 1001, 1023, 1024, 4096, 50000, 50001, 65535, 65536, 1e9, Number.NaN, Number.POSITIVE_INFINITY];
const oddValue: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom(...ODD_STRINGS),
  fc.constantFrom(...ODD_NUMBERS),
  fc.string({ maxLength: 12 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constantFrom(null, undefined, [], {}, ["/*"], { priority: 1 }, [1, 2], { a: "b" }),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 }), { maxKeys: 2 }),
);

function pathsOf(value: Json, path: Path = [], out: Path[] = []): Path[] {
  if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      const p = [...path, Array.isArray(value) ? Number(k) : k];
      out.push(p);
      pathsOf(v, p, out);
    }
  }
  return out;
}

const shippedJson = () => JSON.parse(JSON.stringify(defaultConfig)) as Record<string, Json>;
const PATHS = pathsOf(shippedJson());
const KNOWN_KEYS = [...new Set(PATHS.map((p) => p.at(-1)).filter((k): k is string => typeof k === "string"))];

function get(value: Json, path: Path): Json {
  return path.reduce<Json>((v, k) => (v !== null && typeof v === "object" ? (v as Record<string | number, Json>)[k] : undefined), value);
}
function set(value: Json, path: Path, next: Json): void {
  const parent = get(value, path.slice(0, -1));
  if (parent !== null && typeof parent === "object") (parent as Record<string | number, Json>)[path.at(-1)!] = next;
}
function remove(value: Json, path: Path): void {
  const parent = get(value, path.slice(0, -1));
  if (Array.isArray(parent)) parent.splice(Number(path.at(-1)), 1);
  else if (parent !== null && typeof parent === "object") delete (parent as Record<string, Json>)[String(path.at(-1))];
}

const misspelt = fc.tuple(fc.constantFrom(...KNOWN_KEYS), fc.nat(), fc.constantFrom("drop", "double", "case", "plural")).map(([key, at, how]) => {
  const i = at % key.length;
  if (how === "drop") return key.slice(0, i) + key.slice(i + 1);
  if (how === "double") return key.slice(0, i) + key[i] + key.slice(i);
  if (how === "case") return key.slice(0, i) + key[i]!.toUpperCase() + key.slice(i + 1);
  return `${key}s`;
});

/** Values a user might well write for a setting: mostly valid, so that mutations also reach synth. */
const PLAUSIBLE: Record<string, readonly Json[]> = {
  minTasks: [0, 1, 2, 3],
  maxTasks: [1, 2, 4, 10],
  desiredTasks: [1, 2],
  logRetentionDays: [1, 7, 14, 30, 90, 365],
  natStrategy: ["none", "single", "per-az"],
  spotShare: [0, 0.25, 0.5, 1],
  containerInsights: [true, false],
  flowLogs: [true, false],
  deletionProtection: [true, false],
  albAccessLogs: [true, false],
  enableExec: [true, false],
  cpu: [256, 512, 1024],
  memoryMiB: [512, 1024, 2048],
  logLevel: ["debug", "info", "warn", "error"],
  azCount: [2, 3],
  priority: [1, 50, 100, 200],
  region: ["us-east-1", "eu-west-1", "us-west-2"],
  vpcEndpoints: [[], ["s3"], ["ecr-api", "ecr-dkr", "logs", "s3"]],
  containerPort: [3000, 8080],
  healthCheckPath: ["/readyz", "/healthz"],
  startHour: [0, 6, 8],
  endHour: [18, 20, 24],
  strategy: ["rolling", "blue-green", "canary", "linear"],
  bakeTimeMinutes: [0, 5, 10],
  canaryPercent: [0.1, 10, 100],
  canaryMinutes: [0, 5],
  stepPercent: [3, 25, 50],
  stepMinutes: [0, 1, 2],
};
const SETTABLE_KEYS = Object.keys(PLAUSIBLE);
/** Every setting's name, from the types: mutations add them where the shipped file has none. */
const ALL_KEYS = [
  ...new Set([
    ...KNOWN_KEYS,
    ...["hostHeaders", "pathPatterns", "priority", "certificate", "certificateArn", "domainName", "quotas", "listenerRulesPerAlb", "rulesPerSecurityGroup", "command", "schedule", "secrets", "environment", "timezone", "days", "sizeReason", "architecture", "desiredTasks", "services", "policyTier", "enableExec", "stateBucket", "jsonKey", "secretsManagerArn", "ssmParameterArn", "deployment", "strategy", "bakeTimeMinutes", "canaryPercent", "canaryMinutes", "stepPercent", "stepMinutes", "reason"],
  ]),
];

// Mutations pick their place in the configuration they are applied to, so they work on any base.
const objectPaths = (c: Json): Path[] => [[], ...pathsOf(c).filter((p) => { const v = get(c, p); return v !== null && typeof v === "object" && !Array.isArray(v); })];
const pick = <T>(items: readonly T[], i: number): T | undefined => (items.length === 0 ? undefined : items[i % items.length]);

type Mutation = (config: Record<string, Json>) => void;
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(fc.nat(), fc.nat()).map(([at, i]): Mutation => (c) => { const p = pick(pathsOf(c).filter((q) => Object.hasOwn(PLAUSIBLE, String(q.at(-1)))), at); if (p) set(c, p, pick(PLAUSIBLE[String(p.at(-1))]!, i)); }) },
  { weight: 2, arbitrary: fc.tuple(fc.nat(), fc.constantFrom(...SETTABLE_KEYS), fc.nat()).map(([at, k, i]): Mutation => (c) => { const p = pick(objectPaths(c), at); if (p) set(c, [...p, k], pick(PLAUSIBLE[k]!, i)); }) },
  { weight: 2, arbitrary: fc.tuple(fc.nat(), fc.constantFrom(...ALL_KEYS), oddValue, fc.boolean()).map(([at, k, v, wrap]): Mutation => (c) => { const p = pick(objectPaths(c), at); if (p) set(c, [...p, k], wrap ? [v] : v); }) },
  fc.tuple(fc.nat(), oddValue).map(([at, v]): Mutation => (c) => { const p = pick(pathsOf(c), at); if (p) set(c, p, v); }),
  fc.nat().map((at): Mutation => (c) => { const p = pick(pathsOf(c), at); if (p) remove(c, p); }),
  { weight: 2, arbitrary: fc.nat().map((at): Mutation => (c) => { const p = pick(pathsOf(c).filter((q) => typeof q.at(-1) === "string"), at); if (p) remove(c, p); }) },
  fc.tuple(fc.nat(), fc.oneof(misspelt, fc.string({ minLength: 1, maxLength: 8 })), oddValue).map(([at, k, v]): Mutation => (c) => { const p = pick(objectPaths(c), at); if (p) set(c, [...p, k], v); }),
  fc.tuple(fc.nat(), fc.nat()).map(([a, b]): Mutation => (c) => {
    const paths = pathsOf(c);
    const pa = pick(paths, a);
    const pb = pick(paths, b);
    if (!pa || !pb) return;
    const va = get(c, pa);
    const vb = get(c, pb);
    set(c, pa, vb);
    set(c, pb, va);
  }),
  fc.tuple(fc.nat(), fc.constantFrom(-1, 1, 0.5, 1000, -1000)).map(([at, d]): Mutation => (c) => { const p = pick(pathsOf(c).filter((q) => typeof get(c, q) === "number"), at); if (p) set(c, p, (get(c, p) as number) + d); }),
);
const applied = (base: Record<string, Json>, ms: readonly Mutation[]) => {
  const c = JSON.parse(JSON.stringify(base)) as Record<string, Json>;
  for (const m of ms) m(c);
  return c;
};
const mutations = fc.array(mutation, { minLength: 1, maxLength: 2 });
const mutated = mutations.map((ms) => applied(shippedJson(), ms));

const environmentArb = fc.record(
  {
    region: fc.constantFrom("us-east-1", "eu-west-1", "us-east1", "mars-1", ""),
    allowedAccountIds: fc.array(fc.constantFrom<Json>("111111111111", "222222222222", "12345", 111111111111), { maxLength: 2 }),
    vpcCidr: fc.constantFrom("10.10.0.0/16", "10.20.0.0/16", "10.30.0.0/20", "10.40.0.1/16", "10.010.0.0/16", "172.16.0.0/22", "10.0.0.0/8"),
    azCount: fc.constantFrom<Json>(2, 3, 4, 1, "2"),
    natStrategy: fc.constantFrom("none", "single", "per-az", "perAz"),
    vpcEndpoints: fc.subarray(["ecr-api", "ecr-dkr", "logs", "secretsmanager", "ssm", "s3", "S3"]),
    logRetentionDays: fc.constantFrom<Json>(7, 30, 90, 10, "7"),
    spotShare: fc.constantFrom<Json>(0, 0.5, 1, "", 1.5, 0.333),
    containerInsights: fc.constantFrom<Json>(true, false, "false"),
    enableExec: fc.boolean(),
    flowLogs: fc.boolean(),
    deletionProtection: fc.boolean(),
    albAccessLogs: fc.boolean(),
    logLevel: fc.constantFrom("debug", "info", "verbose"),
    policyTier: fc.constantFrom("dev", "staging", "prod", "lenient"),
    activeHours: fc.constantFrom<Json>({ startHour: 7, endHour: 19 }, { startHour: 19, endHour: 7 }, { startHour: 7, endHour: 19, timezone: "Etc/GMT+9" }, { startHour: 7, endHour: 19, timezone: "Mars/Olympus" }),
    certificate: fc.constantFrom<Json>({ domainName: "api.example.com" }, { domainName: "API" }),
    stateBucket: fc.constantFrom("bun-fargate-x-tfstate", "My_Bucket"),
    quotas: fc.constantFrom<Json>({ listenerRulesPerAlb: 200 }, { rulesPerSecurityGroup: 10 }),
    deployment: fc.constantFrom<Json>({ strategy: "canary" }, { strategy: "linear", stepPercent: 2 }, { strategy: "rolling", bakeTimeMinutes: 5 }, { strategy: "blue-green", bakeTimeMinutes: 1441 }, "canary"),
  },
  { requiredKeys: ["region", "allowedAccountIds", "vpcCidr"] },
);
const serviceArb = fc.record(
  {
    name: fc.constantFrom("api", "orders", "mailer", "Orders", "a"),
    kind: fc.constantFrom("web", "worker", "scheduled", "cron"),
    source: fc.constantFrom("services/bun-api", "services/none"),
    healthCheckPath: fc.constantFrom("/readyz", "readyz"),
    routing: fc.record({ priority: fc.integer({ min: 0, max: 60000 }), pathPatterns: fc.constantFrom<Json>(["/*"], ["/orders/*"], [], ["orders"]), hostHeaders: fc.constantFrom<Json>(["api.example.com"], [443]) }, { requiredKeys: ["priority"] }),
    schedule: fc.constantFrom("cron(0 3 * * ? *)", "rate(1 hour)", "cron(61 3 * * ? *)"),
    cpu: fc.constantFrom<Json>(256, 512, 300, "256"),
    memoryMiB: fc.constantFrom(512, 1024, 4096),
    sizeReason: fc.constantFrom("renders PDFs of invoices", "ok"),
    minTasks: fc.constantFrom<Json>(0, 1, 2, 5, "2"),
    maxTasks: fc.constantFrom(1, 2, 4, 1001),
    spotShare: fc.constantFrom<Json>(0, 0.5, ""),
    environment: fc.dictionary(fc.constantFrom("FOO", "PORT", "DB_PASSWORD", "feature-x"), fc.constantFrom<Json>("bar", "postgres://:pw@db/x", 42), { maxKeys: 2 }),
    command: fc.constantFrom<Json>(["serve"], "serve --port 8080", []),
    enableExec: fc.constantFrom<Json>(false, "false"),
    deployment: fc.constantFrom<Json>({ strategy: "rolling" }, { strategy: "canary", canaryPercent: 0 }, { strategy: "linear" }, { strategy: "blue-green", reason: "short" }, { strategy: "cannary" }),
  },
  { requiredKeys: ["name", "kind", "source"] },
);
const randomConfig = fc.record({
  project: fc.constantFrom("bunfg", "shop", "X", "internal"),
  environments: fc.dictionary(fc.constantFrom("dev", "staging", "prod", "qa", "Prod"), environmentArb, { minKeys: 1, maxKeys: 3 }),
  services: fc.array(serviceArb, { minLength: 0, maxLength: 3 }),
});

/** Configurations that pass every config check: distinct ranges and names, routes that do not shadow, sizes Fargate takes. */
const SIZES = [[256, 512], [256, 1024], [512, 1024], [1024, 2048]] as const;
const validConfig = fc
  .record({
    project: fc.constantFrom("bunfg", "shop", "acme-api"),
    envNames: fc.uniqueArray(fc.constantFrom("dev", "staging", "prod", "qa", "perf"), { minLength: 1, maxLength: 3 }),
    envs: fc.array(
      fc.record(
        {
          region: fc.constantFrom("us-east-1", "eu-west-1", "ap-southeast-2"),
          natStrategy: fc.constantFrom("none", "single", "per-az"),
          azCount: fc.constantFrom(2, 3),
          vpcEndpoints: fc.constantFrom([], ["s3"], ["ecr-api", "ecr-dkr", "logs", "s3", "secretsmanager"]),
          logRetentionDays: fc.constantFrom(7, 30, 90),
          spotShare: fc.constantFrom(0, 0.5, 1),
          containerInsights: fc.boolean(),
          deletionProtection: fc.boolean(),
          albAccessLogs: fc.boolean(),
          flowLogs: fc.boolean(),
          certificate: fc.constant({ domainName: "api.example.com" }),
          activeHours: fc.constantFrom({ startHour: 7, endHour: 19 }, { startHour: 7, endHour: 19, timezone: "Etc/GMT+9", days: "MON-SUN" as const }),
          logLevel: fc.constantFrom("debug", "info"),
          deployment: fc.constantFrom(
            { strategy: "rolling" as const },
            { strategy: "blue-green" as const, bakeTimeMinutes: 3 },
            { strategy: "canary" as const, canaryPercent: 12.5, canaryMinutes: 2, bakeTimeMinutes: 4 },
            { strategy: "linear" as const, stepPercent: 33.3, stepMinutes: 1, bakeTimeMinutes: 1 },
          ),
        },
        { requiredKeys: [] },
      ),
      { minLength: 3, maxLength: 3 },
    ),
    services: fc.uniqueArray(
      fc.record({
        name: fc.constantFrom("api", "orders", "billing", "mailer", "nightly"),
        kind: fc.constantFrom("web", "web", "worker", "scheduled"),
        size: fc.constantFrom(...SIZES),
        minTasks: fc.constantFrom(1, 2),
        extra: fc.constantFrom(0, 2),
        environment: fc.constantFrom({}, { FEATURE_FLAGS: "a,b" }, { DATABASE_HOST: "db.internal", LOG_FORMAT: "json" }),
        secrets: fc.constantFrom({}, { DB_URL: { secretsManagerArn: "arn:aws:secretsmanager:us-east-1:111111111111:secret:db-AbCdEf", jsonKey: "url" } }),
        // Own setting or the environment's; "rolling" in prod carries its reason (BF-ECS-005).
        deployment: fc.constantFrom(undefined, { strategy: "rolling" as const, reason: "stateless and tolerant of a bad minute" }, { strategy: "blue-green" as const, bakeTimeMinutes: 2 }),
      }),
      { minLength: 1, maxLength: 3, selector: (s) => s.name },
    ),
  })
  .map(({ project, envNames, envs, services }) => ({
    project,
    environments: Object.fromEntries(envNames.map((name, i) => [name, { allowedAccountIds: [`${i + 1}`.repeat(12)], vpcCidr: `10.${(i + 1) * 10}.0.0/16`, ...envs[i] }])),
    services: services.map((s, i) => ({
      name: s.name,
      kind: s.kind,
      source: "services/bun-api",
      cpu: s.size[0],
      memoryMiB: s.size[1],
      ...(s.size[0] > 256 || s.size[1] > 512 ? { sizeReason: "measured peak memory under load" } : {}),
      minTasks: s.minTasks,
      maxTasks: s.minTasks + s.extra,
      environment: s.environment,
      secrets: s.secrets,
      // A gap below each priority for a traffic-shifting deployment's test rule.
      ...(s.kind === "web" ? { healthCheckPath: "/readyz", routing: { priority: 10 + 2 * i, pathPatterns: [`/${s.name}/*`] } } : {}),
      ...(s.deployment && s.kind !== "scheduled" ? { deployment: s.deployment } : {}),
      ...(s.kind === "scheduled" ? { schedule: "cron(0 3 * * ? *)", minTasks: 0, maxTasks: 1 } : {}),
    })),
  }));

const anyConfig: fc.Arbitrary<Json> = fc.oneof(
  { weight: 3, arbitrary: mutated },
  { weight: 3, arbitrary: validConfig },
  { weight: 2, arbitrary: fc.tuple(validConfig, mutations).map(([c, ms]) => applied(c as Record<string, Json>, ms)) },
  { weight: 1, arbitrary: randomConfig },
);

// ------------------------------------------------------------------------------- the invariant

/** A policy error names the config setting that fixes it, or the sizeReason that records why not. */
const NAMES_A_SETTING = /\(config: [a-zA-Z]+|sizeReason/;

/** How often each outcome came up, so that a generator drifting to one kind shows as a failure. */
const OUTCOMES = { ok: 0, config: 0, policy: 0 };
/**
 * The whole configuration is validated; one of its environments is synthesized (`which` picks it),
 * which keeps a few hundred runs within seconds while every environment gets its turn.
 */
function checkInProcess(config: Json, which: number): void {
  const work = mkdtempSync(join(tmpdir(), "config-fuzz-"));
  const outdir = join(work, "out"); // created by the app, so its absence shows nothing was built
  const findings: PolicyFinding[] = [];
  try {
    const raw = (config as { environments?: unknown } | null)?.environments;
    const names = raw !== null && typeof raw === "object" && !Array.isArray(raw) ? Object.keys(raw) : [];
    const only = names.length > 0 ? [names[which % names.length]!] : undefined;
    const { app, environments } = buildApp({ config: config as PlatformConfig, environments: only, profile: AWS_PROFILE, outdir, sourceRoot: root, onPolicyFinding: (f) => findings.push(f) });
    synthEveryStack(app);
    OUTCOMES.ok++;
    expect(findings.filter((f) => f.level === "error")).toEqual([]);
    const expected = environments.flatMap((e) => [e.network, e.cluster, ...e.services, e.operations].map((s) => s.node.id)).sort();
    expect(readdirSync(join(outdir, "stacks")).sort()).toEqual(expected);
  } catch (err) {
    if (err instanceof ConfigError) {
      OUTCOMES.config++;
      expect(existsSync(outdir)).toBe(false);
      expect(err.issues.length).toBeGreaterThan(0);
      for (const issue of err.issues) {
        expect(issue.where).toMatch(/\S/);
        expect(issue.field).toMatch(/\S/);
        expect(issue.problem).toMatch(/\S/);
        expect(err.message).toContain(`  - ${formatIssue(issue)}`);
      }
      expect(err.message).not.toMatch(CRASH);
    } else if (err instanceof AnnotationErrors) {
      OUTCOMES.policy++;
      const errors = findings.filter((f) => f.level === "error");
      expect(errors.length).toBe(err.messages.length);
      for (const f of errors) expect(f.message).toMatch(NAMES_A_SETTING);
    } else {
      throw err;
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** JSON for a BF_CONFIG file: what JSON cannot hold becomes a string, as a hand-written file would have it. */
const toJson = (config: Json) => JSON.stringify(config, (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v));

function checkThroughSynth(config: Json): void {
  const work = mkdtempSync(join(tmpdir(), "config-fuzz-process-"));
  try {
    const out = join(work, "cdktf.out");
    mkdirSync(out);
    writeFileSync(join(out, "previous-synth"), "kept");
    writeFileSync(join(work, "config.json"), toJson(config));
    const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("BF_")));
    const result = spawnSync(process.execPath, [script, "--out", out], { encoding: "utf8", env: { ...base, BF_CONFIG: join(work, "config.json") } });
    expect(result.stderr).not.toMatch(CRASH);
    if (result.status === 0) {
      expect(existsSync(join(out, "previous-synth"))).toBe(false);
      expect(readdirSync(join(out, "stacks")).length).toBeGreaterThan(0);
      expect(result.stderr).not.toMatch(/^error /m);
    } else {
      expect(result.status).toBe(1);
      expect(readdirSync(out)).toEqual(["previous-synth"]);
      expect(readdirSync(work).sort()).toEqual(["cdktf.out", "config.json"]);
      // An environment entry that is not an object is named as "(the whole entry)".
      const named = result.stderr.match(/^ {2}- \S.*?: (?:\S+|\(the whole entry\)) = .+?: .+$/gm) ?? [];
      const policy = result.stderr.match(/^error +\S+: \[BF-[A-Z]+-\d+\] .*$/gm) ?? [];
      expect(named.length + policy.length).toBeGreaterThan(0);
      for (const line of policy) expect(line).toMatch(NAMES_A_SETTING);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

describe(`synth on generated configurations (seed ${SEED}; rerun with BF_FUZZ_SEED=${SEED})`, () => {
  test(`${RUNS} configurations in-process: stacks that pass the policy rules, or messages naming fields and nothing built`, () => {
    fc.assert(fc.property(anyConfig, fc.nat(), (config, which) => checkInProcess(config, which)), { seed: SEED, numRuns: RUNS, endOnFailure: true });
    expect(OUTCOMES.ok).toBeGreaterThanOrEqual(RUNS * 0.05);
    expect(OUTCOMES.policy).toBeGreaterThanOrEqual(RUNS * 0.05);
    expect(OUTCOMES.config).toBeGreaterThanOrEqual(RUNS * 0.2);
  });

  test(`${PROCESS_RUNS} configurations through pnpm synth as a process: the output directory is replaced on success only`, () => {
    // Half of them the shipped configuration with one value changed, half random; the first one valid as shipped.
    const configs = [shippedJson(), ...fc.sample(anyConfig, { seed: SEED, numRuns: PROCESS_RUNS - 1 })];
    for (const [i, config] of configs.entries()) {
      try {
        checkThroughSynth(config);
      } catch (err) {
        throw new Error(`configuration ${i} of the sample (seed ${SEED}) broke the invariant: ${toJson(config).slice(0, 2000)}\n${String(err)}`);
      }
    }
  });
});
