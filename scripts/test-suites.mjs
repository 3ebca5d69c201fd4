/**
 * Every test suite that `pnpm test` runs, in order. `parse` says how its counts are read:
 * - "jest": the runner's --json report (written to a temp file by test-all);
 * - "bun": bun test's closing " N pass / N fail / N skip" lines;
 * - "plain": a closing "N passed, N failed[, N skipped]" line printed by the suite itself.
 * A suite that exits non-zero counts as failed even if its counts say otherwise.
 */
// Binaries are called from node_modules/.bin directly: no package manager needs to be on PATH.
export const suites = [
  // packages/config, packages/constructs and stacks as jest projects (root jest.config.cjs).
  { name: "jest", cwd: ".", cmd: ["stacks/node_modules/.bin/jest"], parse: "jest" },
  { name: "bun-api", cwd: "services/bun-api", cmd: ["node_modules/.bin/bun", "test"], parse: "bun" },
  // The queue worker: in process and as processes against moto (from the deploy proof's cache; skipped without it).
  { name: "worker", cwd: "services/worker", cmd: ["node_modules/.bin/bun", "test"], parse: "bun" },
  // What every Bun service shares (logger, trace IDs, traced fetch).
  { name: "service-kit", cwd: "packages/service-kit", cmd: ["node_modules/.bin/bun", "test"], parse: "bun" },
  // The nightly job as a process against moto's S3 (from the deploy proof's cache; those tests skipped without it).
  { name: "nightly", cwd: "services/nightly", cmd: ["node_modules/.bin/bun", "test"], parse: "bun" },
  // `pnpm logs` as a process against moto (from the deploy proof's cache; those tests skipped without it).
  { name: "logs", cwd: "tools/logs", cmd: ["node_modules/.bin/bun", "test"], parse: "bun" },
  // Builds every service's image with podman or docker and runs it as its task definition says;
  // skipped, with the reason, where no container engine runs.
  { name: "image", cwd: "tools/containers", cmd: ["node_modules/.bin/bun", "test"], parse: "bun" },
  // Scans freshly synthesized stacks, so the result always matches the code under test.
  { name: "checkov", cwd: "stacks", cmd: ["bash", "scan/scan.sh"], parse: "plain", env: { BF_SCAN_SYNTH: "always" } },
  // Builds actionlint from the Go module proxy; reports its workflows as skipped when it cannot.
  { name: "actionlint", cwd: ".", cmd: ["bash", "scripts/ci/actionlint.sh"], parse: "plain" },
  // The CDK Terrain lane: the codemod on a copy of the repository, cdktn synth compared with cdktf's,
  // stack by stack; its packages come from the npm registry (cached), skipped when it is unreachable.
  { name: "cdktn-lane", cwd: ".", cmd: ["node", "tools/cdktn-migrate/lane.mjs"], parse: "plain" },
  // The deploy proof against moto, when `pnpm e2e:setup` has built its tools (a cold build takes
  // far longer than a test run should); reported as one skipped test otherwise.
  { name: "e2e", cwd: "stacks", cmd: ["node", "e2e/run.mjs"], parse: "plain" },
];
