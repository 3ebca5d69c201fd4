/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/src"],
  setupFiles: ["<rootDir>/../scripts/jest/cheap-stack-traces.cjs"],
  transform: { "^.+\\.tsx?$": ["@swc/jest"] },
  extensionsToTreatAsEsm: [],
  moduleFileExtensions: ["ts", "js", "json"],
};
