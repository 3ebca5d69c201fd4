import { DataAwsAvailabilityZones } from "@cdktf/provider-aws/lib/data-aws-availability-zones";
import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { Eip } from "@cdktf/provider-aws/lib/eip";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { NatGateway } from "@cdktf/provider-aws/lib/nat-gateway";
import { Route } from "@cdktf/provider-aws/lib/route";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { parseCidr, subnetCidr, type NatStrategy, type VpcEndpointName } from "@bun-fargate/config";
import { Fn, Token } from "cdktf";
import { Construct } from "constructs";
import { FlowLogs } from "./flow-logs";
import { VpcEndpoints } from "./vpc-endpoints";

export interface NetworkProps {
  /** Prefix of resource Name tags, e.g. `prod`. */
  readonly name: string;
  /** VPC range, /16 to /22. It is cut into 8 equal blocks: public subnets first, private from the fifth. */
  readonly cidrBlock: string;
  /** Availability zones to spread subnets over (2 to 4). @default 2 */
  readonly azCount?: number;
  /** `none`: no NAT; `single`: one shared NAT gateway; `per-az`: one per AZ (no cross-AZ dependency). @default "single" */
  readonly natStrategy?: NatStrategy;
  /** VPC endpoints for private traffic to AWS services. @default [] */
  readonly vpcEndpoints?: readonly VpcEndpointName[];
  /**
   * IPv6 on the internet side: an Amazon-provided /56 for the VPC, a /64 of it for each public
   * subnet and a `::/0` route to the internet gateway. Private subnets stay IPv4-only.
   * @default false
   */
  readonly dualStack?: boolean;
  /** Record VPC flow logs to CloudWatch Logs. @default false */
  readonly flowLogs?: boolean;
  /** Retention of the flow log group. @default 90 */
  readonly flowLogRetentionDays?: number;
}

/** A VPC over several AZs with public and private subnets, NAT per strategy and optional endpoints. */
export class Network extends Construct {
  public readonly vpc: Vpc;
  public readonly publicSubnets: Subnet[] = [];
  public readonly privateSubnets: Subnet[] = [];
  public readonly natGateways: NatGateway[] = [];
  public readonly natStrategy: NatStrategy;
  public readonly endpoints: VpcEndpoints | undefined;
  public readonly flowLogs: FlowLogs | undefined;
  public readonly dualStack: boolean;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    const azCount = props.azCount ?? 2;
    this.natStrategy = props.natStrategy ?? "single";
    const endpointNames = props.vpcEndpoints ?? [];
    this.dualStack = props.dualStack ?? false;
    if (!Token.isUnresolved(props.cidrBlock)) {
      const cidr = parseCidr(props.cidrBlock);
      if (!cidr || cidr.prefix < 16 || cidr.prefix > 22) {
        throw new Error(`Network "${props.name}": cidrBlock "${props.cidrBlock}" must be an IPv4 CIDR from /16 to /22`);
      }
    }
    if (!["none", "single", "per-az"].includes(this.natStrategy)) {
      throw new Error(`Network "${props.name}": natStrategy "${this.natStrategy}" must be "none", "single" or "per-az"`);
    }
    if (!Number.isInteger(azCount) || azCount < 2 || azCount > 4) {
      throw new Error(`Network "${props.name}": azCount ${azCount} must be 2, 3 or 4`);
    }

    const zones = new DataAwsAvailabilityZones(this, "Zones", {
      state: "available",
      filter: [{ name: "opt-in-status", values: ["opt-in-not-required"] }],
    });
    this.vpc = new Vpc(this, "Vpc", {
      cidrBlock: props.cidrBlock,
      enableDnsHostnames: true,
      enableDnsSupport: true,
      assignGeneratedIpv6CidrBlock: this.dualStack ? true : undefined,
      tags: { Name: `${props.name}-vpc` },
    });
    // The default security group allows all traffic between its members; nothing should use it.
    new DefaultSecurityGroup(this, "DefaultSecurityGroup", { vpcId: this.vpc.id, tags: { Name: `${props.name}-default-unused` } });

    const igw = new InternetGateway(this, "InternetGateway", { vpcId: this.vpc.id, tags: { Name: `${props.name}-igw` } });
    const publicRoutes = new RouteTable(this, "PublicRouteTable", { vpcId: this.vpc.id, tags: { Name: `${props.name}-public` } });
    new Route(this, "PublicDefaultRoute", { routeTableId: publicRoutes.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: igw.id });
    if (this.dualStack) new Route(this, "PublicDefaultRouteV6", { routeTableId: publicRoutes.id, destinationIpv6CidrBlock: "::/0", gatewayId: igw.id });

    const privateRouteTables: RouteTable[] = [];
    for (let i = 0; i < azCount; i++) {
      const az = Fn.element(zones.names, i);
      const pub = new Subnet(this, `PublicSubnet${i}`, {
        vpcId: this.vpc.id,
        availabilityZone: az,
        cidrBlock: subnetCidr(props.cidrBlock, 3, i),
        // The i-th /64 of the VPC's /56 (the ALB needs IPv6 in every subnet it sits in to be dual-stack).
        ipv6CidrBlock: this.dualStack ? Fn.cidrsubnet(this.vpc.ipv6CidrBlock, 8, i) : undefined,
        // Only the ALB and NAT live here; tasks get public IPs explicitly when they need one.
        mapPublicIpOnLaunch: false,
        tags: { Name: `${props.name}-public-${i}`, Tier: "public" },
      });
      new RouteTableAssociation(this, `PublicSubnetRoutes${i}`, { subnetId: pub.id, routeTableId: publicRoutes.id });
      this.publicSubnets.push(pub);

      const priv = new Subnet(this, `PrivateSubnet${i}`, {
        vpcId: this.vpc.id,
        availabilityZone: az,
        cidrBlock: subnetCidr(props.cidrBlock, 3, 4 + i),
        tags: { Name: `${props.name}-private-${i}`, Tier: "private" },
      });
      const routes = new RouteTable(this, `PrivateRouteTable${i}`, { vpcId: this.vpc.id, tags: { Name: `${props.name}-private-${i}` } });
      new RouteTableAssociation(this, `PrivateSubnetRoutes${i}`, { subnetId: priv.id, routeTableId: routes.id });
      this.privateSubnets.push(priv);
      privateRouteTables.push(routes);
    }

    const natCount = this.natStrategy === "per-az" ? azCount : this.natStrategy === "single" ? 1 : 0;
    for (let i = 0; i < natCount; i++) {
      const eip = new Eip(this, `NatAddress${i}`, { domain: "vpc", tags: { Name: `${props.name}-nat-${i}` } });
      this.natGateways.push(
        new NatGateway(this, `NatGateway${i}`, {
          allocationId: eip.allocationId,
          subnetId: this.publicSubnets[i]!.id,
          tags: { Name: `${props.name}-nat-${i}` },
          dependsOn: [igw],
        }),
      );
    }
    privateRouteTables.forEach((routes, i) => {
      const nat = this.natGateways[i] ?? this.natGateways[0];
      if (nat) new Route(this, `PrivateDefaultRoute${i}`, { routeTableId: routes.id, destinationCidrBlock: "0.0.0.0/0", natGatewayId: nat.id });
    });

    if (endpointNames.length > 0) {
      this.endpoints = new VpcEndpoints(this, "Endpoints", {
        name: props.name,
        vpc: this.vpc,
        subnets: this.privateSubnets,
        routeTables: privateRouteTables,
        services: endpointNames,
      });
    }
    if (props.flowLogs ?? false) {
      this.flowLogs = new FlowLogs(this, "FlowLogs", { name: props.name, vpc: this.vpc, retentionDays: props.flowLogRetentionDays ?? 90 });
    }
  }

  /**
   * Private subnets reach ECR and CloudWatch Logs through NAT or endpoints. With neither, tasks
   * must sit in public subnets with a public IP to pull their image.
   */
  public get tasksNeedPublicIp(): boolean {
    const viaEndpoints = ["ecr-api", "ecr-dkr", "logs", "s3"].every((e) => this.endpoints?.services.includes(e as VpcEndpointName));
    return this.natGateways.length === 0 && !viaEndpoints;
  }

  /** The subnets tasks run in. */
  public get taskSubnets(): Subnet[] {
    return this.tasksNeedPublicIp ? this.publicSubnets : this.privateSubnets;
  }
}
