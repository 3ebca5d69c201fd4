import type { PolicyRule, Severity, PolicyTier } from "../types";
import { isExpression } from "../model/hcl";

/** Dev may stay quiet (cost and noise); staging is told; production must be. */
const NOTIFY: Readonly<Record<PolicyTier, Severity>> = { dev: "off", staging: "warning", prod: "error" };

export const alarmsNotify: PolicyRule = {
  id: "BF-OPS-001",
  title: "a service's trouble reaches a person: some alarm of its stack notifies an SNS topic",
  fix: "give the service alarms with alarm_actions (config: leave the environment's notifications on and list emails, webhooks or slack); to run without, set notifications.enabled = false with a notifications.reason",
  severity: NOTIFY,
  *check(ctx) {
    const alarms = [...ctx.resources("aws_cloudwatch_metric_alarm"), ...ctx.resources("aws_cloudwatch_composite_alarm")];
    const notifying = alarms.filter((a) => {
      const actions = a.attrs.alarm_actions;
      return isExpression(actions) || (Array.isArray(actions) && actions.length > 0);
    });
    if (notifying.length > 0) return;
    for (const service of ctx.resources("aws_ecs_service")) {
      yield { resource: service, detail: `none of the stack's ${alarms.length} alarm(s) has alarm_actions, so nobody is told when it fails` };
    }
  },
};
