import fc from "fast-check";
import { SERVICE_CONNECT_IDLE_TIMEOUT_SECONDS, SERVICE_CONNECT_PER_REQUEST_TIMEOUT_SECONDS } from "@bun-fargate/config/runtime";
import { FargateCluster } from "../cluster/fargate-cluster";
import { ServiceRepository } from "../cluster/service-repository";
import { build, platform, synth, synthAcross, workloadProps, IMAGE, REGION, type Json, type Platform, type Synthesized } from "../testing/fixtures";
import { Network } from "../network/network";
import { PublicLoadBalancer } from "../load-balancer/public-load-balancer";
import { FargateService } from "./fargate-service";
import { InternalService } from "./internal-service";
import { ServiceCall } from "./service-call";
import { WebService } from "./web-service";
import { WorkerService } from "./worker-service";

/** A platform whose cluster has a Service Connect namespace. */
const connected = (stack: Parameters<typeof platform>[0]): Platform & { namespace: NonNullable<FargateCluster["namespace"]> } => {
  const p = platform(stack);
  const cluster = new FargateCluster(stack, "ConnectedCluster", { name: "t-sc", serviceConnectNamespace: "t-dev" });
  return { ...p, cluster, namespace: cluster.namespace! };
};

const props = (p: Platform, name: string) => ({ ...workloadProps(p, name), repository: new ServiceRepository(p.cluster, `Repo${name}`, { name: `t/${name}` }) });

const ecsOf = (tf: Synthesized, svc: FargateService): Json => tf.of(svc.service);

describe("FargateCluster Service Connect namespace", () => {
  test("a Cloud Map HTTP namespace (no private DNS zone), made the cluster's Service Connect default", () => {
    const { tf, cluster } = synth((stack) => ({ cluster: new FargateCluster(stack, "Cluster", { name: "t-cluster", serviceConnectNamespace: "shop-dev" }) }));
    expect(tf.resources("aws_service_discovery_http_namespace")).toEqual([{ name: "shop-dev", description: "Service Connect of cluster t-cluster" }]);
    expect(tf.resources("aws_service_discovery_private_dns_namespace")).toEqual([]);
    expect(tf.of(cluster.cluster).service_connect_defaults).toEqual({ namespace: tf.ref(cluster.namespace!, "arn") });
  });

  test("without serviceConnectNamespace, no namespace and no default", () => {
    const { tf, cluster } = synth((stack) => ({ cluster: new FargateCluster(stack, "Cluster", { name: "t-cluster" }) }));
    expect(tf.resources("aws_service_discovery_http_namespace")).toEqual([]);
    expect(tf.of(cluster.cluster).service_connect_defaults).toBeUndefined();
    expect(cluster.namespace).toBeUndefined();
  });
});

describe("InternalService", () => {
  const { tf, orders, namespace } = synth((stack) => {
    const p = connected(stack);
    const orders = new InternalService(stack, "Orders", { ...props(p, "orders"), cluster: p.cluster, containerPort: 8081, serviceConnect: { namespace: p.namespace } });
    return { orders, namespace: p.namespace };
  });
  const sc = () => ecsOf(tf, orders.fargate).service_connect_configuration;

  test("serves its container port as http://<name>:<port> (client-server mode), with the proxy's timeouts", () => {
    expect(sc()).toMatchObject({
      enabled: true,
      namespace: tf.ref(namespace, "arn"),
      service: [
        {
          port_name: "http",
          discovery_name: "orders",
          client_alias: { port: 8081, dns_name: "orders" },
          timeout: { per_request_timeout_seconds: SERVICE_CONNECT_PER_REQUEST_TIMEOUT_SECONDS, idle_timeout_seconds: SERVICE_CONNECT_IDLE_TIMEOUT_SECONDS },
        },
      ],
    });
    expect([SERVICE_CONNECT_PER_REQUEST_TIMEOUT_SECONDS, SERVICE_CONNECT_IDLE_TIMEOUT_SECONDS]).toEqual([10, 60]);
  });

  test("the proxy logs to the service's own log group, under its own stream prefix", () => {
    expect(sc().log_configuration).toEqual({
      log_driver: "awslogs",
      options: { "awslogs-group": tf.ref(orders.fargate.task.logGroup, "name"), "awslogs-region": REGION, "awslogs-stream-prefix": "t-orders-proxy" },
    });
  });

  test("the port mapping Service Connect names is HTTP on the container port", () => {
    const container = JSON.parse(String(tf.of(orders.fargate.task.taskDefinition).container_definitions))[0];
    expect(container.portMappings).toEqual([{ containerPort: 8081, protocol: "tcp", name: "http", appProtocol: "http" }]);
  });

  test("no load balancer, and no ingress of its own: only ServiceCall rules admit anyone", () => {
    expect(ecsOf(tf, orders.fargate).load_balancer).toBeUndefined();
    expect(tf.resources("aws_lb_target_group")).toEqual([]);
    expect(tf.resources("aws_vpc_security_group_ingress_rule").filter((r) => r.security_group_id === tf.ref(orders.fargate.securityGroup, "id"))).toEqual([]);
    expect(tf.resources("aws_security_group_rule")).toEqual([]);
  });

  test("its error lines are the deployment alarm", () => {
    expect(ecsOf(tf, orders.fargate).alarms).toMatchObject({ enable: true, rollback: true, alarm_names: ["t-orders-log-errors"] });
  });

  test("the per-request and idle timeouts can be set", () => {
    const { tf: t, svc } = synth((stack) => {
      const p = connected(stack);
      return { svc: new InternalService(stack, "S", { ...props(p, "stock"), cluster: p.cluster, serviceConnect: { namespace: p.namespace, perRequestTimeoutSeconds: 3, idleTimeoutSeconds: 30 } }) };
    });
    expect(ecsOf(t, svc.fargate).service_connect_configuration.service[0]).toMatchObject({ client_alias: { port: 8080, dns_name: "stock" }, timeout: { per_request_timeout_seconds: 3, idle_timeout_seconds: 30 } });
  });
});

describe("Service Connect modes", () => {
  test("a worker that calls joins as a client only: no service entry, so nothing can call it", () => {
    const { tf, worker } = synth((stack) => {
      const p = connected(stack);
      return { worker: new WorkerService(stack, "Worker", { ...props(p, "mailer"), cluster: p.cluster, serviceConnect: { namespace: p.namespace } }) };
    });
    const sc = ecsOf(tf, worker.fargate).service_connect_configuration;
    expect(sc.enabled).toBe(true);
    expect(sc.service).toBeUndefined();
    expect(sc.log_configuration.options["awslogs-group"]).toBe(tf.ref(worker.fargate.task.logGroup, "name"));
  });

  test("a worker that calls nobody does not join (the proxy would cost task memory for nothing)", () => {
    const { tf, worker } = synth((stack) => {
      const p = platform(stack);
      return { worker: new WorkerService(stack, "Worker", workloadProps(p, "mailer")) };
    });
    expect(ecsOf(tf, worker.fargate).service_connect_configuration).toBeUndefined();
  });

  test("a web service serves through Service Connect as well as the ALB", () => {
    const { tf, web } = synth((stack) => {
      const p = connected(stack);
      return {
        web: new WebService(stack, "Web", {
          ...props(p, "api"),
          cluster: p.cluster,
          loadBalancer: p.loadBalancer,
          targetGroupName: "t-api",
          routing: { priority: 10, pathPatterns: ["/*"] },
          serviceConnect: { namespace: p.namespace, serve: true },
        }),
      };
    });
    const ecs = ecsOf(tf, web.fargate);
    expect(ecs.load_balancer).toHaveLength(1);
    expect(ecs.service_connect_configuration.service).toEqual([expect.objectContaining({ discovery_name: "api", client_alias: { port: 8080, dns_name: "api" } })]);
  });

  test("serve without a container port is refused", () => {
    expect(() =>
      build((stack) => {
        const p = connected(stack);
        new FargateService(stack, "S", { ...workloadProps(p, "x"), cluster: p.cluster, serviceConnect: { namespace: p.namespace, serve: true } });
      }),
    ).toThrow('FargateService "x": serviceConnect.serve needs a containerPort to serve');
  });
});

describe("ServiceCall", () => {
  /** orders in one stack, api (the caller) in another, as service stacks are. */
  const across = (port: number) =>
    synthAcross((shared, own) => {
      const network = new Network(shared, "Network", { name: "t", cidrBlock: "10.0.0.0/16" });
      const cluster = new FargateCluster(shared, "Cluster", { name: "t", serviceConnectNamespace: "t-dev" });
      const lb = new PublicLoadBalancer(shared, "Lb", { name: "t-alb", vpc: network.vpc, subnets: network.publicSubnets, region: REGION });
      const base = (name: string) => ({ name, namePrefix: "t", network, cluster, repository: new ServiceRepository(shared, `Repo${name}`, { name: `t/${name}` }), image: IMAGE, region: REGION, logGroupName: `/ecs/t/${name}` });
      const orders = new InternalService(shared, "Orders", { ...base("orders"), containerPort: port, serviceConnect: { namespace: cluster.namespace! } });
      const api = new WebService(own, "Api", { ...base("api"), loadBalancer: lb, targetGroupName: "t-api", routing: { priority: 10, pathPatterns: ["/*"] }, serviceConnect: { namespace: cluster.namespace!, serve: true } });
      const call = new ServiceCall(own, "CallsOrders", { caller: api.fargate, callerName: "api", callee: orders.fargate, calleeName: "orders", port });
      return { orders, api, call };
    });

  test("the callee's group admits exactly the caller's group on the container port, and the caller may send there", () => {
    const { tf, api, call } = across(8081);
    const calleeGroup = tf.json.resource!.aws_vpc_security_group_ingress_rule![tf.stack.getLogicalId(call.ingress)]!.security_group_id as string;
    // The callee's group lives in the other stack: referenced through a remote state output.
    expect(calleeGroup).toMatch(/^\$\{data\.terraform_remote_state\..+\}$/);
    expect(tf.of(call.ingress)).toMatchObject({
      security_group_id: calleeGroup,
      description: "From api, on the container port (Service Connect)",
      ip_protocol: "tcp",
      from_port: 8081,
      to_port: 8081,
      referenced_security_group_id: tf.ref(api.fargate.securityGroup, "id"),
    });
    expect(tf.of(call.egress)).toMatchObject({
      security_group_id: tf.ref(api.fargate.securityGroup, "id"),
      description: "To orders, on its container port (Service Connect)",
      ip_protocol: "tcp",
      from_port: 8081,
      to_port: 8081,
      referenced_security_group_id: calleeGroup,
    });
    for (const rule of [tf.of(call.ingress), tf.of(call.egress)]) expect(Object.keys(rule).filter((k) => k !== "//").sort()).toEqual(["description", "from_port", "ip_protocol", "referenced_security_group_id", "security_group_id", "to_port"]);
    // Nothing else in the caller's stack names the callee's group, and no CIDR rule opens the port.
    const naming = [...tf.resources("aws_vpc_security_group_ingress_rule"), ...tf.resources("aws_vpc_security_group_egress_rule")].filter((r) => JSON.stringify(r).includes(calleeGroup));
    expect(naming).toHaveLength(2);
    for (const r of tf.resources("aws_vpc_security_group_ingress_rule")) expect(r.cidr_ipv4 === undefined || r.from_port !== 8081).toBe(true);
  });

  test("property: any valid port is the one and only port of both rules", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 65535 }), (port) => {
        const { tf, call } = synth((stack) => {
          const p = connected(stack);
          const callee = new InternalService(stack, "Callee", { ...props(p, "orders"), cluster: p.cluster, containerPort: port, serviceConnect: { namespace: p.namespace } });
          const caller = new InternalService(stack, "Caller", { ...props(p, "api"), cluster: p.cluster, serviceConnect: { namespace: p.namespace } });
          return { call: new ServiceCall(stack, "Call", { caller: caller.fargate, callerName: "api", callee: callee.fargate, calleeName: "orders", port }) };
        });
        for (const rule of [tf.of(call.ingress), tf.of(call.egress)]) expect(rule).toMatchObject({ ip_protocol: "tcp", from_port: port, to_port: port });
      }),
      { numRuns: 15 },
    );
  });

  test.each([0, 65536, 80.5, -1])("refuses port %p", (port) => {
    expect(() =>
      build((stack) => {
        const p = connected(stack);
        const a = new InternalService(stack, "A", { ...props(p, "aa"), cluster: p.cluster, serviceConnect: { namespace: p.namespace } });
        const b = new InternalService(stack, "B", { ...props(p, "bb"), cluster: p.cluster, serviceConnect: { namespace: p.namespace } });
        new ServiceCall(stack, "Call", { caller: a.fargate, callerName: "aa", callee: b.fargate, calleeName: "bb", port });
      }),
    ).toThrow(`ServiceCall "aa" -> "bb": port ${port} must be a whole number from 1 to 65535`);
  });

  test("refuses a self-call", () => {
    expect(() =>
      build((stack) => {
        const p = connected(stack);
        const a = new InternalService(stack, "A", { ...props(p, "aa"), cluster: p.cluster, serviceConnect: { namespace: p.namespace } });
        new ServiceCall(stack, "Call", { caller: a.fargate, callerName: "aa", callee: a.fargate, calleeName: "aa", port: 8080 });
      }),
    ).toThrow('ServiceCall "aa": a service cannot call itself through Service Connect');
  });
});
