import { loadConfig } from "@bun-fargate/config";
import { deployTarget } from "./pipeline-config";
import { fsRepoView, REPO_ROOT } from "./repo-view";
import { checkDeployJobs, checkNoAwsKeys, checkPinnedActions, checkReferences, formatFinding } from "./workflow-checks";
import { isDeployJob, jobsOf, loadActionsFiles, stepsOf, type ActionsFile, type Job } from "./workflow-model";

// The repository's own workflows, through the same checks the bad fixtures prove can fail.
const files = loadActionsFiles(REPO_ROOT);
const repo = fsRepoView(REPO_ROOT);
const file = (name: string): ActionsFile => {
  const found = files.find((f) => f.path === `.github/workflows/${name}`);
  if (!found) throw new Error(`.github/workflows/${name} is missing`);
  return found;
};
const jobs = (name: string) => (file(name).doc.jobs ?? {}) as Record<string, Job & { needs?: string; with?: Record<string, string> }>;
const config = loadConfig();

describe("the repository's workflows", () => {
  test("are all there: CI, the deploy pipeline and its reusable environment deploy, rollback, destroy, and the shared setup", () => {
    expect(files.map((f) => f.path).sort()).toEqual([
      ".github/actions/setup/action.yml",
      ".github/workflows/ci.yml",
      ".github/workflows/deploy-environment.yml",
      ".github/workflows/deploy.yml",
      ".github/workflows/destroy.yml",
      ".github/workflows/rollback.yml",
    ]);
  });

  test("every deploy job has id-token: write and its own non-cancelling concurrency group", () => {
    expect(checkDeployJobs(files).map(formatFinding)).toEqual([]);
    // Not vacuous: these are the jobs the check looked at.
    const deployJobs = files.flatMap((f) => jobsOf(f).filter((j) => f.kind === "workflow" && isDeployJob(j, files)).map((j) => `${f.path}#${j.id}`));
    expect(deployJobs.sort()).toEqual([
      ".github/workflows/deploy-environment.yml#deploy",
      ".github/workflows/deploy.yml#dev",
      ".github/workflows/deploy.yml#prod",
      ".github/workflows/deploy.yml#staging",
      ".github/workflows/destroy.yml#destroy",
      ".github/workflows/rollback.yml#rollback",
    ]);
  });

  test("every script, package script, file and local action they name exists", () => {
    expect(checkReferences(files, repo).map(formatFinding)).toEqual([]);
  });

  test("every action is pinned to a commit SHA with its release in a comment", () => {
    expect(checkPinnedActions(files).map(formatFinding)).toEqual([]);
    expect(files.flatMap((f) => f.text.match(/uses: [\w-]+\/[\w-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+/g) ?? []).length).toBeGreaterThan(20);
  });

  test("no workflow handles AWS keys", () => {
    expect(checkNoAwsKeys(files).map(formatFinding)).toEqual([]);
  });

  test("every job that checks out the repository uses the shared setup action", () => {
    for (const f of files.filter((x) => x.kind === "workflow")) {
      for (const ref of jobsOf(f)) {
        const uses = stepsOf(ref).map((s) => s.uses ?? "");
        if (uses.some((u) => u.startsWith("actions/checkout@"))) expect([`${f.path}#${ref.id}`, uses.includes("./.github/actions/setup")]).toEqual([`${f.path}#${ref.id}`, true]);
      }
    }
  });
});

describe("the deploy pipeline", () => {
  test("deploys the configured environments in order, each after the previous one", () => {
    const all = jobs("deploy.yml");
    const chain: string[] = [];
    for (let need = "build"; ; ) {
      const next = Object.entries(all).find(([, j]) => j.needs === need);
      if (!next) break;
      chain.push(next[1].with?.environment ?? "?");
      need = next[0];
    }
    expect(chain).toEqual(config.environments.map((e) => e.name));
  });

  test("builds images in one job and never in an environment's job: the same digest is promoted", () => {
    expect(file("deploy.yml").text).toContain("outputs: type=oci");
    for (const name of ["deploy-environment.yml", "rollback.yml", "destroy.yml"]) {
      expect([name, /build-push-action|docker build|buildx build/.test(file(name).text)]).toEqual([name, false]);
    }
    expect(file("deploy-environment.yml").text).toContain("bash scripts/ci/push-images.sh");
    expect(repo.read("scripts/ci/push-images.sh")).toContain("skopeo copy --all --preserve-digests");
  });

  test("rollback offers every environment and destroy only the unprotected ones", () => {
    const choices = (name: string) => ((file(name).doc.on as { workflow_dispatch: { inputs: { environment: { options: string[] } } } }).workflow_dispatch.inputs.environment.options);
    expect(choices("rollback.yml")).toEqual(config.environments.map((e) => e.name));
    expect(choices("destroy.yml")).toEqual(config.environments.filter((e) => !deployTarget(config, e.name).protected).map((e) => e.name));
  });

  test("Terraform is new enough for S3-native state locking (>= 1.10)", () => {
    const versions = files.flatMap((f) => [...f.text.matchAll(/terraform_version: (\d+)\.(\d+)\.(\d+)/g)]);
    expect(versions.length).toBeGreaterThanOrEqual(2);
    for (const [, major, minor] of versions) expect(Number(major) * 100 + Number(minor)).toBeGreaterThanOrEqual(110);
  });
});
