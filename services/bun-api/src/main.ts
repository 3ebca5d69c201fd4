/**
 * Entry point of the service and of its container image (`/app/server`). With `--healthcheck` the
 * same binary is the container health check client; otherwise it runs the server.
 */
import { HEALTHCHECK_ARG } from "@bun-fargate/config/runtime";
import { writeSync } from "node:fs";
import { ConfigError, loadConfig, type Config } from "./config";
import { runHealthcheck } from "./healthcheck";
import { JsonLogger } from "@bun-fargate/service-kit/log/logger";
import { prettySink } from "./log/pretty";
import { fdSink } from "@bun-fargate/service-kit/log/sink";
import { installProcessHandlers } from "@bun-fargate/service-kit/process";
import { startService, type Service } from "./server";
import { currentTraceId } from "./trace/context";

/** sysexits EX_CONFIG: the configuration is wrong, so restarting will not help. */
const EXIT_CONFIG = 78;

if (process.argv.includes(HEALTHCHECK_ARG)) {
  process.exit(await runHealthcheck(process.env));
}

let config: Config;
try {
  config = loadConfig(process.env);
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  writeSync(1, err.toLogLine() + "\n");
  process.exit(EXIT_CONFIG);
}

const sink = config.logFormat === "pretty" ? prettySink(fdSink(), { color: process.stdout.isTTY === true }) : fdSink();
const logger = new JsonLogger({
  base: { service: config.serviceName, version: config.appVersion, env: config.environment },
  level: config.logLevel,
  sink,
  traceId: currentTraceId,
});
let service: Service;
try {
  service = startService({ config, logger });
} catch (err) {
  // Port in use, permission denied…: one line, not Bun's multi-line report on stderr.
  logger.fatal("could not start", { host: config.host, port: config.port, err });
  logger.flush();
  process.exit(1);
}
installProcessHandlers({ logger, shutdown: (signal) => service.shutdown(signal) });
