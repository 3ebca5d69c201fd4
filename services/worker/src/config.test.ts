import { DRAIN_TIMEOUT_MS, STOP_TIMEOUT_SECONDS } from "@bun-fargate/config/runtime";
import { describe, expect, test } from "bun:test";
import { ConfigError, loadConfig } from "./config";

const URL = "https://sqs.eu-west-1.amazonaws.com/123456789012/bunfg-prod-worker";

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
  test("defaults: everything but the queue URL", () => {
    expect(loadConfig({ QUEUE_URL: URL })).toEqual({
      queueUrl: URL,
      visibilityTimeoutSeconds: 30,
      maxJobSeconds: 60,
      concurrency: 4,
      heartbeatFile: "/tmp/worker-heartbeat",
      logLevel: "info",
      serviceName: "worker",
      appVersion: "dev",
      environment: "local",
      drainTimeoutMs: DRAIN_TIMEOUT_MS,
    });
  });

  test("reads what the platform injects and the worker's own tuning; an emulator's http URL too", () => {
    const c = loadConfig({ QUEUE_URL: "http://127.0.0.1:5000/123456789012/jobs", QUEUE_VISIBILITY_TIMEOUT_SECONDS: "360", MAX_JOB_SECONDS: "60", WORKER_CONCURRENCY: "10", HEARTBEAT_FILE: "/tmp/hb", DRAIN_TIMEOUT_MS: "20000" });
    expect(c).toMatchObject({ visibilityTimeoutSeconds: 360, maxJobSeconds: 60, concurrency: 10, heartbeatFile: "/tmp/hb", drainTimeoutMs: 20000 });
  });

  test.each([
    [{}, "QUEUE_URL", "an SQS queue URL"],
    [{ QUEUE_URL: "bunfg-prod-worker" }, "QUEUE_URL", "an SQS queue URL"],
    [{ QUEUE_URL: "arn:aws:sqs:eu-west-1:123456789012:q" }, "QUEUE_URL", "an SQS queue URL"],
    [{ QUEUE_URL: URL, QUEUE_VISIBILITY_TIMEOUT_SECONDS: "0" }, "QUEUE_VISIBILITY_TIMEOUT_SECONDS", "an integer from 1 to 43200"],
    [{ QUEUE_URL: URL, QUEUE_VISIBILITY_TIMEOUT_SECONDS: "43201" }, "QUEUE_VISIBILITY_TIMEOUT_SECONDS", "an integer from 1 to 43200"],
    [{ QUEUE_URL: URL, MAX_JOB_SECONDS: "1.5" }, "MAX_JOB_SECONDS", "an integer from 1 to 43200"],
    [{ QUEUE_URL: URL, WORKER_CONCURRENCY: "101" }, "WORKER_CONCURRENCY", "an integer from 1 to 100"],
    [{ QUEUE_URL: URL, HEARTBEAT_FILE: "tmp/hb" }, "HEARTBEAT_FILE", "an absolute path"],
    [{ QUEUE_URL: URL, LOG_LEVEL: "verbose" }, "LOG_LEVEL", "one of trace, debug"],
    [{ QUEUE_URL: URL, DRAIN_TIMEOUT_MS: String(STOP_TIMEOUT_SECONDS * 1000) }, "DRAIN_TIMEOUT_MS", "before ECS sends SIGKILL"],
  ])("%j is refused, naming the variable, the value and what is allowed", (env, variable, allowed) => {
    const err = rejects(env as Record<string, string>);
    expect(err.variable).toBe(variable);
    expect(err.value).toBe((env as Record<string, string>)[variable]);
    expect(err.allowed).toContain(allowed);
    expect(JSON.parse(err.toLogLine())).toMatchObject({ level: "fatal", msg: "invalid configuration", variable, value: err.value ?? null });
  });
});
