import type { PolicyRule } from "../types";
import { EVERYWHERE } from "./common";

/** The default task size: enough for a Bun API serving thousands of requests per second. */
export const DEFAULT_CPU_UNITS = 256;
export const DEFAULT_MEMORY_MIB = 512;

const units = (value: unknown): number | undefined => {
  const n = typeof value === "string" ? Number(value) : value;
  return typeof n === "number" && Number.isFinite(n) ? n : undefined;
};

export const rightSized: PolicyRule = {
  id: "BF-SIZE-001",
  title: "tasks larger than 0.25 vCPU / 0.5 GB state why they need it",
  fix: "right-size the task (cpu 256 / memory 512) or give the service a sizeReason in its config, which records it as a suppression of this rule",
  severity: EVERYWHERE,
  *check(ctx) {
    for (const taskDefinition of ctx.resources("aws_ecs_task_definition")) {
      const cpu = units(taskDefinition.attrs.cpu);
      const memory = units(taskDefinition.attrs.memory);
      if ((cpu ?? 0) > DEFAULT_CPU_UNITS || (memory ?? 0) > DEFAULT_MEMORY_MIB) {
        yield { resource: taskDefinition, detail: `asks for ${(cpu ?? 0) / 1024} vCPU / ${(memory ?? 0) / 1024} GB without a stated reason` };
      }
    }
  },
};
