import { DEFAULT_CONTAINER_PORT, DRAIN_TIMEOUT_MS, ENV, producerQueueUrlVariable, STOP_TIMEOUT_SECONDS } from "@bun-fargate/config/runtime";
import { ConfigError, integer, matching, oneOf, type Env } from "@bun-fargate/service-kit/env";
import { isIP } from "node:net";
import { LEVEL_SETTINGS, type LevelSetting } from "@bun-fargate/service-kit/log/logger";

/** Settings read from the environment once, at start. */
export interface Config {
  /** PORT. 0 takes any free port (tests do). @default 8080 (DEFAULT_CONTAINER_PORT) */
  readonly port: number;
  /** HOST: the address to listen on; 0.0.0.0 or :: for every interface. @default "0.0.0.0" */
  readonly host: string;
  /** LOG_LEVEL. @default "info" */
  readonly logLevel: LevelSetting;
  /** LOG_FORMAT: "json" for machines, "pretty" for people. @default "json" */
  readonly logFormat: "json" | "pretty";
  /** SERVICE_NAME. @default "bun-api" */
  readonly serviceName: string;
  /** APP_VERSION: the image tag or commit. @default "dev" */
  readonly appVersion: string;
  /** ENVIRONMENT. @default "local" */
  readonly environment: string;
  /** DRAIN_DELAY_MS: after a stop signal, how long readiness answers 503 before the listener closes. @default 0 */
  readonly drainDelayMs: number;
  /** DRAIN_TIMEOUT_MS: how long in-flight requests get to finish once the listener closes. @default 10000 (DRAIN_TIMEOUT_MS) */
  readonly drainTimeoutMs: number;
  /** ORDERS_URL: the orders service, set by the platform where bun-api `calls` it. @default - unset (GET /v1/orders/:id answers 503) */
  readonly ordersUrl?: string;
  /** WORKER_QUEUE_URL: the worker's queue, injected by the platform on a service that `sends` to it. @default - unset: POST /v1/jobs answers 503 */
  readonly workerQueueUrl: string | undefined;
}

/** Service-only variables (the platform-wide names are in `ENV` of @bun-fargate/config/runtime). */
export const SERVICE_ENV = { host: "HOST", logFormat: "LOG_FORMAT", drainDelayMs: "DRAIN_DELAY_MS", ordersUrl: "ORDERS_URL", workerQueueUrl: producerQueueUrlVariable("worker") } as const;

/** A callee's URL: scheme, host and optional port, as Service Connect's `http://orders:8080`. */
const ORIGIN = /^https?:\/\/[A-Za-z0-9.-]{1,253}(:\d{1,5})?\/?$/;
const ORIGIN_ALLOWED = "an http:// or https:// origin such as http://orders:8080 (no path, query or credentials)";

/** An SQS queue URL (AWS's, or an emulator's on http://host:port). */
const QUEUE_URL = /^https?:\/\/[^\s/]+\/\d{1,12}\/[A-Za-z0-9_-]{1,80}(\.fifo)?$/;

/** Every interface: what a container needs, since the ALB reaches the task on its ENI address. */
export const DEFAULT_HOST = "0.0.0.0";
const HOST_ALLOWED = "an IPv4 or IPv6 address (0.0.0.0 or :: for every interface, 127.0.0.1 or ::1 for loopback only) or localhost";

/** ECS sends SIGKILL this long after SIGTERM; delay + drain must end before it, with a margin to exit. */
const KILL_AFTER_MS = STOP_TIMEOUT_SECONDS * 1000;
const EXIT_MARGIN_MS = 1000;

/** Reads and checks every variable; throws a {@link ConfigError} for the first bad one. */
export function loadConfig(env: Env): Config {
  const port = integer(env, ENV.port, DEFAULT_CONTAINER_PORT, 0, 65_535, "an integer from 0 to 65535 (0 takes any free port)");
  const host = address(env);
  const logLevel = oneOf(env, ENV.logLevel, "info", LEVEL_SETTINGS);
  const logFormat = oneOf(env, SERVICE_ENV.logFormat, "json", ["json", "pretty"] as const);
  const serviceName = matching(env, ENV.serviceName, "bun-api", /^[a-z0-9][a-z0-9-]{0,62}$/, "1 to 63 lowercase letters, digits or hyphens, starting with a letter or digit");
  const appVersion = matching(env, ENV.appVersion, "dev", /^[0-9A-Za-z._+-]{1,128}$/, "1 to 128 letters, digits or . _ + -");
  const environment = matching(env, ENV.environment, "local", /^[a-z][a-z0-9-]{0,31}$/, "1 to 32 lowercase letters, digits or hyphens, starting with a letter");
  const budget = KILL_AFTER_MS - EXIT_MARGIN_MS;
  const drainDelayMs = integer(env, SERVICE_ENV.drainDelayMs, 0, 0, budget, `an integer from 0 to ${budget} (milliseconds)`);
  const maxDrain = budget - drainDelayMs;
  const drainTimeoutMs = integer(
    env,
    ENV.drainTimeoutMs,
    Math.min(DRAIN_TIMEOUT_MS, maxDrain),
    0,
    maxDrain,
    `an integer from 0 to ${maxDrain} (milliseconds): with ${SERVICE_ENV.drainDelayMs}=${drainDelayMs}, shutdown must end ${EXIT_MARGIN_MS} ms before ECS sends SIGKILL at ${KILL_AFTER_MS} ms`,
  );
  const ordersUrl = env[SERVICE_ENV.ordersUrl] === undefined ? {} : { ordersUrl: matching(env, SERVICE_ENV.ordersUrl, "", ORIGIN, ORIGIN_ALLOWED) };
  const workerQueueUrl = env[SERVICE_ENV.workerQueueUrl];
  if (workerQueueUrl !== undefined && !QUEUE_URL.test(workerQueueUrl)) {
    throw new ConfigError(SERVICE_ENV.workerQueueUrl, workerQueueUrl, "an SQS queue URL, https://sqs.<region>.amazonaws.com/<account>/<queue name>");
  }
  return { port, host, logLevel, logFormat, serviceName, appVersion, environment, drainDelayMs, drainTimeoutMs, workerQueueUrl, ...ordersUrl };
}

/** Where the health check client connects: HOST (loopback when it is a wildcard) and PORT, which must be a real port. */
export function loadHealthcheckTarget(env: Env): { readonly host: string; readonly port: number } {
  const port = integer(env, ENV.port, DEFAULT_CONTAINER_PORT, 1, 65_535, "an integer from 1 to 65535");
  const host = address(env);
  const connect = host === "0.0.0.0" ? "127.0.0.1" : host === "::" ? "::1" : host;
  return { host: isIP(connect) === 6 ? `[${connect}]` : connect, port };
}

function address(env: Env): string {
  const raw = env[SERVICE_ENV.host];
  if (raw === undefined) return DEFAULT_HOST;
  if (raw !== "localhost" && isIP(raw) === 0) throw new ConfigError(SERVICE_ENV.host, raw, HOST_ALLOWED);
  return raw;
}

export { ConfigError };
