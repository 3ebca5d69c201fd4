import type { PolicyRule } from "../types";
import type { ResourceView } from "../model/app-view";
import { asList, asRecord, isTrue } from "../model/hcl";
import { EVERYWHERE, PROD_ONLY, applicationLoadBalancers } from "./common";

export const albDeletionProtection: PolicyRule = {
  id: "BF-ALB-001",
  title: "the production load balancer cannot be deleted by a stray apply",
  fix: "set enable_deletion_protection = true on the ALB (config: deletionProtection: true)",
  severity: PROD_ONLY,
  *check(ctx) {
    for (const lb of applicationLoadBalancers((t) => ctx.resources(t))) {
      if (!isTrue(lb.attrs.enable_deletion_protection)) yield { resource: lb, detail: "deletion protection is off" };
    }
  },
};

function isHttpsRedirect(action: Record<string, unknown>): boolean {
  return action.type === "redirect" && asRecord(action.redirect)?.protocol === "HTTPS";
}

/** HTTP listeners of this stack: protocol HTTP, or no protocol on a port other than 443. */
function httpListeners(resources: (type: string) => readonly ResourceView[]): ResourceView[] {
  return [...resources("aws_lb_listener"), ...resources("aws_alb_listener")].filter((l) => {
    const protocol = l.attrs.protocol;
    return protocol === "HTTP" || (protocol === undefined && l.attrs.port !== 443);
  });
}

export const httpRedirects: PolicyRule = {
  id: "BF-ALB-002",
  title: "production HTTP listeners only redirect to HTTPS and never serve traffic",
  fix: "make the HTTP listener's default action a redirect to HTTPS (status HTTP_301) and attach rules to the HTTPS listener (config: certificate)",
  severity: PROD_ONLY,
  *check(ctx) {
    const listeners = httpListeners((t) => ctx.resources(t));
    for (const listener of listeners) {
      const actions = asList<Record<string, unknown>>(listener.attrs.default_action);
      const serving = actions.filter((a) => !isHttpsRedirect(a)).map((a) => String(a.type));
      if (serving.length > 0) yield { resource: listener, detail: `port ${listener.attrs.port ?? 80} answers with "${serving.join(", ")}" instead of redirecting to HTTPS` };
    }
    for (const rule of [...ctx.resources("aws_lb_listener_rule"), ...ctx.resources("aws_alb_listener_rule")]) {
      const target = ctx.app.follow(rule.attrs.listener_arn, ctx.stackName);
      if (!target || !httpListeners(() => [target.resource]).length) continue;
      const serving = asList<Record<string, unknown>>(rule.attrs.action).filter((a) => !isHttpsRedirect(a));
      if (serving.length > 0) yield { resource: rule, detail: `serves traffic on HTTP listener ${target.resource.address}` };
    }
  },
};

export const dropInvalidHeaders: PolicyRule = {
  id: "BF-ALB-003",
  title: "the ALB drops requests with invalid HTTP header names (request smuggling)",
  fix: "set drop_invalid_header_fields = true on the ALB",
  severity: EVERYWHERE,
  *check(ctx) {
    for (const lb of applicationLoadBalancers((t) => ctx.resources(t))) {
      if (!isTrue(lb.attrs.drop_invalid_header_fields)) yield { resource: lb, detail: "drop_invalid_header_fields is off" };
    }
  },
};
