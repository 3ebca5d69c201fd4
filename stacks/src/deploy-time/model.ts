/**
 * How long a deploy takes, and how long a rollback takes to return all traffic, computed from the
 * settings that govern them: task start, the health checks that admit a task, the drain of the old
 * tasks, the shift intervals and the bake. Everything here is arithmetic on those settings plus the
 * few assumptions named in ASSUMPTIONS; nothing is measured against AWS.
 */
import { linearSteps } from "@bun-fargate/config";

export type Strategy = "ROLLING" | "BLUE_GREEN" | "CANARY" | "LINEAR";

/** What the model reads from a service's synthesized stack. */
export interface DeploySettings {
  readonly strategy: Strategy;
  readonly bakeMinutes: number;
  readonly canaryPercent?: number;
  readonly canaryMinutes?: number;
  readonly stepPercent?: number;
  readonly stepMinutes?: number;
  /** Target group health check: a new target is healthy after `healthyThreshold` passing checks. */
  readonly healthCheckIntervalSeconds: number;
  readonly healthyThreshold: number;
  readonly deregistrationDelaySeconds: number;
  /** The container's own health check interval (ECS also waits for it), if any. */
  readonly containerHealthCheckIntervalSeconds?: number;
  /** Seconds of the alarms ECS rolls back on: evaluation periods x period, the slowest one. @default - no alarms */
  readonly alarmWindowSeconds?: number;
  /** Whether ECS rolls a failed deploy back on its own (circuit breaker or alarms with rollback). */
  readonly automaticRollback: boolean;
}

export interface Assumptions {
  /** Fargate placing a task, pulling the image and starting the container. */
  readonly taskStartSeconds: number;
  /** The ALB applying a listener rule's new weights. */
  readonly ruleChangeSeconds: number;
  /** The service exiting after SIGTERM once its target drained (measured: about 2 s). */
  readonly stopSeconds: number;
  /** CloudWatch publishing a minute's ALB metrics before an alarm can evaluate them. */
  readonly metricDelaySeconds: number;
}

export const ASSUMPTIONS: Assumptions = { taskStartSeconds: 45, ruleChangeSeconds: 5, stopSeconds: 2, metricDelaySeconds: 60 };

/**
 * AWS CDK `ApplicationLoadBalancedFargateService` with its defaults: a rolling deploy at 100 % /
 * 200 %, the ALB's target group defaults (health check every 30 s, 5 to become healthy, 300 s
 * deregistration delay), no container health check, no circuit breaker and no deployment alarms.
 */
export const CDK_ECS_PATTERNS: DeploySettings = {
  strategy: "ROLLING",
  bakeMinutes: 0,
  healthCheckIntervalSeconds: 30,
  healthyThreshold: 5,
  deregistrationDelaySeconds: 300,
  automaticRollback: false,
};

export interface Phase {
  readonly name: string;
  readonly seconds: number;
}

export interface DeployTime {
  /** Deploy start to a completed deployment (the old tasks stopped), phase by phase. */
  readonly phases: readonly Phase[];
  readonly completeSeconds: number;
  /** From the rollback decision to every new request on the previous revision. */
  readonly rollbackSeconds: number;
  readonly rollbackHow: string;
  /** From the first bad minute to the decision, when alarms decide. @default - no alarms */
  readonly detectionSeconds?: number;
}

const sum = (phases: readonly Phase[]) => phases.reduce((t, p) => t + p.seconds, 0);

/** Seconds from a task's start until ECS and the ALB count it as healthy. */
export function admitSeconds(s: DeploySettings): number {
  return Math.max(s.healthCheckIntervalSeconds * s.healthyThreshold, s.containerHealthCheckIntervalSeconds ?? 0);
}

export function deployTime(s: DeploySettings, a: Assumptions = ASSUMPTIONS): DeployTime {
  const start: Phase[] = [
    { name: "task start", seconds: a.taskStartSeconds },
    { name: `health checks (${s.healthyThreshold} x ${s.healthCheckIntervalSeconds} s)`, seconds: admitSeconds(s) },
  ];
  const drain: Phase[] = [
    { name: "drain old tasks", seconds: s.deregistrationDelaySeconds },
    { name: "stop old tasks", seconds: a.stopSeconds },
  ];
  const detectionSeconds = s.alarmWindowSeconds === undefined ? undefined : s.alarmWindowSeconds + a.metricDelaySeconds;
  const detection = detectionSeconds === undefined ? {} : { detectionSeconds };

  if (s.strategy === "ROLLING") {
    const phases = [...start, ...drain];
    // The old tasks are gone once it completes: rolling back starts them again.
    const rollbackSeconds = a.taskStartSeconds + admitSeconds(s);
    const rollbackHow = s.automaticRollback ? "ECS redeploys the previous revision" : "no automatic rollback: a manual redeploy";
    return { phases, completeSeconds: sum(phases), rollbackSeconds, rollbackHow, ...detection };
  }

  const shift: Phase[] = [];
  if (s.strategy === "CANARY") {
    const percent = s.canaryPercent ?? 5;
    shift.push({ name: `shift ${percent} %`, seconds: a.ruleChangeSeconds });
    if (percent < 100) {
      shift.push({ name: `hold ${percent} % (${s.canaryMinutes ?? 0} min)`, seconds: 60 * (s.canaryMinutes ?? 0) });
      shift.push({ name: "shift the rest", seconds: a.ruleChangeSeconds });
    }
  } else if (s.strategy === "LINEAR") {
    const steps = linearSteps(s.stepPercent ?? 10);
    shift.push({ name: `${steps + 1} shifts of ${s.stepPercent} %`, seconds: (steps + 1) * a.ruleChangeSeconds });
    shift.push({ name: `${steps} waits of ${s.stepMinutes ?? 0} min`, seconds: steps * 60 * (s.stepMinutes ?? 0) });
  } else {
    shift.push({ name: "shift all", seconds: a.ruleChangeSeconds });
  }
  const phases = [...start, { name: "test traffic", seconds: a.ruleChangeSeconds }, ...shift, { name: `bake (${s.bakeMinutes} min)`, seconds: 60 * s.bakeMinutes }, ...drain];
  // Until the bake ends the previous revision still runs, registered and healthy: a rollback is a
  // listener rule change. (After the bake, the tasks are gone and it is a redeploy, as for rolling.)
  return { phases, completeSeconds: sum(phases), rollbackSeconds: a.ruleChangeSeconds, rollbackHow: "rule back to the previous revision, still running", ...detection };
}

/** `16 min 32 s`, `82 s`. */
export function duration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 120) return `${s} s`;
  const m = Math.floor(s / 60);
  return s % 60 === 0 ? `${m} min` : `${m} min ${s % 60} s`;
}
