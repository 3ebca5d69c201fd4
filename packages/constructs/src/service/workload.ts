import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import type { Construct } from "constructs";
import type { FargateCluster } from "../cluster/fargate-cluster";
import type { ServiceRepository } from "../cluster/service-repository";
import type { Network } from "../network/network";
import { FargateTaskDefinition, type FargateTaskDefinitionProps } from "./task-definition";

/** The task definition settings a workload passes through unchanged (documented there). */
const TASK_SETTINGS = [
  "image",
  "region",
  "logGroupName",
  "logRetentionDays",
  "cpu",
  "memoryMiB",
  "architecture",
  "environment",
  "secrets",
  "command",
  "enableExec",
  "sizeReason",
  "permissions",
  "queues",
] as const satisfies readonly (keyof FargateTaskDefinitionProps)[];
type TaskSettings = Pick<FargateTaskDefinitionProps, (typeof TASK_SETTINGS)[number]>;

/** What every long-running or scheduled Fargate workload is configured with. */
export interface FargateWorkloadProps extends TaskSettings {
  /** Unique name in the cluster, e.g. `bun-api`; resources are named `<prefix>-<name>`. */
  readonly name: string;
  /** Prefix of IAM role, alarm and task family names, e.g. `prod`. */
  readonly namePrefix: string;
  readonly network: Network;
  readonly cluster: FargateCluster;
  readonly repository: ServiceRepository;
  /** Share of tasks on FARGATE_SPOT, 0 to 1. @default 0 */
  readonly spotShare?: number;
}

/** The task definition of a workload, created on `scope` as "Task". */
export function workloadTask(
  scope: Construct,
  props: FargateWorkloadProps,
  extra: Pick<FargateTaskDefinitionProps, "containerPort" | "healthCheckCommand">,
): FargateTaskDefinition {
  const settings = Object.fromEntries(TASK_SETTINGS.map((key) => [key, props[key]])) as TaskSettings;
  return new FargateTaskDefinition(scope, "Task", {
    ...settings,
    family: `${props.namePrefix}-${props.name}`,
    repository: props.repository.repository,
    ...extra,
  });
}

/**
 * The tasks' own security group, created on `scope` as "SecurityGroup": no ingress (callers add
 * it), egress HTTPS only, since image pulls, logs, secrets and AWS APIs all use HTTPS through NAT
 * or VPC endpoints.
 */
export function workloadSecurityGroup(scope: Construct, props: FargateWorkloadProps, description: string): SecurityGroup {
  const name = `${props.namePrefix}-${props.name}-tasks`;
  const group = new SecurityGroup(scope, "SecurityGroup", { name, description, vpcId: props.network.vpc.id, tags: { Name: name } });
  new VpcSecurityGroupEgressRule(scope, "HttpsOut", {
    securityGroupId: group.id,
    description: "HTTPS to AWS APIs and the internet",
    ipProtocol: "tcp",
    fromPort: 443,
    toPort: 443,
    cidrIpv4: "0.0.0.0/0",
  });
  return group;
}
