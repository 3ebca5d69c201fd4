/**
 * Test factories for the config package (not exported): one valid environment ("sandbox") with
 * one valid web service ("orders"), nothing optional set, so every default shows.
 */
import { ConfigError, formatIssue } from "./errors";
import { loadConfig, type LoadOptions } from "./load";
import { defaultConfig } from "./platform";
import type { EnvironmentConfig, PlatformConfig, ServiceConfig } from "./types";

export const service = (overrides: Partial<ServiceConfig> = {}): ServiceConfig => ({
  name: "orders",
  kind: "web",
  source: "services/orders",
  healthCheckPath: "/readyz",
  routing: { priority: 10, pathPatterns: ["/orders/*"] },
  ...overrides,
});

export const environment = (overrides: Partial<EnvironmentConfig> = {}): EnvironmentConfig => ({
  region: "eu-west-1",
  allowedAccountIds: ["123456789012"],
  vpcCidr: "10.40.0.0/16",
  ...overrides,
});

export function configWith(
  overrides: {
    project?: string;
    env?: Partial<EnvironmentConfig>;
    service?: Partial<ServiceConfig>;
    environments?: Record<string, EnvironmentConfig>;
    services?: ServiceConfig[];
  } = {},
): PlatformConfig {
  return {
    project: overrides.project ?? "shop",
    environments: overrides.environments ?? { sandbox: environment(overrides.env) },
    services: overrides.services ?? [service(overrides.service)],
  };
}

/** Every issue of a configuration that must fail, formatted as in the error message (throws if it loads). */
export function problemsOf(config: unknown, options: LoadOptions = {}): string[] {
  let error: unknown;
  try {
    loadConfig(config, options);
  } catch (e) {
    error = e;
  }
  if (!(error instanceof ConfigError)) throw new Error(`expected a ConfigError, got ${error === undefined ? "a loaded config" : String(error)}`);
  const lines = error.issues.map(formatIssue);
  for (const line of lines) if (!error.message.includes(`  - ${line}`)) throw new Error(`issue missing from the message: ${line}`);
  return lines;
}

/** A mutable deep copy of the shipped configuration, for tests that change one value of it. */
export function shippedCopy(): { project: string; environments: Record<string, Record<string, unknown>>; services: Record<string, unknown>[] } {
  return JSON.parse(JSON.stringify(defaultConfig)) as ReturnType<typeof shippedCopy>;
}
