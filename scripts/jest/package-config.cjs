/** The jest configuration every TypeScript package shares: tests beside the code under src/. */
module.exports = (rootDir) => ({
  rootDir,
  testEnvironment: "node",
  roots: ["<rootDir>/src"],
  setupFiles: [`${__dirname}/cheap-stack-traces.cjs`],
  transform: { "^.+\\.tsx?$": ["@swc/jest"] },
  moduleFileExtensions: ["ts", "js", "json"],
});
