import type { PolicyRule } from "../types";
import type { ResourceView } from "../model/app-view";
import { asList, asRecord, isExpression, isTrue } from "../model/hcl";
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

/** One year: what browsers' preload lists ask for and what a production HSTS header should hold. */
export const HSTS_MIN_PROD_MAX_AGE_SECONDS = 31_536_000;

export const httpsSendsHsts: PolicyRule = {
  id: "BF-ALB-004",
  title: "production HTTPS listeners tell browsers to keep to HTTPS (HSTS for a year or more)",
  fix: 'set routing_http_response_strict_transport_security_header_value = "max-age=31536000" (or more) on the HTTPS listener (config: certificate.hsts; the prod tier\'s default is one year)',
  severity: PROD_ONLY,
  *check(ctx) {
    for (const listener of [...ctx.resources("aws_lb_listener"), ...ctx.resources("aws_alb_listener")]) {
      if (listener.attrs.protocol !== "HTTPS") continue;
      const value = listener.attrs.routing_http_response_strict_transport_security_header_value;
      if (value === undefined || value === null || value === "") {
        yield { resource: listener, detail: "sends no Strict-Transport-Security header" };
        continue;
      }
      // An expression is judged when it resolves; only a literal can be read here.
      if (typeof value !== "string" || isExpression(value)) continue;
      const age = /(?:^|;)\s*max-age=(\d+)\s*(?:;|$)/i.exec(value)?.[1];
      if (age === undefined) yield { resource: listener, detail: `Strict-Transport-Security "${value}" has no max-age` };
      else if (Number(age) < HSTS_MIN_PROD_MAX_AGE_SECONDS) yield { resource: listener, detail: `Strict-Transport-Security "${value}" keeps browsers on HTTPS for ${age} s, less than a year (${HSTS_MIN_PROD_MAX_AGE_SECONDS} s)` };
    }
  },
};
