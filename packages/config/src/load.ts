import { defaultConfig } from "./platform";
import { resolveEnvironment } from "./defaults";
import { ConfigError, type ConfigIssue } from "./errors";
import type { ResolvedEnvironment } from "./resolved";
import type { PlatformConfig } from "./types";
import { validateCidrOverlaps, validateEnvironment } from "./validate-environment";

const PROJECT = /^[a-z][a-z0-9-]{1,14}[a-z0-9]$/;
const SERVICE_NAME = /^[a-z][a-z0-9-]{0,22}[a-z0-9]$/;

export interface LoadOptions {
  /** Environments to load. @default - every configured environment */
  readonly only?: readonly string[];
}

export interface LoadedConfig {
  readonly project: string;
  readonly environments: readonly ResolvedEnvironment[];
}

function validatePlatform(config: PlatformConfig, options: LoadOptions, issues: ConfigIssue[]): void {
  const report = (field: string, value: unknown, problem: string) => issues.push({ where: "config", field, value, problem });
  if (!PROJECT.test(config.project)) report("project", config.project, "must be 3-16 lower-case letters, digits and hyphens, starting with a letter");
  const seen = new Set<string>();
  for (const svc of config.services) {
    if (!SERVICE_NAME.test(svc.name)) report("services.name", svc.name, "must be 2-24 lower-case letters, digits and hyphens, starting with a letter");
    if (seen.has(svc.name)) report("services.name", svc.name, "duplicate service name; each service needs its own");
    seen.add(svc.name);
  }
  const known = Object.keys(config.environments);
  for (const name of options.only ?? []) {
    if (!known.includes(name)) report("environment", name, `unknown environment; configured: ${known.join(", ")}`);
  }
  for (const [envName, env] of Object.entries(config.environments)) {
    for (const name of Object.keys(env.services ?? {})) {
      if (!seen.has(name)) issues.push({ where: envName, field: `services.${name}`, value: name, problem: `overrides an unknown service; configured: ${[...seen].join(", ")}` });
    }
  }
}

/**
 * Validates the whole configuration once and resolves every default. Throws a ConfigError
 * listing every problem (environment, service, field, value, what is allowed) so that synth
 * stops before anything is written.
 */
export function loadConfig(config: PlatformConfig = defaultConfig, options: LoadOptions = {}): LoadedConfig {
  const issues: ConfigIssue[] = [];
  validatePlatform(config, options, issues);
  const names = options.only ?? Object.keys(config.environments);
  const all = Object.entries(config.environments).map(([name, env]) => resolveEnvironment(config.project, name, env, config.services));
  for (const env of all) validateEnvironment(env, issues);
  validateCidrOverlaps(all, issues);
  if (issues.length > 0) throw new ConfigError(issues);
  return { project: config.project, environments: all.filter((e) => names.includes(e.name)) };
}

/** Reads the environment selection from `BF_ENVIRONMENTS` (comma-separated), if set. */
export function selectedEnvironments(value: string | undefined): string[] | undefined {
  const names = value?.split(",").map((s) => s.trim()).filter(Boolean);
  return names && names.length > 0 ? names : undefined;
}
