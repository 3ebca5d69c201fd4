import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import type { Architecture, SecretRef } from "@bun-fargate/config";
import type { Construct } from "constructs";
import type { FargateCluster } from "../cluster/fargate-cluster";
import type { ServiceRepository } from "../cluster/service-repository";
import type { Network } from "../network/network";
import { FargateTaskDefinition, type FargateTaskDefinitionProps } from "./task-definition";

/** What every long-running or scheduled Fargate workload is configured with. */
export interface FargateWorkloadProps {
  /** Unique name in the cluster, e.g. `bun-api`; resources are named `<prefix>-<name>`. */
  readonly name: string;
  /** Prefix of IAM role, alarm and task family names, e.g. `prod`. */
  readonly namePrefix: string;
  readonly network: Network;
  readonly cluster: FargateCluster;
  readonly repository: ServiceRepository;
  /** Image reference, a digest in deployed environments. */
  readonly image: string;
  readonly region: string;
  readonly logGroupName: string;
  /** @default 30 */
  readonly logRetentionDays?: number;
  /** @default 256 */
  readonly cpu?: number;
  /** @default 512 */
  readonly memoryMiB?: number;
  /** @default "ARM64" */
  readonly architecture?: Architecture;
  /** @default {} */
  readonly environment?: Readonly<Record<string, string>>;
  /** @default {} */
  readonly secrets?: Readonly<Record<string, SecretRef>>;
  /** @default - the image's entrypoint */
  readonly command?: readonly string[];
  /** @default false */
  readonly enableExec?: boolean;
  /** Share of tasks on FARGATE_SPOT, 0 to 1. @default 0 */
  readonly spotShare?: number;
  /**
   * Why the task is larger than 0.25 vCPU / 0.5 GB; recorded as the suppression reason of the
   * size policy check. @default - none: a larger task fails that check in staging and prod
   */
  readonly sizeReason?: string;
}

/** The task definition of a workload, created on `scope` as "Task". */
export function workloadTask(
  scope: Construct,
  props: FargateWorkloadProps,
  extra: Pick<FargateTaskDefinitionProps, "containerPort" | "healthCheckCommand">,
): FargateTaskDefinition {
  return new FargateTaskDefinition(scope, "Task", {
    family: `${props.namePrefix}-${props.name}`,
    image: props.image,
    repository: props.repository.repository,
    region: props.region,
    logGroupName: props.logGroupName,
    logRetentionDays: props.logRetentionDays,
    cpu: props.cpu,
    memoryMiB: props.memoryMiB,
    architecture: props.architecture,
    environment: props.environment,
    secrets: props.secrets,
    command: props.command,
    enableExec: props.enableExec,
    sizeReason: props.sizeReason,
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
