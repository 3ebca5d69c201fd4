/**
 * Every test suite that `pnpm test` runs, in order. `parse` says how its counts are read:
 * - "jest": the runner's --json report (written to a temp file by test-all);
 * - "bun": bun test's closing " N pass / N fail / N skip" lines;
 * - "plain": a closing "N passed, N failed[, N skipped]" line printed by the suite itself.
 * A suite that exits non-zero counts as failed even if its counts say otherwise.
 */
export const suites = [
  { name: "config", cwd: "packages/config", cmd: ["pnpm", "exec", "jest"], parse: "jest" },
  { name: "constructs", cwd: "packages/constructs", cmd: ["pnpm", "exec", "jest"], parse: "jest" },
  { name: "stacks", cwd: "stacks", cmd: ["pnpm", "exec", "jest"], parse: "jest" },
  { name: "bun-api", cwd: "services/bun-api", cmd: ["pnpm", "exec", "bun", "test"], parse: "bun" },
  { name: "checkov", cwd: "stacks", cmd: ["pnpm", "scan"], parse: "plain" },
];
