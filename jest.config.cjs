/**
 * One jest run over every TypeScript package: one start-up instead of three. Each package keeps
 * its own jest.config.cjs (and `pnpm --filter <package> test` still runs it alone).
 * @type {import('jest').Config}
 */
module.exports = {
  // Jest's default is one worker fewer than the cores: a single worker on a 2-core machine, while
  // the parent process mostly waits. One per core runs the suites about 1.4x faster there.
  maxWorkers: "100%",
  projects: ["<rootDir>/packages/config", "<rootDir>/packages/constructs", "<rootDir>/stacks"],
};
