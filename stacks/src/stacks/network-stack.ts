import { Network } from "@bun-fargate/constructs";
import { TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import { PlatformStack, type PlatformStackProps } from "./platform-stack";

/** `<env>-network`: the VPC, subnets, NAT, endpoints and flow logs of one environment. */
export class NetworkStack extends PlatformStack {
  public readonly network: Network;

  constructor(scope: Construct, id: string, props: PlatformStackProps) {
    super(scope, id, props);
    const env = props.environment;
    this.network = new Network(this, "Network", {
      name: env.name,
      cidrBlock: env.vpcCidr,
      azCount: env.azCount,
      natStrategy: env.natStrategy,
      vpcEndpoints: env.vpcEndpoints,
      dualStack: env.dualStack,
      flowLogs: env.flowLogs,
      flowLogRetentionDays: env.logRetentionDays,
    });
    new TerraformOutput(this, "VpcId", { value: this.network.vpc.id });
  }
}
