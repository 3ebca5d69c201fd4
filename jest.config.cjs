/**
 * One jest run over every TypeScript package: one start-up instead of three. Each package keeps
 * its own jest.config.cjs (and `pnpm --filter <package> test` still runs it alone).
 * @type {import('jest').Config}
 */
module.exports = {
  projects: ["<rootDir>/packages/config", "<rootDir>/packages/constructs", "<rootDir>/stacks"],
};
