import type { TerraformStack } from "cdktf";
import { Testing } from "cdktf";
import type { SynthProfile } from "./profile";

/** The default profile, fixed so tests never depend on the caller's environment variables. */
export const AWS_PROFILE: SynthProfile = { target: "aws", endpoint: undefined, backend: "local" };

export interface SynthesizedStack {
  readonly resource: Record<string, Record<string, Record<string, unknown>>>;
  readonly data?: Record<string, Record<string, Record<string, unknown>>>;
  readonly provider: { aws: Record<string, unknown>[] };
  readonly terraform: Record<string, unknown>;
  readonly variable?: Record<string, Record<string, unknown>>;
  readonly output?: Record<string, { value: unknown }>;
}

export function synth(stack: TerraformStack): SynthesizedStack {
  return JSON.parse(Testing.synth(stack)) as SynthesizedStack;
}

/** Every resource of a type, as an array of its arguments. */
export function resources(stack: SynthesizedStack, type: string): Record<string, unknown>[] {
  return Object.values(stack.resource[type] ?? {});
}

/** Signs of a crash rather than a message: stack frames, Bun's source excerpts, its crash banner. */
export const CRASH = /(\n\s+at \S|^\s*\d+ \| |Bun v\d|panic|Segmentation fault|oh no: Bun has crashed)/m;
