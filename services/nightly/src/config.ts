import { ENV } from "@bun-fargate/config/runtime";
import { LEVEL_SETTINGS, type LevelSetting } from "@bun-fargate/service-kit/log/logger";

/** Settings read from the environment once, at start (the task definition sets them). */
export interface Config {
  /** NIGHTLY_BUCKET: the bucket read from and written to (required). */
  readonly bucket: string;
  /** NIGHTLY_INPUT_PREFIX: every object under it is read as JSON lines. @default "incoming/" */
  readonly inputPrefix: string;
  /** NIGHTLY_OUTPUT_PREFIX: the report is written to `<prefix><run date>.json`. @default "reports/" */
  readonly outputPrefix: string;
  /** NIGHTLY_RUN_DATE: the report's date, YYYY-MM-DD. @default - today in UTC */
  readonly runDate: string | undefined;
  /** NIGHTLY_MAX_OBJECTS: more input objects than this fails the run (bounds memory and time). @default 1000 */
  readonly maxObjects: number;
  /** LOG_LEVEL. @default "info" */
  readonly logLevel: LevelSetting;
  /** SERVICE_NAME. @default "nightly" */
  readonly serviceName: string;
  /** APP_VERSION. @default "dev" */
  readonly appVersion: string;
  /** ENVIRONMENT. @default "local" */
  readonly environment: string;
}

export const NIGHTLY_ENV = {
  bucket: "NIGHTLY_BUCKET",
  inputPrefix: "NIGHTLY_INPUT_PREFIX",
  outputPrefix: "NIGHTLY_OUTPUT_PREFIX",
  runDate: "NIGHTLY_RUN_DATE",
  maxObjects: "NIGHTLY_MAX_OBJECTS",
} as const;

/** A variable the job cannot run with. */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    readonly value: string | undefined,
    readonly allowed: string,
  ) {
    super(value === undefined ? `${variable} is not set: expected ${allowed}` : `${variable}=${JSON.stringify(value)} is not allowed: expected ${allowed}`);
    this.name = "ConfigError";
  }
}

type Env = Readonly<Record<string, string | undefined>>;

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const PREFIX = /^(?!\/)[A-Za-z0-9!_.'()/-]{1,512}\/$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Reads and checks every variable; throws a {@link ConfigError} for the first bad one. */
export function loadConfig(env: Env): Config {
  const bucket = env[NIGHTLY_ENV.bucket];
  if (bucket === undefined || bucket === "") throw new ConfigError(NIGHTLY_ENV.bucket, bucket, "an S3 bucket name");
  if (!BUCKET.test(bucket)) throw new ConfigError(NIGHTLY_ENV.bucket, bucket, "an S3 bucket name (3 to 63 lowercase letters, digits, dots or hyphens)");
  const inputPrefix = prefix(env, NIGHTLY_ENV.inputPrefix, "incoming/");
  const outputPrefix = prefix(env, NIGHTLY_ENV.outputPrefix, "reports/");
  const runDate = env[NIGHTLY_ENV.runDate];
  if (runDate !== undefined && (!DATE.test(runDate) || Number.isNaN(Date.parse(`${runDate}T00:00:00Z`)))) {
    throw new ConfigError(NIGHTLY_ENV.runDate, runDate, "a date YYYY-MM-DD");
  }
  const maxRaw = env[NIGHTLY_ENV.maxObjects];
  const maxObjects = maxRaw === undefined ? 1000 : Number(maxRaw);
  if (!Number.isInteger(maxObjects) || maxObjects < 1 || maxObjects > 100_000) throw new ConfigError(NIGHTLY_ENV.maxObjects, maxRaw, "a whole number from 1 to 100000");
  const logLevel = (env[ENV.logLevel] ?? "info") as LevelSetting;
  if (!LEVEL_SETTINGS.includes(logLevel)) throw new ConfigError(ENV.logLevel, logLevel, `one of ${LEVEL_SETTINGS.join(", ")}`);
  return {
    bucket,
    inputPrefix,
    outputPrefix,
    runDate,
    maxObjects,
    logLevel,
    serviceName: env[ENV.serviceName] ?? "nightly",
    appVersion: env[ENV.appVersion] ?? "dev",
    environment: env[ENV.environment] ?? "local",
  };
}

function prefix(env: Env, name: string, fallback: string): string {
  const value = env[name] ?? fallback;
  if (!PREFIX.test(value)) throw new ConfigError(name, value, 'a key prefix ending in "/", such as "incoming/" (no leading /, no wildcard)');
  return value;
}
