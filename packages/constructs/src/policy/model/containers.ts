import type { ResourceView } from "./app-view";
import { parseJsonAttribute } from "./hcl";

/** The fields of an ECS container definition that the rules read (camelCase, as ECS takes them). */
export interface ContainerDefinition {
  readonly name?: string;
  readonly user?: string;
  readonly readonlyRootFilesystem?: boolean;
  readonly privileged?: boolean;
  readonly environment?: readonly { readonly name?: string; readonly value?: unknown }[];
  readonly linuxParameters?: { readonly capabilities?: { readonly add?: readonly string[] } };
}

/** The task definition's containers, or `undefined` when they are computed at apply time. */
export function containersOf(taskDefinition: ResourceView): readonly ContainerDefinition[] | undefined {
  const parsed = parseJsonAttribute(taskDefinition.attrs.container_definitions);
  return Array.isArray(parsed) ? (parsed as ContainerDefinition[]) : undefined;
}

/** `name` of a container for messages; falls back to its position. */
export function containerLabel(container: ContainerDefinition, index: number): string {
  return typeof container.name === "string" ? `container "${container.name}"` : `container #${index + 1}`;
}
