/**
 * Test factories for the config package (not exported): one valid environment ("sandbox") with
 * one valid web service ("orders"), nothing optional set, so every default shows.
 */
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
