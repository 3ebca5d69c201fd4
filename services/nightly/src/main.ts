/**
 * Entry point of the job and of its container image (`/app/server`): one run, then exit with its
 * code (see EXIT in etl.ts). Every line on stdout is one JSON object.
 */
import { S3Client } from "@aws-sdk/client-s3";
import { JsonLogger } from "@bun-fargate/service-kit/log/logger";
import { fdSink } from "@bun-fargate/service-kit/log/sink";
import { installProcessHandlers } from "@bun-fargate/service-kit/process";
import { newTraceId } from "@bun-fargate/service-kit/trace/trace-id";
import { writeSync } from "node:fs";
import { ConfigError, loadConfig, type Config } from "./config";
import { EXIT, runNightly } from "./etl";

let config: Config;
try {
  config = loadConfig(process.env);
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  const line = { time: new Date().toISOString(), level: "fatal", msg: "invalid configuration", variable: err.variable, value: err.value ?? null, allowed: err.allowed };
  writeSync(1, JSON.stringify(line) + "\n");
  process.exit(EXIT.config);
}

// A run has no caller to take a trace ID from: each run gets its own, on every line it logs.
const traceId = newTraceId();
const logger = new JsonLogger({
  base: { service: config.serviceName, version: config.appVersion, env: config.environment },
  level: config.logLevel,
  sink: fdSink(),
  traceId: () => traceId,
});
const stop = new AbortController();
let done: Promise<unknown> = Promise.resolve();
installProcessHandlers({
  logger,
  // ECS stopping the task mid-run: abort the S3 call in flight; the run logs its summary and ends non-zero.
  shutdown: async (signal) => {
    logger.warn("stop signal: aborting the run", { signal });
    stop.abort();
    await done;
    return 143;
  },
});

// An endpoint from the environment (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_S3) is an emulator's or a
// gateway's on an address, where virtual-hosted bucket names do not resolve.
const customEndpoint = (process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL ?? "") !== "";
const s3 = new S3Client({
  forcePathStyle: customEndpoint,
  maxAttempts: 3,
  requestHandler: { connectionTimeout: 5_000, requestTimeout: 60_000 },
});
const runDate = config.runDate ?? new Date().toISOString().slice(0, 10);
logger.info("nightly run started", { bucket: config.bucket, inputPrefix: config.inputPrefix, outputPrefix: config.outputPrefix, runDate });
const run = runNightly({ s3, bucket: config.bucket, inputPrefix: config.inputPrefix, outputPrefix: config.outputPrefix, runDate, maxObjects: config.maxObjects, logger, signal: stop.signal });
done = run;
const summary = await run;
s3.destroy();
logger.flush();
process.exit(summary.exitCode);
