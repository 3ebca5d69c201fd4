/**
 * Test helpers for the constructs: build a stack, synthesize it once, and read the result by
 * construct (not by generated logical ID), so tests say "the NAT gateway of AZ 1" rather than
 * "aws_nat_gateway.Network_NatGateway1_8F3C…". Not exported from the package.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformDataSource, TerraformResource, TerraformStack, Testing } from "cdktf";
import { FargateCluster } from "../cluster/fargate-cluster";
import { ServiceRepository } from "../cluster/service-repository";
import { PublicLoadBalancer, type PublicLoadBalancerProps } from "../load-balancer/public-load-balancer";
import { Network, type NetworkProps } from "../network/network";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = Record<string, any>;

/** One statement of a synthesized `aws_iam_policy_document` (snake_case, as Terraform sees it). */
export interface Statement {
  readonly sid?: string;
  readonly effect?: string;
  readonly actions: string[];
  readonly resources?: string[];
  readonly principals?: { type: string; identifiers: string[] }[];
  readonly condition?: { test: string; variable: string; values: string[] }[];
}

/**
 * cdktf records a full stack trace for every token it creates, and jest's source-map support makes
 * formatting each one slow (about 10x the cost of building the constructs). Nothing reads those
 * traces unless a token fails to resolve, so they are skipped while a test builds; real errors
 * keep their stack.
 */
function withCheapStackTraces<T>(fn: () => T): T {
  const previous = Error.prepareStackTrace;
  Error.prepareStackTrace = (error, frames) => {
    if (!(error instanceof Error)) return "";
    return previous ? previous(error, frames) : `${error.name}: ${error.message}\n${frames.map((f) => `    at ${String(f)}`).join("\n")}`;
  };
  try {
    return fn();
  } finally {
    Error.prepareStackTrace = previous;
  }
}

/** Builds constructs in a fresh stack without synthesizing; for "fails when …" tests. */
export function build<T>(fn: (stack: TerraformStack) => T): T {
  return withCheapStackTraces(() => fn(new TerraformStack(Testing.app({ stackTraces: false }), "test")));
}

type Element = TerraformResource | TerraformDataSource;

/** A synthesized stack, read by construct. */
export class Synthesized {
  constructor(
    public readonly stack: TerraformStack,
    public readonly json: { resource?: Record<string, Record<string, Json>>; data?: Record<string, Record<string, Json>> },
  ) {}

  /** Every resource of a Terraform type, in synthesis order. */
  resources(type: string): Json[] {
    return Object.values(this.json.resource?.[type] ?? {});
  }

  /** Every data source of a Terraform type. */
  dataSources(type: string): Json[] {
    return Object.values(this.json.data?.[type] ?? {});
  }

  /** The synthesized arguments of one resource or data source. */
  of(element: Element): Json {
    const group = element instanceof TerraformDataSource ? this.json.data : this.json.resource;
    const found = group?.[element.terraformResourceType]?.[this.stack.getLogicalId(element)];
    if (!found) throw new Error(`${element.node.path} (${element.terraformResourceType}) is not in the synthesized stack`);
    return found;
  }

  /** The address `depends_on` uses, e.g. `aws_vpc.Network_Vpc_1234`. */
  address(element: Element): string {
    const prefix = element instanceof TerraformDataSource ? "data." : "";
    return `${prefix}${element.terraformResourceType}.${this.stack.getLogicalId(element)}`;
  }

  /** The interpolation Terraform sees for an attribute of `element`, e.g. `${aws_vpc.Network_Vpc_1234.id}`. */
  ref(element: Element, attribute: string): string {
    return `\${${this.address(element)}.${attribute}}`;
  }

  /** The statements of the policy document a `policy` argument points at (`${data.aws_iam_policy_document.X.json}`). */
  statements(policyRef: string): Statement[] {
    const match = /^\$\{data\.aws_iam_policy_document\.([^.]+)\.json\}$/.exec(policyRef);
    const doc = match && this.json.data?.aws_iam_policy_document?.[match[1]!];
    if (!doc) throw new Error(`${policyRef} does not point at a policy document of this stack`);
    return doc.statement as Statement[];
  }

  /** Inline policies (`aws_iam_role_policy`) attached to a role, as their statements. */
  rolePolicies(role: TerraformResource): Statement[][] {
    const id = this.ref(role, "id");
    return this.resources("aws_iam_role_policy")
      .filter((p) => p.role === id)
      .map((p) => this.statements(p.policy as string));
  }
}

/** Builds constructs in a fresh stack and synthesizes it. */
export function synth<T>(fn: (stack: TerraformStack) => T): { tf: Synthesized } & T {
  return withCheapStackTraces(() => {
    const stack = new TerraformStack(Testing.app({ stackTraces: false }), "test");
    const built = fn(stack);
    const tf = new Synthesized(stack, JSON.parse(Testing.synth(stack)));
    return { ...built, tf };
  });
}

/**
 * Builds across two stacks of one app, `shared` and `own` (as the cluster and a service stack are),
 * and synthesizes `own`: for what may and may not cross a stack boundary.
 */
export function synthAcross<T>(fn: (shared: TerraformStack, own: TerraformStack) => T): { tf: Synthesized } & T {
  return withCheapStackTraces(() => {
    const app = Testing.app({ stackTraces: false });
    const [shared, own] = ["shared", "own"].map((id) => {
      const stack = new TerraformStack(app, id);
      new AwsProvider(stack, "Aws", { region: REGION });
      return stack;
    }) as [TerraformStack, TerraformStack];
    const built = fn(shared, own);
    // Cross-stack references resolve only in a whole-app synth (Testing.synth of one stack leaves them).
    app.synth();
    const tf = new Synthesized(own, JSON.parse(readFileSync(join(app.outdir, "stacks", "own", "cdk.tf.json"), "utf8")));
    return { ...built, tf };
  });
}

export interface PlatformOptions {
  readonly network?: Partial<NetworkProps>;
  readonly loadBalancer?: Partial<Omit<PublicLoadBalancerProps, "vpc" | "subnets">>;
}

export interface Platform {
  readonly network: Network;
  readonly cluster: FargateCluster;
  readonly loadBalancer: PublicLoadBalancer;
  readonly repository: ServiceRepository;
}

export const REGION = "us-east-1";
export const IMAGE = "123456789012.dkr.ecr.us-east-1.amazonaws.com/t/api@sha256:" + "a".repeat(64);

/** The smallest environment a service can be placed in: network, cluster, ALB and one repository. */
export function platform(stack: TerraformStack, options: PlatformOptions = {}): Platform {
  const network = new Network(stack, "Network", { name: "t", cidrBlock: "10.0.0.0/16", ...options.network });
  const cluster = new FargateCluster(stack, "Cluster", { name: "t-cluster" });
  const loadBalancer = new PublicLoadBalancer(stack, "LoadBalancer", {
    name: "t-alb",
    vpc: network.vpc,
    subnets: network.publicSubnets,
    region: REGION,
    ...options.loadBalancer,
  });
  const repository = new ServiceRepository(stack, "Repository", { name: "t/api" });
  return { network, cluster, loadBalancer, repository };
}

/** Props every workload needs, on top of a platform. */
export function workloadProps(p: Platform, name = "api") {
  return {
    name,
    namePrefix: "t",
    network: p.network,
    cluster: p.cluster,
    repository: p.repository,
    image: IMAGE,
    region: REGION,
    logGroupName: `/ecs/t/${name}`,
  };
}
