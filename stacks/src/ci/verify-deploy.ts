import {
  describeScalableTarget,
  describeService,
  describeTaskDefinition,
  digestOf,
  runningTasks,
  setScalingBounds,
  type AwsCli,
  type EcsService,
  type TaskDefinition,
} from "./aws-cli";
import { DeploymentFailed, followDeployment, type Followed, type Stage } from "./deployment-stages";
import type { ServiceTarget } from "./pipeline-config";

/**
 * Proves that a deploy did what it says. `terraform apply` reports success even when ECS's
 * deployment circuit breaker rolled the new task definition back, so success here means:
 * the service's deployment completed and is alone (steady), it is the task definition with the
 * image just pushed (a rollback fails this), every running task runs that image's digest, and
 * (for web services) the readiness endpoint answers 200 through the ALB and the service reports the
 * version deployed (in the readiness body, or else from its info route).
 */

export interface VerifyInput {
  readonly target: ServiceTarget;
  readonly cluster: string;
  /** The image deployed: `<registry>/<repository>@sha256:<digest>`. */
  readonly image: string;
  /**
   * Digests a running container may report: the image's own, and for a multi-platform index the
   * per-platform manifests (ECS reports the one it pulled). @default - the image's digest
   */
  readonly acceptedDigests?: readonly string[];
  /** Version the service must report (the git SHA of the build). */
  readonly version: string;
  /** Readiness URL through the ALB. Required for `web` services. */
  readonly url?: string;
  /**
   * Where the version is read when the readiness body has none (a service's info route, `GET /`).
   * @default - the readiness body must carry the version
   */
  readonly versionUrl?: string;
  /**
   * When the deploy was started (epoch ms): the service deployment ECS created since is followed
   * stage by stage to its verdict. @default - only the end state is checked
   */
  readonly since?: number;
}

export interface HttpResponse {
  readonly status: number;
  readonly body: string;
}

export interface VerifyDeps {
  readonly aws: AwsCli;
  readonly http: (url: string, headers?: Readonly<Record<string, string>>) => Promise<HttpResponse>;
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => number;
  readonly log: (line: string) => void;
}

export interface VerifyOptions {
  /** How long ECS may take to reach a steady state, and the ALB to answer. @default 1200000 (20 min) */
  readonly timeoutMs?: number;
  /** @default 15000 */
  readonly pollMs?: number;
  /** Consecutive good readiness answers required (they may come from different tasks). @default 3 */
  readonly readyAnswers?: number;
  /**
   * Consecutive failed answers through the test listener rule after which the pipeline asks ECS to
   * roll the deployment back. @default 3
   */
  readonly smokeFailures?: number;
}

export interface VerificationReport {
  readonly service: string;
  readonly taskDefinition: string;
  readonly digest: string;
  readonly runningTasks: number;
  readonly readiness?: string;
  /** Set when the service was asleep (scheduled to zero) and was woken with one task to be verified. */
  readonly woken?: boolean;
  /** The lifecycle stages of the service deployment, as they were seen. */
  readonly stages?: readonly Stage[];
  /** What the smoke test through the test listener rule found. */
  readonly smokeTest?: string;
}

export class VerificationError extends Error {
  constructor(
    service: string,
    problem: string,
    /** The lifecycle stages seen before it failed, for the job summary. */
    readonly stages: readonly Stage[] = [],
  ) {
    super(`${service}: ${problem}`);
    this.name = "VerificationError";
  }
}

const recentEvents = (svc: EcsService): string =>
  (svc.events ?? [])
    .slice(0, 5)
    .map((e) => `\n    ${e.createdAt ?? ""} ${e.message}`)
    .join("");

export async function verifyDeployment(input: VerifyInput, deps: VerifyDeps, options: VerifyOptions = {}): Promise<VerificationReport> {
  const name = input.target.name;
  const fail = (problem: string): never => {
    throw new VerificationError(name, problem);
  };
  const digest = digestOf(input.image) ?? fail(`image ${JSON.stringify(input.image)} is not a digest reference (<repository>@sha256:<64 hex>)`);
  const accepted = new Set([digest, ...(input.acceptedDigests ?? [])]);
  const deadline = deps.now() + (options.timeoutMs ?? 20 * 60_000);
  const pollMs = options.pollMs ?? 15_000;
  const definitions = new Map<string, TaskDefinition>();
  const definition = async (arn: string) => {
    if (!definitions.has(arn)) definitions.set(arn, await describeTaskDefinition(deps.aws, arn));
    return definitions.get(arn)!;
  };
  const usesImage = (td: TaskDefinition) => td.containerDefinitions.some((c) => c.name === input.target.family && c.image === input.image);
  const imagesOf = (td: TaskDefinition) => td.containerDefinitions.map((c) => `${c.name}=${c.image}`).join(", ");

  if (input.target.kind === "scheduled") {
    // The schedule runs the family's latest revision: that revision must hold the new image.
    const latest = await describeTaskDefinition(deps.aws, input.target.family);
    if (!usesImage(latest)) fail(`the latest task definition ${latest.taskDefinitionArn} runs ${imagesOf(latest)}, not ${input.image}`);
    deps.log(`${name}: schedule ${input.target.schedule} runs ${latest.taskDefinitionArn} with ${digest}`);
    return { service: name, taskDefinition: latest.taskDefinitionArn, digest, runningTasks: 0 };
  }

  const ecsService = input.target.ecsService ?? fail("has no ECS service name");
  // Outside its active hours a service is pinned to 0 tasks, and nothing running proves nothing:
  // wake one task for the verification and pin it back to zero afterwards, pass or fail.
  const scaling = await describeScalableTarget(deps.aws, input.cluster, ecsService);
  const asleep = scaling !== undefined && scaling.MaxCapacity === 0;
  if (asleep) {
    deps.log(`${name}: asleep (autoscaling pinned to 0 tasks); waking one task to verify it`);
    await setScalingBounds(deps.aws, input.cluster, ecsService, 1, 1);
  }
  try {
    const report = await verifyService(input, deps, options, { name, digest, accepted, deadline, pollMs, ecsService, definition, usesImage, imagesOf, fail, waitForTasks: asleep });
    return asleep ? { ...report, woken: true } : report;
  } finally {
    if (asleep) {
      await setScalingBounds(deps.aws, input.cluster, ecsService, scaling.MinCapacity, scaling.MaxCapacity);
      deps.log(`${name}: back to sleep (min ${scaling.MinCapacity}, max ${scaling.MaxCapacity})`);
    }
  }
}

interface ServiceCheck {
  readonly name: string;
  readonly digest: string;
  readonly accepted: ReadonlySet<string>;
  readonly deadline: number;
  readonly pollMs: number;
  readonly ecsService: string;
  readonly definition: (arn: string) => Promise<TaskDefinition>;
  readonly usesImage: (td: TaskDefinition) => boolean;
  readonly imagesOf: (td: TaskDefinition) => string;
  readonly fail: (problem: string) => never;
  /** A woken service starts from 0 desired tasks: not steady until some run. */
  readonly waitForTasks: boolean;
}

async function verifyService(input: VerifyInput, deps: VerifyDeps, options: VerifyOptions, c: ServiceCheck): Promise<VerificationReport> {
  const { name, digest, accepted, deadline, pollMs, ecsService, definition, imagesOf } = c;
  // A deploy that ECS runs stage by stage is followed to its verdict first; the checks below then
  // hold for its end state (and they are all a deploy without a service deployment record gets).
  let followed: Followed | undefined;
  if (input.since !== undefined) {
    const follow = { cluster: input.cluster, service: ecsService, since: input.since, deadline, pollMs, version: input.version, url: input.url, versionUrl: input.versionUrl, testHeader: input.target.testHeader, smokeFailures: options.smokeFailures ?? 3, name };
    const alreadyRuns = async () => {
      const svc = await describeService(deps.aws, input.cluster, ecsService);
      const primary = svc?.deployments.find((d) => d.status === "PRIMARY");
      return !!svc && !!primary && c.usesImage(await definition(primary.taskDefinition)) && svc.deployments.length === 1 && (primary.rolloutState ?? "COMPLETED") === "COMPLETED";
    };
    try {
      followed = await followDeployment(follow, deps, alreadyRuns);
    } catch (err) {
      if (err instanceof DeploymentFailed) throw new VerificationError(name, err.message, err.stages);
      throw err;
    }
  }
  const stages = followed?.stages ?? [];
  const fail = (problem: string): never => {
    throw new VerificationError(name, problem, stages);
  };
  const usesImage = c.usesImage;
  let steady: { svc: EcsService; taskDefinition: string } | undefined;
  while (!steady) {
    const svc = (await describeService(deps.aws, input.cluster, ecsService)) ?? fail(`ECS service ${ecsService} not found in cluster ${input.cluster}`);
    const primary = svc.deployments.find((d) => d.status === "PRIMARY") ?? fail(`ECS service ${ecsService} has no PRIMARY deployment`);
    const td = await definition(primary.taskDefinition);
    if (!usesImage(td)) {
      const failed = svc.deployments.some((d) => d.rolloutState === "FAILED") ? " (a deployment FAILED: the circuit breaker or a rollback alarm rolled it back)" : "";
      fail(`ECS is deploying ${primary.taskDefinition} with ${imagesOf(td)}, not ${input.image}${failed}${recentEvents(svc)}`);
    }
    if (primary.rolloutState === "FAILED") fail(`deployment ${primary.id} FAILED: ${primary.rolloutStateReason ?? "no reason given"}${recentEvents(svc)}`);
    const done = primary.rolloutState === undefined || primary.rolloutState === "COMPLETED";
    const waking = c.waitForTasks && svc.desiredCount < 1;
    if (!waking && done && svc.deployments.length === 1 && primary.runningCount === primary.desiredCount && svc.runningCount === svc.desiredCount) {
      if (svc.desiredCount < 1) fail("desired count is 0: nothing runs, so nothing can be verified");
      steady = { svc, taskDefinition: primary.taskDefinition };
      break;
    }
    if (deps.now() >= deadline) {
      fail(`no steady state in time: rollout ${primary.rolloutState ?? "unknown"}, ${primary.runningCount}/${primary.desiredCount} running, ${svc.deployments.length} deployments${recentEvents(svc)}`);
    }
    deps.log(`${name}: rollout ${primary.rolloutState ?? "in progress"}, ${primary.runningCount}/${primary.desiredCount} tasks running, ${svc.deployments.length} deployment(s); waiting`);
    await deps.sleep(pollMs);
  }
  deps.log(`${name}: steady on ${steady.taskDefinition}`);

  const tasks = await runningTasks(deps.aws, input.cluster, ecsService);
  if (tasks.length !== steady.svc.desiredCount) fail(`${tasks.length} tasks are RUNNING, the service wants ${steady.svc.desiredCount}`);
  for (const task of tasks) {
    if (task.taskDefinitionArn !== steady.taskDefinition) fail(`task ${task.taskArn} runs ${task.taskDefinitionArn}, not ${steady.taskDefinition}`);
    const container = task.containers.find((c) => c.name === input.target.family) ?? fail(`task ${task.taskArn} has no container ${input.target.family}`);
    if (!container.imageDigest || !accepted.has(container.imageDigest)) {
      fail(`task ${task.taskArn} container ${container.name} runs digest ${container.imageDigest ?? "(unknown)"}, not ${digest}`);
    }
  }
  deps.log(`${name}: ${tasks.length} task(s) run ${digest}`);
  const report: VerificationReport = {
    service: name,
    taskDefinition: steady.taskDefinition,
    digest,
    runningTasks: tasks.length,
    ...(followed ? { stages: followed.stages } : {}),
    ...(followed?.smokeTest ? { smokeTest: followed.smokeTest } : {}),
  };
  if (input.target.kind !== "web") return report;

  const url = input.url ?? fail("is a web service but no readiness URL was given");
  const wanted = options.readyAnswers ?? 3;
  let good = 0;
  let last = "no answer yet";
  while (good < wanted) {
    const answer = await readiness(url, input.versionUrl, deps).then(
      (r) => ({ ok: r.status === 200 && r.version === input.version, text: `${r.status} version=${r.version ?? "(none)"}` }),
      (err: unknown) => ({ ok: false, text: String(err) }),
    );
    last = answer.text;
    good = answer.ok ? good + 1 : 0;
    if (good >= wanted) break;
    if (deps.now() >= deadline) fail(`${url} did not answer 200 with version ${input.version} ${wanted} times in a row in time; last answer: ${last}`);
    await deps.sleep(answer.ok ? Math.min(pollMs, 1_000) : Math.min(pollMs, 5_000));
  }
  deps.log(`${name}: ${url} answered 200 with version ${input.version}`);
  return { ...report, readiness: `${url}: 200, version ${input.version}` };
}

/** The readiness status, and the version from its body or else from `versionUrl`. */
async function readiness(url: string, versionUrl: string | undefined, deps: VerifyDeps): Promise<{ status: number; version: string | undefined }> {
  const ready = await deps.http(url);
  let version = versionIn(ready.body);
  if (ready.status === 200 && version === undefined && versionUrl !== undefined) {
    const info = await deps.http(versionUrl);
    version = info.status === 200 ? versionIn(info.body) : undefined;
  }
  return { status: ready.status, version };
}

/** The `version` a readiness body reports (JSON `{"version": …}`), if any. */
export function versionIn(body: string): string | undefined {
  try {
    const value = (JSON.parse(body) as Record<string, unknown>)?.version;
    return typeof value === "string" ? value : undefined;
  } catch {
    return undefined;
  }
}
