/** @type {import("jest").Config} */
module.exports = require("../scripts/jest/package-config.cjs")(__dirname);
