import { referencesOf, joinPath, type PackageTarget } from "./shell-references";
import {
  describe,
  effectiveConcurrency,
  effectivePermissions,
  environmentOf,
  grantsIdToken,
  isDeployJob,
  jobsOf,
  lineOf,
  localTarget,
  stepsOf,
  type ActionsFile,
  type JobRef,
} from "./workflow-model";

export type CheckName = "deploy-jobs" | "references" | "pinned-actions" | "no-aws-keys";

export interface Finding {
  readonly check: CheckName;
  /** Path of the workflow or action, relative to the repository root. */
  readonly file: string;
  readonly line?: number;
  readonly message: string;
}

/** What the reference check needs to know about the repository. */
export interface RepoView {
  /** Whether a file or directory exists, by path relative to the repository root. */
  exists(path: string): boolean;
  /** The `scripts` of the package.json in `dir`, or undefined when there is none. */
  scripts(dir: string): Readonly<Record<string, string>> | undefined;
  /** The directory of the workspace package called `name`, or undefined. */
  packageDir(name: string): string | undefined;
  /** A file's text, or undefined when it does not exist. */
  read(path: string): string | undefined;
}

/**
 * Deploy jobs need an OIDC token (`id-token: write`), since no AWS keys are stored anywhere, and
 * a concurrency group, so two runs never apply the same state at once. The group must not cancel
 * a run in progress (that would kill a Terraform apply mid-way and leave the state locked) and, for
 * a job in a GitHub Environment, must name that environment so environments queue separately.
 */
export function checkDeployJobs(files: readonly ActionsFile[]): Finding[] {
  const findings: Finding[] = [];
  for (const file of files.filter((f) => f.kind === "workflow")) {
    for (const ref of jobsOf(file)) {
      if (!isDeployJob(ref, files)) continue;
      const report = (message: string, needle?: string) =>
        findings.push({ check: "deploy-jobs", file: file.path, line: lineOf(file, needle ?? `${ref.id}:`), message: `${describe(ref)}: ${message}` });
      if (!grantsIdToken(effectivePermissions(ref))) {
        report(`deploys but its permissions ${JSON.stringify(effectivePermissions(ref) ?? "(none)")} do not include "id-token: write"; OIDC is the only way to AWS`);
      }
      // A caller job's concurrency comes from the reusable workflow's own jobs, checked there.
      if (ref.job.uses !== undefined) continue;
      const concurrency = effectiveConcurrency(ref);
      if (concurrency === undefined) {
        report("deploys but has no concurrency group (job or workflow level); two runs could apply the same state at once");
        continue;
      }
      if (concurrency.cancelInProgress === true) {
        report(`concurrency group "${concurrency.group}" has cancel-in-progress: true; a cancelled apply leaves resources half-changed and the state locked`);
      }
      const env = environmentOf(ref.job);
      if (env !== undefined && !concurrency.group.includes(env)) {
        report(`concurrency group "${concurrency.group}" does not include its environment "${env}"; each environment needs its own group`);
      }
    }
  }
  return findings;
}

function targetDir(target: PackageTarget, repo: RepoView): string | undefined {
  if ("dir" in target) return target.dir;
  if (target.filter.startsWith("./") || target.filter === ".") return joinPath(".", target.filter);
  return repo.packageDir(target.filter);
}

function describeTarget(target: PackageTarget): string {
  return "dir" in target ? `the package in "${target.dir}"` : `package "${target.filter}"`;
}

const FILE_INPUTS = ["file", "context", "working-directory", "node-version-file", "go-version-file", "cache-dependency-path"];

/** Every script, package, file and local action a job names must exist. */
export function checkReferences(files: readonly ActionsFile[], repo: RepoView): Finding[] {
  const findings: Finding[] = [];
  const report = (ref: JobRef, needle: string, message: string) =>
    findings.push({ check: "references", file: ref.file.path, line: lineOf(ref.file, needle), message: `${describe(ref)}: ${message}` });

  for (const file of files) {
    for (const ref of jobsOf(file)) {
      const jobDir = ref.job.defaults?.run?.["working-directory"] ?? ".";
      for (const uses of [ref.job.uses, ...stepsOf(ref).map((s) => s.uses)]) {
        if (!uses?.startsWith("./")) continue;
        const target = localTarget(uses);
        const exists = /\.ya?ml$/.test(target) ? repo.exists(target) : repo.exists(`${target}/action.yml`) || repo.exists(`${target}/action.yaml`);
        if (!exists) report(ref, uses, `uses "${uses}", which does not exist`);
      }
      for (const step of stepsOf(ref)) {
        for (const key of FILE_INPUTS) {
          const value = step.with?.[key];
          if (typeof value === "string" && !value.includes("${{") && !repo.exists(joinPath(".", value))) {
            report(ref, value, `input ${key}: "${value}" does not exist`);
          }
        }
        if (typeof step.run !== "string") continue;
        const cwd = step["working-directory"] ?? jobDir;
        if (!cwd.includes("${{") && !repo.exists(cwd)) report(ref, cwd, `working-directory "${cwd}" does not exist`);
        // Shell scripts a step runs are followed, once each: what they run must exist too.
        const queue: { script: string; cwd: string; via: string }[] = [{ script: step.run, cwd, via: "" }];
        const seen = new Set<string>();
        for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
          for (const r of referencesOf(item.script, item.cwd)) {
            const dir = targetDir(r.kind === "script" ? r.target : r.dir, repo);
            const where = r.kind === "script" ? describeTarget(r.target) : describeTarget(r.dir);
            const needle = item.via === "" ? (r.kind === "script" ? r.script : r.path) : item.via;
            const said = `${item.via === "" ? "" : `${item.via}: `}"${r.command}"`;
            if (dir === undefined) {
              report(ref, needle, `${said} names ${where}, which is not a workspace package`);
            } else if (r.kind === "script") {
              const scripts = repo.scripts(dir);
              if (scripts === undefined) report(ref, needle, `${said}: ${where} has no package.json`);
              else if (!(r.script in scripts)) report(ref, needle, `${said}: ${where} has no script "${r.script}" (it has: ${Object.keys(scripts).join(", ") || "none"})`);
            } else {
              const path = joinPath(dir, r.path);
              const text = repo.read(path);
              if (text === undefined && !repo.exists(path)) report(ref, needle, `${said} runs "${path}", which does not exist`);
              else if (text !== undefined && /\.(sh|bash)$/.test(path) && !seen.has(path)) {
                seen.add(path);
                // Scripts run from the repository root (every workflow step here does).
                queue.push({ script: text, cwd: item.cwd, via: path });
              }
            }
          }
        }
      }
    }
  }
  return findings;
}

const FULL_SHA = /^[0-9a-f]{40}$/;

/**
 * Every action and reusable workflow from outside the repository is pinned to a full commit SHA
 * (a tag can be moved to other code), with the release it is in a trailing `# vX.Y.Z` comment
 * so that humans and update bots can read it. Docker actions are pinned by image digest.
 */
export function checkPinnedActions(files: readonly ActionsFile[]): Finding[] {
  const findings: Finding[] = [];
  for (const file of files) {
    file.text.split("\n").forEach((line, index) => {
      const m = line.match(/^\s*(?:-\s+)?uses:\s*["']?([^\s"'#]+)["']?\s*(#.*)?$/);
      if (!m) return;
      const uses = m[1]!;
      const comment = m[2];
      const report = (message: string) => findings.push({ check: "pinned-actions", file: file.path, line: index + 1, message: `"${uses}": ${message}` });
      if (uses.startsWith("./")) return;
      if (uses.startsWith("docker://")) {
        if (!/@sha256:[0-9a-f]{64}$/.test(uses)) report("a docker action must be pinned by digest (docker://image@sha256:<64 hex>)");
        return;
      }
      const at = uses.lastIndexOf("@");
      const ref = at < 0 ? "" : uses.slice(at + 1);
      if (!FULL_SHA.test(ref)) report(`is not pinned to a full commit SHA (got "${ref || "no ref"}"); write owner/repo@<40 hex> # vX.Y.Z`);
      else if (!comment || !/#\s*v?\d+\.\d+\.\d+\b/.test(comment)) report("is pinned to a SHA without a trailing \"# vX.Y.Z\" comment naming its release");
    });
  }
  return findings;
}

const AWS_KEY_NAMES = /aws[_-]?(access[_-]?key[_-]?id|secret[_-]?access[_-]?key|session[_-]?token)/i;
const AWS_KEY_VALUE = /\b(AKIA|ASIA)[A-Z0-9]{16}\b/;

/** No workflow handles long-lived AWS keys: no key variables or inputs, no key IDs. */
export function checkNoAwsKeys(files: readonly ActionsFile[]): Finding[] {
  const findings: Finding[] = [];
  for (const file of files) {
    file.text.split("\n").forEach((line, index) => {
      const name = line.match(AWS_KEY_NAMES);
      if (name) findings.push({ check: "no-aws-keys", file: file.path, line: index + 1, message: `mentions "${name[0]}"; deploys assume a role through OIDC and never handle AWS keys` });
      const value = line.match(AWS_KEY_VALUE);
      if (value) findings.push({ check: "no-aws-keys", file: file.path, line: index + 1, message: `contains what looks like an AWS access key ID ("${value[0].slice(0, 8)}…")` });
    });
  }
  return findings;
}

export function checkAll(files: readonly ActionsFile[], repo: RepoView): Finding[] {
  return [...checkDeployJobs(files), ...checkReferences(files, repo), ...checkPinnedActions(files), ...checkNoAwsKeys(files)];
}

export function formatFinding(f: Finding): string {
  return `${f.file}${f.line === undefined ? "" : `:${f.line}`}: [${f.check}] ${f.message}`;
}
