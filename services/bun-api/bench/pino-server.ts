/** The service wired to pino instead of its own logger: otherwise identical to src/main.ts. */
import { loadConfig } from "../src/config";
import { installProcessHandlers } from "@bun-fargate/service-kit/process";
import { startService } from "../src/server";
import { PinoLogger } from "./pino-logger";

const config = loadConfig(process.env);
const logger = new PinoLogger({ service: config.serviceName, version: config.appVersion, env: config.environment }, config.logLevel);
const service = startService({ config, logger });
installProcessHandlers({ logger, shutdown: (signal) => service.shutdown(signal) });
