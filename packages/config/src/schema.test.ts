// The classes of bad input that used to slip through: each is refused, naming the field, the value
// and what is allowed, before anything is built.
import { ENV } from "./runtime";
import { loadConfig } from "./load";
import { PLATFORM_VARIABLES } from "./schema/service";
import { problemsOf, shippedCopy } from "./testing";

const withDev = (change: (dev: Record<string, unknown>) => void) => {
  const config = shippedCopy();
  change(config.environments.dev!);
  return config;
};
const withApi = (change: (api: Record<string, unknown>) => void) => {
  const config = shippedCopy();
  change(config.services[0]!);
  return config;
};
const API = 'service "bun-api"';

describe("wrong types are refused, not coerced", () => {
  test.each([
    ["containerInsights", "false", 'dev: containerInsights = "false": must be true or false (a string; write false without quotes)'],
    ["flowLogs", 1, "dev: flowLogs = 1: must be true or false"],
    ["deletionProtection", null, "dev: deletionProtection = null: must be true or false"],
    ["spotShare", "", 'dev: spotShare = "": must be a number from 0 to 1 in steps of 0.01'],
    ["azCount", "2", 'dev: azCount = "2": must be 2, 3 or 4 (an ALB needs at least 2 AZs) (a string; write 2 without quotes)'],
    ["logRetentionDays", "7", 'dev: logRetentionDays = "7": allowed: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653'],
    ["vpcEndpoints", "s3", 'dev: vpcEndpoints = "s3": must be a list of VPC endpoint names'],
  ])("an environment's %s given as %j", (field, value, line) => {
    expect(problemsOf(withDev((dev) => (dev[field] = value)))).toEqual([line]);
  });

  test.each([
    ["enableExec", "false", `${API}: enableExec = "false": must be true or false (a string; write false without quotes)`],
    ["spotShare", "", `${API}: spotShare = "": must be a number from 0 to 1 in steps of 0.01`],
    ["command", "serve --port 8080", `${API}: command = "serve --port 8080": must be a list of arguments such as ["serve", "--port", "8080"] (ECS takes a list)`],
    ["command", [], `${API}: command = []: must list at least one argument; leave command out to run the image's entrypoint`],
    ["command", ["serve", 8080], `${API}: command[1] = 8080: each argument must be a string`],
    ["containerPort", "8080", `${API}: containerPort = "8080": must be a whole number from 1024 to 65535 (non-root containers cannot bind lower ports) (a string; write 8080 without quotes)`],
    ["cpu", "256", `${API}: cpu = "256": not a Fargate CPU value; allowed: 256, 512, 1024, 2048, 4096, 8192, 16384`],
    ["maxTasks", 4n, `${API}: maxTasks = 4n: must be a whole number from 0 to 1000`],
    ["environment", ["A=1"], `${API}: environment = ["A=1"]: must be an object of variable names to string values, not a list`],
  ])("a service's %s given as %j", (field, value, line) => {
    expect(problemsOf(withApi((api) => (api[field] = value)))).toContain(line);
  });

  test("a host header given as a number is reported, not a crash", () => {
    const config = withApi((api) => (api.routing = { priority: 100, hostHeaders: [443] }));
    expect(problemsOf(config)).toEqual([
      `${API}: routing.hostHeaders[0] = 443: must be a host name with a dot and letters after the last dot, e.g. "api.example.com" or "*.example.com"; wildcards * and ? allowed (at most 128 characters)`,
    ]);
  });

  test("allowedAccountIds missing is required, not a crash", () => {
    expect(problemsOf(withDev((dev) => delete dev.allowedAccountIds))).toEqual(["dev: allowedAccountIds = undefined: is required"]);
  });

  test("a service without a name is reported by its place in the list", () => {
    const config = withApi((api) => delete api.name);
    expect(problemsOf(config)).toEqual(["services[0]: name = undefined: is required"]);
  });

  test("a service entry that is not an object, and a configuration that is not one", () => {
    const config = shippedCopy() as unknown as { services: unknown[] };
    config.services.push("orders");
    expect(problemsOf(config)).toEqual([`services[${config.services.length - 1}]: (the whole entry) = "orders": must be an object { name, kind, source, ... }, not a string`]);
    expect(problemsOf(null)).toEqual(["config: (the whole entry) = null: must be an object { project, environments, services }, not null"]);
    expect(problemsOf([])).toEqual(["config: (the whole entry) = []: must be an object { project, environments, services }, not a list"]);
  });
});

describe("unknown keys are refused, naming the key, with the closest known one", () => {
  test("misspelt keys on an environment, a service and an override, all at once", () => {
    const config = shippedCopy();
    config.environments.dev!.logRetentionDay = 7;
    config.environments.staging!.services = { "bun-api": { minTask: 2, maxTasks: 4 } };
    config.services[0]!.healthcheckPath = "/readyz";
    config.services[0]!.Routing = {};
    expect(problemsOf(config)).toEqual([
      `${API}: healthcheckPath = "/readyz": unknown setting (did you mean "healthCheckPath"?)`,
      `${API}: Routing = {}: unknown setting (did you mean "routing"?)`,
      'dev: logRetentionDay = 7: unknown setting (did you mean "logRetentionDays"?)',
      'staging / service "bun-api": minTask = 2: unknown setting (did you mean "minTasks"?)',
    ]);
  });

  test("a key with no close match lists the allowed ones", () => {
    const line = problemsOf(withDev((dev) => (dev.colour = "blue")))[0]!;
    expect(line).toMatch(/^dev: colour = "blue": unknown setting; allowed: region, allowedAccountIds, vpcCidr, .*, quotas, services$/);
  });

  test("inside nested objects too: routing, activeHours, certificate, quotas, secret references", () => {
    const config = shippedCopy();
    config.services[0]!.routing = { priority: 100, pathPatterns: ["/*"], pathPattern: "/*" };
    config.environments.dev!.activeHours = { days: "MON-FRI", startHour: 7, endHour: 19, tz: "UTC" };
    config.environments.prod!.certificate = { domainName: "api.example.com", arn: "x" };
    config.environments.prod!.quotas = { listenerRules: 200 };
    config.services[0]!.secrets = { DB: { secretsManagerArn: "arn:aws:secretsmanager:us-east-1:111111111111:secret:db", jsonkey: "password" } };
    const lines = problemsOf(config);
    expect(lines).toEqual(
      expect.arrayContaining([
        `${API}: routing.pathPattern = "/*": unknown setting (did you mean "pathPatterns"?)`,
        'dev: activeHours.tz = "UTC": unknown setting; allowed: days, startHour, endHour, timezone',
        'prod: certificate.arn = "x": unknown setting; allowed: domainName, certificateArn, hostedZoneId, hostedZoneName, hsts',
        'prod: quotas.listenerRules = 200: unknown setting (did you mean "listenerRulesPerAlb"?)',
        `${API}: secrets.DB.jsonkey = "<redacted>": unknown setting (did you mean "jsonKey"?)`,
      ]),
    );
    expect(lines).toHaveLength(5);
  });

  test("an override for a service that does not exist is refused, with the closest name", () => {
    expect(problemsOf(withDev((dev) => (dev.services = { "bun-apis": { minTasks: 1 } })))).toEqual([
      'dev: services.bun-apis = "bun-apis": overrides an unknown service (did you mean "bun-api"?); configured: bun-api, worker, nightly',
    ]);
    expect(problemsOf(withDev((dev) => (dev.services = { mailer: {} })))).toEqual(['dev: services.mailer = "mailer": overrides an unknown service; configured: bun-api, worker, nightly']);
  });

  test("an override given as a list is refused as a list, not read as services named 0, 1, ...", () => {
    expect(problemsOf(withDev((dev) => (dev.services = [{ minTasks: 1 }])))).toContain("dev: services = [{\"minTasks\":1}]: must be an object of service names to settings, not a list");
  });
});

describe("values AWS would refuse at deploy", () => {
  test.each(["UTC", "Etc/GMT+9", "Etc/GMT-14", "Europe/Berlin", "America/Argentina/Buenos_Aires", "Asia/Kolkata", "US/Eastern"])("accepts the IANA time zone %s", (timezone) => {
    expect(() => loadConfig(withDev((dev) => (dev.activeHours = { startHour: 7, endHour: 19, timezone })))).not.toThrow();
  });

  test.each(["Mars/Olympus", "europe/berlin", "+05:00", "UTC+2", "Etc/GMT+13", "", "Europe/Berlin "])("refuses %j as a time zone", (timezone) => {
    expect(problemsOf(withDev((dev) => (dev.activeHours = { startHour: 7, endHour: 19, timezone })))).toEqual([
      `dev: activeHours.timezone = ${JSON.stringify(timezone)}: must be an IANA time zone such as "UTC", "Europe/Berlin" or "Etc/GMT+9" (names are case-sensitive)`,
    ]);
  });

  test("a Dockerfile-less or missing source folder is refused when the repository root is given", () => {
    const root = `${__dirname}/../../..`;
    expect(() => loadConfig(shippedCopy(), { sourceRoot: root })).not.toThrow();
    expect(problemsOf(withApi((api) => (api.source = "services/orders")), { sourceRoot: root })).toEqual([
      expect.stringMatching(/^service "bun-api": source = "services\/orders": no such folder under the repository root/),
    ]);
    expect(problemsOf(withApi((api) => (api.source = "packages/config")), { sourceRoot: root })).toEqual([
      'service "bun-api": source = "packages/config": has no Dockerfile; each service is built from the Dockerfile in its folder',
    ]);
    expect(problemsOf(withApi((api) => (api.source = "README.md")), { sourceRoot: root })).toEqual(['service "bun-api": source = "README.md": is a file, not a folder']);
  });

  test.each(["/services/bun-api", "../bun-fargate/services/bun-api", "services/../services/bun-api", "./services/bun-api", "services\\bun-api", ""])(
    "a source outside the repository or written oddly is refused before the disk is asked: %j",
    (source) => {
      expect(problemsOf(withApi((api) => (api.source = source)))).toEqual([
        `${API}: source = ${JSON.stringify(source)}: must be a folder relative to the repository root, such as "services/orders" (no leading /, no . or .. segments)`,
      ]);
    },
  );
});

describe("variables the platform sets", () => {
  test.each(Object.values(ENV))("%s in environment is refused, saying what sets it", (name) => {
    expect(problemsOf(withApi((api) => (api.environment = { [name]: "x" })))).toEqual([
      `${API}: environment.${name} = ${JSON.stringify(name)}: is set by the platform on every container; ${PLATFORM_VARIABLES[name]}`,
    ]);
  });

  test("PORT and LOG_LEVEL name the settings to use instead, in an override too", () => {
    const config = withDev((dev) => (dev.services = { "bun-api": { environment: { PORT: "9000", LOG_LEVEL: "debug" } } }));
    expect(problemsOf(config)).toEqual([
      'dev / service "bun-api": environment.PORT = "PORT": is set by the platform on every container; set containerPort instead',
      'dev / service "bun-api": environment.LOG_LEVEL = "LOG_LEVEL": is set by the platform on every container; set logLevel instead',
    ]);
  });

  test("ECS's own variables are refused, and a secret may not share a plain variable's name", () => {
    expect(problemsOf(withApi((api) => (api.environment = { ECS_CONTAINER_METADATA_URI_V4: "x" })))).toEqual([
      `${API}: environment.ECS_CONTAINER_METADATA_URI_V4 = "ECS_CONTAINER_METADATA_URI_V4": is set by ECS in every Fargate task; leave it out`,
    ]);
    const both = withApi((api) => {
      api.environment = { DB_HOST: "db" };
      api.secrets = { DB_HOST: { ssmParameterArn: "arn:aws:ssm:us-east-1:111111111111:parameter/db" } };
    });
    expect(problemsOf(both)).toContain(
      'dev / service "bun-api": environment.DB_HOST = "DB_HOST": is also a secret of this service; a variable is either plain (environment) or a secret (secrets), not both',
    );
  });
});

describe("a size reason", () => {
  test("shorter than a sentence is refused at load, not thrown by suppressPolicy during synth", () => {
    expect(problemsOf(withApi((api) => Object.assign(api, { cpu: 512, memoryMiB: 1024, sizeReason: "ok" })))).toEqual([
      `${API}: sizeReason = "ok": must say why the task needs more than 0.25 vCPU / 0.5 GB, in at least 10 characters`,
    ]);
    expect(problemsOf(withApi((api) => (api.sizeReason = "          x")))).toHaveLength(1);
  });
});

describe("a configuration that cannot be read as plain data", () => {
  test("a getter that throws, a cycle, a class instance and a Map are each reported where they are", () => {
    const config = shippedCopy() as Record<string, unknown> & ReturnType<typeof shippedCopy>;
    Object.defineProperty(config.environments.dev!, "region", { enumerable: true, get: () => { throw new RangeError("no region today"); } });
    const loop: Record<string, unknown> = { priority: 100, pathPatterns: ["/*"] };
    loop.self = loop;
    config.services[0]!.routing = loop;
    config.environments.prod!.certificate = new (class Certificate { domainName = "api.example.com"; })();
    config.environments.staging!.services = new Map();
    const lines = problemsOf(config);
    expect(lines).toEqual(
      expect.arrayContaining([
        'dev: region = "[unreadable]": reading it threw RangeError: no region today; give a plain value',
        `${API}: routing.self = "[circular]": refers back to an object that contains it; the configuration must be a tree of plain values`,
        'staging: services = "[Map]": must be plain data (a string, number, boolean, list or { ... } object), not a Map',
        'prod: certificate = "[Certificate]": must be plain data (a string, number, boolean, list or { ... } object), not a Certificate',
      ]),
    );
    // Each is reported once: not again as a missing region or certificate.
    expect(lines).toHaveLength(4);
  });

  test("a proxy whose traps throw is reported, not thrown", () => {
    const hostile = new Proxy({}, { ownKeys: () => { throw new Error("trap"); } });
    expect(problemsOf(hostile)).toEqual(['config: (the whole entry) = "[unreadable]": reading it threw Error: trap; give a plain value']);
  });

  test.each(["__proto__", "constructor", "prototype"])("a %s key is refused where it is, not skipped or turned into a prototype", (key) => {
    // Dev without its per-service overrides: the configurations below have one service or none.
    const { services: _overrides, ...devEntry } = shippedCopy().environments.dev!;
    const dev = JSON.stringify(devEntry);
    const config = JSON.parse(`{"project":"bunfg","services":[],"environments":{"dev":${dev}},"${key}":{"polluted":true}}`) as unknown;
    expect(problemsOf(config)).toEqual([`config: ${key} = "${key}": is a name JavaScript reserves for objects; no setting, variable or service is called that`]);
    const api = JSON.stringify({ ...shippedCopy().services[0], sends: undefined }).replace(/^\{/, `{"environment":{"${key}":"x"},`);
    const withVariable = JSON.parse(`{"project":"bunfg","services":[${api}],"environments":{"dev":${dev}}}`) as unknown;
    expect(problemsOf(withVariable)).toEqual([`service "bun-api": environment.${key} = "${key}": is a name JavaScript reserves for objects; no setting, variable or service is called that`]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test("the values validated are the values built: a getter is read once", () => {
    let reads = 0;
    const config = shippedCopy();
    Object.defineProperty(config.environments.dev!, "logRetentionDays", { enumerable: true, get: () => (++reads === 1 ? 7 : "seven") });
    const loaded = loadConfig(config);
    expect(loaded.environments.find((e) => e.name === "dev")!.logRetentionDays).toBe(7);
    expect(reads).toBe(1);
  });
});
