import { describeServiceDeployment, epochOf, listServiceDeployments, rollBackServiceDeployment, type ServiceDeployment } from "./aws-cli";
import type { VerifyDeps } from "./verify-deploy";

/**
 * Follows one ECS service deployment through its lifecycle stages to its verdict: ECS's own
 * record of a deploy (ListServiceDeployments, DescribeServiceDeployments), which holds the stage of a
 * blue-green, canary or linear deploy (scale-up, test traffic, production traffic, bake, clean-up),
 * why it rolled back, and which alarm fired. While the new revision takes test traffic (before and
 * during the shift) it is smoke-tested through the test listener rule; when that keeps failing, the
 * pipeline asks ECS to roll back rather than wait for an alarm.
 */

/** One lifecycle stage as the verification saw it, `at` seconds after it began following. */
export interface Stage {
  readonly stage: string;
  readonly status: string;
  readonly at: number;
}

/** What a stage means, in the words of the job summary. */
export const STAGE_PHASE: Readonly<Record<string, string>> = {
  RECONCILE_SERVICE: "reconciling",
  PRE_SCALE_UP: "scale-up",
  SCALE_UP: "scale-up",
  POST_SCALE_UP: "scale-up",
  TEST_TRAFFIC_SHIFT: "test traffic",
  POST_TEST_TRAFFIC_SHIFT: "test traffic",
  PRODUCTION_TRAFFIC_SHIFT: "traffic shift",
  POST_PRODUCTION_TRAFFIC_SHIFT: "traffic shift",
  BAKE_TIME: "bake",
  CLEAN_UP: "clean-up",
};

const phaseOf = (stage: string | undefined) => (stage ? (STAGE_PHASE[stage] ?? stage) : "an unknown stage");
/** Stages in which the test listener rule reaches the new revision. */
const TESTABLE = new Set(["TEST_TRAFFIC_SHIFT", "POST_TEST_TRAFFIC_SHIFT", "PRODUCTION_TRAFFIC_SHIFT", "POST_PRODUCTION_TRAFFIC_SHIFT", "BAKE_TIME"]);
const ROLLING_BACK = new Set(["ROLLBACK_REQUESTED", "ROLLBACK_IN_PROGRESS"]);
const FAILED = new Set(["ROLLBACK_SUCCESSFUL", "ROLLBACK_FAILED", "STOPPED"]);

export interface FollowInput {
  readonly name: string;
  readonly cluster: string;
  readonly service: string;
  /** Epoch ms the deploy began; the newest service deployment created after it is followed. */
  readonly since: number;
  readonly deadline: number;
  readonly pollMs: number;
  /** The version the new revision must report. */
  readonly version: string;
  /** Readiness URL through the ALB; with `testHeader` it reaches the new revision. */
  readonly url?: string;
  /** Where the version is read when the readiness body has none. @default - the readiness body */
  readonly versionUrl?: string;
  readonly testHeader?: { readonly name: string; readonly value: string };
  readonly smokeFailures: number;
}

export interface Followed {
  readonly stages: readonly Stage[];
  readonly smokeTest?: string;
  /** No service deployment began: the service already ran the image (the apply changed nothing). */
  readonly unchanged?: boolean;
}

/** The verdict when ECS did not complete the deployment, with the stages seen until then. */
export class DeploymentFailed extends Error {
  constructor(
    message: string,
    readonly stages: readonly Stage[],
  ) {
    super(message);
    this.name = "DeploymentFailed";
  }
}

/** "rolled back during the bake (BAKE_TIME): <reason>; alarms that fired: x" */
function verdict(d: ServiceDeployment, lastStage: string | undefined, smokeFailed: string | undefined): string {
  const during = `during the ${phaseOf(lastStage)}${lastStage ? ` (${lastStage})` : ""}`;
  const fired = d.alarms?.triggeredAlarmNames?.length ? `; alarms that fired: ${d.alarms.triggeredAlarmNames.join(", ")}` : "";
  const breaker = d.deploymentCircuitBreaker?.status === "TRIGGERED" ? `; the circuit breaker tripped after ${d.deploymentCircuitBreaker.failureCount ?? "?"} failed tasks` : "";
  const why = d.rollback?.reason ?? d.statusReason ?? "no reason given";
  const smoke = smokeFailed ? `; the pipeline asked for it: the smoke test through the test listener rule failed (${smokeFailed})` : "";
  if (d.status === "ROLLBACK_SUCCESSFUL") return `ECS rolled the deployment back ${during}: ${why}${fired}${breaker}${smoke}; every request is served by the previous revision again`;
  if (d.status === "ROLLBACK_FAILED") return `ECS could not roll the deployment back ${during}: ${why}${fired}${breaker}${smoke}; look at the service now`;
  return `the deployment was stopped ${during}: ${why}${fired}${smoke}`;
}

export async function followDeployment(input: FollowInput, deps: VerifyDeps, alreadyRuns: () => Promise<boolean>): Promise<Followed> {
  const started = deps.now();
  const at = () => Math.round((deps.now() - started) / 1000);
  const stages: Stage[] = [];
  const fail = (message: string): never => {
    throw new DeploymentFailed(message, stages);
  };
  // ECS's clock and the runner's differ a little; a deployment a few seconds "before" the start is ours.
  const after = Math.floor(input.since / 1000) - 30;
  let arn: string | undefined;
  let lastStage: string | undefined;
  let smoke: { good: number; bad: number; last: string; verdict?: string } = { good: 0, bad: 0, last: "" };
  let smokeFailed: string | undefined;
  let askedRollback = false;

  while (true) {
    if (!arn) {
      const [newest] = await listServiceDeployments(deps.aws, input.cluster, input.service, after);
      if (newest && epochOf(newest.createdAt) >= after) {
        arn = newest.serviceDeploymentArn;
        deps.log(`${input.name}: following service deployment ${arn}`);
      } else if (await alreadyRuns()) {
        deps.log(`${input.name}: no new service deployment; the service already runs this image`);
        return { stages, unchanged: true };
      }
    }
    const d = arn ? await describeServiceDeployment(deps.aws, arn) : undefined;
    if (d) {
      const stage = d.lifecycleStage ?? "(none)";
      if (stages.at(-1)?.stage !== stage || stages.at(-1)?.status !== d.status) {
        stages.push({ stage, status: d.status, at: at() });
        deps.log(`${input.name}: ${d.status} ${stage} (${phaseOf(d.lifecycleStage)}) at +${at()}s`);
      }
      if (d.status === "SUCCESSFUL") {
        const smokeTest = smoke.verdict ?? (input.testHeader && input.url ? "the new revision took production traffic before the smoke test got 3 answers through the test listener rule" : undefined);
        return { stages, ...(smokeTest ? { smokeTest } : {}) };
      }
      if (FAILED.has(d.status)) fail(verdict(d, lastStage ?? d.lifecycleStage, smokeFailed));
      if (!ROLLING_BACK.has(d.status)) lastStage = d.lifecycleStage ?? lastStage;

      // Smoke test through the test rule while the new revision takes test traffic.
      if (input.url && input.testHeader && d.status === "IN_PROGRESS" && TESTABLE.has(stage) && !smoke.verdict && !askedRollback) {
        const answer = await probe(input.url, input.versionUrl, { [input.testHeader.name]: input.testHeader.value }, deps).then(
          (r) => ({ ok: r.status === 200 && r.version === input.version, text: `${r.status} version=${r.version ?? "(none)"}` }),
          (err: unknown) => ({ ok: false, text: String(err) }),
        );
        smoke = answer.ok ? { ...smoke, good: smoke.good + 1, bad: 0, last: answer.text } : { ...smoke, good: 0, bad: smoke.bad + 1, last: answer.text };
        if (smoke.good >= 3) {
          smoke.verdict = `${input.url} with ${input.testHeader.name}: ${input.testHeader.value} answered 200 with version ${input.version} 3 times in a row during ${stage}`;
          deps.log(`${input.name}: smoke test passed: ${smoke.verdict}`);
        } else if (smoke.bad >= input.smokeFailures) {
          smokeFailed = `${smoke.bad} answers in a row during ${stage}, last: ${smoke.last}`;
          deps.log(`${input.name}: smoke test through the test listener rule failed (${smokeFailed}); asking ECS to roll back`);
          await rollBackServiceDeployment(deps.aws, d.serviceDeploymentArn);
          askedRollback = true;
        }
      }
    }
    if (deps.now() >= input.deadline) {
      const seen = stages.map((s) => `${s.stage}@+${s.at}s`).join(" -> ") || "no service deployment";
      fail(`the deployment reached no verdict in time (${seen})`);
    }
    const testing = d?.status === "IN_PROGRESS" && TESTABLE.has(d.lifecycleStage ?? "") && !smoke.verdict && !askedRollback && input.testHeader && input.url;
    await deps.sleep(testing ? Math.min(input.pollMs, 2_000) : input.pollMs);
  }
}

/** Readiness through the test rule, and the version from its body or else from `versionUrl`. */
async function probe(url: string, versionUrl: string | undefined, headers: Record<string, string>, deps: VerifyDeps): Promise<{ status: number; version: string | undefined }> {
  const ready = await deps.http(url, headers);
  let version = versionOf(ready.body);
  if (ready.status === 200 && version === undefined && versionUrl !== undefined) {
    const info = await deps.http(versionUrl, headers);
    version = info.status === 200 ? versionOf(info.body) : undefined;
  }
  return { status: ready.status, version };
}

function versionOf(body: string): string | undefined {
  try {
    const value = (JSON.parse(body) as Record<string, unknown>)?.version;
    return typeof value === "string" ? value : undefined;
  } catch {
    return undefined;
  }
}
