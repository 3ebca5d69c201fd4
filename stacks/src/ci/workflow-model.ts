import { readdirSync, readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

/**
 * A GitHub Actions file as the checks see it: the raw text (for comments and secrets) and the
 * parsed document (for structure). Workflows and composite actions share this shape.
 */
export interface ActionsFile {
  /** Path relative to the repository root, e.g. `.github/workflows/ci.yml`. */
  readonly path: string;
  readonly kind: "workflow" | "action";
  readonly text: string;
  readonly doc: Record<string, unknown>;
}

export interface Step {
  readonly uses?: string;
  readonly run?: string;
  readonly with?: Record<string, unknown>;
  readonly "working-directory"?: string;
}

export interface Job {
  readonly "runs-on"?: unknown;
  readonly uses?: string;
  readonly steps?: readonly Step[];
  readonly permissions?: unknown;
  readonly concurrency?: unknown;
  readonly environment?: unknown;
  readonly defaults?: { readonly run?: { readonly "working-directory"?: string } };
}

/** One job of one workflow, or the step list of a composite action (with `job` undefined). */
export interface JobRef {
  readonly file: ActionsFile;
  readonly id: string | undefined;
  readonly job: Job;
}

export function parseActionsFile(path: string, text: string): ActionsFile {
  const doc = (parse(text) ?? {}) as Record<string, unknown>;
  const kind = /(^|\/)action\.ya?ml$/.test(path) ? "action" : "workflow";
  return { path, kind, text, doc };
}

/** Reads `.github/workflows/*.yml` and every `.github/actions/<name>/action.yml` under `root`. */
export function loadActionsFiles(root: string): ActionsFile[] {
  const files: ActionsFile[] = [];
  const workflows = join(root, ".github", "workflows");
  if (existsSync(workflows)) {
    for (const name of readdirSync(workflows).sort()) {
      if (/\.ya?ml$/.test(name)) files.push(parseActionsFile(`.github/workflows/${name}`, readFileSync(join(workflows, name), "utf8")));
    }
  }
  const actions = join(root, ".github", "actions");
  if (existsSync(actions)) {
    for (const dir of readdirSync(actions).sort()) {
      for (const name of ["action.yml", "action.yaml"]) {
        const path = join(actions, dir, name);
        if (existsSync(path)) files.push(parseActionsFile(`.github/actions/${dir}/${name}`, readFileSync(path, "utf8")));
      }
    }
  }
  return files;
}

/** Jobs of a workflow; a composite action counts as one job whose steps are its `runs.steps`. */
export function jobsOf(file: ActionsFile): JobRef[] {
  if (file.kind === "action") {
    const runs = file.doc.runs as { steps?: Step[] } | undefined;
    return [{ file, id: undefined, job: { steps: runs?.steps ?? [] } }];
  }
  const jobs = (file.doc.jobs ?? {}) as Record<string, Job>;
  return Object.entries(jobs).map(([id, job]) => ({ file, id, job: job ?? {} }));
}

export function stepsOf(ref: JobRef): readonly Step[] {
  return Array.isArray(ref.job.steps) ? ref.job.steps : [];
}

/** `where` text for findings: `deploy.yml job "build"`. */
export function describe(ref: JobRef): string {
  return ref.id === undefined ? ref.file.path : `${ref.file.path} job "${ref.id}"`;
}

/** The line (1-based) of the first occurrence of `needle` in the file, for findings. */
export function lineOf(file: ActionsFile, needle: string): number | undefined {
  const index = file.text.indexOf(needle);
  return index < 0 ? undefined : file.text.slice(0, index).split("\n").length;
}

/**
 * The permissions a job runs with: its own block replaces the workflow's entirely (GitHub does
 * not merge them), so a job-level block without `id-token` drops a workflow-level grant.
 */
export function effectivePermissions(ref: JobRef): unknown {
  return ref.job.permissions !== undefined ? ref.job.permissions : ref.file.doc.permissions;
}

export function grantsIdToken(permissions: unknown): boolean {
  if (permissions === "write-all") return true;
  if (permissions && typeof permissions === "object") return (permissions as Record<string, unknown>)["id-token"] === "write";
  return false;
}

export interface Concurrency {
  readonly group: string;
  readonly cancelInProgress: unknown;
}

/** The concurrency a job runs under: its own, else the workflow's. */
export function effectiveConcurrency(ref: JobRef): Concurrency | undefined {
  const raw = ref.job.concurrency ?? ref.file.doc.concurrency;
  if (typeof raw === "string" && raw.trim() !== "") return { group: raw, cancelInProgress: false };
  if (raw && typeof raw === "object") {
    const { group, "cancel-in-progress": cancelInProgress } = raw as Record<string, unknown>;
    if (typeof group === "string" && group.trim() !== "") return { group, cancelInProgress };
  }
  return undefined;
}

/** The GitHub Environment a job deploys to, as written (a name or an expression). */
export function environmentOf(job: Job): string | undefined {
  const env = job.environment;
  if (typeof env === "string") return env;
  if (env && typeof env === "object" && typeof (env as { name?: unknown }).name === "string") return (env as { name: string }).name;
  return undefined;
}

export const AWS_CREDENTIALS_ACTION = "aws-actions/configure-aws-credentials";

function usesAction(uses: string | undefined, action: string): boolean {
  return uses !== undefined && uses.toLowerCase().startsWith(`${action}@`);
}

/**
 * A job that reaches AWS: it configures AWS credentials itself or through a local composite
 * action, deploys to a GitHub Environment, or calls a local reusable workflow that does.
 */
export function isDeployJob(ref: JobRef, files: readonly ActionsFile[], seen: ReadonlySet<string> = new Set()): boolean {
  if (environmentOf(ref.job) !== undefined) return true;
  const local = (uses: string | undefined) => (uses?.startsWith("./") ? files.find((f) => localTarget(uses) === f.path || localTarget(uses) === dirOf(f.path)) : undefined);
  const viaFile = (target: ActionsFile | undefined) =>
    target !== undefined && !seen.has(target.path) && jobsOf(target).some((j) => isDeployJob(j, files, new Set([...seen, target.path])));
  if (viaFile(local(ref.job.uses))) return true;
  return stepsOf(ref).some((step) => usesAction(step.uses, AWS_CREDENTIALS_ACTION) || viaFile(local(step.uses)));
}

/** `./.github/actions/setup` → `.github/actions/setup`; `./x.yml@ref` is not a thing locally. */
export function localTarget(uses: string): string {
  return uses.replace(/^\.\//, "").replace(/\/$/, "");
}

function dirOf(path: string): string {
  return path.replace(/\/[^/]+$/, "");
}
