import type { PolicyRule, Violation } from "../types";
import type { ResourceView } from "../model/app-view";
import { containerLabel, containersOf, type ContainerDefinition } from "../model/containers";
import { asList } from "../model/hcl";
import { looksSecret } from "../model/secrets";
import { EVERYWHERE } from "./common";

function* eachContainer(
  taskDefinitions: readonly ResourceView[],
  test: (c: ContainerDefinition) => string | undefined,
): Iterable<Violation> {
  for (const taskDefinition of taskDefinitions) {
    const containers = containersOf(taskDefinition) ?? [];
    for (const [i, container] of containers.entries()) {
      const problem = test(container);
      if (problem) yield { resource: taskDefinition, detail: `${containerLabel(container, i)} ${problem}` };
    }
  }
}

export const readOnlyRoot: PolicyRule = {
  id: "BF-CTR-001",
  title: "containers cannot write to their root filesystem",
  fix: 'set "readonlyRootFilesystem": true in the container definition (mount a volume for scratch space)',
  severity: EVERYWHERE,
  check: (ctx) => eachContainer(ctx.resources("aws_ecs_task_definition"), (c) => (c.readonlyRootFilesystem === true ? undefined : "has a writable root filesystem")),
};

const ROOT_USER = /^(root|0)(:.*)?$/;

export const nonRootUser: PolicyRule = {
  id: "BF-CTR-002",
  title: "containers run as a non-root user",
  fix: 'set "user" in the container definition to a non-root UID:GID (our images run as 65532:65532)',
  severity: EVERYWHERE,
  check: (ctx) =>
    eachContainer(ctx.resources("aws_ecs_task_definition"), (c) => {
      if (c.user === undefined) return "sets no user, so it runs as the image's user (root unless the image says otherwise)";
      return ROOT_USER.test(c.user) ? `runs as root (user "${c.user}")` : undefined;
    }),
};

const BROAD_CAPABILITIES = new Set(["ALL", "SYS_ADMIN", "NET_ADMIN", "SYS_PTRACE"]);

export const notPrivileged: PolicyRule = {
  id: "BF-CTR-003",
  title: "containers are not privileged and add no host-level capabilities",
  fix: 'remove "privileged": true and broad linuxParameters.capabilities.add entries from the container definition',
  severity: EVERYWHERE,
  check: (ctx) =>
    eachContainer(ctx.resources("aws_ecs_task_definition"), (c) => {
      if (c.privileged === true) return "is privileged";
      const broad = (c.linuxParameters?.capabilities?.add ?? []).filter((cap) => BROAD_CAPABILITIES.has(cap));
      return broad.length > 0 ? `adds capabilities ${broad.join(", ")}` : undefined;
    }),
};

export const noHostAccess: PolicyRule = {
  id: "BF-CTR-004",
  title: "tasks do not mount host paths or share the host's namespaces",
  fix: "remove volume.host_path and pid_mode/ipc_mode/network_mode = \"host\" from the task definition (use awsvpc and task-scoped volumes)",
  severity: EVERYWHERE,
  *check(ctx) {
    for (const taskDefinition of ctx.resources("aws_ecs_task_definition")) {
      for (const volume of asList<Record<string, unknown>>(taskDefinition.attrs.volume)) {
        if (volume.host_path !== undefined) yield { resource: taskDefinition, detail: `volume "${volume.name}" mounts host path ${volume.host_path}` };
      }
      for (const key of ["pid_mode", "ipc_mode", "network_mode"]) {
        if (taskDefinition.attrs[key] === "host") yield { resource: taskDefinition, detail: `${key} is "host"` };
      }
    }
  },
};

export const secretsByReference: PolicyRule = {
  id: "BF-CTR-005",
  title: "secrets reach containers by reference (secrets/valueFrom), never as plain environment values",
  fix: "move the value to Secrets Manager or SSM and pass it in the container's secrets (config: secrets), not environment",
  severity: EVERYWHERE,
  *check(ctx) {
    for (const taskDefinition of ctx.resources("aws_ecs_task_definition")) {
      const containers = containersOf(taskDefinition) ?? [];
      for (const [i, container] of containers.entries()) {
        for (const variable of container.environment ?? []) {
          const why = looksSecret(variable.name, variable.value);
          if (why) yield { resource: taskDefinition, detail: `${containerLabel(container, i)} has environment variable "${variable.name}" that ${why}` };
        }
      }
    }
  },
};

