import type { AppStackContext, PolicyRule, Violation } from "../types";
import type { AppView, ResourceView } from "../model/app-view";
import { asList, asRecord } from "../model/hcl";
import { EVERYWHERE, PROD_ONLY, applicationLoadBalancers } from "./common";

/**
 * Distinct AZs behind a list of subnet references, following them (across stacks) to their
 * `aws_subnet`. A subnet that cannot be followed counts as its own AZ, so the rule only fires when
 * it can see the problem; `undefined` when the whole list is computed.
 */
export function availabilityZones(ctx: AppStackContext, subnets: unknown): number | undefined {
  if (!Array.isArray(subnets)) return undefined;
  const zones = new Set<string>();
  for (const subnet of subnets) {
    const target = ctx.app.follow(subnet, ctx.stackName);
    const az = target?.resource.type === "aws_subnet" ? (target.resource.attrs.availability_zone ?? target.resource.attrs.availability_zone_id) : undefined;
    zones.add(typeof az === "string" ? `${target?.resource.stackName}:${az}` : `subnet:${String(subnet)}`);
  }
  return zones.size;
}

export const multiAz: PolicyRule = {
  id: "BF-NET-001",
  title: "production services and load balancers span at least 2 availability zones",
  fix: "place the service and the ALB in subnets of >= 2 AZs (config: azCount >= 2)",
  severity: PROD_ONLY,
  *check(ctx) {
    const placed: [ResourceView, unknown][] = [
      ...ctx.resources("aws_ecs_service").map((s): [ResourceView, unknown] => [s, asRecord(s.attrs.network_configuration)?.subnets]),
      ...applicationLoadBalancers((t) => ctx.resources(t)).map((lb): [ResourceView, unknown] => [
        lb,
        lb.attrs.subnets ?? (Array.isArray(lb.attrs.subnet_mapping) ? lb.attrs.subnet_mapping.map((m) => asRecord(m)?.subnet_id) : undefined),
      ]),
    ];
    for (const [resource, subnets] of placed) {
      const zones = availabilityZones(ctx, subnets);
      if (zones !== undefined && zones < 2) yield { resource, detail: `runs in ${zones} availability zone(s)` } satisfies Violation;
    }
  },
};

const OPEN_V4 = "0.0.0.0/0";
const OPEN_V6 = "::/0";

/** Security groups attached to ECS tasks (services and scheduled runs) anywhere in the app. */
function taskSecurityGroups(app: AppView): ReadonlySet<ResourceView> {
  return app.memo("task-security-groups", () => {
    const groups = new Set<ResourceView>();
    for (const stackName of app.stackNames()) {
      const stack = app.stack(stackName);
      if (!stack) continue;
      const refs: unknown[] = [];
      for (const s of stack.resources("aws_ecs_service")) refs.push(...asList<unknown>(asRecord(s.attrs.network_configuration)?.security_groups));
      for (const s of stack.resources("aws_scheduler_schedule")) {
        refs.push(...asList<unknown>(asRecord(asRecord(asRecord(s.attrs.target)?.ecs_parameters)?.network_configuration)?.security_groups));
      }
      for (const t of stack.resources("aws_cloudwatch_event_target")) {
        refs.push(...asList<unknown>(asRecord(asRecord(t.attrs.ecs_target)?.network_configuration)?.security_groups));
      }
      for (const ref of refs) {
        const target = app.follow(ref, stackName);
        if (target?.resource.type === "aws_security_group") groups.add(target.resource);
      }
    }
    return groups;
  });
}

const opensToWorld = (cidrs: unknown): boolean => asList<unknown>(cidrs).some((c) => c === OPEN_V4 || c === OPEN_V6);

export const taskIngressClosed: PolicyRule = {
  id: "BF-NET-002",
  title: "task security groups admit only the load balancer, never the whole internet",
  fix: "allow ingress only from the ALB's security group (referenced_security_group_id), never 0.0.0.0/0 or ::/0",
  severity: EVERYWHERE,
  *check(ctx) {
    const groups = taskSecurityGroups(ctx.app);
    if (groups.size === 0) return;
    for (const group of ctx.resources("aws_security_group")) {
      if (!groups.has(group)) continue;
      for (const ingress of asList<Record<string, unknown>>(group.attrs.ingress)) {
        if (opensToWorld(ingress.cidr_blocks) || opensToWorld(ingress.ipv6_cidr_blocks)) {
          yield { resource: group, detail: `inline ingress on ports ${ingress.from_port}-${ingress.to_port} is open to the internet` };
        }
      }
    }
    const taskGroupOf = (rule: ResourceView): ResourceView | undefined => {
      const target = ctx.app.follow(rule.attrs.security_group_id, ctx.stackName);
      return target && groups.has(target.resource) ? target.resource : undefined;
    };
    for (const rule of ctx.resources("aws_vpc_security_group_ingress_rule")) {
      const group = taskGroupOf(rule);
      if (group && (rule.attrs.cidr_ipv4 === OPEN_V4 || rule.attrs.cidr_ipv6 === OPEN_V6)) {
        yield { resource: rule, detail: `admits ${rule.attrs.cidr_ipv4 ?? rule.attrs.cidr_ipv6} into task security group ${group.address}` };
      }
    }
    for (const rule of ctx.resources("aws_security_group_rule")) {
      const group = rule.attrs.type === "ingress" ? taskGroupOf(rule) : undefined;
      if (group && (opensToWorld(rule.attrs.cidr_blocks) || opensToWorld(rule.attrs.ipv6_cidr_blocks))) {
        yield { resource: rule, detail: `admits the internet into task security group ${group.address}` };
      }
    }
  },
};
