import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "@bun-fargate/config";
import { fakeRepo, hasJq, type FakeRepo } from "./fake-commands";
import { deployTarget } from "./pipeline-config";

// scripts/ci/*.sh, run by bash against stand-in aws, pnpm (cdktf), skopeo, terraform and bun.
const maybe = hasJq ? describe : describe.skip;

const D = `sha256:${"d".repeat(64)}`;
const OTHER = `sha256:${"e".repeat(64)}`;
const REGISTRY = "111111111111.dkr.ecr.us-east-1.amazonaws.com";
const IMAGE = `${REGISTRY}/bunfg/dev/bun-api@${D}`;
const NOT_FOUND = { exit: 254, stderr: "An error occurred (ImageNotFoundException)" };

let repo: FakeRepo;
beforeEach(() => {
  repo = fakeRepo();
  for (const env of ["dev", "prod"]) writeFileSync(join(repo.root, `${env}.json`), JSON.stringify(deployTarget(loadConfig(), env)));
});
afterEach(() => repo.cleanup());

maybe("push-images.sh", () => {
  beforeEach(() => {
    const dir = join(repo.root, "images", "image-bun-api");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "image.tar"), "");
    writeFileSync(join(dir, "image.json"), JSON.stringify({ service: "bun-api", revision: "abc1234", digest: D, platformDigests: [] }));
    repo.fake("skopeo", [{ match: "^copy " }]);
    // One service's push at a time: the target narrowed to bun-api.
    const target = deployTarget(loadConfig(), "dev");
    writeFileSync(join(repo.root, "dev.json"), JSON.stringify({ ...target, services: target.services.filter((s) => s.name === "bun-api") }));
  });
  const push = () => repo.run("scripts/ci/push-images.sh", ["images", "dev.json", "release.json"], { GITHUB_RUN_ID: "42" });
  const pushed = { match: `imageDigest=${D} --query`, stdout: `${D}\n` };

  test("pushes the archive's bytes with the digest preserved, tagged sha-<git sha>, and records the release", () => {
    repo.fake("aws", [{ match: `imageDigest=${D}$`, ...NOT_FOUND }, { match: "imageTag=sha-abc1234$", ...NOT_FOUND }, pushed]);
    expect(push().status).toBe(0);
    expect(repo.calls()).toContain(
      `skopeo copy --all --preserve-digests --retry-times 3 oci-archive:images/image-bun-api/image.tar docker://${REGISTRY}/bunfg/dev/bun-api:sha-abc1234`,
    );
    expect(JSON.parse(readFileSync(join(repo.root, "release.json"), "utf8"))).toEqual({ "bun-api": { image: IMAGE, version: "abc1234", acceptDigests: "" } });
  });

  test("does not push a digest the repository already holds (a re-run)", () => {
    repo.fake("aws", [{ match: `imageDigest=${D}$` }, pushed]);
    expect(push().status).toBe(0);
    expect(repo.calls().filter((c) => c.startsWith("skopeo"))).toEqual([]);
  });

  test("a rebuilt commit gets its own tag: tags are immutable", () => {
    repo.fake("aws", [{ match: `imageDigest=${D}$`, ...NOT_FOUND }, { match: "imageTag=sha-abc1234$" }, pushed]);
    expect(push().status).toBe(0);
    expect(repo.calls().find((c) => c.startsWith("skopeo"))).toMatch(/:sha-abc1234-42$/);
  });

  test("fails when the repository does not hold the digest after the push", () => {
    repo.fake("aws", [{ match: `imageDigest=${D}$`, ...NOT_FOUND }, { match: "imageTag=", ...NOT_FOUND }, { match: "--query", stdout: `${OTHER}\n` }]);
    const r = push();
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(`bun-api: bunfg/dev/bun-api holds ${OTHER}, expected ${D}`);
  });

  test("fails when a service has no image artifact", () => {
    writeFileSync(join(repo.root, "dev.json"), JSON.stringify({ ...deployTarget(loadConfig(), "dev"), services: [{ name: "mailer", repository: "bunfg/dev/mailer" }] }));
    expect(push().stderr).toContain("no image artifact for mailer in images/image-mailer");
  });
});

maybe("tag-release.sh", () => {
  const tag = () => repo.run("scripts/ci/tag-release.sh", ["bunfg/dev/bun-api", D, "release-abc1234"]);
  const manifest = { match: "^ecr batch-get-image", stdout: JSON.stringify({ images: [{ imageManifest: '{"schemaVersion":2}', imageManifestMediaType: "application/vnd.oci.image.manifest.v1+json" }] }) };

  test("puts the same manifest under the new tag and checks the digest ECR answers", () => {
    repo.fake("aws", [{ match: "imageTag=release-abc1234", ...NOT_FOUND }, manifest, { match: "^ecr put-image", stdout: `${D}\n` }]);
    expect(tag().status).toBe(0);
    const put = repo.calls().find((c) => c.startsWith("aws ecr put-image"));
    expect(put).toMatch(new RegExp(`--image-tag release-abc1234 --image-digest ${D} --image-manifest file://\\S+/manifest.json --image-manifest-media-type application/vnd.oci.image.manifest.v1\\+json`));
  });

  test("leaves an existing tag alone, on the same digest or not", () => {
    repo.fake("aws", [{ match: "imageTag=release-abc1234", stdout: `${D}\n` }]);
    expect(tag().stdout).toContain("already names");
    repo.fake("aws", [{ match: "imageTag=release-abc1234", stdout: `${OTHER}\n` }]);
    expect(tag()).toMatchObject({ status: 0, stdout: expect.stringContaining("::warning::") });
    expect(repo.calls().filter((c) => c.includes("put-image"))).toEqual([]);
  });

  test("fails when ECR tags another digest", () => {
    repo.fake("aws", [{ match: "imageTag=", ...NOT_FOUND }, manifest, { match: "^ecr put-image", stdout: `${OTHER}\n` }]);
    expect(tag().status).not.toBe(0);
  });
});

maybe("deploy-services.sh", () => {
  beforeEach(() => {
    writeFileSync(join(repo.root, "release.json"), JSON.stringify({ "bun-api": { image: IMAGE, version: "abc1234", acceptDigests: "" } }));
    repo.fake("pnpm", [{ match: "^exec cdktf diff", stdout: "Plan: 0 to add, 1 to change, 0 to destroy.\n" }, { match: "^exec cdktf deploy" }]);
    repo.fake("terraform", [{ match: "output -raw Url", stdout: "http://alb.example/" }]);
    repo.fake("aws", [{ match: "imageTag=release-abc1234", stdout: `${D}\n` }]);
    writeFileSync(join(repo.root, "summary.md"), "");
    writeFileSync(join(repo.root, "output"), "");
  });
  const deploy = () =>
    repo.run("scripts/ci/deploy-services.sh", ["dev.json", "release.json"], { GITHUB_STEP_SUMMARY: join(repo.root, "summary.md"), GITHUB_OUTPUT: join(repo.root, "output") });
  const vars = `--var=image=${IMAGE} --var=app_version=abc1234`;

  test("plans, deploys by digest, verifies, and only then tags the release", () => {
    repo.fake("stacks/node_modules/.bin/bun", [{ match: "pipeline.ts verify" }]);
    expect(deploy().status).toBe(0);
    expect(repo.calls()).toEqual([
      `pnpm exec cdktf diff dev-bun-api --skip-synth --no-color ${vars}`,
      `pnpm exec cdktf deploy dev-bun-api --skip-synth --auto-approve --ignore-missing-stack-dependencies ${vars}`,
      expect.stringMatching(
        new RegExp(`^stacks_node_modules_\\.bin_bun stacks/src/ci/pipeline\\.ts verify --target ${repo.root}/dev\\.json --service bun-api --image \\S+@${D} --version abc1234 --accept-digests  --stack-dir ${repo.root}/cdktf\\.out/stacks/dev-bun-api --since \\d{10}$`),
      ),
      "aws ecr describe-images --repository-name bunfg/dev/bun-api --image-ids imageTag=release-abc1234 --query imageDetails[0].imageDigest --output text",
      `terraform -chdir=${repo.root}/cdktf.out/stacks/dev-bun-api output -raw Url`,
    ]);
    expect(readFileSync(join(repo.root, "summary.md"), "utf8")).toContain("<b>dev-bun-api</b>: Plan: 0 to add, 1 to change, 0 to destroy");
    expect(readFileSync(join(repo.root, "output"), "utf8")).toBe("url=http://alb.example/\n");
  });

  test("deploys a worker before the service that sends to its queue, whatever the release's key order", () => {
    const worker = `${REGISTRY}/bunfg/dev/worker@${D}`;
    writeFileSync(join(repo.root, "release.json"), JSON.stringify({ "bun-api": { image: IMAGE, version: "abc1234", acceptDigests: "" }, worker: { image: worker, version: "abc1234", acceptDigests: "" } }));
    repo.fake("aws", [{ match: "imageTag=release-abc1234", stdout: `${D}\n` }]);
    repo.fake("stacks/node_modules/.bin/bun", [{ match: "pipeline.ts verify" }]);
    expect(deploy().status).toBe(0);
    expect(repo.calls().filter((c) => c.startsWith("pnpm exec cdktf deploy")).map((c) => c.split(" ")[4])).toEqual(["dev-worker", "dev-bun-api"]);
  });

  test("fails without tagging when the verification fails", () => {
    repo.fake("stacks/node_modules/.bin/bun", [{ match: "verify", exit: 1, stderr: "::error::bun-api: rolled back" }]);
    expect(deploy().status).toBe(1);
    expect(repo.calls().filter((c) => c.startsWith("aws"))).toEqual([]);
  });

  test("fails without deploying when the plan fails", () => {
    repo.fake("pnpm", [{ match: "^exec cdktf diff", exit: 1, stdout: "Error: Invalid value for variable\n" }]);
    expect(deploy().status).toBe(1);
    expect(repo.calls()).toHaveLength(1);
    expect(readFileSync(join(repo.root, "summary.md"), "utf8")).toContain("plan failed (exit 1)");
  });
});

maybe("deploy-infra.sh", () => {
  test("plans then deploys each stack, in order", () => {
    repo.fake("pnpm", [{ match: "^exec cdktf" }]);
    expect(repo.run("scripts/ci/deploy-infra.sh", ["dev-network", "dev-cluster"]).status).toBe(0);
    expect(repo.calls().map((c) => c.split(" ").slice(0, 6).join(" "))).toEqual([
      "pnpm exec cdktf diff dev-network --skip-synth",
      "pnpm exec cdktf deploy dev-network --skip-synth",
      "pnpm exec cdktf diff dev-cluster --skip-synth",
      "pnpm exec cdktf deploy dev-cluster --skip-synth",
    ]);
  });
});

maybe("destroy-environment.sh", () => {
  test("destroys the operations stack and the services, empties repositories, then the cluster and the network", () => {
    repo.fake("pnpm", [{ match: "^exec cdktf destroy" }]);
    repo.fake("aws", [
      { match: "^ecr describe-repositories" },
      { match: "^ecr list-images", once: true, stdout: JSON.stringify([{ imageDigest: D }]) },
      { match: "^ecr list-images", stdout: "[]" },
      { match: "^ecr batch-delete-image" },
    ]);
    expect(repo.run("scripts/ci/destroy-environment.sh", ["dev.json"]).status).toBe(0);
    expect(repo.calls().filter((c) => c.startsWith("aws ecr batch-delete-image"))).toHaveLength(1);
    const destroys = repo.calls().filter((c) => c.includes("destroy"));
    expect(destroys[0]).toContain("dev-operations --skip-synth --auto-approve --ignore-missing-stack-dependencies");
    // Services in reverse deploy order: nightly, then the producer before the worker whose queue it sends to.
    expect(destroys[1]).toContain("dev-nightly --skip-synth");
    expect(destroys[2]).toContain(`dev-bun-api --skip-synth --auto-approve --ignore-missing-stack-dependencies --var=image=${REGISTRY}/bunfg/dev/bun-api@sha256:${"0".repeat(64)}`);
    // Images are deleted before the cluster goes.
    expect(destroys[3]).toContain(`dev-worker --skip-synth --auto-approve --ignore-missing-stack-dependencies --var=image=${REGISTRY}/bunfg/dev/worker@sha256:${"0".repeat(64)}`);
    expect(repo.calls().findIndex((c) => c.startsWith("aws ecr batch-delete-image"))).toBeLessThan(repo.calls().findIndex((c) => c.includes("dev-cluster")));
    expect(destroys.slice(4).map((c) => c.split(" ")[4])).toEqual(["dev-cluster", "dev-network"]);
  });

  test("refuses a protected environment before touching anything", () => {
    const r = repo.run("scripts/ci/destroy-environment.sh", ["prod.json"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("prod is protected");
    expect(repo.calls()).toEqual([]);
  });
});
