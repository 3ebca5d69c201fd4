/**
 * Entry point of the worker and of its container image (`/app/server`). With `--healthcheck` the
 * same binary is the container health check (the heartbeat file's age); otherwise it runs the
 * poll loop until SIGTERM.
 */
import { HEALTHCHECK_ARG } from "@bun-fargate/config/runtime";
import { writeSync } from "node:fs";
import { JsonLogger } from "@bun-fargate/service-kit/log/logger";
import { fdSink } from "@bun-fargate/service-kit/log/sink";
import { currentTraceId } from "@bun-fargate/service-kit/trace/context";
import { installProcessHandlers } from "@bun-fargate/service-kit/process";
import { ConfigError, loadConfig, type WorkerConfig } from "./config";
import { runHealthcheck } from "./healthcheck";

/** sysexits EX_CONFIG: the configuration is wrong, so restarting will not help. */
const EXIT_CONFIG = 78;

if (process.argv.includes(HEALTHCHECK_ARG)) {
  process.exit(runHealthcheck(process.env));
}

let config: WorkerConfig;
try {
  config = loadConfig(process.env);
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  writeSync(1, err.toLogLine() + "\n");
  process.exit(EXIT_CONFIG);
}

const logger = new JsonLogger({
  base: { service: config.serviceName, version: config.appVersion, env: config.environment },
  level: config.logLevel,
  sink: fdSink(),
  traceId: currentTraceId,
});

// The SDK loads after the health check path, which never needs it.
const { SQSClient } = await import("@aws-sdk/client-sqs");
const { Worker } = await import("./worker");
const { JOB_HANDLERS } = await import("./jobs");

const client = new SQSClient({});
const worker = new Worker({
  client,
  logger,
  queueUrl: config.queueUrl,
  handlers: JOB_HANDLERS,
  concurrency: config.concurrency,
  visibilityTimeoutSeconds: config.visibilityTimeoutSeconds,
  maxJobSeconds: config.maxJobSeconds,
  drainTimeoutMs: config.drainTimeoutMs,
  heartbeatFile: config.heartbeatFile,
});
installProcessHandlers({
  logger,
  shutdown: async (signal) => {
    const code = await worker.stop(signal);
    client.destroy();
    return code;
  },
});
worker.start();
logger.info("polling", { queueUrl: config.queueUrl, concurrency: config.concurrency, visibilityTimeoutSeconds: config.visibilityTimeoutSeconds, maxJobSeconds: config.maxJobSeconds });
