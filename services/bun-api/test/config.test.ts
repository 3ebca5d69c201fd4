import { DEFAULT_CONTAINER_PORT, DRAIN_TIMEOUT_MS, ENV, STOP_TIMEOUT_SECONDS } from "@bun-fargate/config/runtime";
import { describe, expect, test } from "bun:test";
import { ConfigError, loadConfig, loadHealthcheckPort, SERVICE_ENV } from "../src/config";

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
      logLevel: "info",
      logFormat: "json",
      serviceName: "bun-api",
      appVersion: "dev",
      environment: "local",
      drainDelayMs: 0,
      drainTimeoutMs: DRAIN_TIMEOUT_MS,
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
    });
    expect(config).toEqual({
      port: 9000,
      logLevel: "debug",
      logFormat: "pretty",
      serviceName: "orders",
      appVersion: "unversioned",
      environment: "prod",
      drainDelayMs: 2000,
      drainTimeoutMs: 5000,
    });
  });

  test("accepts what the stacks can set: any app_version the deploy variable allows", () => {
    for (const version of ["1.2.3", "v1.2.3-rc.1+build.5", "5f2286d6d836", "-leading-dash", "a".repeat(64)]) {
      expect(loadConfig({ [ENV.appVersion]: version }).appVersion).toBe(version);
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

describe("loadHealthcheckPort", () => {
  test("needs a real port", () => {
    expect(loadHealthcheckPort({})).toBe(DEFAULT_CONTAINER_PORT);
    expect(loadHealthcheckPort({ PORT: "9000" })).toBe(9000);
    expect(() => loadHealthcheckPort({ PORT: "0" })).toThrow(ConfigError);
  });
});
