import { findSkip, type Skip } from "./skips";

/** The slice of checkov's `-o json` report that the scan reads. */
export interface CheckovCheck {
  readonly check_id: string;
  readonly check_name: string;
  readonly file_path: string;
  readonly resource: string;
}

export interface CheckovReport {
  readonly results?: {
    readonly passed_checks?: readonly CheckovCheck[];
    readonly failed_checks?: readonly CheckovCheck[];
    readonly skipped_checks?: readonly CheckovCheck[];
    readonly parsing_errors?: readonly string[];
  };
  readonly summary?: { readonly parsing_errors?: number };
}

/** What the scan needs to know about one synthesized stack. */
export interface StackInfo {
  readonly environment: string;
  /** Logical ID → construct path, from each resource's `//.metadata.path`. */
  readonly paths: ReadonlyMap<string, string>;
}

export interface Finding {
  readonly environment: string;
  readonly stack: string;
  readonly check: string;
  readonly name: string;
  /** `<stack>/<construct path>`, what skip entries match. */
  readonly resourcePath: string;
  readonly skip?: Skip;
}

export interface EnvironmentCounts {
  passed: number;
  failed: number;
  skipped: number;
}

export interface ScanResult {
  readonly environments: ReadonlyMap<string, EnvironmentCounts>;
  /** Failures no skip covers: these fail the scan. */
  readonly failures: readonly Finding[];
  readonly skipped: readonly Finding[];
  /** Skip entries that matched nothing: stale, to be removed. */
  readonly unusedSkips: readonly Skip[];
  readonly parsingErrors: readonly string[];
}

type Json = Record<string, unknown>;

/** Environment (provider default tag `Environment`, else the stack-name prefix) and construct paths. */
export function stackInfo(stackName: string, json: Json): StackInfo {
  const paths = new Map<string, string>();
  for (const mode of ["resource", "data"]) {
    for (const byName of Object.values((json[mode] ?? {}) as Record<string, Record<string, Json>>)) {
      for (const [logicalId, attrs] of Object.entries(byName)) {
        const path = ((attrs["//"] as Json | undefined)?.metadata as Json | undefined)?.path;
        if (typeof path === "string") paths.set(logicalId, path);
      }
    }
  }
  const providers = ((json.provider ?? {}) as Record<string, unknown>).aws;
  const first = (Array.isArray(providers) ? providers[0] : providers) as Json | undefined;
  const defaultTags = first?.default_tags;
  const tags = ((Array.isArray(defaultTags) ? defaultTags[0] : defaultTags) as Json | undefined)?.tags as Json | undefined;
  const tagged = tags?.Environment ?? tags?.environment;
  return { environment: typeof tagged === "string" ? tagged : (stackName.split("-")[0] ?? stackName), paths };
}

/** Stack name from checkov's file path, `/<stack>/cdk.tf.json`. */
export function stackOf(filePath: string): string {
  const parts = filePath.split("/").filter(Boolean);
  return parts.length >= 2 ? (parts[parts.length - 2] as string) : (parts[0] ?? filePath);
}

/** checkov names resources `resource.<id>`, `data.<id>` or `<type>.<id>`; the construct path is stabler. */
export function resourcePathOf(check: CheckovCheck, stack: string, info: StackInfo | undefined): string {
  const logicalId = check.resource.slice(check.resource.indexOf(".") + 1);
  return info?.paths.get(logicalId) ?? `${stack}/${check.resource}`;
}

export function classify(report: CheckovReport, stacks: ReadonlyMap<string, StackInfo>, skips: readonly Skip[]): ScanResult {
  const environments = new Map<string, EnvironmentCounts>();
  for (const info of stacks.values()) if (!environments.has(info.environment)) environments.set(info.environment, { passed: 0, failed: 0, skipped: 0 });
  const counts = (env: string): EnvironmentCounts => {
    let c = environments.get(env);
    if (!c) environments.set(env, (c = { passed: 0, failed: 0, skipped: 0 }));
    return c;
  };
  const toFinding = (check: CheckovCheck): Finding => {
    const stack = stackOf(check.file_path);
    const info = stacks.get(stack);
    const environment = info?.environment ?? stack.split("-")[0] ?? stack;
    return { environment, stack, check: check.check_id, name: check.check_name, resourcePath: resourcePathOf(check, stack, info) };
  };

  const results = report.results ?? {};
  for (const check of results.passed_checks ?? []) counts(toFinding(check).environment).passed++;
  const failures: Finding[] = [];
  const skipped: Finding[] = [];
  const used = new Set<Skip>();
  for (const check of results.failed_checks ?? []) {
    const finding = toFinding(check);
    const skip = findSkip(skips, finding.check, finding.resourcePath);
    if (skip) {
      used.add(skip);
      skipped.push({ ...finding, skip });
      counts(finding.environment).skipped++;
    } else {
      failures.push(finding);
      counts(finding.environment).failed++;
    }
  }
  // Inline or checkov-side skips count as skipped too; we do not use them, but they must not vanish.
  for (const check of results.skipped_checks ?? []) {
    const finding = toFinding(check);
    skipped.push(finding);
    counts(finding.environment).skipped++;
  }
  return {
    environments,
    failures,
    skipped,
    unusedSkips: skips.filter((s) => !used.has(s)),
    parsingErrors: [...(results.parsing_errors ?? [])],
  };
}

export function totals(result: ScanResult): EnvironmentCounts {
  const total = { passed: 0, failed: 0, skipped: 0 };
  for (const c of result.environments.values()) {
    total.passed += c.passed;
    total.failed += c.failed;
    total.skipped += c.skipped;
  }
  return total;
}
