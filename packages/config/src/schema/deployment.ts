/**
 * How ECS replaces a service's tasks on a deploy: the `deployment` setting of an environment, a
 * service entry and an environment's per-service override. Ranges are AWS's (ECS API reference,
 * CanaryConfiguration, LinearConfiguration, DeploymentConfiguration; provider 6.25 validates the same).
 */
import * as v from "valibot";
import { int, oneOf, stepped, strictObject } from "./fields";
import { MIN_REASON_LENGTH } from "./reason";

export const DEPLOYMENT_STRATEGIES = ["rolling", "blue-green", "canary", "linear"] as const;
export type DeploymentStrategy = (typeof DEPLOYMENT_STRATEGIES)[number];

/** AWS: bake times and shift intervals are 0 to 1440 minutes (24 hours). */
export const MAX_MINUTES = 1440;

/** Which settings each strategy reads; any other is refused rather than silently ignored. */
export const STRATEGY_FIELDS: Readonly<Record<DeploymentStrategy, readonly string[]>> = {
  rolling: [],
  "blue-green": ["bakeTimeMinutes"],
  canary: ["canaryPercent", "canaryMinutes", "bakeTimeMinutes"],
  linear: ["stepPercent", "stepMinutes", "bakeTimeMinutes"],
};

const minutes = (what: string) => v.optional(int(0, MAX_MINUTES, `must be a whole number of minutes from 0 to ${MAX_MINUTES} (${what})`));

export const DeploymentSchema = v.pipe(
  strictObject(
    {
      /**
       * `rolling` replaces tasks in place (circuit breaker and alarms roll back); `blue-green` starts a
       * full new revision and moves all traffic at once; `canary` moves `canaryPercent` first, then the
       * rest after `canaryMinutes`; `linear` moves `stepPercent` every `stepMinutes`. The three
       * traffic-shifting strategies keep the old revision running for `bakeTimeMinutes` after all
       * traffic moved, so a rollback is a listener rule change, not a redeploy.
       */
      strategy: oneOf(DEPLOYMENT_STRATEGIES),
      /** Minutes both revisions run after all traffic moved; an alarm in this window returns all traffic at once. @default 10 */
      bakeTimeMinutes: minutes("AWS bake_time_in_minutes"),
      /** Share of production traffic the new revision takes first. @default 10 */
      canaryPercent: v.optional(stepped(0.1, 100, 0.1, "must be a percentage from 0.1 to 100 in steps of 0.1 (AWS canary_percent)")),
      /** Minutes the canary share holds before the rest moves. @default 5 */
      canaryMinutes: minutes("AWS canary_bake_time_in_minutes"),
      /** Share of production traffic moved at each step. @default 25 */
      stepPercent: v.optional(stepped(3, 100, 0.1, "must be a percentage from 3 to 100 in steps of 0.1 (AWS step_percent)")),
      /** Minutes between steps (none after the last). @default 1 */
      stepMinutes: minutes("AWS step_bake_time_in_minutes"),
      /**
       * Why this service deploys in production without a bake (rolling, or bakeTimeMinutes 0): the
       * policy check BF-ECS-005 is suppressed with it. @default - none; the check then applies
       */
      reason: v.optional(
        v.pipe(
          v.string("must be a sentence saying why production deploys this service without a bake"),
          v.check((s) => s.trim().length >= MIN_REASON_LENGTH, `must say why production deploys this service without a bake, in at least ${MIN_REASON_LENGTH} characters`),
          v.maxLength(500, "must be at most 500 characters"),
        ),
      ),
    },
    "an object { strategy, ... } such as { strategy: \"canary\", canaryPercent: 10, canaryMinutes: 5, bakeTimeMinutes: 10 }",
  ),
  v.rawCheck(({ dataset, addIssue }) => {
    const input = dataset.value as Record<string, unknown> | undefined;
    if (input === null || typeof input !== "object" || !(DEPLOYMENT_STRATEGIES as readonly unknown[]).includes(input.strategy)) return;
    const strategy = input.strategy as DeploymentStrategy;
    const allowed = STRATEGY_FIELDS[strategy];
    for (const key of Object.keys(input)) {
      if (key === "strategy" || allowed.includes(key) || !Object.values(STRATEGY_FIELDS).some((f) => f.includes(key))) continue;
      const owners = DEPLOYMENT_STRATEGIES.filter((s) => STRATEGY_FIELDS[s].includes(key)).map((s) => `"${s}"`);
      addIssue({
        message: `applies only to strategy ${owners.join(" or ")}; this deployment is "${strategy}"${allowed.length ? ` (it takes ${allowed.join(", ")})` : " (it takes no other setting)"}`,
        input: input[key],
        path: [{ type: "object", origin: "value", input, key, value: input[key] }],
      });
    }
  }),
);
