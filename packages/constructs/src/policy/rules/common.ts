import type { PolicyTier, Severity } from "../types";
import type { ResourceView } from "../model/app-view";
import { isExpression } from "../model/hcl";

/** Error where it matters (staging, prod), a warning in dev so experiments still synthesize. */
export const EVERYWHERE: Readonly<Record<PolicyTier, Severity>> = { dev: "warning", staging: "error", prod: "error" };

/** Availability rules that only production pays for. */
export const PROD_ONLY: Readonly<Record<PolicyTier, Severity>> = { dev: "off", staging: "off", prod: "error" };

/** `aws_ecs_service.Service ("dev-api")`: the address plus the cloud-side name when it is known. */
export function label(resource: ResourceView): string {
  const name = resource.attrs.name ?? resource.attrs.family ?? resource.attrs.name_prefix;
  return typeof name === "string" && !isExpression(name) ? `${resource.address} ("${name}")` : resource.address;
}

/** Application load balancers: `aws_lb` and its alias `aws_alb`, without NLBs and GWLBs. */
export function applicationLoadBalancers(resources: (type: string) => readonly ResourceView[]): ResourceView[] {
  return [...resources("aws_lb"), ...resources("aws_alb")].filter((lb) => {
    const type = lb.attrs.load_balancer_type;
    return type === undefined || type === "application";
  });
}
