import type { AwsCli, EcsDeployment, EcsService, EcsTask, TaskDefinition } from "./aws-cli";
import type { ServiceTarget } from "./pipeline-config";
import { verifyDeployment, versionIn, type HttpResponse, type VerifyInput } from "./verify-deploy";

const DIGEST = `sha256:${"a".repeat(64)}`;
const OLD_DIGEST = `sha256:${"b".repeat(64)}`;
const REPO = "111111111111.dkr.ecr.us-east-1.amazonaws.com/bunfg/dev/bun-api";
const IMAGE = `${REPO}@${DIGEST}`;
const NEW_TD = "arn:aws:ecs:us-east-1:111111111111:task-definition/dev-bun-api:8";
const OLD_TD = "arn:aws:ecs:us-east-1:111111111111:task-definition/dev-bun-api:7";
const WEB: ServiceTarget = { name: "bun-api", kind: "web", stack: "dev-bun-api", repository: "bunfg/dev/bun-api", ecsService: "bun-api", family: "dev-bun-api", healthCheckPath: "/readyz" };
const INPUT: VerifyInput = { target: WEB, cluster: "bunfg-dev", image: IMAGE, version: "abc1234", url: "http://alb.example/readyz" };

const taskDefinitions: Record<string, TaskDefinition> = {
  [NEW_TD]: { taskDefinitionArn: NEW_TD, family: "dev-bun-api", containerDefinitions: [{ name: "dev-bun-api", image: IMAGE }] },
  [OLD_TD]: { taskDefinitionArn: OLD_TD, family: "dev-bun-api", containerDefinitions: [{ name: "dev-bun-api", image: `${REPO}@${OLD_DIGEST}` }] },
};

const deployment = (d: Partial<EcsDeployment>): EcsDeployment => ({ id: "ecs-svc/1", status: "PRIMARY", taskDefinition: NEW_TD, desiredCount: 2, runningCount: 2, rolloutState: "COMPLETED", ...d });
const service = (deployments: EcsDeployment[], counts = { desiredCount: 2, runningCount: 2 }): EcsService => ({
  serviceName: "bun-api",
  status: "ACTIVE",
  ...counts,
  deployments,
  events: [{ createdAt: "2026-11-22T14:00:00Z", message: "(service bun-api) deployment failed: tasks failed to start." }],
});
const task = (n: number, td = NEW_TD, digest = DIGEST): EcsTask => ({ taskArn: `arn:task/${n}`, taskDefinitionArn: td, lastStatus: "RUNNING", containers: [{ name: "dev-bun-api", imageDigest: digest }] });
const STEADY = service([deployment({})]);

/** A scripted AWS: describe-services answers come from `states`, one per call, the last one repeating. */
function fakeAws(states: EcsService[], tasks: EcsTask[] = [task(1), task(2)], scaling = { MinCapacity: 1, MaxCapacity: 4 }): AwsCli & { calls: string[][] } {
  let i = 0;
  const calls: string[][] = [];
  return {
    calls,
    async json<T>(args: readonly string[]): Promise<T> {
      calls.push([...args]);
      const [, op] = args;
      const arg = (name: string) => args[args.indexOf(name) + 1]!;
      if (op === "describe-services") return { services: [states[Math.min(i++, states.length - 1)]] } as T;
      if (op === "describe-task-definition") {
        const key = arg("--task-definition");
        const td = taskDefinitions[key] ?? Object.values(taskDefinitions).find((t) => t.family === key);
        return { taskDefinition: td } as T;
      }
      if (op === "list-tasks") return { taskArns: tasks.map((t) => t.taskArn) } as T;
      if (op === "describe-tasks") return { tasks } as T;
      if (op === "describe-scalable-targets") return { ScalableTargets: [{ ResourceId: arg("--resource-ids"), ...scaling }] } as T;
      if (op === "register-scalable-target") return {} as T;
      throw new Error(`unexpected aws ${args.join(" ")}`);
    },
  };
}

function deps(aws: AwsCli, answers: (HttpResponse | Error)[] = [{ status: 200, body: '{"status":"ready","version":"abc1234"}' }]) {
  let clock = 0;
  let h = 0;
  const log: string[] = [];
  return {
    log,
    deps: {
      aws,
      http: async () => {
        const a = answers[Math.min(h++, answers.length - 1)]!;
        if (a instanceof Error) throw a;
        return a;
      },
      sleep: async (ms: number) => {
        clock += ms;
      },
      now: () => clock,
      log: (line: string) => log.push(line),
    },
  };
}

describe("verifyDeployment", () => {
  test("defaults: passes a steady service running the new digest that answers with the new version", async () => {
    const { deps: d } = deps(fakeAws([STEADY]));
    await expect(verifyDeployment(INPUT, d)).resolves.toEqual({
      service: "bun-api",
      taskDefinition: NEW_TD,
      digest: DIGEST,
      runningTasks: 2,
      readiness: "http://alb.example/readyz: 200, version abc1234",
    });
  });

  test("waits while the rollout is in progress, then passes", async () => {
    const rolling = service([deployment({ rolloutState: "IN_PROGRESS", runningCount: 1 }), deployment({ id: "ecs-svc/0", status: "ACTIVE", taskDefinition: OLD_TD })], { desiredCount: 2, runningCount: 3 });
    const aws = fakeAws([rolling, rolling, STEADY]);
    const { deps: d, log } = deps(aws);
    await verifyDeployment(INPUT, d);
    expect(aws.calls.filter((c) => c[1] === "describe-services")).toHaveLength(3);
    expect(log[0]).toBe("bun-api: rollout IN_PROGRESS, 1/2 tasks running, 2 deployment(s); waiting");
  });

  test("fails when the circuit breaker rolled back to the previous task definition", async () => {
    const rolledBack = service([deployment({ taskDefinition: OLD_TD, rolloutState: "IN_PROGRESS" }), deployment({ id: "ecs-svc/2", status: "ACTIVE", rolloutState: "FAILED" })]);
    const { deps: d } = deps(fakeAws([rolledBack]));
    await expect(verifyDeployment(INPUT, d)).rejects.toThrow(
      `bun-api: ECS is deploying ${OLD_TD} with dev-bun-api=${REPO}@${OLD_DIGEST}, not ${IMAGE} (a deployment FAILED: the circuit breaker or a rollback alarm rolled it back)`,
    );
  });

  test("fails when the new deployment itself is FAILED", async () => {
    const { deps: d } = deps(fakeAws([service([deployment({ rolloutState: "FAILED", rolloutStateReason: "ECS deployment circuit breaker: tasks failed to start." })])]));
    await expect(verifyDeployment(INPUT, d)).rejects.toThrow("deployment ecs-svc/1 FAILED: ECS deployment circuit breaker: tasks failed to start.");
  });

  test("fails when no steady state is reached in time, with the latest events", async () => {
    const stuck = service([deployment({ rolloutState: "IN_PROGRESS", runningCount: 0 })], { desiredCount: 2, runningCount: 0 });
    const { deps: d } = deps(fakeAws([stuck]));
    await expect(verifyDeployment(INPUT, d, { timeoutMs: 60_000, pollMs: 15_000 })).rejects.toThrow(/no steady state in time: rollout IN_PROGRESS, 0\/2 running, 1 deployments\n.*tasks failed to start/);
  });

  test("fails when a running task reports another digest", async () => {
    const { deps: d } = deps(fakeAws([STEADY], [task(1), task(2, NEW_TD, OLD_DIGEST)]));
    await expect(verifyDeployment(INPUT, d)).rejects.toThrow(`task arn:task/2 container dev-bun-api runs digest ${OLD_DIGEST}, not ${DIGEST}`);
  });

  test("acceptedDigests: a platform manifest digest of a multi-platform image counts as the image", async () => {
    const { deps: d } = deps(fakeAws([STEADY], [task(1, NEW_TD, OLD_DIGEST), task(2, NEW_TD, OLD_DIGEST)]));
    await expect(verifyDeployment({ ...INPUT, acceptedDigests: [OLD_DIGEST] }, d)).resolves.toMatchObject({ runningTasks: 2 });
  });

  test("fails when a task still runs the old task definition, or fewer tasks run than wanted", async () => {
    await expect(verifyDeployment(INPUT, deps(fakeAws([STEADY], [task(1), task(2, OLD_TD)])).deps)).rejects.toThrow(`task arn:task/2 runs ${OLD_TD}, not ${NEW_TD}`);
    await expect(verifyDeployment(INPUT, deps(fakeAws([STEADY], [task(1)])).deps)).rejects.toThrow("1 tasks are RUNNING, the service wants 2");
  });

  test("fails when the readiness endpoint reports another version", async () => {
    const { deps: d } = deps(fakeAws([STEADY]), [{ status: 200, body: '{"version":"0ld0000"}' }]);
    await expect(verifyDeployment(INPUT, d, { timeoutMs: 30_000 })).rejects.toThrow(
      "http://alb.example/readyz did not answer 200 with version abc1234 3 times in a row in time; last answer: 200 version=0ld0000",
    );
  });

  test("readyAnswers: needs consecutive good answers; errors and 503s in between start over", async () => {
    const ok = { status: 200, body: '{"version":"abc1234"}' };
    const { deps: d } = deps(fakeAws([STEADY]), [ok, { status: 503, body: "{}" }, new Error("ECONNRESET"), ok, ok, ok]);
    await expect(verifyDeployment(INPUT, d)).resolves.toMatchObject({ readiness: expect.stringContaining("200") });
    const { deps: never } = deps(fakeAws([STEADY]), [ok, new Error("ECONNRESET")]);
    await expect(verifyDeployment(INPUT, never, { timeoutMs: 20_000, readyAnswers: 2 })).rejects.toThrow("last answer: Error: ECONNRESET");
  });

  test("versionUrl: a readiness body without a version is completed by the service's info route", async () => {
    const calls: string[] = [];
    const { deps: d } = deps(fakeAws([STEADY]));
    const http = async (u: string): Promise<HttpResponse> => {
      calls.push(u);
      return u.endsWith("/readyz") ? { status: 200, body: '{"status":"ready"}' } : { status: 200, body: '{"service":"bun-api","version":"abc1234"}' };
    };
    await expect(verifyDeployment({ ...INPUT, versionUrl: "http://alb.example/" }, { ...d, http }, { readyAnswers: 1 })).resolves.toMatchObject({ runningTasks: 2 });
    expect(calls).toEqual(["http://alb.example/readyz", "http://alb.example/"]);
    // Without it, a body with no version never counts.
    await expect(verifyDeployment(INPUT, { ...deps(fakeAws([STEADY])).deps, http }, { timeoutMs: 10_000 })).rejects.toThrow("last answer: 200 version=(none)");
  });

  describe("a service asleep outside its active hours (autoscaling pinned to 0)", () => {
    const asleep = { MinCapacity: 0, MaxCapacity: 0 };
    const bounds = (aws: { calls: string[][] }) =>
      aws.calls.filter((c) => c[1] === "register-scalable-target").map((c) => `${c[c.indexOf("--min-capacity") + 1]}/${c[c.indexOf("--max-capacity") + 1]}`);

    test("is woken with one task, verified, and put back to sleep", async () => {
      const zero = service([deployment({ desiredCount: 0, runningCount: 0 })], { desiredCount: 0, runningCount: 0 });
      const one = service([deployment({ desiredCount: 1, runningCount: 1 })], { desiredCount: 1, runningCount: 1 });
      const aws = fakeAws([zero, zero, one], [task(1)], asleep);
      const { deps: d, log } = deps(aws);
      await expect(verifyDeployment(INPUT, d)).resolves.toMatchObject({ runningTasks: 1, woken: true });
      expect(bounds(aws)).toEqual(["1/1", "0/0"]);
      expect(aws.calls.filter((c) => c[1] === "describe-services")).toHaveLength(3);
      expect(log.at(-1)).toBe("bun-api: back to sleep (min 0, max 0)");
    });

    test("is put back to sleep when the verification fails", async () => {
      const one = service([deployment({ desiredCount: 1, runningCount: 1 })], { desiredCount: 1, runningCount: 1 });
      const aws = fakeAws([one], [task(1, NEW_TD, OLD_DIGEST)], asleep);
      await expect(verifyDeployment(INPUT, deps(aws).deps)).rejects.toThrow("runs digest");
      expect(bounds(aws)).toEqual(["1/1", "0/0"]);
    });

    test("fails when a service that is not asleep wants no tasks", async () => {
      const zero = service([deployment({ desiredCount: 0, runningCount: 0 })], { desiredCount: 0, runningCount: 0 });
      const aws = fakeAws([zero], [], { MinCapacity: 0, MaxCapacity: 4 });
      await expect(verifyDeployment(INPUT, deps(aws).deps)).rejects.toThrow("desired count is 0: nothing runs");
      expect(bounds(aws)).toEqual([]);
    });
  });

  test("worker: no readiness request", async () => {
    const { deps: d } = deps(fakeAws([STEADY]), [new Error("must not be called")]);
    await expect(verifyDeployment({ ...INPUT, target: { ...WEB, kind: "worker" }, url: undefined }, d)).resolves.toEqual({ service: "bun-api", taskDefinition: NEW_TD, digest: DIGEST, runningTasks: 2 });
  });

  test("scheduled: the family's latest revision must hold the image", async () => {
    const target: ServiceTarget = { name: "etl", kind: "scheduled", stack: "dev-etl", repository: "r", schedule: "dev-bun-api", family: "dev-bun-api" };
    taskDefinitions["dev-bun-api"] = taskDefinitions[OLD_TD]!;
    try {
      await expect(verifyDeployment({ ...INPUT, target }, deps(fakeAws([])).deps)).rejects.toThrow(`the latest task definition ${OLD_TD} runs`);
      taskDefinitions["dev-bun-api"] = taskDefinitions[NEW_TD]!;
      await expect(verifyDeployment({ ...INPUT, target }, deps(fakeAws([])).deps)).resolves.toMatchObject({ taskDefinition: NEW_TD, runningTasks: 0 });
    } finally {
      delete taskDefinitions["dev-bun-api"];
    }
  });

  test("fails when the image is not a digest reference", async () => {
    await expect(verifyDeployment({ ...INPUT, image: `${REPO}:latest` }, deps(fakeAws([STEADY])).deps)).rejects.toThrow("is not a digest reference");
  });
});

describe("verifyDeployment following a service deployment (since)", () => {
  const SD = "arn:aws:ecs:us-east-1:111111111111:service-deployment/bunfg-dev/bun-api/x1";
  /** fakeAws plus ECS's service deployment records: `records` one per describe call, the last repeating. */
  const withDeployments = (records: { status: string; lifecycleStage: string }[]) => {
    const base = fakeAws([STEADY]);
    let i = 0;
    return {
      calls: base.calls,
      async json<T>(args: readonly string[]): Promise<T> {
        if (args[1] === "list-service-deployments") {
          base.calls.push([...args]);
          return { serviceDeployments: [{ serviceDeploymentArn: SD, status: "IN_PROGRESS", createdAt: 1000 }] } as T;
        }
        if (args[1] === "describe-service-deployments") {
          base.calls.push([...args]);
          return { serviceDeployments: [{ serviceDeploymentArn: SD, ...records[Math.min(i++, records.length - 1)]! }] } as T;
        }
        return base.json<T>(args);
      },
    };
  };
  const blueGreen = { ...INPUT, target: { ...WEB, testHeader: { name: "X-Test-Traffic", value: "1" } }, since: 1_000_000 };

  test("a blue-green deploy that moves all traffic before 3 test answers is reported, not failed", async () => {
    const aws = withDeployments([
      { status: "IN_PROGRESS", lifecycleStage: "TEST_TRAFFIC_SHIFT" },
      { status: "IN_PROGRESS", lifecycleStage: "BAKE_TIME" },
      { status: "SUCCESSFUL", lifecycleStage: "CLEAN_UP" },
    ]);
    const report = await verifyDeployment(blueGreen, deps(aws).deps);
    expect(report.stages?.map((s) => s.stage)).toEqual(["TEST_TRAFFIC_SHIFT", "BAKE_TIME", "CLEAN_UP"]);
    expect(report.smokeTest).toBe("the new revision took production traffic before the smoke test got 3 answers through the test listener rule");
  });

  test("a deployment that reaches no verdict in time fails with the stages it went through", async () => {
    const aws = withDeployments([{ status: "IN_PROGRESS", lifecycleStage: "SCALE_UP" }]);
    await expect(verifyDeployment({ ...INPUT, since: 1_000_000 }, deps(aws).deps, { timeoutMs: 60_000, pollMs: 15_000 })).rejects.toThrow(
      "bun-api: the deployment reached no verdict in time (SCALE_UP@+0s)",
    );
  });
});

describe("versionIn", () => {
  test("reads the version of a JSON body, nothing otherwise", () => {
    expect(versionIn('{"version":"abc"}')).toBe("abc");
    expect(versionIn('{"version":1}')).toBeUndefined();
    expect(versionIn("ok")).toBeUndefined();
  });
});
