/**
 * The size of a service's task definition as ECS receives it, for its 64 KiB quota. The user's
 * settings (environment, secrets, command) are measured exactly as the container definition holds
 * them; everything the platform adds is bounded by PLATFORM_TASK_DEFINITION_BYTES, which a synth test
 * checks against real task definitions with the longest names and the image reference at its longest.
 */
import type { ResolvedEnvironment, ResolvedService } from "./resolved";
import type { SecretRef } from "./types";

export const PLATFORM_TASK_DEFINITION_BYTES = 3072;

const valueFrom = (ref: SecretRef) => ("secretsManagerArn" in ref ? (ref.jsonKey ? `${ref.secretsManagerArn}:${ref.jsonKey}::` : ref.secretsManagerArn) : ref.ssmParameterArn);
const encoder = new TextEncoder();
const utf8 = (s: string) => encoder.encode(s).length;

export interface TaskDefinitionBytes {
  readonly environment: number;
  readonly secrets: number;
  readonly command: number;
  readonly platform: number;
  readonly total: number;
}

export function taskDefinitionBytes(_env: ResolvedEnvironment, svc: ResolvedService): TaskDefinitionBytes {
  // Each entry as it appears in the JSON list, with its separating comma.
  const environment = Object.entries(svc.environment).reduce((sum, [name, value]) => sum + utf8(JSON.stringify({ name, value })) + 1, 0);
  const secrets = Object.entries(svc.secrets).reduce((sum, [name, ref]) => sum + utf8(JSON.stringify({ name, valueFrom: valueFrom(ref) })) + 1, 0);
  const command = svc.command ? utf8(JSON.stringify(svc.command)) + utf8('"command":,') : 0;
  const platform = PLATFORM_TASK_DEFINITION_BYTES;
  return { environment, secrets, command, platform, total: environment + secrets + command + platform };
}
