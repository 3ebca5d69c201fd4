import { spawnSync } from "node:child_process";
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { REPO_ROOT } from "./repo-view";

/**
 * A scratch repository for running scripts/ci/*.sh in tests: a copy of the scripts, and stand-in
 * commands (aws, pnpm, skopeo, terraform, bun…) that log each call and answer from rules. The
 * first rule whose pattern matches the arguments answers; a `once` rule answers one time only.
 */
export interface Rule {
  /** Regular expression over the arguments joined by spaces. */
  readonly match: string;
  readonly stdout?: string;
  readonly stderr?: string;
  readonly exit?: number;
  readonly once?: boolean;
}

export interface FakeRepo {
  readonly root: string;
  /** Sets the rules of a stand-in command at `path` (e.g. `aws` on PATH, or `stacks/node_modules/.bin/bun`). */
  fake(path: string, rules: Rule[]): void;
  /** Every call so far, as `<command> <args>`. */
  calls(): string[];
  run(script: string, args: string[], env?: Record<string, string>): { status: number | null; stdout: string; stderr: string };
  cleanup(): void;
}

export function fakeRepo(): FakeRepo {
  const root = mkdtempSync(join(tmpdir(), "ci-scripts-"));
  const bin = join(root, ".fake-bin");
  const rulesDir = join(root, ".fake-rules");
  const log = join(root, ".fake-log");
  mkdirSync(bin);
  mkdirSync(rulesDir);
  writeFileSync(log, "");
  cpSync(join(REPO_ROOT, "scripts", "ci"), join(root, "scripts", "ci"), { recursive: true });
  return {
    root,
    fake(path, rules) {
      // Plain bash, so that a call costs milliseconds: scripts under test call these a lot.
      const name = path.replace(/\//g, "_");
      const target = path.includes("/") ? join(root, path) : join(bin, path);
      mkdirSync(dirname(target), { recursive: true });
      rmSync(join(rulesDir, name), { recursive: true, force: true });
      mkdirSync(join(rulesDir, name));
      const lines = ["#!/usr/bin/env bash", `{ printf '%s' ${JSON.stringify(name)}; printf '\\x1f%s' "$@"; printf '\\n'; } >> ${JSON.stringify(log)}`, 'args="$*"'];
      rules.forEach((rule, i) => {
        const file = (kind: string) => join(rulesDir, name, `${i}.${kind}`);
        writeFileSync(file("re"), rule.match);
        writeFileSync(file("out"), rule.stdout ?? "");
        writeFileSync(file("err"), rule.stderr ?? "");
        lines.push(
          `re=$(<${JSON.stringify(file("re"))})`,
          `if [[ ! -e ${JSON.stringify(file("used"))} && "$args" =~ $re ]]; then`,
          rule.once ? `  touch ${JSON.stringify(file("used"))}` : "  :",
          `  cat ${JSON.stringify(file("out"))}; cat ${JSON.stringify(file("err"))} >&2; exit ${rule.exit ?? 0}`,
          "fi",
        );
      });
      lines.push(`echo "fake ${name}: no rule for: $args" >&2`, "exit 97");
      writeFileSync(target, `${lines.join("\n")}\n`);
      chmodSync(target, 0o755);
    },
    calls: () =>
      readFileSync(log, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((line) => line.split("\x1f").join(" ")),
    run(script, args, env = {}) {
      const r = spawnSync("bash", [join(root, script), ...args], {
        cwd: root,
        encoding: "utf8",
        env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, GITHUB_STEP_SUMMARY: "", GITHUB_OUTPUT: "", ...env },
      });
      return { status: r.status, stdout: r.stdout, stderr: r.stderr };
    },
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** The scripts need jq and bash; without jq the tests are reported as skipped. */
export const hasJq = spawnSync("jq", ["--version"]).status === 0;
