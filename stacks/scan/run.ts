// Runs checkov over a copy of every synthesized stack and judges the result against skips.yaml.
// Started by scan.sh, which provides the pinned checkov and a fresh synth.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { formatScan } from "../src/scan/format";
import { classify, type CheckovReport } from "../src/scan/results";
import { prepareScanDir } from "../src/scan/scan-dir";
import { parseSkips } from "../src/scan/skips";

const { values } = parseArgs({
  options: { checkov: { type: "string" }, outdir: { type: "string" }, skips: { type: "string" } },
});
const checkov = values.checkov ?? "checkov";
const outdir = values.outdir ?? join(import.meta.dirname, "../../cdktf.out");
const skipsFile = values.skips ?? join(import.meta.dirname, "skips.yaml");

const skips = parseSkips(readFileSync(skipsFile, "utf8"), "stacks/scan/skips.yaml");
const work = mkdtempSync(join(tmpdir(), "bf-scan-"));
try {
  const prepared = prepareScanDir(outdir, work);
  if (prepared.strippedRequiredVersion.length > 0) {
    console.log(`note: scanning copies without terraform.required_version (checkov issue #7454) for ${prepared.strippedRequiredVersion.join(", ")}`);
  }
  console.log(`checkov: scanning ${prepared.stacks.size} stacks (${[...new Set([...prepared.stacks.values()].map((s) => s.environment))].join(", ")})`);
  // --soft-fail: findings are judged here against skips.yaml, so a non-zero exit means checkov itself failed.
  const run = spawnSync(checkov, ["-d", work, "--framework", "terraform_json", "-o", "json", "--compact", "--skip-download", "--soft-fail"], {
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? "ERROR" },
  });
  if (run.error || run.status !== 0) {
    console.error(run.stderr || String(run.error));
    console.error(`checkov exited with ${run.status ?? run.signal}`);
    console.log("0 passed, 1 failed, 0 skipped");
    process.exit(2);
  }
  const parsed = JSON.parse(run.stdout) as CheckovReport | CheckovReport[];
  const report = Array.isArray(parsed) ? (parsed.find((r) => (r as { check_type?: string }).check_type === "terraform_json") ?? {}) : parsed;
  const result = classify(report, prepared.stacks, skips);
  console.log(formatScan(result));
  process.exit(result.failures.length > 0 || result.parsingErrors.length > 0 ? 1 : 0);
} finally {
  rmSync(work, { recursive: true, force: true });
}
