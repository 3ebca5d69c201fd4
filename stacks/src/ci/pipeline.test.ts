import { spawn } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

// The workflows call `bun stacks/src/ci/pipeline.ts …`; these tests run it the same way, with
// stand-in `aws` and `terraform` commands first on PATH and the readiness URL served locally.
const STACKS = join(__dirname, "..", "..");
const BUN = join(STACKS, "node_modules", ".bin", "bun");
const DIGEST = `sha256:${"c".repeat(64)}`;
const IMAGE = `111111111111.dkr.ecr.us-east-1.amazonaws.com/bunfg/dev/bun-api@${DIGEST}`;
const TD = "arn:aws:ecs:us-east-1:111111111111:task-definition/dev-bun-api:3";

let work: string;
let server: Server;
let url: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "pipeline-"));
  const answers = {
    "describe-scalable-targets": { ScalableTargets: [{ ResourceId: "service/bunfg-dev/bun-api", MinCapacity: 1, MaxCapacity: 2 }] },
    "describe-services": { services: [{ serviceName: "bun-api", status: "ACTIVE", desiredCount: 1, runningCount: 1, deployments: [{ id: "d1", status: "PRIMARY", taskDefinition: TD, desiredCount: 1, runningCount: 1, rolloutState: "COMPLETED" }] }] },
    "describe-task-definition": { taskDefinition: { taskDefinitionArn: TD, family: "dev-bun-api", containerDefinitions: [{ name: "dev-bun-api", image: IMAGE }] } },
    "list-tasks": { taskArns: ["arn:task/1"] },
    "describe-tasks": { tasks: [{ taskArn: "arn:task/1", taskDefinitionArn: TD, lastStatus: "RUNNING", containers: [{ name: "dev-bun-api", imageDigest: DIGEST }] }] },
  };
  writeFileSync(join(work, "answers.json"), JSON.stringify(answers));
  writeFileSync(
    join(work, "aws"),
    `#!/usr/bin/env node\nconst fs = require("fs");\nfs.appendFileSync(${JSON.stringify(join(work, "aws.log"))}, process.argv.slice(2).join(" ") + "\\n");\n` +
      `const a = JSON.parse(fs.readFileSync(${JSON.stringify(join(work, "answers.json"))}, "utf8"))[process.argv[3]];\nif (!a) { console.error("unexpected"); process.exit(2); }\nconsole.log(JSON.stringify(a));\n`,
  );
  server = createServer((req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(req.url === "/readyz" ? '{"status":"ready"}' : '{"service":"bun-api","version":"abc1234"}');
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  writeFileSync(join(work, "terraform"), `#!/usr/bin/env sh\necho "$*" >> ${join(work, "terraform.log")}\nprintf '%s' '${url}'\n`);
  chmodSync(join(work, "aws"), 0o755);
  chmodSync(join(work, "terraform"), 0o755);
});

afterAll(() => {
  server.close();
  rmSync(work, { recursive: true, force: true });
});

function pipeline(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((done) => {
    const child = spawn(BUN, ["src/ci/pipeline.ts", ...args], { cwd: STACKS, env: { ...process.env, PATH: `${work}:${process.env.PATH}`, BF_ENVIRONMENTS: "", ...env } });
    let out = "";
    let err = "";
    child.stdout.on("data", (c) => (out += c));
    child.stderr.on("data", (c) => (err += c));
    child.on("close", (code) => done({ code, out, err }));
  });
}

// Each case starts bun and, for verify, waits between readiness answers as the real run does.
jest.setTimeout(30_000);

describe("pipeline.ts", () => {
  test("target writes the JSON file and the step outputs", async () => {
    const r = await pipeline(["target", "dev", "--json", join(work, "target.json")]);
    expect(r.code).toBe(0);
    expect(r.out.trim().split("\n")).toEqual([
      "region=us-east-1",
      "account-id=111111111111",
      "role-arn=arn:aws:iam::111111111111:role/bunfg-github-deploy-dev",
      "registry=111111111111.dkr.ecr.us-east-1.amazonaws.com",
      "infra-stacks=dev-network dev-cluster",
      "operations-stacks=dev-operations",
    ]);
    expect(JSON.parse(readFileSync(join(work, "target.json"), "utf8"))).toMatchObject({ cluster: "bunfg-dev", services: [{ name: "worker", family: "dev-worker" }, { name: "bun-api", family: "dev-bun-api" }, { name: "nightly", family: "dev-nightly", schedule: "dev-nightly" }] });
  });

  test("verify passes against AWS answers and the service's URL, and writes the summary row", async () => {
    writeFileSync(join(work, "summary.md"), "");
    const args = ["verify", "--target", join(work, "target.json"), "--service", "bun-api", "--image", IMAGE, "--version", "abc1234", "--accept-digests", "", "--stack-dir", "/x/dev-bun-api", "--poll-seconds", "0.1"];
    const r = await pipeline(args, { GITHUB_STEP_SUMMARY: join(work, "summary.md") });
    expect([r.code, r.err]).toEqual([0, ""]);
    expect(r.out).toContain(`bun-api: ${url}readyz answered 200 with version abc1234`);
    expect(readFileSync(join(work, "terraform.log"), "utf8")).toBe("-chdir=/x/dev-bun-api output -raw Url\n");
    expect(readFileSync(join(work, "summary.md"), "utf8")).toBe(`| dev | bun-api | rolling | n/a | \`${DIGEST}\` | 1 | verified: ${url}readyz: 200, version abc1234 |\n`);
  });

  test("verify fails, as a workflow error, when the version is not the one deployed", async () => {
    const args = ["verify", "--target", join(work, "target.json"), "--service", "bun-api", "--image", IMAGE, "--version", "fff0000", "--stack-dir", "/x/dev-bun-api", "--timeout-seconds", "1", "--poll-seconds", "0.2"];
    const r = await pipeline(args);
    expect(r.code).toBe(1);
    expect(r.err).toContain("::error::bun-api: ");
    expect(r.err).toContain("did not answer 200 with version fff0000");
  });

  test("fails on an unknown command", async () => {
    const r = await pipeline(["deploy"]);
    expect([r.code, r.err.trim()]).toEqual([1, '::error::unknown command "deploy"; use services, target, verify or rollback']);
  });
});
