/** Reads the settings the deploy-time model needs from synthesized Terraform JSON. */
import { asList, asRecord, follow, resources, type Json, type Resource, type StackJson } from "../cost/terraform-json";
import type { DeploySettings, Strategy } from "./model";

export interface ServiceSettings {
  readonly stack: string;
  readonly environment: string;
  readonly service: string;
  readonly settings: DeploySettings;
}

const num = (v: unknown, fallback = 0): number => (typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v)) ? Number(v) : fallback);

/** Seconds an alarm needs to go to ALARM: evaluation periods x its (longest) period. */
function alarmWindow(alarm: Resource): number {
  const periods = [num(alarm.attrs.period), ...asList<Json>(alarm.attrs.metric_query).map((q) => num(asRecord(q.metric)?.period))];
  return num(alarm.attrs.evaluation_periods, 1) * Math.max(...periods);
}

function alarmsOf(stacks: ReadonlyMap<string, StackJson>, stack: StackJson, service: Resource): Resource[] {
  const names = asList<unknown>(asRecord(service.attrs.alarms)?.alarm_names);
  const all = resources(stack, "aws_cloudwatch_metric_alarm");
  return names.map((n) => follow(stacks, n, stack.name) ?? all.find((a) => a.attrs.alarm_name === n)).filter((a): a is Resource => a !== undefined);
}

/** The deploy settings of every long-running ECS service in the synthesized stacks. */
export function serviceSettings(all: readonly StackJson[]): ServiceSettings[] {
  const stacks = new Map(all.map((s) => [s.name, s]));
  const out: ServiceSettings[] = [];
  for (const stack of all) {
    for (const service of resources(stack, "aws_ecs_service")) {
      const config = asRecord(service.attrs.deployment_configuration);
      const canary = asRecord(config?.canary_configuration);
      const linear = asRecord(config?.linear_configuration);
      const lb = asRecord(service.attrs.load_balancer);
      const tg = lb ? follow(stacks, lb.target_group_arn, stack.name) : undefined;
      const check = asRecord(tg?.attrs.health_check);
      const task = follow(stacks, service.attrs.task_definition, stack.name);
      const containers = typeof task?.attrs.container_definitions === "string" ? (JSON.parse(task.attrs.container_definitions) as Json[]) : [];
      const containerCheck = containers.map((c) => asRecord(c.healthCheck)).find((h) => h !== undefined);
      const alarms = alarmsOf(stacks, stack, service);
      const rollbackAlarms = asRecord(service.attrs.alarms)?.rollback === true && alarms.length > 0;
      const settings: DeploySettings = {
        strategy: (typeof config?.strategy === "string" ? config.strategy : "ROLLING") as Strategy,
        bakeMinutes: num(config?.bake_time_in_minutes),
        ...(canary ? { canaryPercent: num(canary.canary_percent, 5), canaryMinutes: num(canary.canary_bake_time_in_minutes, 10) } : {}),
        ...(linear ? { stepPercent: num(linear.step_percent, 10), stepMinutes: num(linear.step_bake_time_in_minutes, 6) } : {}),
        // Without a load balancer, only the container's own check admits a task.
        healthCheckIntervalSeconds: tg ? num(check?.interval, 30) : 0,
        healthyThreshold: tg ? num(check?.healthy_threshold, 5) : 0,
        deregistrationDelaySeconds: tg ? num(tg.attrs.deregistration_delay, 300) : 0,
        ...(containerCheck ? { containerHealthCheckIntervalSeconds: num(containerCheck.interval, 30) } : {}),
        ...(alarms.length ? { alarmWindowSeconds: Math.max(...alarms.map(alarmWindow)) } : {}),
        automaticRollback: asRecord(service.attrs.deployment_circuit_breaker)?.rollback === true || rollbackAlarms,
      };
      const name = typeof service.attrs.name === "string" ? service.attrs.name : service.name;
      out.push({ stack: stack.name, environment: stack.name.split("-")[0]!, service: name, settings });
    }
  }
  return out;
}
