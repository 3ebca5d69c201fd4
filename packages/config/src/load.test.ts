import { DEFAULT_REQUESTS_PER_TASK_PER_MINUTE, DEFAULT_WEB_CPU_TARGET_PERCENT } from "./capacity";
import { ALARM_DEFAULTS } from "./operations";
import { SCHEDULING_DEFAULTS } from "./scheduling";
import { ConfigError, formatIssue } from "./errors";
import { loadConfig, selectedEnvironments } from "./load";
import { defaultConfig } from "./platform";
import { configWith, environment, service } from "./testing";

function failure(run: () => unknown): ConfigError {
  try {
    run();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error("expected a ConfigError, but the configuration loaded");
}

const invalid = (value: unknown): never => value as never;

// ---------------------------------------------------------------------------------------------

describe("the shipped configuration", () => {
  const loaded = loadConfig();
  const env = (name: string) => {
    const found = loaded.environments.find((e) => e.name === name);
    if (!found) throw new Error(`environment ${name} not loaded`);
    return found;
  };
  const api = (name: string) => {
    const found = env(name).services.find((s) => s.name === "bun-api");
    if (!found) throw new Error(`bun-api not resolved in ${name}`);
    return found;
  };

  test("loads dev, staging and prod by default, from defaultConfig", () => {
    expect(loaded.project).toBe(defaultConfig.project);
    expect(loaded.environments.map((e) => e.name)).toEqual(["dev", "staging", "prod"]);
    expect(loadConfig(defaultConfig)).toEqual(loaded);
  });

  test("every environment resolves every service", () => {
    for (const e of loaded.environments) {
      expect(e.project).toBe(loaded.project);
      expect(e.services.map((s) => s.name)).toEqual(defaultConfig.services.map((s) => s.name));
    }
  });

  test("dev: all spot, no NAT, short retention, debug logs, exec off (distroless image has no shell), plain HTTP", () => {
    expect(env("dev")).toMatchObject({
      region: "us-east-1",
      allowedAccountIds: ["111111111111"],
      vpcCidr: "10.10.0.0/16",
      azCount: 2,
      natStrategy: "none",
      vpcEndpoints: [],
      certificate: undefined,
      logRetentionDays: 7,
      flowLogs: false,
      deletionProtection: false,
      albAccessLogs: false,
      spotShare: 1,
      logLevel: "debug",
      enableExec: false,
      stateBucket: "bun-fargate-dev-tfstate",
    });
    expect(api("dev")).toEqual({
      name: "bun-api",
      kind: "web",
      source: "services/bun-api",
      containerPort: 8080,
      healthCheckPath: "/readyz",
      command: undefined,
      cpu: 256,
      memoryMiB: 512,
      sizeReason: undefined,
      architecture: "ARM64",
      minTasks: 1,
      maxTasks: 4,
      desiredTasks: 1,
      requestsPerTaskPerMinute: DEFAULT_REQUESTS_PER_TASK_PER_MINUTE,
      cpuTargetPercent: DEFAULT_WEB_CPU_TARGET_PERCENT,
      spotShare: 1,
      environment: {},
      secrets: {},
      logLevel: "debug",
      enableExec: false,
      schedule: undefined,
      scheduling: SCHEDULING_DEFAULTS,
      schedulingWritten: undefined,
      routing: { priority: 100, pathPatterns: ["/*"] },
      deployment: { strategy: "rolling", setIn: "default" },
      permissions: [],
      queue: undefined,
      sends: ["worker"],
      alarms: ALARM_DEFAULTS,
    });
  });

  test("staging: single NAT, S3 endpoint, half spot, platform defaults for logs and exec", () => {
    expect(env("staging")).toMatchObject({
      natStrategy: "single",
      vpcEndpoints: ["s3"],
      azCount: 2,
      logRetentionDays: 30,
      spotShare: 0.5,
      logLevel: "info",
      enableExec: false,
      deletionProtection: false,
    });
    expect(api("staging")).toMatchObject({ minTasks: 1, maxTasks: 4, desiredTasks: 1, spotShare: 0.5, logLevel: "info", enableExec: false });
  });

  test("prod: NAT per AZ, S3 endpoint, HTTPS, protection, access and flow logs, >= 2 tasks on >= 2 AZs", () => {
    const prod = env("prod");
    expect(prod).toMatchObject({
      natStrategy: "per-az",
      vpcEndpoints: ["s3"],
      certificate: { domainName: "api.example.com" },
      logRetentionDays: 90,
      flowLogs: true,
      deletionProtection: true,
      albAccessLogs: true,
      enableExec: false,
      stateBucket: "bun-fargate-prod-tfstate",
    });
    expect(prod.azCount).toBeGreaterThanOrEqual(2);
    expect(api("prod")).toMatchObject({ cpu: 256, memoryMiB: 512, minTasks: 2, maxTasks: 10, desiredTasks: 2, enableExec: false });
    // A scheduled task runs one task per run; minTasks is a service's.
    for (const s of prod.services.filter((s) => s.kind !== "scheduled")) expect(s.minTasks).toBeGreaterThanOrEqual(2);
  });

  test("nightly: at 03:00 UTC on demand, reading incoming/ and putting only reports/ of its environment's bucket; prod's window is 15 minutes", () => {
    const nightly = (name: string) => env(name).services.find((s) => s.name === "nightly")!;
    const bucket = "bun-fargate-dev-nightly";
    expect(nightly("dev")).toEqual({
      name: "nightly",
      kind: "scheduled",
      source: "services/nightly",
      containerPort: 8080,
      command: undefined,
      healthCheckPath: undefined,
      cpu: 256,
      memoryMiB: 512,
      sizeReason: undefined,
      architecture: "ARM64",
      minTasks: 1,
      maxTasks: 2,
      desiredTasks: 1,
      requestsPerTaskPerMinute: undefined,
      cpuTargetPercent: undefined,
      queue: undefined,
      sends: [],
      spotShare: 0,
      environment: { NIGHTLY_BUCKET: bucket, NIGHTLY_INPUT_PREFIX: "incoming/", NIGHTLY_OUTPUT_PREFIX: "reports/" },
      secrets: {},
      logLevel: "debug",
      enableExec: false,
      schedule: "cron(0 3 * * ? *)",
      scheduling: SCHEDULING_DEFAULTS,
      schedulingWritten: SCHEDULING_DEFAULTS,
      routing: undefined,
      deployment: { strategy: "rolling", setIn: "default" },
      permissions: [
        { grant: "s3", bucketArn: `arn:aws:s3:::${bucket}`, access: "read", prefix: "incoming/" },
        { grant: "statement", actions: ["s3:PutObject"], resources: [`arn:aws:s3:::${bucket}/reports/*`], reason: expect.stringContaining("only puts its one report object") },
      ],
      alarms: ALARM_DEFAULTS,
    });
    expect(nightly("staging")).toMatchObject({ spotShare: 0, scheduling: SCHEDULING_DEFAULTS, environment: { NIGHTLY_BUCKET: "bun-fargate-staging-nightly" } });
    expect(nightly("prod")).toMatchObject({ spotShare: 0, scheduling: { ...SCHEDULING_DEFAULTS, flexibleWindowMinutes: 15 }, environment: { NIGHTLY_BUCKET: "bun-fargate-prod-nightly" } });
  });

  test("environments use distinct accounts and non-overlapping ranges", () => {
    const accounts = loaded.environments.flatMap((e) => e.allowedAccountIds);
    expect(new Set(accounts).size).toBe(accounts.length);
    expect(new Set(loaded.environments.map((e) => e.vpcCidr)).size).toBe(3);
  });
});

describe("selecting environments", () => {
  test("`only` returns just the named environments", () => {
    expect(loadConfig(defaultConfig, { only: ["prod"] }).environments.map((e) => e.name)).toEqual(["prod"]);
    expect(loadConfig(defaultConfig, { only: ["prod", "dev"] }).environments.map((e) => e.name).sort()).toEqual(["dev", "prod"]);
  });

  test("a selected environment resolves the same as in a full load", () => {
    const full = loadConfig().environments.find((e) => e.name === "staging");
    expect(loadConfig(defaultConfig, { only: ["staging"] }).environments).toEqual([full]);
  });

  test("`only` still validates the whole configuration", () => {
    const config = configWith({
      environments: { good: environment(), bad: environment({ vpcCidr: "10.50.0.0/16", region: invalid("nowhere") }) },
    });
    const error = failure(() => loadConfig(config, { only: ["good"] }));
    expect(error.issues.map((i) => [i.where, i.field])).toEqual([["bad", "region"]]);
  });

  test("an unknown environment name fails, naming it and listing the configured ones", () => {
    const error = failure(() => loadConfig(defaultConfig, { only: ["qa"] }));
    expect(error.issues).toHaveLength(1);
    expect(error.message).toContain('config: environment = "qa": unknown environment; configured: dev, staging, prod');
  });

  test("every unknown name is reported, known ones are not", () => {
    const error = failure(() => loadConfig(defaultConfig, { only: ["dev", "qa", "Prod"] }));
    expect(error.issues.map((i) => i.value)).toEqual(["qa", "Prod"]);
  });

  test.each([
    [undefined, undefined],
    ["", undefined],
    [" , ,", undefined],
    ["prod", ["prod"]],
    [" dev, prod ,,staging ", ["dev", "prod", "staging"]],
  ])("selectedEnvironments(%j) = %j", (value, expected) => {
    expect(selectedEnvironments(value)).toEqual(expected);
  });
});

describe("platform-wide checks", () => {
  test("the factory's baseline configuration is valid", () => {
    const loaded = loadConfig(configWith());
    expect(loaded.project).toBe("shop");
    expect(loaded.environments.map((e) => e.name)).toEqual(["sandbox"]);
  });

  test("an override for an unknown service fails, naming environment, service and the configured ones", () => {
    const config = configWith({ env: { services: { "order": { minTasks: 2 } } } });
    const error = failure(() => loadConfig(config));
    expect(error.issues).toHaveLength(1);
    expect(error.message).toContain('sandbox: services.order = "order": overrides an unknown service (did you mean "orders"?); configured: orders');
  });

  test("duplicate service names fail", () => {
    const config = configWith({
      services: [service(), service({ kind: "worker", source: "services/other", routing: undefined, healthCheckPath: undefined })],
    });
    const error = failure(() => loadConfig(config));
    expect(error.issues).toEqual([
      { where: "config", field: "services[1].name", value: "orders", problem: "duplicate service name; each service needs its own" },
    ]);
  });

  test.each(["Shop", "sh", "shop_front", "1shop", "-shop", "shop-", "a-very-long-project", "shöp"])(
    "an invalid project name %j fails and says what is allowed",
    (project) => {
      const error = failure(() => loadConfig(configWith({ project })));
      const line = formatIssue(error.issues.find((i) => i.field === "project")!);
      expect(line).toBe(
        `config: project = ${JSON.stringify(project)}: must be 3-16 lower-case letters, digits and hyphens, starting with a letter`,
      );
      expect(error.message).toContain(line);
    },
  );

  test("an invalid project name is one problem, not also every name built from it", () => {
    const error = failure(() => loadConfig(configWith({ project: "a-very-long-project-name-for-an-alb" })));
    expect(error.issues.map((i) => i.field)).toEqual(["project"]);
  });

  test.each(["abc", "shop-2", "abcdefghijklmnop"])("the project name %j is accepted", (project) => {
    expect(loadConfig(configWith({ project })).project).toBe(project);
  });

  test.each(["Orders", "o", "orders_api", "9orders", "orders-", "a-service-name-of-25-char"])(
    "an invalid service name %j fails",
    (name) => {
      const error = failure(() => loadConfig(configWith({ service: { name } })));
      expect(error.issues).toHaveLength(1);
      expect(error.message).toContain(`service ${JSON.stringify(name)}: name = ${JSON.stringify(name)}: must be 2-24 lower-case letters`);
    },
  );
});

describe("ConfigError", () => {
  test("lists every problem at once: two bad fields give two issues", () => {
    const error = failure(() => loadConfig(configWith({ env: { vpcCidr: "10.40.0.1/16" }, service: { cpu: 300 } })));
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("ConfigError");
    expect(error.issues).toHaveLength(2);
    expect(error.issues.map((i) => `${i.where}: ${i.field}`).sort()).toEqual(
      ['service "orders": cpu', "sandbox: vpcCidr"].sort(),
    );
    expect(error.message.split("\n")[0]).toBe("Invalid configuration (2 problems); nothing was synthesized:");
    for (const issue of error.issues) expect(error.message).toContain(`  - ${formatIssue(issue)}`);
  });

  test("collects problems across environments, services and platform-wide values", () => {
    const config = configWith({
      project: "X",
      environments: {
        one: environment({ vpcCidr: "10.40.0.0/16", azCount: 1 }),
        two: environment({ vpcCidr: "10.41.0.0/16", logRetentionDays: invalid(10) }),
      },
      services: [service({ minTasks: 3, maxTasks: 2, desiredTasks: 2 })],
    });
    const error = failure(() => loadConfig(config));
    const where = error.issues.map((i) => `${i.where}: ${i.field}`);
    expect(where).toEqual(
      expect.arrayContaining([
        "config: project",
        "one: azCount",
        "two: logRetentionDays",
        'one / service "orders": minTasks',
        'two / service "orders": minTasks',
      ]),
    );
    expect(error.message).toMatch(/^Invalid configuration \(\d+ problems\); nothing was synthesized:\n/);
  });

  test("one problem is counted in the singular", () => {
    const error = failure(() => loadConfig(configWith({ env: { region: invalid("mars-1") } })));
    expect(error.issues).toHaveLength(1);
    expect(error.message).toBe(
      'Invalid configuration (1 problem); nothing was synthesized:\n  - sandbox: region = "mars-1": must be an AWS region such as "us-east-1" (if AWS opened a new one, add it to packages/config/src/regions.ts)',
    );
  });

  test("a valid configuration throws nothing", () => {
    expect(() => loadConfig(configWith({ service: { cpu: 512, memoryMiB: 1024 } }))).not.toThrow();
  });

  test("invalid values of the wrong type are reported, not thrown as TypeErrors", () => {
    const error = failure(() => loadConfig(configWith({ service: { minTasks: invalid("2") } })));
    expect(error.issues.some((i) => i.field === "minTasks" && i.value === "2")).toBe(true);
  });
});
