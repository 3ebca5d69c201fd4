/**
 * Every test suite that `pnpm test` runs, in order. `parse` says how its counts are read:
 * - "jest": the runner's --json report (written to a temp file by test-all);
 * - "bun": bun test's closing " N pass / N fail / N skip" lines;
 * - "plain": a closing "N passed, N failed[, N skipped]" line printed by the suite itself.
 * A suite that exits non-zero counts as failed even if its counts say otherwise.
 */
// Binaries are called from node_modules/.bin directly: no package manager needs to be on PATH.
const jest = ["node_modules/.bin/jest"];
export const suites = [
  { name: "config", cwd: "packages/config", cmd: jest, parse: "jest" },
  { name: "constructs", cwd: "packages/constructs", cmd: jest, parse: "jest" },
  { name: "stacks", cwd: "stacks", cmd: jest, parse: "jest" },
  { name: "bun-api", cwd: "services/bun-api", cmd: ["node_modules/.bin/bun", "test"], parse: "bun" },
  // Scans freshly synthesized stacks, so the result always matches the code under test.
  { name: "checkov", cwd: "stacks", cmd: ["bash", "scan/scan.sh"], parse: "plain", env: { BF_SCAN_SYNTH: "always" } },
  // Builds actionlint from the Go module proxy; reports its workflows as skipped when it cannot.
  { name: "actionlint", cwd: ".", cmd: ["bash", "scripts/ci/actionlint.sh"], parse: "plain" },
];
