/**
 * Entry point of the service and of its image (`/app/server`). With `--healthcheck` the same binary
 * is the container health check: GET /healthz on loopback, exit 0 on a 200 and 1 otherwise.
 */
import { HEALTHCHECK_ARG, LIVENESS_PATH } from "@bun-fargate/config/runtime";
import { JsonLogger, serializeError } from "@bun-fargate/service-kit/log/logger";
import { fdSink } from "@bun-fargate/service-kit/log/sink";
import { installProcessHandlers } from "@bun-fargate/service-kit/process";
import { currentTraceId } from "@bun-fargate/service-kit/trace/context";
import { writeSync } from "node:fs";
import { ConfigError, loadConfig, type Config } from "./config";
import { startService, type Service } from "./server";

/** sysexits EX_CONFIG: the configuration is wrong, so restarting will not help. */
const EXIT_CONFIG = 78;

let config: Config;
try {
  config = loadConfig(process.env);
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  writeSync(1, err.toLogLine() + "\n");
  process.exit(EXIT_CONFIG);
}

if (process.argv.includes(HEALTHCHECK_ARG)) {
  const url = `http://127.0.0.1:${config.port}${LIVENESS_PATH}`;
  try {
    const res = await fetch(url, { headers: { "user-agent": "orders-healthcheck" }, signal: AbortSignal.timeout(1500) });
    await res.arrayBuffer();
    if (res.status === 200) process.exit(0);
    writeSync(2, JSON.stringify({ time: new Date().toISOString(), level: "error", msg: "health check failed", url, status: res.status }) + "\n");
  } catch (err) {
    writeSync(2, JSON.stringify({ time: new Date().toISOString(), level: "error", msg: "health check failed", url, err: serializeError(err) }) + "\n");
  }
  process.exit(1);
}

const logger = new JsonLogger({
  base: { service: config.serviceName, version: config.appVersion, env: config.environment },
  level: config.logLevel,
  sink: fdSink(),
  traceId: currentTraceId,
});
let service: Service;
try {
  service = startService({ config, logger });
} catch (err) {
  logger.fatal("could not start", { host: config.host, port: config.port, err });
  logger.flush();
  process.exit(1);
}
installProcessHandlers({ logger, shutdown: (signal) => service.shutdown(signal) });
