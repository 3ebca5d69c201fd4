import { describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildCli, hostArch } from "./build";

describe("buildCli", () => {
  test("builds the service's entry into an executable that runs", async () => {
    const root = mkdtempSync(join(tmpdir(), "kit-build-"));
    writeFileSync(join(root, "main.ts"), 'console.log(JSON.stringify({ msg: "hello", arch: process.arch }));\n');
    const outfile = join(root, "out", "app");
    await buildCli(root, ["--outfile", outfile, "--entry", "main.ts"]);
    const run = Bun.spawnSync([outfile]);
    expect(run.exitCode).toBe(0);
    expect(JSON.parse(run.stdout.toString())).toEqual({ msg: "hello", arch: hostArch() === "amd64" ? "x64" : "arm64" });
  }, 60_000);

  test("refuses a missing --outfile and an unknown --arch, naming them", async () => {
    await expect(buildCli("/nonexistent", [])).rejects.toThrow("--outfile is required");
    await expect(buildCli("/nonexistent", ["--outfile", "x", "--arch", "riscv"])).rejects.toThrow("--arch riscv is not supported; expected one of amd64, arm64");
  });
});
