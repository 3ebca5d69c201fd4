/** The real `pnpm synth` (scripts/synth.mjs), into a folder of the caller's: what would deploy. */
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { lastLines } from "./engine";
import { REPO_ROOT } from "./paths";

export function synthesize(environments: readonly string[], out = join(mkdtempSync(join(tmpdir(), "containers-synth-")), "cdktf.out")): string {
  const r = spawnSync("node", [join(REPO_ROOT, "scripts", "synth.mjs"), "--out", out], {
    cwd: REPO_ROOT,
    encoding: "utf8",
    env: { ...process.env, BF_ENVIRONMENTS: environments.join(","), BF_PROFILE: "aws", BF_BACKEND: "local" },
  });
  if (r.status !== 0) throw new Error(`pnpm synth failed:\n${lastLines(r.stderr || r.stdout, 30)}`);
  return out;
}
