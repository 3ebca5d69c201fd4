// `pipeline.ts verify` as the deploy workflow runs it, following a canary deploy of prod's bun-api
// through its lifecycle stages, against the stand-in `aws` command (fake-commands.ts) answering as
// ECS does, and the readiness URL served locally (requests with the test header reach "the new revision").
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { loadConfig } from "@bun-fargate/config";
import { fakeRepo, type FakeRepo, type Rule } from "./fake-commands";
import { deployTarget } from "./pipeline-config";

const STACKS = join(__dirname, "..", "..");
const BUN = join(STACKS, "node_modules", ".bin", "bun");
const DIGEST = `sha256:${"d".repeat(64)}`;
const IMAGE = `333333333333.dkr.ecr.us-east-1.amazonaws.com/bunfg/prod/bun-api@${DIGEST}`;
const TD = "arn:aws:ecs:us-east-1:333333333333:task-definition/prod-bun-api:12";
const SD = "arn:aws:ecs:us-east-1:333333333333:service-deployment/bunfg-prod/bun-api/AbCdEf123";

let repo: FakeRepo;
let server: Server;
let url: string;
/** What the new revision answers through the test rule. */
let testAnswer = { status: 200, version: "abc1234" };
const seenTestHeader: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const test = req.headers["x-test-traffic"];
    if (test) seenTestHeader.push(`${req.url} ${test}`);
    const status = test ? testAnswer.status : 200;
    const version = test ? testAnswer.version : "abc1234";
    res.writeHead(status, { "content-type": "application/json" });
    res.end(req.url === "/readyz" ? JSON.stringify({ status: status === 200 ? "ready" : "starting" }) : JSON.stringify({ service: "bun-api", version }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => server.close());

beforeEach(() => {
  repo = fakeRepo();
  testAnswer = { status: 200, version: "abc1234" };
  seenTestHeader.length = 0;
  writeFileSync(join(repo.root, "prod.json"), JSON.stringify(deployTarget(loadConfig(), "prod")));
  writeFileSync(join(repo.root, "summary.md"), "");
  repo.fake("terraform", [{ match: "output -raw Url", stdout: url }]);
});
afterEach(() => repo.cleanup());

const json = (value: unknown) => JSON.stringify(value);
const deployment = (status: string, lifecycleStage: string, extra: Record<string, unknown> = {}) =>
  json({ serviceDeployments: [{ serviceDeploymentArn: SD, status, lifecycleStage, deploymentConfiguration: { strategy: "CANARY" }, ...extra }] });

/** ECS as the stand-in answers it: the service deployment goes through `states`, one per call, the last repeating. */
function ecs(states: string[], listed = true): Rule[] {
  const createdAt = new Date().toISOString();
  const service = {
    serviceName: "bun-api",
    status: "ACTIVE",
    desiredCount: 2,
    runningCount: 2,
    deployments: [{ id: "ecs-svc/9", status: "PRIMARY", taskDefinition: TD, desiredCount: 2, runningCount: 2, rolloutState: "COMPLETED" }],
  };
  const tasks = [1, 2].map((n) => ({ taskArn: `arn:task/${n}`, taskDefinitionArn: TD, lastStatus: "RUNNING", containers: [{ name: "prod-bun-api", imageDigest: DIGEST }] }));
  return [
    { match: "^application-autoscaling describe-scalable-targets", stdout: json({ ScalableTargets: [{ ResourceId: "service/bunfg-prod/bun-api", MinCapacity: 2, MaxCapacity: 10 }] }) },
    { match: "^ecs list-service-deployments --cluster bunfg-prod --service bun-api --created-at", stdout: json({ serviceDeployments: listed ? [{ serviceDeploymentArn: SD, status: "IN_PROGRESS", createdAt }] : [] }) },
    ...states.slice(0, -1).map((stdout) => ({ match: `^ecs describe-service-deployments --service-deployment-arns ${SD}`, stdout, once: true })),
    { match: `^ecs describe-service-deployments --service-deployment-arns ${SD}`, stdout: states.at(-1)! },
    { match: `^ecs stop-service-deployment --service-deployment-arn ${SD} --stop-type ROLLBACK`, stdout: "{}" },
    { match: "^ecs describe-services", stdout: json({ services: [service] }) },
    { match: "^ecs describe-task-definition", stdout: json({ taskDefinition: { taskDefinitionArn: TD, family: "prod-bun-api", containerDefinitions: [{ name: "prod-bun-api", image: IMAGE }] } }) },
    { match: "^ecs list-tasks", stdout: json({ taskArns: tasks.map((t) => t.taskArn) }) },
    { match: "^ecs describe-tasks", stdout: json({ tasks }) },
  ];
}

function verify(): Promise<{ code: number | null; out: string; err: string; summary: string }> {
  const since = String(Math.floor(Date.now() / 1000));
  const args = ["src/ci/pipeline.ts", "verify", "--target", join(repo.root, "prod.json"), "--service", "bun-api", "--image", IMAGE, "--version", "abc1234", "--stack-dir", "/x/prod-bun-api", "--since", since, "--poll-seconds", "0.05"];
  return new Promise((done) => {
    const child = spawn(BUN, args, {
      cwd: STACKS,
      env: { ...process.env, PATH: `${join(repo.root, ".fake-bin")}:${process.env.PATH}`, BF_ENVIRONMENTS: "", GITHUB_STEP_SUMMARY: join(repo.root, "summary.md") },
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (c) => (out += c));
    child.stderr.on("data", (c) => (err += c));
    child.on("close", (code) => done({ code, out, err, summary: readFileSync(join(repo.root, "summary.md"), "utf8") }));
  });
}

const awsCalls = () => repo.calls().filter((c) => c.startsWith("aws ")).map((c) => c.split(" ").slice(1, 3).join(" "));

jest.setTimeout(30_000);

describe("pipeline.ts verify follows a canary deploy (stand-in aws)", () => {
  test("success: each stage is reported, the new revision passes the smoke test through the test rule, then the usual checks", async () => {
    repo.fake("aws", ecs([
        deployment("IN_PROGRESS", "SCALE_UP"),
        deployment("IN_PROGRESS", "TEST_TRAFFIC_SHIFT"),
        deployment("IN_PROGRESS", "PRODUCTION_TRAFFIC_SHIFT"),
        deployment("IN_PROGRESS", "PRODUCTION_TRAFFIC_SHIFT"),
        deployment("IN_PROGRESS", "PRODUCTION_TRAFFIC_SHIFT"),
        deployment("IN_PROGRESS", "BAKE_TIME"),
        deployment("IN_PROGRESS", "CLEAN_UP"),
        deployment("SUCCESSFUL", "CLEAN_UP"),
    ]));
    const r = await verify();
    expect([r.code, r.err]).toEqual([0, ""]);
    for (const stage of ["SCALE_UP", "TEST_TRAFFIC_SHIFT", "PRODUCTION_TRAFFIC_SHIFT", "BAKE_TIME", "CLEAN_UP"]) expect(r.out).toContain(`bun-api: IN_PROGRESS ${stage}`);
    expect(r.out).toContain("bun-api: SUCCESSFUL CLEAN_UP");
    expect(r.out).toContain(`smoke test passed: ${url}readyz with X-Test-Traffic: 1 answered 200 with version abc1234 3 times in a row`);
    // Readiness through the test rule, then the version from the info route, both with the header.
    expect(seenTestHeader.slice(0, 2)).toEqual(["/readyz 1", "/ 1"]);
    expect(awsCalls()).not.toContain("ecs stop-service-deployment");
    expect(r.summary).toMatch(/^\| prod \| bun-api \| canary \| scale-up \+\d+s → test traffic \+\d+s → traffic shift \+\d+s → bake \+\d+s → clean-up \+\d+s → clean-up \+\d+s \| `sha256:d{64}` \| 2 \| verified: .*readyz: 200, version abc1234; smoke test: .*X-Test-Traffic: 1 answered 200/);
  });

  test("rollback during the shift: the job fails, naming the stage, the reason and the alarm that fired", async () => {
    const rolledBack = { rollback: { reason: "Alarm prod-bun-api-target-5xx in ALARM" }, alarms: { status: "TRIGGERED", alarmNames: ["prod-bun-api-target-5xx", "prod-bun-api-unhealthy-hosts"], triggeredAlarmNames: ["prod-bun-api-target-5xx"] } };
    repo.fake("aws", ecs([
      deployment("IN_PROGRESS", "SCALE_UP"),
      deployment("IN_PROGRESS", "PRODUCTION_TRAFFIC_SHIFT"),
      deployment("ROLLBACK_IN_PROGRESS", "PRODUCTION_TRAFFIC_SHIFT", rolledBack),
      deployment("ROLLBACK_SUCCESSFUL", "PRODUCTION_TRAFFIC_SHIFT", rolledBack),
    ]));
    const r = await verify();
    expect(r.code).toBe(1);
    expect(r.err).toContain(
      "::error::bun-api: ECS rolled the deployment back during the traffic shift (PRODUCTION_TRAFFIC_SHIFT): Alarm prod-bun-api-target-5xx in ALARM; alarms that fired: prod-bun-api-target-5xx; every request is served by the previous revision again",
    );
    expect(r.summary).toMatch(/^\| prod \| bun-api \| canary \| scale-up \+\d+s → traffic shift \+\d+s → traffic shift \(rollback in progress\) \+\d+s → traffic shift \(rollback successful\) \+\d+s \| n\/a \| n\/a \| \*\*failed\*\*: bun-api: ECS rolled the deployment back during the traffic shift/);
    // Nothing after the verdict: no task checks, no readiness.
    expect(awsCalls()).not.toContain("ecs list-tasks");
  });

  test("rollback during the bake: the job fails, naming the bake", async () => {
    const rolledBack = { rollback: { reason: "Alarm prod-bun-api-unhealthy-hosts in ALARM" }, alarms: { triggeredAlarmNames: ["prod-bun-api-unhealthy-hosts"] } };
    repo.fake("aws", ecs([
      deployment("IN_PROGRESS", "PRODUCTION_TRAFFIC_SHIFT"),
      deployment("IN_PROGRESS", "BAKE_TIME"),
      deployment("IN_PROGRESS", "BAKE_TIME"),
      deployment("ROLLBACK_IN_PROGRESS", "BAKE_TIME", rolledBack),
      deployment("ROLLBACK_SUCCESSFUL", "CLEAN_UP", rolledBack),
    ]));
    const r = await verify();
    expect(r.code).toBe(1);
    expect(r.err).toContain("::error::bun-api: ECS rolled the deployment back during the bake (BAKE_TIME): Alarm prod-bun-api-unhealthy-hosts in ALARM; alarms that fired: prod-bun-api-unhealthy-hosts");
    expect(r.summary).toContain("**failed**: bun-api: ECS rolled the deployment back during the bake (BAKE_TIME)");
  });

  test("a failed rollback says so", async () => {
    repo.fake("aws", ecs([deployment("IN_PROGRESS", "BAKE_TIME"), deployment("ROLLBACK_FAILED", "BAKE_TIME", { statusReason: "tasks of the previous revision failed to start" })]));
    const r = await verify();
    expect(r.code).toBe(1);
    expect(r.err).toContain("ECS could not roll the deployment back during the bake (BAKE_TIME): tasks of the previous revision failed to start; look at the service now");
  });

  test("a smoke test that keeps failing through the test rule makes the pipeline ask ECS to roll back before the alarms would", async () => {
    testAnswer = { status: 503, version: "abc1234" };
    repo.fake("aws", ecs([
      deployment("IN_PROGRESS", "TEST_TRAFFIC_SHIFT"),
      deployment("IN_PROGRESS", "TEST_TRAFFIC_SHIFT"),
      deployment("IN_PROGRESS", "PRODUCTION_TRAFFIC_SHIFT"),
      deployment("IN_PROGRESS", "PRODUCTION_TRAFFIC_SHIFT"),
      deployment("ROLLBACK_IN_PROGRESS", "PRODUCTION_TRAFFIC_SHIFT"),
      deployment("ROLLBACK_SUCCESSFUL", "PRODUCTION_TRAFFIC_SHIFT", { rollback: { reason: "Service deployment rolled back because of a stop request" } }),
    ]));
    const r = await verify();
    expect(r.code).toBe(1);
    expect(awsCalls().filter((c) => c === "ecs stop-service-deployment")).toHaveLength(1);
    expect(r.out).toContain("smoke test through the test listener rule failed (3 answers in a row during PRODUCTION_TRAFFIC_SHIFT, last: 503 version=(none)); asking ECS to roll back");
    expect(r.err).toContain("the pipeline asked for it: the smoke test through the test listener rule failed (3 answers in a row");
  });

  test("a new revision that answers with another version through the test rule fails the smoke test too", async () => {
    testAnswer = { status: 200, version: "0ld0000" };
    repo.fake("aws", ecs([...Array(4).fill(deployment("IN_PROGRESS", "PRODUCTION_TRAFFIC_SHIFT")), deployment("ROLLBACK_SUCCESSFUL", "PRODUCTION_TRAFFIC_SHIFT")]));
    const r = await verify();
    expect(r.code).toBe(1);
    expect(r.out).toContain("last: 200 version=0ld0000); asking ECS to roll back");
  });

  test("no new service deployment (the apply changed nothing): the end state alone is checked", async () => {
    repo.fake("aws", ecs([deployment("SUCCESSFUL", "CLEAN_UP")], false));
    const r = await verify();
    expect([r.code, r.err]).toEqual([0, ""]);
    expect(r.out).toContain("no new service deployment; the service already runs this image");
    expect(awsCalls()).not.toContain("ecs describe-service-deployments");
  });
});
