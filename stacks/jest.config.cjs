/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/src"],
  transform: { "^.+\\.tsx?$": ["@swc/jest"] },
  extensionsToTreatAsEsm: [],
  moduleFileExtensions: ["ts", "js", "json"],
};
