import { totals, type ScanResult } from "./results";

/** The scan's terminal report; the last line is what the root test runner counts. */
export function formatScan(result: ScanResult): string {
  const lines: string[] = [];
  if (result.failures.length > 0) {
    lines.push("", "Failed checks (fix them, or add a skip with a reason to stacks/scan/skips.yaml):");
    for (const f of result.failures) lines.push(`  FAILED ${f.check} ${f.resourcePath} (${f.environment}): ${f.name}`);
  }
  if (result.skipped.length > 0) {
    lines.push("", "Skipped checks:");
    const byEntry = new Map<string, string[]>();
    for (const f of result.skipped) {
      const key = f.skip ? `${f.check} ${f.skip.resource}: ${f.skip.reason}` : `${f.check} (skipped by checkov)`;
      byEntry.set(key, [...(byEntry.get(key) ?? []), f.environment]);
    }
    for (const [key, envs] of byEntry) lines.push(`  skip ${key} [${[...new Set(envs)].join(", ")}]`);
  }
  for (const s of result.unusedSkips) lines.push(`warning: skip ${s.check} ${s.resource} matched nothing; remove it from skips.yaml`);
  for (const e of result.parsingErrors) lines.push(`parsing error: ${e}`);
  lines.push("");
  const width = Math.max(11, ...[...result.environments.keys()].map((e) => e.length));
  lines.push(`${"environment".padEnd(width)} ${"passed".padStart(7)} ${"failed".padStart(7)} ${"skipped".padStart(8)}`);
  for (const [env, c] of result.environments) {
    lines.push(`${env.padEnd(width)} ${String(c.passed).padStart(7)} ${String(c.failed).padStart(7)} ${String(c.skipped).padStart(8)}`);
  }
  const t = totals(result);
  lines.push(`${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped`);
  return lines.join("\n");
}
