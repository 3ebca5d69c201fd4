import { DEFAULT_REQUESTS_PER_TASK_PER_MINUTE, DEFAULT_WEB_CPU_TARGET_PERCENT } from "./capacity";
import { ALARM_DEFAULTS } from "./operations";
import { SCHEDULING_DEFAULTS } from "./scheduling";
import { DEFAULT_CPU, DEFAULT_MEMORY_MIB, resolveEnvironment, resolveService } from "./defaults";
import { loadConfig } from "./load";
import type { ResolvedService } from "./resolved";
import { configWith, environment, service } from "./testing";
import type { EnvironmentConfig, PlatformConfig, ServiceConfig, ServiceSettings } from "./types";

// ---- a small factory: an entry with nothing optional set, so every default shows ----


/** Resolves "orders" with an optional entry value, environment override and environment-level setting. */
function resolve(layers: { entry?: Partial<ServiceConfig>; override?: ServiceSettings; env?: Partial<EnvironmentConfig> } = {}): ResolvedService {
  const env = environment({ ...layers.env, ...(layers.override ? { services: { orders: layers.override } } : {}) });
  return resolveService(env, service(layers.entry));
}

// ---------------------------------------------------------------------------------------------

describe("service defaults", () => {
  test("defaults: 0.25 vCPU / 512 MiB, ARM64, 1 to 2 tasks starting at 1, spot and logs and exec from the environment, port 8080", () => {
    const loaded = loadConfig(configWith({ env: { spotShare: 0.25, logLevel: "warn", enableExec: true } }));
    const svc = loaded.environments[0]!.services[0]!;
    expect(DEFAULT_CPU).toBe(256);
    expect(DEFAULT_MEMORY_MIB).toBe(512);
    expect(svc).toEqual({
      name: "orders",
      kind: "web",
      source: "services/orders",
      containerPort: 8080,
      healthCheckPath: "/readyz",
      command: undefined,
      cpu: 256,
      memoryMiB: 512,
      sizeReason: undefined,
      architecture: "ARM64",
      minTasks: 1,
      maxTasks: 2,
      desiredTasks: 1,
      requestsPerTaskPerMinute: DEFAULT_REQUESTS_PER_TASK_PER_MINUTE,
      cpuTargetPercent: DEFAULT_WEB_CPU_TARGET_PERCENT,
      spotShare: 0.25,
      environment: {},
      secrets: {},
      logLevel: "warn",
      enableExec: true,
      schedule: undefined,
      scheduling: SCHEDULING_DEFAULTS,
      schedulingWritten: undefined,
      routing: { priority: 10, pathPatterns: ["/orders/*"] },
      // "sandbox" is no tier's name, so it is held to prod's.
      deployment: { strategy: "canary", canaryPercent: 10, canaryMinutes: 5, bakeTimeMinutes: 10, setIn: "default" },
      permissions: [],
      queue: undefined,
      sends: [],
      alarms: ALARM_DEFAULTS,
    });
  });

  test("with nothing set in the environment either: on demand, info logs, no exec", () => {
    expect(resolve()).toMatchObject({ spotShare: 0, logLevel: "info", enableExec: false });
  });

  test("containerPort: the entry's value, else 8080", () => {
    expect(resolve().containerPort).toBe(8080);
    expect(resolve({ entry: { containerPort: 3000 } }).containerPort).toBe(3000);
  });

  test("healthCheckPath and command come from the entry", () => {
    expect(resolve({ entry: { healthCheckPath: "/health/ready", command: ["/app/server", "--jobs"] } })).toMatchObject({
      healthCheckPath: "/health/ready",
      command: ["/app/server", "--jobs"],
    });
    expect(resolve({ entry: { kind: "worker", healthCheckPath: undefined, routing: undefined } })).toMatchObject({
      healthCheckPath: undefined,
      command: undefined,
    });
  });
});

describe("precedence: environment override > service entry > platform default", () => {
  // [prop, platform default, entry value, override value]; several overrides are 0 or false on purpose.
  const cases: [keyof ServiceSettings, unknown, unknown, unknown][] = [
    ["cpu", 256, 1024, 2048],
    ["memoryMiB", 512, 2048, 4096],
    ["sizeReason", undefined, "image resizing", "peak traffic"],
    ["architecture", "ARM64", "X86_64", "ARM64"],
    ["minTasks", 1, 3, 0],
    ["maxTasks", 2, 6, 0],
    ["desiredTasks", 1, 2, 0],
    ["spotShare", 0, 0.75, 0],
    ["logLevel", "info", "warn", "error"],
    ["enableExec", false, true, false],
    ["schedule", undefined, "rate(1 hour)", "cron(0 3 * * ? *)"],
    ["routing", undefined, { priority: 10, pathPatterns: ["/a/*"] }, { priority: 20, hostHeaders: ["b.example.com"] }],
  ];

  test.each(cases)("%s", (prop, platformDefault, entryValue, overrideValue) => {
    // `routing` is set by the factory's entry; clear it so the platform default shows.
    const bare: Partial<ServiceConfig> = prop === "routing" ? { routing: undefined } : {};
    expect(resolve({ entry: bare })[prop]).toEqual(platformDefault);
    expect(resolve({ entry: { ...bare, [prop]: entryValue } })[prop]).toEqual(entryValue);
    expect(resolve({ entry: bare, override: { [prop]: overrideValue } })[prop]).toEqual(overrideValue);
    expect(resolve({ entry: { [prop]: entryValue }, override: { [prop]: overrideValue } })[prop]).toEqual(overrideValue);
  });

  // Settings with an environment-wide default between the entry and the platform default.
  test.each([
    ["spotShare", 0, 1, 0.5, 0],
    ["logLevel", "info", "debug", "warn", "error"],
    ["enableExec", false, true, false, true],
    ["enableExec", false, false, true, false],
  ] as [keyof ServiceSettings, unknown, unknown, unknown, unknown][])(
    "%s: override > entry > environment (%j) > platform",
    (prop, platformDefault, envValue, entryValue, overrideValue) => {
      expect(resolve()[prop]).toEqual(platformDefault);
      expect(resolve({ env: { [prop]: envValue } })[prop]).toEqual(envValue);
      expect(resolve({ env: { [prop]: envValue }, entry: { [prop]: entryValue } })[prop]).toEqual(entryValue);
      expect(
        resolve({ env: { [prop]: envValue }, entry: { [prop]: entryValue }, override: { [prop]: overrideValue } })[prop],
      ).toEqual(overrideValue);
    },
  );

  test("0 and false overrides are honoured, not swallowed as falsy", () => {
    const svc = resolve({
      env: { spotShare: 1, enableExec: true },
      entry: { minTasks: 2, maxTasks: 4, desiredTasks: 3, spotShare: 0.75, enableExec: true },
      override: { minTasks: 0, desiredTasks: 0, spotShare: 0, enableExec: false },
    });
    expect(svc).toMatchObject({ minTasks: 0, maxTasks: 4, desiredTasks: 0, spotShare: 0, enableExec: false });
  });

  test("0 and false in the entry beat the environment's default", () => {
    expect(resolve({ env: { spotShare: 1, enableExec: true }, entry: { spotShare: 0, enableExec: false } })).toMatchObject({
      spotShare: 0,
      enableExec: false,
    });
  });

  test("an all-spot dev with an on-demand override validates and loads", () => {
    const loaded = loadConfig(configWith({ env: { spotShare: 1, services: { orders: { spotShare: 0 } } } }));
    expect(loaded.environments[0]!.services[0]!.spotShare).toBe(0);
  });

  test("maxTasks defaults to max(2, minTasks), whichever layer sets minTasks", () => {
    expect(resolve({ entry: { minTasks: 0 } }).maxTasks).toBe(2);
    expect(resolve({ entry: { minTasks: 5 } }).maxTasks).toBe(5);
    expect(resolve({ entry: { minTasks: 1 }, override: { minTasks: 3 } }).maxTasks).toBe(3);
  });

  test("desiredTasks defaults to the resolved minTasks, including an override's", () => {
    expect(resolve({ entry: { minTasks: 3 } }).desiredTasks).toBe(3);
    expect(resolve({ entry: { minTasks: 1 }, override: { minTasks: 4 } }).desiredTasks).toBe(4);
    expect(resolve({ entry: { minTasks: 1 }, override: { minTasks: 0 } }).desiredTasks).toBe(0);
  });

  test("environment variables merge: the override adds keys and replaces only the keys it names", () => {
    const entryEnv = { FEATURE_X: "on", REGION_LABEL: "eu" };
    const svc = resolve({ entry: { environment: entryEnv }, override: { environment: { REGION_LABEL: "eu-west", EXTRA: "1" } } });
    expect(svc.environment).toEqual({ FEATURE_X: "on", REGION_LABEL: "eu-west", EXTRA: "1" });
    expect(entryEnv).toEqual({ FEATURE_X: "on", REGION_LABEL: "eu" });
    expect(resolve({ override: { environment: { ONLY: "here" } } }).environment).toEqual({ ONLY: "here" });
    expect(resolve({ entry: { environment: entryEnv } }).environment).toEqual(entryEnv);
  });

  test("secrets merge the same way", () => {
    const db = { secretsManagerArn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf", jsonKey: "password" };
    const prodDb = { secretsManagerArn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod-db-AbCdEf" };
    const token = { ssmParameterArn: "arn:aws:ssm:eu-west-1:123456789012:parameter/shop/token" };
    const svc = resolve({ entry: { secrets: { DB: db, TOKEN: token } }, override: { secrets: { DB: prodDb } } });
    expect(svc.secrets).toEqual({ DB: prodDb, TOKEN: token });
    expect(resolve({ entry: { secrets: { TOKEN: token } } }).secrets).toEqual({ TOKEN: token });
  });

  test("an override applies only to the service it names, in the environment that holds it", () => {
    const billing = service({ name: "billing", routing: { priority: 20, pathPatterns: ["/billing/*"] } });
    const config: PlatformConfig = {
      project: "shop",
      environments: {
        sandbox: environment({ services: { billing: { cpu: 512, memoryMiB: 1024 } } }),
        other: environment({ vpcCidr: "10.41.0.0/16" }),
      },
      services: [service(), billing],
    };
    const [sandbox, other] = loadConfig(config).environments;
    const size = (s: ResolvedService) => [s.name, s.cpu, s.memoryMiB];
    expect(sandbox!.services.map(size)).toEqual([["orders", 256, 512], ["billing", 512, 1024]]);
    expect(other!.services.map(size)).toEqual([["orders", 256, 512], ["billing", 256, 512]]);
  });
});

describe("environment defaults", () => {
  test("defaults: 2 AZs, one NAT, no endpoints, 30 days of logs, no flow logs, no protection, on demand, info, no exec", () => {
    expect(resolveEnvironment("shop", "sandbox", environment(), [])).toEqual({
      name: "sandbox",
      project: "shop",
      region: "eu-west-1",
      allowedAccountIds: ["123456789012"],
      vpcCidr: "10.40.0.0/16",
      azCount: 2,
      natStrategy: "single",
      vpcEndpoints: [],
      certificate: undefined,
      dualStack: false,
      logRetentionDays: 30,
      flowLogs: false,
      deletionProtection: false,
      albAccessLogs: false,
      spotShare: 0,
      policyTier: "prod",
      containerInsights: true,
      activeHours: undefined,
      logLevel: "info",
      enableExec: false,
      stateBucket: undefined,
      quotas: { listenerRulesPerAlb: 100, targetsPerAlb: 1000, rulesPerSecurityGroup: 60, elasticIpsPerRegion: 5, vpcsPerRegion: 5 },
      notifications: { enabled: true, emails: [], webhooks: [], slack: undefined, reason: undefined },
      services: [],
    });
  });

  test("policyTier: named environments use their own tier, others the strictest", () => {
    expect(resolveEnvironment("shop", "dev", environment(), []).policyTier).toBe("dev");
    expect(resolveEnvironment("shop", "staging", environment(), []).policyTier).toBe("staging");
    expect(resolveEnvironment("shop", "qa", environment(), []).policyTier).toBe("prod");
    expect(resolveEnvironment("shop", "qa", environment({ policyTier: "dev" }), []).policyTier).toBe("dev");
  });

  test("containerInsights and activeHours: an environment may turn them off and on", () => {
    const hours = { startHour: 7, endHour: 19 } as const;
    const env = resolveEnvironment("shop", "dev", environment({ containerInsights: false, activeHours: hours }), []);
    expect(env.containerInsights).toBe(false);
    expect(env.activeHours).toEqual(hours);
  });

  test.each([
    ["azCount", 3],
    ["natStrategy", "none"],
    ["vpcEndpoints", ["s3", "logs"]],
    ["dualStack", true],
    ["logRetentionDays", 7],
    ["flowLogs", true],
    ["deletionProtection", true],
    ["albAccessLogs", true],
    ["spotShare", 1],
    ["logLevel", "debug"],
    ["enableExec", true],
    ["stateBucket", "shop-tfstate"],
  ] as [keyof EnvironmentConfig, unknown][])("%s is taken as given (%j)", (prop, value) => {
    const env = resolveEnvironment("shop", "sandbox", environment({ [prop]: value }), []);
    expect(env[prop as keyof typeof env]).toEqual(value);
  });

  test("resolves every service, in entry order, for that environment", () => {
    const services = [service(), service({ name: "mailer", kind: "worker", routing: undefined })];
    const env = resolveEnvironment("shop", "sandbox", environment({ logLevel: "debug" }), services);
    expect(env.services.map((s) => [s.name, s.kind, s.logLevel])).toEqual([
      ["orders", "web", "debug"],
      ["mailer", "worker", "debug"],
    ]);
  });
});
