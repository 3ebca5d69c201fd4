import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fsRepoView } from "./repo-view";
import { checkAll, formatFinding, type CheckName, type Finding } from "./workflow-checks";
import { loadActionsFiles, parseActionsFile, type ActionsFile } from "./workflow-model";

// A small repository whose workflows pass every check; each bad fixture is added to it as one more
// workflow, so a finding can only come from that fixture.
const FIXTURE_REPO = join(__dirname, "fixtures", "repo");
const repo = fsRepoView(FIXTURE_REPO);
const good = loadActionsFiles(FIXTURE_REPO);

function withBad(name: string): { files: ActionsFile[]; findings: Finding[] } {
  const path = `.github/workflows/${name}`;
  const files = [...good, parseActionsFile(path, readFileSync(join(__dirname, "fixtures", "bad", name), "utf8"))];
  return { files, findings: checkAll(files, repo).filter((f) => f.file === path) };
}

function messagesOf(findings: Finding[], check: CheckName): string[] {
  return findings.filter((f) => f.check === check).map((f) => f.message);
}

describe("the fixture repository", () => {
  it("loads its workflows and composite action", () => {
    expect(good.map((f) => f.path)).toEqual([
      ".github/workflows/ci.yml",
      ".github/workflows/deploy-environment.yml",
      ".github/workflows/deploy.yml",
      ".github/actions/setup/action.yml",
    ]);
  });

  it("passes every check, so a finding below comes from the bad fixture alone", () => {
    expect(checkAll(good, repo).map(formatFinding)).toEqual([]);
  });
});

describe("fails when a deploy job lacks id-token: write", () => {
  it("has no id-token permission at all", () => {
    const { findings } = withBad("deploy-without-id-token.yml");
    expect(messagesOf(findings, "deploy-jobs")).toEqual([expect.stringMatching(/job "deploy": deploys but its permissions .* do not include "id-token: write"/)]);
    expect(findings.every((f) => f.check === "deploy-jobs")).toBe(true);
  });

  it("has a job-level permissions block that replaces the workflow's id-token grant", () => {
    const { findings } = withBad("job-permissions-drop-id-token.yml");
    expect(messagesOf(findings, "deploy-jobs")).toEqual([expect.stringContaining('{"contents":"read"} do not include "id-token: write"')]);
  });

  it("calls a deploying reusable workflow without granting id-token", () => {
    const { findings } = withBad("caller-without-id-token.yml");
    expect(messagesOf(findings, "deploy-jobs")).toEqual([expect.stringMatching(/job "dev": deploys but its permissions/)]);
  });
});

describe("fails when a deploy job lacks a safe concurrency group", () => {
  it("has none", () => {
    const { findings } = withBad("deploy-without-concurrency.yml");
    expect(messagesOf(findings, "deploy-jobs")).toEqual([expect.stringContaining("has no concurrency group")]);
  });

  it("cancels an apply in progress", () => {
    const { findings } = withBad("deploy-cancel-in-progress.yml");
    expect(messagesOf(findings, "deploy-jobs")).toEqual([expect.stringContaining('"deploy-dev" has cancel-in-progress: true')]);
  });

  it("shares one group across environments", () => {
    const { findings } = withBad("environment-shared-group.yml");
    expect(messagesOf(findings, "deploy-jobs")).toEqual([expect.stringContaining('group "deploy" does not include its environment "prod"')]);
  });
});

describe("fails when a job refers to something that does not exist", () => {
  it("runs package scripts that are not defined", () => {
    const { findings } = withBad("missing-package-script.yml");
    expect(messagesOf(findings, "references")).toEqual([
      expect.stringContaining('"pnpm run deploy": the package in "." has no script "deploy" (it has: test, synth)'),
      expect.stringContaining('package "@workflow-fixture/infra" has no script "typecheck"'),
    ]);
  });

  it("filters on a package that is not in the workspace", () => {
    const { findings } = withBad("unknown-package.yml");
    expect(messagesOf(findings, "references")).toEqual([expect.stringContaining('names package "@workflow-fixture/api", which is not a workspace package')]);
  });

  it("runs files that are not in the repository", () => {
    const { findings } = withBad("missing-file.yml");
    expect(messagesOf(findings, "references")).toEqual([
      expect.stringContaining('runs "scripts/release.sh", which does not exist'),
      expect.stringContaining('runs "infra/verify-deploy.mjs", which does not exist'),
    ]);
  });

  it("runs a script that runs a file that is not there", () => {
    const { findings } = withBad("missing-file-in-script.yml");
    expect(messagesOf(findings, "references")).toEqual([expect.stringContaining('scripts/broken.sh: "node scripts/gone.mjs" runs "scripts/gone.mjs", which does not exist')]);
  });

  it("uses a local action that is not there", () => {
    const { findings } = withBad("missing-local-action.yml");
    expect(messagesOf(findings, "references")).toEqual([expect.stringContaining('uses "./.github/actions/cache", which does not exist')]);
  });
});

describe("fails when an action is not pinned", () => {
  it("is pinned to a tag", () => {
    const { findings } = withBad("unpinned-tag.yml");
    expect(findings.map(formatFinding)).toEqual([
      '.github/workflows/unpinned-tag.yml:7: [pinned-actions] "actions/checkout@v4": is not pinned to a full commit SHA (got "v4"); write owner/repo@<40 hex> # vX.Y.Z',
    ]);
  });

  it("is pinned to a SHA without naming the release", () => {
    const { findings } = withBad("sha-without-comment.yml");
    expect(messagesOf(findings, "pinned-actions")).toEqual([expect.stringContaining('without a trailing "# vX.Y.Z" comment')]);
  });
});

describe("fails when a workflow handles AWS keys", () => {
  it("reads a key variable", () => {
    const { findings } = withBad("aws-key-variable.yml");
    // One finding per line, however many names it holds.
    expect(findings.map((f) => [f.check, f.line])).toEqual([["no-aws-keys", 7]]);
    expect(findings[0]?.message).toContain('mentions "AWS_ACCESS_KEY_ID"');
  });

  it("passes a secret key to the credentials action", () => {
    const { findings } = withBad("aws-key-input.yml");
    expect(messagesOf(findings, "no-aws-keys")).toEqual([expect.stringContaining('mentions "aws-secret-access-key"')]);
    expect(findings.every((f) => f.check === "no-aws-keys")).toBe(true);
  });

  it("contains a key ID", () => {
    const { findings } = withBad("aws-key-value.yml");
    expect(messagesOf(findings, "no-aws-keys")).toEqual([expect.stringContaining("looks like an AWS access key ID")]);
  });
});
