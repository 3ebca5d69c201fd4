import type { VpcEndpointName } from "@bun-fargate/config";
import { build, synth } from "../testing/fixtures";
import { Network, type NetworkProps } from "./network";

const network = (props: Partial<NetworkProps> = {}) =>
  synth((stack) => ({ network: new Network(stack, "Network", { name: "t", cidrBlock: "10.0.0.0/16", ...props }) }));

const FULL_ENDPOINTS: VpcEndpointName[] = ["ecr-api", "ecr-dkr", "logs", "s3"];

describe("Network", () => {
  describe("defaults", () => {
    const { tf, network: net } = network();

    test("a VPC with DNS, two public and two private subnets, one NAT, no endpoints or flow logs", () => {
      expect(tf.of(net.vpc)).toMatchObject({ cidr_block: "10.0.0.0/16", enable_dns_hostnames: true, enable_dns_support: true, tags: { Name: "t-vpc" } });
      expect(tf.resources("aws_subnet")).toHaveLength(4);
      expect(net.publicSubnets.map((s) => tf.of(s).cidr_block)).toEqual(["10.0.0.0/19", "10.0.32.0/19"]);
      expect(net.privateSubnets.map((s) => tf.of(s).cidr_block)).toEqual(["10.0.128.0/19", "10.0.160.0/19"]);
      expect(tf.resources("aws_nat_gateway")).toHaveLength(1);
      expect(tf.resources("aws_eip")).toHaveLength(1);
      expect(net.natStrategy).toBe("single");
      expect(tf.resources("aws_vpc_endpoint")).toHaveLength(0);
      expect(tf.resources("aws_flow_log")).toHaveLength(0);
      expect(net.endpoints).toBeUndefined();
      expect(net.flowLogs).toBeUndefined();
    });

    test("subnet i of each tier sits in the i-th available zone, local zones excluded", () => {
      const zones = tf.dataSources("aws_availability_zones");
      expect(zones).toEqual([{ state: "available", filter: [{ name: "opt-in-status", values: ["opt-in-not-required"] }] }]);
      [net.publicSubnets, net.privateSubnets].forEach((tier) =>
        tier.forEach((s, i) => expect(tf.of(s).availability_zone).toMatch(new RegExp(`^\\$\\{element\\(data\\.aws_availability_zones\\.\\w+\\.names, ${i}\\)\\}$`))),
      );
    });

    test("no subnet hands out public IPs on launch", () => {
      for (const s of net.publicSubnets) expect(tf.of(s)).toMatchObject({ map_public_ip_on_launch: false, tags: { Tier: "public" } });
      for (const s of net.privateSubnets) {
        expect(tf.of(s).tags).toMatchObject({ Tier: "private" });
        expect(tf.of(s).map_public_ip_on_launch ?? false).toBe(false);
      }
    });

    test("public subnets share one route table whose default route is the internet gateway", () => {
      const igw = tf.resources("aws_internet_gateway");
      expect(igw).toEqual([expect.objectContaining({ vpc_id: tf.ref(net.vpc, "id") })]);
      const publicDefault = tf.resources("aws_route").filter((r) => r.gateway_id !== undefined);
      expect(publicDefault).toHaveLength(1);
      expect(publicDefault[0]).toMatchObject({ destination_cidr_block: "0.0.0.0/0", gateway_id: expect.stringMatching(/^\$\{aws_internet_gateway\./) });
      const assoc = tf.resources("aws_route_table_association").filter((a) => a.route_table_id === publicDefault[0]!.route_table_id);
      expect(assoc.map((a) => a.subnet_id).sort()).toEqual(net.publicSubnets.map((s) => tf.ref(s, "id")).sort());
    });

    test("each private subnet has its own route table, defaulting to the NAT gateway", () => {
      const nat = tf.ref(net.natGateways[0]!, "id");
      for (const subnet of net.privateSubnets) {
        const assoc = tf.resources("aws_route_table_association").filter((a) => a.subnet_id === tf.ref(subnet, "id"));
        expect(assoc).toHaveLength(1);
        const routes = tf.resources("aws_route").filter((r) => r.route_table_id === assoc[0]!.route_table_id);
        expect(routes).toEqual([expect.objectContaining({ destination_cidr_block: "0.0.0.0/0", nat_gateway_id: nat })]);
      }
      const privateTables = new Set(tf.resources("aws_route_table_association").map((a) => a.route_table_id));
      expect(privateTables.size).toBe(3); // one public, one per private subnet
    });

    test("the default security group is adopted and emptied", () => {
      const sgs = tf.resources("aws_default_security_group");
      expect(sgs).toHaveLength(1);
      expect(sgs[0]).toMatchObject({ vpc_id: tf.ref(net.vpc, "id"), tags: { Name: "t-default-unused" } });
      // Without ingress/egress blocks Terraform removes every rule of the default group.
      expect(Object.keys(sgs[0]!).sort()).toEqual(["tags", "vpc_id"]);
    });

    test("tasks run in private subnets without public IPs", () => {
      expect(net.tasksNeedPublicIp).toBe(false);
      expect(net.taskSubnets).toBe(net.privateSubnets);
    });
  });

  describe("name", () => {
    test("prefixes every Name tag", () => {
      const { tf } = network({ name: "prod" });
      const names = ["aws_vpc", "aws_subnet", "aws_internet_gateway", "aws_route_table", "aws_nat_gateway", "aws_eip"].flatMap((t) =>
        tf.resources(t).map((r) => r.tags.Name as string),
      );
      expect(names.length).toBeGreaterThan(8);
      for (const n of names) expect(n).toMatch(/^prod-/);
    });
  });

  describe("cidrBlock", () => {
    test("a /22 is cut into /25 blocks: public from block 0, private from block 4", () => {
      const { tf, network: net } = network({ cidrBlock: "10.1.4.0/22", azCount: 3 });
      expect(tf.of(net.vpc).cidr_block).toBe("10.1.4.0/22");
      expect(net.publicSubnets.map((s) => tf.of(s).cidr_block)).toEqual(["10.1.4.0/25", "10.1.4.128/25", "10.1.5.0/25"]);
      expect(net.privateSubnets.map((s) => tf.of(s).cidr_block)).toEqual(["10.1.6.0/25", "10.1.6.128/25", "10.1.7.0/25"]);
    });
  });

  describe("azCount", () => {
    test.each([
      [2, ["10.0.0.0/19", "10.0.32.0/19"], ["10.0.128.0/19", "10.0.160.0/19"]],
      [3, ["10.0.0.0/19", "10.0.32.0/19", "10.0.64.0/19"], ["10.0.128.0/19", "10.0.160.0/19", "10.0.192.0/19"]],
      [4, ["10.0.0.0/19", "10.0.32.0/19", "10.0.64.0/19", "10.0.96.0/19"], ["10.0.128.0/19", "10.0.160.0/19", "10.0.192.0/19", "10.0.224.0/19"]],
    ])("%i AZs: that many subnets per tier, public blocks 0..n-1, private from the fifth block", (azCount, publicCidrs, privateCidrs) => {
      const { tf, network: net } = network({ azCount });
      expect(tf.resources("aws_subnet")).toHaveLength(2 * azCount);
      expect(net.publicSubnets.map((s) => tf.of(s).cidr_block)).toEqual(publicCidrs);
      expect(net.privateSubnets.map((s) => tf.of(s).cidr_block)).toEqual(privateCidrs);
      expect(tf.resources("aws_route_table")).toHaveLength(1 + azCount);
      expect(net.privateSubnets.map((s) => tf.of(s).availability_zone)).toEqual(net.publicSubnets.map((s) => tf.of(s).availability_zone));
    });
  });

  describe("natStrategy", () => {
    test("none: no NAT gateway, no address, no private default route", () => {
      const { tf, network: net } = network({ natStrategy: "none" });
      expect(tf.resources("aws_nat_gateway")).toHaveLength(0);
      expect(tf.resources("aws_eip")).toHaveLength(0);
      // The only default route left is the public one, to the internet gateway.
      expect(tf.resources("aws_route")).toEqual([expect.objectContaining({ gateway_id: expect.stringContaining("aws_internet_gateway") })]);
      expect(net.natGateways).toHaveLength(0);
    });

    test("single: one NAT gateway in the first public subnet, with its own address, behind the internet gateway", () => {
      const { tf, network: net } = network({ natStrategy: "single", azCount: 3 });
      const nats = tf.resources("aws_nat_gateway");
      expect(nats).toHaveLength(1);
      expect(tf.resources("aws_eip")).toEqual([expect.objectContaining({ domain: "vpc" })]);
      expect(nats[0]).toMatchObject({
        subnet_id: tf.ref(net.publicSubnets[0]!, "id"),
        allocation_id: expect.stringMatching(/^\$\{aws_eip\.\w+\.allocation_id\}$/),
        depends_on: [expect.stringMatching(/^aws_internet_gateway\./)],
      });
      const privateRoutes = tf.resources("aws_route").filter((r) => r.nat_gateway_id !== undefined);
      expect(privateRoutes).toHaveLength(3);
      for (const r of privateRoutes) expect(r.nat_gateway_id).toBe(tf.ref(net.natGateways[0]!, "id"));
    });

    test("per-az: one NAT gateway per AZ, and each private route table uses the NAT of its own AZ", () => {
      const { tf, network: net } = network({ natStrategy: "per-az", azCount: 3 });
      expect(tf.resources("aws_nat_gateway")).toHaveLength(3);
      expect(tf.resources("aws_eip")).toHaveLength(3);
      const allocations = new Set(tf.resources("aws_nat_gateway").map((n) => n.allocation_id));
      expect(allocations.size).toBe(3);
      net.natGateways.forEach((nat, i) => expect(tf.of(nat).subnet_id).toBe(tf.ref(net.publicSubnets[i]!, "id")));
      net.privateSubnets.forEach((subnet, i) => {
        const table = tf.resources("aws_route_table_association").find((a) => a.subnet_id === tf.ref(subnet, "id"))!.route_table_id;
        const routes = tf.resources("aws_route").filter((r) => r.route_table_id === table);
        expect(routes).toEqual([expect.objectContaining({ destination_cidr_block: "0.0.0.0/0", nat_gateway_id: tf.ref(net.natGateways[i]!, "id") })]);
      });
    });
  });

  describe("vpcEndpoints", () => {
    const { tf, network: net } = network({ natStrategy: "none", vpcEndpoints: [...FULL_ENDPOINTS, "secretsmanager", "ssm"] });
    const interfaces = () => tf.resources("aws_vpc_endpoint").filter((e) => e.vpc_endpoint_type === "Interface");

    test("interface endpoints sit in the private subnets with private DNS, named after the region", () => {
      expect(interfaces().map((e) => e.service_name.replace(/\$\{data\.aws_region\.\w+\.region\}/, "REGION")).sort()).toEqual(
        ["ecr.api", "ecr.dkr", "logs", "secretsmanager", "ssm"].map((s) => `com.amazonaws.REGION.${s}`),
      );
      const privateIds = net.privateSubnets.map((s) => tf.ref(s, "id"));
      for (const e of interfaces()) {
        expect(e).toMatchObject({ vpc_id: tf.ref(net.vpc, "id"), private_dns_enabled: true, subnet_ids: privateIds });
      }
    });

    test("their security group admits only HTTPS from the VPC range", () => {
      const sg = net.endpoints!.securityGroup!;
      for (const e of interfaces()) expect(e.security_group_ids).toEqual([tf.ref(sg, "id")]);
      const ingress = tf.resources("aws_vpc_security_group_ingress_rule").filter((r) => r.security_group_id === tf.ref(sg, "id"));
      expect(ingress).toEqual([
        expect.objectContaining({ ip_protocol: "tcp", from_port: 443, to_port: 443, cidr_ipv4: tf.ref(net.vpc, "cidr_block") }),
      ]);
      expect(ingress[0]).not.toHaveProperty("cidr_ipv6");
      expect(ingress[0]).not.toHaveProperty("referenced_security_group_id");
      expect(tf.resources("aws_vpc_security_group_egress_rule")).toHaveLength(0);
      expect(tf.of(sg).ingress ?? []).toEqual([]);
    });

    test("S3 is a gateway endpoint on the private route tables only", () => {
      const gateways = tf.resources("aws_vpc_endpoint").filter((e) => e.vpc_endpoint_type === "Gateway");
      expect(gateways).toHaveLength(1);
      expect(gateways[0]!.service_name).toMatch(/^com\.amazonaws\.\$\{data\.aws_region\.\w+\.region\}\.s3$/);
      const privateTables = net.privateSubnets.map(
        (s) => tf.resources("aws_route_table_association").find((a) => a.subnet_id === tf.ref(s, "id"))!.route_table_id,
      );
      expect(gateways[0]!.route_table_ids).toEqual(privateTables);
      const publicTable = tf.resources("aws_route").find((r) => r.gateway_id !== undefined)!.route_table_id;
      expect(gateways[0]!.route_table_ids).not.toContain(publicTable);
      expect(gateways[0]).not.toHaveProperty("subnet_ids");
    });

    test("the S3 gateway alone needs no security group", () => {
      const { tf: s3Only, network: n } = network({ vpcEndpoints: ["s3"] });
      expect(s3Only.resources("aws_vpc_endpoint")).toEqual([expect.objectContaining({ vpc_endpoint_type: "Gateway" })]);
      expect(s3Only.resources("aws_security_group")).toHaveLength(0);
      expect(n.endpoints!.securityGroup).toBeUndefined();
    });
  });

  describe("where tasks run", () => {
    test.each<[string, Partial<NetworkProps>, boolean]>([
      ["no NAT and no endpoints: public subnets with a public IP", { natStrategy: "none" }, true],
      ["no NAT and only some endpoints: public subnets with a public IP", { natStrategy: "none", vpcEndpoints: ["s3", "logs", "ecr-api"] }, true],
      ["no NAT but ECR, Logs and S3 endpoints: private subnets", { natStrategy: "none", vpcEndpoints: FULL_ENDPOINTS }, false],
      ["a single NAT: private subnets", { natStrategy: "single" }, false],
      ["a NAT per AZ: private subnets", { natStrategy: "per-az" }, false],
    ])("%s", (_, props, publicIp) => {
      const net = build((stack) => new Network(stack, "Network", { name: "t", cidrBlock: "10.0.0.0/16", ...props }));
      expect(net.tasksNeedPublicIp).toBe(publicIp);
      expect(net.taskSubnets).toBe(publicIp ? net.publicSubnets : net.privateSubnets);
    });
  });

  test.each(FULL_ENDPOINTS)("without NAT, leaving out the %s endpoint puts tasks back in public subnets", (missing) => {
    const vpcEndpoints = FULL_ENDPOINTS.filter((e) => e !== missing);
    const net = build((stack) => new Network(stack, "Network", { name: "t", cidrBlock: "10.0.0.0/16", natStrategy: "none", vpcEndpoints }));
    expect(net.endpoints!.services).toEqual(vpcEndpoints);
    expect(net.tasksNeedPublicIp).toBe(true);
  });

  describe("dualStack", () => {
    test("defaults: IPv4 only (no IPv6 range, subnet block or route)", () => {
      const { tf, network: net } = network();
      expect(net.dualStack).toBe(false);
      expect(tf.of(net.vpc)).toHaveProperty("cidr_block", "10.0.0.0/16");
      expect(tf.of(net.vpc)).not.toHaveProperty("assign_generated_ipv6_cidr_block");
      for (const s of tf.resources("aws_subnet")) expect(s).not.toHaveProperty("ipv6_cidr_block");
      expect(tf.resources("aws_route").filter((r) => r.destination_ipv6_cidr_block)).toHaveLength(0);
    });

    const { tf, network: net } = network({ dualStack: true, azCount: 3 });

    test("the VPC gets an Amazon-provided IPv6 range; public subnet i its i-th /64", () => {
      expect(tf.of(net.vpc)).toMatchObject({ cidr_block: "10.0.0.0/16", assign_generated_ipv6_cidr_block: true });
      net.publicSubnets.forEach((s, i) => expect(tf.of(s).ipv6_cidr_block).toBe(`\${cidrsubnet(${tf.ref(net.vpc, "ipv6_cidr_block").slice(2, -1)}, 8, ${i})}`));
    });

    test("private subnets stay IPv4-only; nothing gets IPv6 addresses on launch", () => {
      for (const s of net.privateSubnets) expect(tf.of(s)).not.toHaveProperty("ipv6_cidr_block");
      for (const s of tf.resources("aws_subnet")) expect(s.assign_ipv6_address_on_creation ?? false).toBe(false);
    });

    test("the public route table sends ::/0 to the internet gateway", () => {
      const v6 = tf.resources("aws_route").filter((r) => r.destination_ipv6_cidr_block);
      expect(v6).toHaveLength(1);
      expect(v6[0]).toMatchObject({ destination_ipv6_cidr_block: "::/0", gateway_id: tf.ref(tf.stack.node.findAll().find((c) => c.node.id === "InternetGateway") as never, "id") });
    });
  });

  describe("flowLogs", () => {
    const { tf, network: net } = network({ flowLogs: true });

    test("all traffic of the VPC goes to a log group kept 90 days", () => {
      const flow = net.flowLogs!;
      expect(tf.of(flow.logGroup)).toMatchObject({ name: "/vpc/t/flow-logs", retention_in_days: 90 });
      expect(tf.of(flow.flowLog)).toMatchObject({
        vpc_id: tf.ref(net.vpc, "id"),
        traffic_type: "ALL",
        log_destination_type: "cloud-watch-logs",
        log_destination: tf.ref(flow.logGroup, "arn"),
        iam_role_arn: expect.stringMatching(/^\$\{aws_iam_role\.\w+\.arn\}$/),
      });
    });

    test("the writer role is assumable by flow logs only and may write only to that log group", () => {
      const roles = tf.resources("aws_iam_role");
      expect(roles).toHaveLength(1);
      expect(tf.statements(roles[0]!.assume_role_policy)).toEqual([
        expect.objectContaining({ actions: ["sts:AssumeRole"], principals: [{ type: "Service", identifiers: ["vpc-flow-logs.amazonaws.com"] }] }),
      ]);
      const policies = tf.resources("aws_iam_role_policy");
      expect(policies).toHaveLength(1);
      const statements = tf.statements(policies[0]!.policy);
      expect(statements).toHaveLength(1);
      expect(statements[0]!.actions.every((a) => a.startsWith("logs:"))).toBe(true);
      expect(statements[0]!.resources).toEqual([`${tf.ref(net.flowLogs!.logGroup, "arn")}:*`]);
    });

    test("flowLogRetentionDays sets the retention", () => {
      const { tf: t, network: n } = network({ flowLogs: true, flowLogRetentionDays: 365 });
      expect(t.of(n.flowLogs!.logGroup).retention_in_days).toBe(365);
    });

    test("flowLogs false creates nothing", () => {
      const { tf: t } = network({ flowLogs: false, flowLogRetentionDays: 365 });
      expect(t.resources("aws_flow_log")).toHaveLength(0);
      expect(t.resources("aws_cloudwatch_log_group")).toHaveLength(0);
      expect(t.resources("aws_vpc")).toHaveLength(1);
    });
  });

  describe("fails when", () => {
    const make = (props: Partial<NetworkProps>) => () =>
      build((stack) => new Network(stack, "Network", { name: "t", cidrBlock: "10.0.0.0/16", ...props }));

    test.each(["10.0.0.0/15", "10.0.0.0/23", "10.0.0.1/16", "10.0.0.0", "not-a-cidr", "300.0.0.0/16"])("cidrBlock is %s", (cidrBlock) => {
      expect(make({ cidrBlock })).toThrow(`Network "t": cidrBlock "${cidrBlock}" must be an IPv4 CIDR from /16 to /22`);
    });

    test.each([1, 5, 2.5, 0])("azCount is %p", (azCount) => {
      expect(make({ azCount })).toThrow(`Network "t": azCount ${azCount} must be 2, 3 or 4`);
    });

    test("the valid extremes pass", () => {
      expect(make({ cidrBlock: "10.0.0.0/16", azCount: 4 })).not.toThrow();
      expect(make({ cidrBlock: "10.0.0.0/22", azCount: 2 })).not.toThrow();
    });
  });
});
