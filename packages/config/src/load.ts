import { ENVIRONMENT_STACKS } from "./names";
import * as v from "valibot";
import { resolveEnvironment, resolveService } from "./defaults";
import { ConfigError, type ConfigIssue } from "./errors";
import { fromSchema, issueAt, type PathedIssue } from "./issues";
import { plainData, type PathKey } from "./plain-data";
import { defaultConfig } from "./platform";
import type { ResolvedEnvironment, ResolvedService } from "./resolved";
import { dict, list, strictObject, text } from "./schema/fields";
import { ENVIRONMENT_NAME, EnvironmentSchema } from "./schema/environment";
import { PROJECT_NAME } from "./schema/platform";
import { ServiceSchema } from "./schema/service";
import { sourceProblem } from "./sources";
import { didYouMean } from "./suggest";
import type { EnvironmentConfig, ServiceConfig } from "./types";
import { validateCidrOverlaps, validateEnvironment, validateRegionQuotas } from "./validate-environment";
import { validateService } from "./validate-service";
import { validateQueues } from "./queue";

export interface LoadOptions {
  /** Environments to load. @default - every configured environment */
  readonly only?: readonly string[];
  /**
   * The repository root: each service's `source` must be a folder there with a Dockerfile.
   * @default - sources are not looked up on disk
   */
  readonly sourceRoot?: string;
  /** The Terraform backend synth writes; `s3` needs the selected environments' `stateBucket`. @default "local" */
  readonly backend?: "local" | "s3";
}

export interface LoadedConfig {
  readonly project: string;
  readonly environments: readonly ResolvedEnvironment[];
}

// The top level only; environments and services are checked one by one, so that each valid part is
// still checked across its fields while another part is broken.
const PlatformShape = strictObject(
  {
    project: text(PROJECT_NAME, "must be 3-16 lower-case letters, digits and hyphens, starting with a letter", 16),
    environments: dict(v.pipe(v.string(), v.regex(ENVIRONMENT_NAME, "environment names are 2-12 lower-case letters and digits, starting with a letter")), v.unknown(), "an object of environment names to environments"),
    services: list(v.unknown(), "a list of services", 1000),
  },
  "an object { project, environments, services }",
);

const isObject = (x: unknown): x is Record<string, unknown> => x !== null && typeof x === "object" && !Array.isArray(x);
const startsWith = (path: readonly PathKey[], prefix: readonly PathKey[]) => prefix.every((k, i) => path[i] === k);

/**
 * Validates the whole configuration once, against the schema and then across fields, and resolves
 * every default. Takes any value (a config module may hold anything) and throws a ConfigError
 * listing every problem (environment, service, field, value, what is allowed), so that synth stops
 * before a single construct exists.
 */
export function loadConfig(config: unknown = defaultConfig, options: LoadOptions = {}): LoadedConfig {
  const { data, problems } = plainData(config);
  const found: PathedIssue[] = problems.map((p) => ({ path: p.path, issue: issueAt(data, p.path, p.value, p.problem) }));
  const unreadable = problems.map((p) => p.path);
  const add = (pathed: readonly PathedIssue[]) => {
    // A value that could not be read is reported once, not again as missing.
    for (const p of pathed) if (!unreadable.some((u) => startsWith(p.path, u))) found.push(p);
  };
  const issuesUnder = (prefix: readonly PathKey[]) => found.some((p) => startsWith(p.path, prefix));
  const cross: ConfigIssue[] = [];

  add(fromSchema(data, [], v.safeParse(PlatformShape, data).issues ?? []));
  const root = isObject(data) ? data : {};
  const rawServices = Array.isArray(root.services) ? root.services : [];
  const rawEnvironments = isObject(root.environments) ? root.environments : {};

  const services: ServiceConfig[] = [];
  const names = new Set<string>();
  for (const [i, raw] of rawServices.entries()) {
    add(fromSchema(data, ["services", i], v.safeParse(ServiceSchema, raw).issues ?? []));
    if (issuesUnder(["services", i])) continue;
    const svc = raw as ServiceConfig;
    if (names.has(svc.name)) {
      cross.push({ where: "config", field: `services[${i}].name`, value: svc.name, problem: "duplicate service name; each service needs its own" });
      continue;
    }
    if ((ENVIRONMENT_STACKS as readonly string[]).includes(svc.name)) {
      cross.push({ where: "config", field: `services[${i}].name`, value: svc.name, problem: `names one of every environment's own stacks (<env>-${svc.name}); not allowed: ${ENVIRONMENT_STACKS.join(", ")}` });
      continue;
    }
    names.add(svc.name);
    services.push(svc);
  }
  // Names of entries that failed validation still count: an override for them is not "unknown".
  const anyName = new Set(rawServices.map((s) => (isObject(s) && typeof s.name === "string" ? s.name : undefined)).filter((n): n is string => n !== undefined));

  const known = Object.keys(rawEnvironments);
  for (const name of options.only ?? []) {
    if (!known.includes(name)) cross.push({ where: "config", field: "environment", value: name, problem: `unknown environment${didYouMean(name, known)}; configured: ${known.join(", ")}` });
  }

  const valid: ResolvedEnvironment[] = [];
  for (const [name, raw] of Object.entries(rawEnvironments)) {
    const at: PathKey[] = ["environments", name];
    add(fromSchema(data, at, v.safeParse(EnvironmentSchema, raw).issues ?? []));
    if (!isObject(raw)) continue;
    const env = raw as EnvironmentConfig;
    // When an entry has no readable name, no override can be called unknown.
    const overrides = isObject(raw.services) && anyName.size === rawServices.length ? raw.services : {};
    for (const key of Object.keys(overrides)) {
      if (!anyName.has(key)) {
        cross.push({ where: name, field: `services.${key}`, value: key, problem: `overrides an unknown service${didYouMean(key, [...anyName])}; configured: ${[...anyName].join(", ")}` });
      }
    }
    // Each service whose entry and override are valid is checked as this environment resolves it.
    const resolvedServices: ResolvedService[] = [];
    for (const svc of services) {
      if (issuesUnder([...at, "services", svc.name])) continue;
      const resolved = resolveService(env, svc, name);
      validateService(`${name} / service "${svc.name}"`, resolved, cross);
      resolvedServices.push(resolved);
    }
    // Across services: only when every service resolved, or a target would look unknown.
    if (resolvedServices.length === services.length && services.length === rawServices.length) validateQueues(name, resolvedServices, cross);
    if (issuesUnder(at)) continue;
    const resolved = { ...resolveEnvironment(root.project as string, name, env, []), services: resolvedServices };
    validateEnvironment(resolved, cross, !issuesUnder(["project"]));
    valid.push(resolved);
  }
  validateCidrOverlaps(valid, cross);
  validateRegionQuotas(valid, cross);

  const selected = options.only ?? known;
  if (options.backend === "s3") {
    for (const env of valid) {
      if (selected.includes(env.name) && env.stateBucket === undefined) {
        cross.push({ where: env.name, field: "stateBucket", value: undefined, problem: "BF_BACKEND=s3 keeps this environment's Terraform state in its stateBucket; set stateBucket in environments.ts (the account's bootstrap stack creates the bucket)" });
      }
    }
  }
  if (options.sourceRoot !== undefined) {
    for (const svc of services) {
      const problem = sourceProblem(options.sourceRoot, svc.source);
      if (problem) cross.push({ where: `service "${svc.name}"`, field: "source", value: svc.source, problem });
    }
  }

  const issues = [...found.map((p) => p.issue), ...cross];
  if (issues.length > 0) throw new ConfigError(issues);
  return { project: root.project as string, environments: valid.filter((e) => selected.includes(e.name)) };
}

/** Reads the environment selection from `BF_ENVIRONMENTS` (comma-separated), if set. */
export function selectedEnvironments(value: string | undefined): string[] | undefined {
  const names = value?.split(",").map((s) => s.trim()).filter(Boolean);
  return names && names.length > 0 ? names : undefined;
}
