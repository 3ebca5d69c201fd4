import type { AppStackContext, PolicyRule, Violation } from "../types";
import type { ResourceView } from "../model/app-view";
import { asRecord, isExpression, isTrue } from "../model/hcl";
import { EVERYWHERE, PROD_ONLY } from "./common";

/** Services ECS deploys itself; CODE_DEPLOY and EXTERNAL controllers have their own rollback. */
function ecsDeployedServices(ctx: AppStackContext): ResourceView[] {
  return ctx.resources("aws_ecs_service").filter((s) => {
    const type = asRecord(s.attrs.deployment_controller)?.type;
    return type === undefined || type === "ECS";
  });
}

export const circuitBreaker: PolicyRule = {
  id: "BF-ECS-001",
  title: "ECS deployments roll back on their own when new tasks fail to start",
  fix: "set deployment_circuit_breaker { enable = true, rollback = true } on the service",
  severity: EVERYWHERE,
  *check(ctx) {
    for (const service of ecsDeployedServices(ctx)) {
      const breaker = asRecord(service.attrs.deployment_circuit_breaker);
      if (!breaker || !isTrue(breaker.enable)) yield { resource: service, detail: "deployment circuit breaker is off" };
      else if (!isTrue(breaker.rollback)) yield { resource: service, detail: "deployment circuit breaker does not roll back" };
    }
  },
};

export const deploymentAlarms: PolicyRule = {
  id: "BF-ECS-002",
  title: "ECS deployments roll back when their CloudWatch alarms fire",
  fix: "set alarms { alarm_names = [...], enable = true, rollback = true } on the service, naming alarms that catch a bad deploy (target 5xx and unhealthy hosts for web services; errors, restarts or a stalled queue for workers)",
  severity: EVERYWHERE,
  *check(ctx) {
    for (const service of ecsDeployedServices(ctx)) {
      const alarms = asRecord(service.attrs.alarms);
      const names = alarms?.alarm_names;
      const hasNames = isExpression(names) || (Array.isArray(names) && names.length > 0);
      if (!alarms || !isTrue(alarms.enable) || !hasNames) yield { resource: service, detail: "no deployment alarms" };
      else if (!isTrue(alarms.rollback)) yield { resource: service, detail: "deployment alarms do not roll back" };
    }
  },
};

/** The scalable target that owns a service's task count, matched by reference or by literal name. */
export function scalableTargetOf(ctx: AppStackContext, service: ResourceView): ResourceView | undefined {
  const name = service.attrs.name;
  return ctx.resources("aws_appautoscaling_target").find((target) => {
    const id = target.attrs.resource_id;
    if (typeof id !== "string" || target.attrs.scalable_dimension !== "ecs:service:DesiredCount") return false;
    return id.includes(`${service.address}.name}`) || (typeof name === "string" && !isExpression(name) && id.endsWith(`/${name}`));
  });
}

export const minimumTasks: PolicyRule = {
  id: "BF-ECS-003",
  title: "production services keep at least 2 tasks, so one failure or deploy never takes them down",
  fix: "set min_capacity >= 2 on the service's aws_appautoscaling_target (config: minTasks >= 2 for prod)",
  severity: PROD_ONLY,
  *check(ctx) {
    for (const service of ctx.resources("aws_ecs_service")) {
      if (service.attrs.scheduling_strategy === "DAEMON") continue;
      const target = scalableTargetOf(ctx, service);
      const min = target ? target.attrs.min_capacity : (service.attrs.desired_count ?? 0);
      if (typeof min === "number" && min < 2) {
        const source = target ? `min_capacity of ${target.address}` : "desired_count (no autoscaling target)";
        yield { resource: service, detail: `runs as few as ${min} task(s) (${source})` } satisfies Violation;
      }
    }
  },
};

export const noPublicIp: PolicyRule = {
  id: "BF-ECS-004",
  title: "production tasks stay in private subnets without public IPs",
  fix: "set assign_public_ip = false and run tasks in private subnets with NAT or VPC endpoints (config: natStrategy or vpcEndpoints)",
  severity: PROD_ONLY,
  *check(ctx) {
    for (const service of ctx.resources("aws_ecs_service")) {
      if (isTrue(asRecord(service.attrs.network_configuration)?.assign_public_ip)) {
        yield { resource: service, detail: "tasks get public IPs (assign_public_ip = true)" };
      }
    }
    for (const schedule of ctx.resources("aws_scheduler_schedule")) {
      const network = asRecord(asRecord(asRecord(schedule.attrs.target)?.ecs_parameters)?.network_configuration);
      if (isTrue(network?.assign_public_ip)) yield { resource: schedule, detail: "scheduled tasks get public IPs" };
    }
    for (const target of ctx.resources("aws_cloudwatch_event_target")) {
      const network = asRecord(asRecord(target.attrs.ecs_target)?.network_configuration);
      if (isTrue(network?.assign_public_ip)) yield { resource: target, detail: "scheduled tasks get public IPs" };
    }
  },
};

const SHIFTING_STRATEGIES = new Set(["BLUE_GREEN", "CANARY", "LINEAR"]);

export const bakedDeploys: PolicyRule = {
  id: "BF-ECS-005",
  title: "production deploys keep the old revision running, with a bake time, until the new one has proven itself",
  fix: 'set deployment_configuration { strategy = "CANARY", "LINEAR" or "BLUE_GREEN", bake_time_in_minutes > 0 } (config: deployment: { strategy: "canary", ... }, the prod default); where rolling is deliberate, give deployment.reason',
  severity: PROD_ONLY,
  *check(ctx) {
    for (const service of ecsDeployedServices(ctx)) {
      if (service.attrs.scheduling_strategy === "DAEMON") continue;
      const config = asRecord(service.attrs.deployment_configuration);
      const strategy = config?.strategy ?? "ROLLING";
      if (isExpression(strategy)) continue;
      if (!SHIFTING_STRATEGIES.has(String(strategy))) {
        yield { resource: service, detail: `deploys ${String(strategy).toLowerCase()}: a bad revision replaces the tasks before an alarm can fire, and rolling back means starting the old tasks again` };
        continue;
      }
      const bake = config?.bake_time_in_minutes;
      if (!isExpression(bake) && (bake === undefined || Number(bake) === 0)) {
        yield { resource: service, detail: `${String(strategy)} deploy without a bake time: the old revision stops as soon as the traffic has moved, so an alarm after that means a redeploy` };
      }
    }
  },
};
