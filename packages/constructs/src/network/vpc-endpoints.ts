import { DataAwsRegion } from "@cdktf/provider-aws/lib/data-aws-region";
import type { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import type { Subnet } from "@cdktf/provider-aws/lib/subnet";
import type { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import type { VpcEndpointName } from "@bun-fargate/config";
import { Construct } from "constructs";

export interface VpcEndpointsProps {
  readonly name: string;
  readonly vpc: Vpc;
  /** Subnets that get an interface endpoint network interface (one per AZ). */
  readonly subnets: readonly Subnet[];
  /** Route tables that get the S3 gateway route. */
  readonly routeTables: readonly RouteTable[];
  readonly services: readonly VpcEndpointName[];
}

/** AWS service name suffix of each endpoint. ECR image layers come from S3, hence the gateway. */
const SERVICE_SUFFIX: Record<VpcEndpointName, string> = {
  "ecr-api": "ecr.api",
  "ecr-dkr": "ecr.dkr",
  logs: "logs",
  secretsmanager: "secretsmanager",
  ssm: "ssm",
  s3: "s3",
};

/** Interface endpoints (HTTPS from inside the VPC only) and the free S3 gateway endpoint. */
export class VpcEndpoints extends Construct {
  public readonly services: readonly VpcEndpointName[];
  public readonly securityGroup: SecurityGroup | undefined;
  public readonly endpoints: Partial<Record<VpcEndpointName, VpcEndpoint>> = {};

  constructor(scope: Construct, id: string, props: VpcEndpointsProps) {
    super(scope, id);
    this.services = props.services;
    const region = new DataAwsRegion(this, "Region");
    const interfaces = props.services.filter((s) => s !== "s3");
    if (interfaces.length > 0) {
      this.securityGroup = new SecurityGroup(this, "SecurityGroup", {
        name: `${props.name}-vpc-endpoints`,
        description: "HTTPS from inside the VPC to AWS service endpoints",
        vpcId: props.vpc.id,
        tags: { Name: `${props.name}-vpc-endpoints` },
      });
      new VpcSecurityGroupIngressRule(this, "HttpsFromVpc", {
        securityGroupId: this.securityGroup.id,
        description: "HTTPS from the VPC",
        ipProtocol: "tcp",
        fromPort: 443,
        toPort: 443,
        cidrIpv4: props.vpc.cidrBlock,
      });
    }
    for (const service of props.services) {
      const serviceName = `com.amazonaws.${region.region}.${SERVICE_SUFFIX[service]}`;
      const idSuffix = service.split("-").map((p) => p[0]!.toUpperCase() + p.slice(1)).join("");
      this.endpoints[service] =
        service === "s3"
          ? new VpcEndpoint(this, "S3", {
              vpcId: props.vpc.id,
              serviceName,
              vpcEndpointType: "Gateway",
              routeTableIds: props.routeTables.map((t) => t.id),
              tags: { Name: `${props.name}-s3` },
            })
          : new VpcEndpoint(this, idSuffix, {
              vpcId: props.vpc.id,
              serviceName,
              vpcEndpointType: "Interface",
              privateDnsEnabled: true,
              subnetIds: props.subnets.map((s) => s.id),
              securityGroupIds: [this.securityGroup!.id],
              tags: { Name: `${props.name}-${service}` },
            });
    }
  }
}
