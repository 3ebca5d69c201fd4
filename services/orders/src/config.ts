import { DEFAULT_CONTAINER_PORT, DRAIN_TIMEOUT_MS, ENV } from "@bun-fargate/config/runtime";
import { LEVEL_SETTINGS, type LevelSetting } from "@bun-fargate/service-kit/log/logger";

/** Settings read from the environment once, at start. */
export interface Config {
  /** PORT; 0 takes any free port (tests do). @default 8080 */
  readonly port: number;
  /** HOST. @default "0.0.0.0" (every interface: Service Connect's proxy reaches the app on the task's address) */
  readonly host: string;
  /** LOG_LEVEL. @default "info" */
  readonly logLevel: LevelSetting;
  /** SERVICE_NAME. @default "orders" */
  readonly serviceName: string;
  /** APP_VERSION. @default "dev" */
  readonly appVersion: string;
  /** ENVIRONMENT. @default "local" */
  readonly environment: string;
  /** DRAIN_TIMEOUT_MS: how long in-flight requests get to finish after a stop signal. @default 10000 */
  readonly drainTimeoutMs: number;
}

/** A variable the service cannot run with: one JSON line, then exit 78 (EX_CONFIG). */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    readonly value: string,
    readonly allowed: string,
  ) {
    super(`${variable}=${JSON.stringify(value)} is not allowed: expected ${allowed}`);
    this.name = "ConfigError";
  }

  toLogLine(now: Date = new Date()): string {
    return JSON.stringify({ time: now.toISOString(), level: "fatal", msg: "invalid configuration", variable: this.variable, value: this.value.slice(0, 200), allowed: this.allowed });
  }
}

function integer(env: Readonly<Record<string, string | undefined>>, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) throw new ConfigError(name, raw, `a whole number from ${min} to ${max}`);
  return Number(raw);
}

export function loadConfig(env: Readonly<Record<string, string | undefined>>): Config {
  const level = env[ENV.logLevel] || "info";
  if (!(LEVEL_SETTINGS as readonly string[]).includes(level)) throw new ConfigError(ENV.logLevel, level, `one of ${LEVEL_SETTINGS.join(", ")}`);
  return {
    port: integer(env, ENV.port, DEFAULT_CONTAINER_PORT, 0, 65535),
    host: env.HOST || "0.0.0.0",
    logLevel: level as LevelSetting,
    serviceName: env[ENV.serviceName] || "orders",
    appVersion: env[ENV.appVersion] || "dev",
    environment: env[ENV.environment] || "local",
    drainTimeoutMs: integer(env, ENV.drainTimeoutMs, DRAIN_TIMEOUT_MS, 0, 25_000),
  };
}
