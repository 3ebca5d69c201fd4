import { DEFAULT_CONTAINER_PORT, DRAIN_TIMEOUT_MS, ENV, STOP_TIMEOUT_SECONDS } from "@bun-fargate/config/runtime";
import { describe, expect, test } from "bun:test";
import { ConfigError, DEFAULT_HOST, loadConfig, loadHealthcheckTarget, SERVICE_ENV } from "../src/config";

function rejects(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe("loadConfig", () => {
  test("defaults: the runtime contract's port and drain timeout", () => {
    expect(loadConfig({})).toEqual({
      port: DEFAULT_CONTAINER_PORT,
      host: "0.0.0.0",
      logLevel: "info",
      logFormat: "json",
      serviceName: "bun-api",
      appVersion: "dev",
      environment: "local",
      drainDelayMs: 0,
      drainTimeoutMs: DRAIN_TIMEOUT_MS,
      workerQueueUrl: undefined,
    });
  });

  test("reads every variable the platform sets", () => {
    const config = loadConfig({
      [ENV.port]: "9000",
      [ENV.logLevel]: "debug",
      [ENV.serviceName]: "orders",
      [ENV.appVersion]: "unversioned",
      [ENV.environment]: "prod",
      [ENV.drainTimeoutMs]: "5000",
      [SERVICE_ENV.drainDelayMs]: "2000",
      [SERVICE_ENV.logFormat]: "pretty",
      [SERVICE_ENV.host]: "127.0.0.1",
      [SERVICE_ENV.workerQueueUrl]: "https://sqs.eu-west-1.amazonaws.com/123456789012/bunfg-prod-worker",
    });
    expect(config).toEqual({
      port: 9000,
      host: "127.0.0.1",
      logLevel: "debug",
      logFormat: "pretty",
      serviceName: "orders",
      appVersion: "unversioned",
      environment: "prod",
      drainDelayMs: 2000,
      drainTimeoutMs: 5000,
      workerQueueUrl: "https://sqs.eu-west-1.amazonaws.com/123456789012/bunfg-prod-worker",
    });
  });

  test("accepts what the stacks can set: any app_version the deploy variable allows", () => {
    for (const version of ["1.2.3", "v1.2.3-rc.1+build.5", "5f2286d6d836", "-leading-dash", "a".repeat(64)]) {
      expect(loadConfig({ [ENV.appVersion]: version }).appVersion).toBe(version);
    }
  });

  test("HOST takes any IP address or localhost; the default listens on every IPv4 interface", () => {
    expect(DEFAULT_HOST).toBe("0.0.0.0");
    for (const host of ["0.0.0.0", "::", "127.0.0.1", "::1", "10.0.3.17", "fd00::1", "localhost"]) {
      expect(loadConfig({ HOST: host }).host).toBe(host);
    }
  });

  test("PORT 0 means any free port", () => {
    expect(loadConfig({ PORT: "0" }).port).toBe(0);
  });

  test.each([
    ["PORT", "abc", "an integer from 0 to 65535"],
    ["PORT", "65536", "an integer from 0 to 65535"],
    ["PORT", "80 ", "an integer from 0 to 65535"],
    ["PORT", "", "an integer from 0 to 65535"],
    ["PORT", "1e3", "an integer from 0 to 65535"],
    ["LOG_LEVEL", "verbose", "one of trace, debug, info, warn, error, fatal, silent"],
    ["LOG_LEVEL", "INFO", "one of trace, debug, info, warn, error, fatal, silent"],
    ["LOG_FORMAT", "text", "one of json, pretty"],
    ["SERVICE_NAME", "Orders", "lowercase"],
    ["ENVIRONMENT", "prod env", "lowercase"],
    ["APP_VERSION", "1.0 beta", "letters, digits"],
    ["DRAIN_TIMEOUT_MS", "-1", "an integer from 0 to"],
    ["DRAIN_DELAY_MS", "ten", "an integer from 0 to"],
    ["HOST", "", "an IPv4 or IPv6 address"],
    ["HOST", "example.com", "an IPv4 or IPv6 address"],
    ["HOST", "256.0.0.1", "an IPv4 or IPv6 address"],
    ["HOST", "0.0.0.0:8080", "an IPv4 or IPv6 address"],
    ["HOST", "[::1]", "an IPv4 or IPv6 address"],
    ["HOST", " 127.0.0.1", "an IPv4 or IPv6 address"],
    ["WORKER_QUEUE_URL", "", "an SQS queue URL"],
    ["WORKER_QUEUE_URL", "bunfg-prod-worker", "an SQS queue URL"],
    ["WORKER_QUEUE_URL", "arn:aws:sqs:eu-west-1:123456789012:bunfg-prod-worker", "an SQS queue URL"],
  ])("%s=%p is refused, naming the variable, the value and what is allowed", (variable, value, allowed) => {
    const err = rejects({ [variable]: value });
    expect(err.variable).toBe(variable);
    expect(err.value).toBe(value);
    expect(err.allowed).toContain(allowed);
    const line = err.toLogLine();
    expect(line).not.toContain("\n");
    expect(JSON.parse(line)).toMatchObject({ level: "fatal", msg: "invalid configuration", variable, value });
  });

  test("delay plus drain must end before ECS sends SIGKILL", () => {
    const killAt = STOP_TIMEOUT_SECONDS * 1000;
    expect(loadConfig({ DRAIN_DELAY_MS: "5000", DRAIN_TIMEOUT_MS: String(killAt - 1000 - 5000) }).drainTimeoutMs).toBe(killAt - 6000);
    const err = rejects({ DRAIN_DELAY_MS: "5000", DRAIN_TIMEOUT_MS: String(killAt - 5000) });
    expect(err.variable).toBe("DRAIN_TIMEOUT_MS");
    expect(err.allowed).toContain(`SIGKILL at ${killAt} ms`);
    // A long delay shortens the default drain instead of failing.
    expect(loadConfig({ DRAIN_DELAY_MS: String(killAt - 3000) }).drainTimeoutMs).toBe(2000);
  });

  test("the first bad variable is the one reported", () => {
    expect(rejects({ PORT: "x", LOG_LEVEL: "y" }).variable).toBe("PORT");
  });
});

describe("loadHealthcheckTarget", () => {
  test("needs a real port", () => {
    expect(loadHealthcheckTarget({})).toEqual({ host: "127.0.0.1", port: DEFAULT_CONTAINER_PORT });
    expect(loadHealthcheckTarget({ PORT: "9000" }).port).toBe(9000);
    expect(() => loadHealthcheckTarget({ PORT: "0" })).toThrow(ConfigError);
  });

  test("connects where the server listens: loopback for a wildcard HOST, else HOST itself", () => {
    const host = (value: string) => loadHealthcheckTarget({ HOST: value }).host;
    expect([host("0.0.0.0"), host("::"), host("10.0.3.17"), host("::1"), host("localhost")]).toEqual(["127.0.0.1", "[::1]", "10.0.3.17", "[::1]", "localhost"]);
    expect(() => loadHealthcheckTarget({ HOST: "nowhere" })).toThrow(ConfigError);
  });
});
