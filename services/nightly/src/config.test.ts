import { describe, expect, test } from "bun:test";
import { ConfigError, loadConfig } from "./config";

describe("loadConfig", () => {
  test("defaults", () => {
    expect(loadConfig({ NIGHTLY_BUCKET: "bun-fargate-dev-nightly" })).toEqual({
      bucket: "bun-fargate-dev-nightly",
      inputPrefix: "incoming/",
      outputPrefix: "reports/",
      runDate: undefined,
      maxObjects: 1000,
      logLevel: "info",
      serviceName: "nightly",
      appVersion: "dev",
      environment: "local",
    });
  });

  test.each([
    [{}, "NIGHTLY_BUCKET is not set: expected an S3 bucket name"],
    [{ NIGHTLY_BUCKET: "Bad_Bucket" }, 'NIGHTLY_BUCKET="Bad_Bucket" is not allowed'],
    [{ NIGHTLY_BUCKET: "b-1", NIGHTLY_INPUT_PREFIX: "incoming" }, 'NIGHTLY_INPUT_PREFIX="incoming" is not allowed: expected a key prefix ending in "/"'],
    [{ NIGHTLY_BUCKET: "b-1", NIGHTLY_OUTPUT_PREFIX: "/reports/" }, 'NIGHTLY_OUTPUT_PREFIX="/reports/"'],
    [{ NIGHTLY_BUCKET: "b-1", NIGHTLY_RUN_DATE: "2026-13-45" }, 'NIGHTLY_RUN_DATE="2026-13-45" is not allowed: expected a date YYYY-MM-DD'],
    [{ NIGHTLY_BUCKET: "b-1", NIGHTLY_MAX_OBJECTS: "0" }, 'NIGHTLY_MAX_OBJECTS="0"'],
    [{ NIGHTLY_BUCKET: "b-1", LOG_LEVEL: "loud" }, 'LOG_LEVEL="loud"'],
  ])("refuses %j", (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
