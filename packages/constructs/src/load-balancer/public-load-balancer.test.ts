import { build, synth } from "../testing/fixtures";
import { Network } from "../network/network";
import { AccessLogBucket } from "./access-log-bucket";
import { NOT_FOUND_BODY, PublicLoadBalancer, TLS_POLICY, type PublicLoadBalancerProps } from "./public-load-balancer";

const CERT_ARN = "arn:aws:acm:us-east-1:123456789012:certificate/0b8f3c1e-1111-2222-3333-444455556666";

const alb = (props: Partial<PublicLoadBalancerProps> = {}) =>
  synth((stack) => {
    const network = new Network(stack, "Network", { name: "t", cidrBlock: "10.0.0.0/16" });
    const lb = new PublicLoadBalancer(stack, "LoadBalancer", { name: "t-alb", vpc: network.vpc, subnets: network.publicSubnets, region: "us-east-1", ...props });
    return { network, lb };
  });

const JSON_404 = { type: "fixed-response", fixed_response: { content_type: "application/json", status_code: "404", message_body: NOT_FOUND_BODY } };

describe("PublicLoadBalancer", () => {
  describe("defaults (no certificate)", () => {
    const { tf, network, lb } = alb();

    test("an internet-facing ALB in the public subnets with its own security group", () => {
      expect(tf.of(lb.loadBalancer)).toMatchObject({
        name: "t-alb",
        load_balancer_type: "application",
        internal: false,
        subnets: network.publicSubnets.map((s) => tf.ref(s, "id")),
        security_groups: [tf.ref(lb.securityGroup, "id")],
      });
      expect(tf.of(lb.securityGroup)).toMatchObject({ name: "t-alb-alb", vpc_id: tf.ref(network.vpc, "id") });
    });

    test("drops invalid headers, idles out after 60 s, no deletion protection, no access logs", () => {
      const props = tf.of(lb.loadBalancer);
      expect(props).toMatchObject({ drop_invalid_header_fields: true, idle_timeout: 60, desync_mitigation_mode: "defensive", enable_deletion_protection: false });
      expect(props).not.toHaveProperty("access_logs");
      expect(props).not.toHaveProperty("depends_on");
      expect(tf.resources("aws_s3_bucket")).toHaveLength(0);
      expect(lb.accessLogBucket).toBeUndefined();
    });

    test("one plain HTTP listener whose default answer is a JSON 404", () => {
      expect(lb.https).toBe(false);
      expect(tf.resources("aws_lb_listener")).toHaveLength(1);
      expect(lb.listener).toBe(lb.httpListener);
      expect(tf.of(lb.httpListener)).toEqual({
        load_balancer_arn: tf.ref(lb.loadBalancer, "arn"),
        port: 80,
        protocol: "HTTP",
        default_action: [JSON_404],
      });
      expect(JSON.parse(NOT_FOUND_BODY)).toEqual({ error: "not_found" });
      expect(tf.dataSources("aws_acm_certificate")).toHaveLength(0);
    });

    test("the internet may reach port 80 over IPv4, nothing else (no inert IPv6 rule on an IPv4 ALB)", () => {
      const ingress = tf.resources("aws_vpc_security_group_ingress_rule");
      expect(ingress).toHaveLength(1);
      for (const r of ingress) expect(r).toMatchObject({ security_group_id: tf.ref(lb.securityGroup, "id"), ip_protocol: "tcp", from_port: 80, to_port: 80 });
      expect(ingress.map((r) => r.cidr_ipv4 ?? r.cidr_ipv6).sort()).toEqual(["0.0.0.0/0"]);
      expect(ingress.some((r) => "cidr_ipv6" in r)).toBe(false);
      expect(tf.of(lb.loadBalancer).ip_address_type).toBe("ipv4");
      expect(lb.dualStack).toBe(false);
      // Egress is added per service, to that service's tasks only.
      expect(tf.resources("aws_vpc_security_group_egress_rule")).toHaveLength(0);
      expect(tf.of(lb.securityGroup).egress ?? []).toEqual([]);
    });
  });

  describe("certificate", () => {
    test("with an ARN: HTTPS with the TLS policy, HTTP redirected permanently to HTTPS", () => {
      const { tf, lb } = alb({ certificate: { certificateArn: CERT_ARN, domainName: "api.example.com" } });
      expect(lb.https).toBe(true);
      expect(tf.resources("aws_lb_listener")).toHaveLength(2);
      expect(lb.listener).not.toBe(lb.httpListener);
      expect(tf.of(lb.listener)).toEqual({
        load_balancer_arn: tf.ref(lb.loadBalancer, "arn"),
        port: 443,
        protocol: "HTTPS",
        ssl_policy: TLS_POLICY,
        certificate_arn: CERT_ARN,
        default_action: [JSON_404],
      });
      expect(TLS_POLICY).toMatch(/^ELBSecurityPolicy-TLS13-1-2-/);
      expect(tf.of(lb.httpListener)).toMatchObject({
        port: 80,
        protocol: "HTTP",
        default_action: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", status_code: "HTTP_301" } }],
      });
      expect(tf.dataSources("aws_acm_certificate")).toHaveLength(0);
    });

    test("with a domain only: the ISSUED certificate of that domain is looked up", () => {
      const { tf, lb } = alb({ certificate: { domainName: "api.example.com" } });
      const certs = tf.dataSources("aws_acm_certificate");
      expect(certs).toEqual([{ domain: "api.example.com", statuses: ["ISSUED"], most_recent: true }]);
      expect(tf.of(lb.listener).certificate_arn).toMatch(/^\$\{data\.aws_acm_certificate\.\w+\.arn\}$/);
      expect(tf.of(lb.listener).protocol).toBe("HTTPS");
    });

    test("dualStack: opens 80 and 443 to the internet over IPv4 and IPv6, nothing else", () => {
      const { tf, lb } = alb({ certificate: { certificateArn: CERT_ARN, domainName: "api.example.com" }, dualStack: true });
      expect(tf.of(lb.loadBalancer).ip_address_type).toBe("dualstack");
      const ingress = tf.resources("aws_vpc_security_group_ingress_rule");
      expect(ingress.map((r) => `${r.from_port}-${r.to_port} ${r.cidr_ipv4 ?? r.cidr_ipv6}`).sort()).toEqual([
        "443-443 0.0.0.0/0",
        "443-443 ::/0",
        "80-80 0.0.0.0/0",
        "80-80 ::/0",
      ]);
      for (const r of ingress) {
        expect(r.ip_protocol).toBe("tcp");
        expect(r).not.toHaveProperty("referenced_security_group_id");
      }
    });
  });

  describe("hsts", () => {
    test("the HTTPS listener sends the header; the HTTP one only redirects", () => {
      const { tf, lb } = alb({ certificate: { certificateArn: CERT_ARN, domainName: "api.example.com" }, hsts: "max-age=63072000; includeSubDomains; preload" });
      expect(tf.of(lb.listener).routing_http_response_strict_transport_security_header_value).toBe("max-age=63072000; includeSubDomains; preload");
      expect(tf.of(lb.httpListener)).not.toHaveProperty("routing_http_response_strict_transport_security_header_value");
      expect(tf.of(lb.httpListener).default_action[0].type).toBe("redirect");
    });

    test("without hsts no header is set", () => {
      const { tf, lb } = alb({ certificate: { certificateArn: CERT_ARN, domainName: "api.example.com" } });
      expect(tf.of(lb.listener)).toHaveProperty("certificate_arn", CERT_ARN);
      expect(tf.of(lb.listener)).not.toHaveProperty("routing_http_response_strict_transport_security_header_value");
    });

    test("fails when HSTS is asked of a plain HTTP ALB", () => {
      expect(() => alb({ hsts: "max-age=300" })).toThrow('PublicLoadBalancer "t-alb": hsts "max-age=300" needs a certificate (browsers ignore HSTS over plain HTTP)');
    });

    test.each(["max-age=-1", "maxage=300", "max-age=300; preload; includeSubDomains", "max-age=300;includeSubDomains"])("fails when the header is malformed: %j", (hsts) => {
      expect(() => alb({ certificate: { certificateArn: CERT_ARN, domainName: "api.example.com" }, hsts })).toThrow(
        `PublicLoadBalancer "t-alb": hsts "${hsts}" must be "max-age=<seconds>", optionally followed by "; includeSubDomains" and "; preload"`,
      );
    });
  });

  test("name names the ALB and its security group", () => {
    const { tf, lb } = alb({ name: "prod-platform" });
    expect(tf.of(lb.loadBalancer).name).toBe("prod-platform");
    expect(tf.of(lb.securityGroup).name).toBe("prod-platform-alb");
  });

  test("idleTimeoutSeconds sets the idle timeout", () => {
    const { tf, lb } = alb({ idleTimeoutSeconds: 120 });
    expect(tf.of(lb.loadBalancer).idle_timeout).toBe(120);
  });

  test("deletionProtection turns deletion protection on", () => {
    const { tf, lb } = alb({ deletionProtection: true });
    expect(tf.of(lb.loadBalancer).enable_deletion_protection).toBe(true);
  });

  test("subnets are the ALB's subnets", () => {
    const { tf, network, lb } = synth((stack) => {
      const network = new Network(stack, "Network", { name: "t", cidrBlock: "10.0.0.0/16", azCount: 3 });
      const lb = new PublicLoadBalancer(stack, "LoadBalancer", { name: "t-alb", vpc: network.vpc, subnets: network.publicSubnets.slice(1), region: "us-east-1" });
      return { network, lb };
    });
    expect(tf.of(lb.loadBalancer).subnets).toEqual([tf.ref(network.publicSubnets[1]!, "id"), tf.ref(network.publicSubnets[2]!, "id")]);
  });

  describe("accessLogs", () => {
    const { tf, lb } = alb({ accessLogs: true });
    const bucket = () => lb.accessLogBucket!.bucket;
    const bucketId = () => tf.ref(bucket(), "id");
    const policy = () => {
      const policies = tf.resources("aws_s3_bucket_policy");
      expect(policies).toEqual([expect.objectContaining({ bucket: bucketId() })]);
      return tf.statements(policies[0]!.policy);
    };

    test("the ALB writes its logs to a new bucket under the alb/ prefix", () => {
      expect(tf.of(lb.loadBalancer).access_logs).toEqual({ bucket: bucketId(), enabled: true, prefix: "alb" });
      expect(tf.of(bucket())).toMatchObject({ bucket_prefix: "t-alb-alb-logs-", force_destroy: false });
    });

    test("a long or mixed-case ALB name still gives a valid bucket prefix", () => {
      const name = "Prod-Platform-With-A-Long-Name-32";
      const { tf: t, lb: l } = alb({ accessLogs: true, name: name.slice(0, 32) });
      const prefix = t.of(l.accessLogBucket!.bucket).bucket_prefix as string;
      expect(prefix).toBe("prod-platform-with-a-long-name-3-alb-");
      expect(prefix).toHaveLength(37);
    });

    test("the ALB is created after the bucket policy that lets it write", () => {
      const policies = tf.resources("aws_s3_bucket_policy");
      expect(policies).toHaveLength(1);
      expect(tf.of(lb.loadBalancer).depends_on).toEqual([tf.address(lb.accessLogBucket!.bucketPolicy)]);
    });

    test("the bucket blocks every form of public access and enforces bucket-owner objects", () => {
      expect(tf.resources("aws_s3_bucket_public_access_block")).toEqual([
        { bucket: bucketId(), block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true },
      ]);
      expect(tf.resources("aws_s3_bucket_ownership_controls")).toEqual([{ bucket: bucketId(), rule: { object_ownership: "BucketOwnerEnforced" } }]);
    });

    test("objects are encrypted with SSE-S3, the only kind ALB log delivery supports", () => {
      expect(tf.resources("aws_s3_bucket_server_side_encryption_configuration")).toEqual([
        { bucket: bucketId(), rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: "AES256" } }] },
      ]);
    });

    test("logs expire after 90 days", () => {
      const lifecycle = tf.resources("aws_s3_bucket_lifecycle_configuration");
      expect(lifecycle).toHaveLength(1);
      expect(lifecycle[0]!.rule).toEqual([expect.objectContaining({ status: "Enabled", expiration: [{ days: 90 }] })]);
    });

    test("us-east-1: only the regional ELB account may put objects, and only over TLS", () => {
      const [deliver, tlsOnly, ...rest] = policy();
      expect(rest).toEqual([]);
      expect(deliver).toEqual({
        sid: "AlbLogDelivery",
        actions: ["s3:PutObject"],
        principals: [{ type: "AWS", identifiers: ["arn:aws:iam::127311923021:root"] }],
        resources: [`${tf.ref(bucket(), "arn")}/*`],
      });
      expect(tlsOnly).toMatchObject({
        sid: "DenyInsecureTransport",
        effect: "Deny",
        actions: ["s3:*"],
        resources: [tf.ref(bucket(), "arn"), `${tf.ref(bucket(), "arn")}/*`],
        condition: [{ test: "Bool", variable: "aws:SecureTransport", values: ["false"] }],
      });
    });

    test.each([
      ["af-south-1", "098369216593"],
      ["ap-east-1", "754344448648"],
      ["ap-northeast-3", "383597477331"],
      ["ap-southeast-3", "589379963580"],
      ["eu-south-1", "635631232127"],
      ["me-south-1", "076674570225"],
      ["eu-west-1", "156460612806"],
    ])("%s, opened before August 2022, delivers from ELB account %s", (region, account) => {
      const { tf: t } = alb({ accessLogs: true, region });
      const deliver = t.statements(t.resources("aws_s3_bucket_policy")[0]!.policy)[0]!;
      expect(deliver.principals).toEqual([{ type: "AWS", identifiers: [`arn:aws:iam::${account}:root`] }]);
    });

    test("a region opened after August 2022 uses the log delivery service principal", () => {
      const { tf: t } = alb({ accessLogs: true, region: "ap-southeast-5" });
      const deliver = t.statements(t.resources("aws_s3_bucket_policy")[0]!.policy)[0]!;
      expect(deliver.sid).toBe("AlbLogDelivery");
      expect(deliver.principals).toEqual([{ type: "Service", identifiers: ["logdelivery.elasticloadbalancing.amazonaws.com"] }]);
    });
  });

  describe("fails when", () => {
    const make = (props: Partial<PublicLoadBalancerProps>, azCount = 2, subnetCount = azCount) => () =>
      build((stack) => {
        const network = new Network(stack, "Network", { name: "t", cidrBlock: "10.0.0.0/16", azCount });
        return new PublicLoadBalancer(stack, "LoadBalancer", {
          name: "t-alb",
          vpc: network.vpc,
          subnets: network.publicSubnets.slice(0, subnetCount),
          region: "us-east-1",
          ...props,
        });
      });

    test("name is longer than 32 characters", () => {
      const name = "a".repeat(33);
      expect(make({ name })).toThrow(`PublicLoadBalancer: name "${name}" must be at most 32 letters, digits and hyphens`);
      expect(make({ name: "a".repeat(32) })).not.toThrow();
    });

    test.each(["t_alb", "t alb", "t.alb", ""])("name is %p", (name) => {
      expect(make({ name })).toThrow(`PublicLoadBalancer: name "${name}" must be at most 32 letters, digits and hyphens`);
    });

    test.each([0, 4001, 1.5, -60])("idleTimeoutSeconds is %p", (idleTimeoutSeconds) => {
      expect(make({ idleTimeoutSeconds })).toThrow(`PublicLoadBalancer "t-alb": idleTimeoutSeconds ${idleTimeoutSeconds} must be between 1 and 4000 seconds`);
    });

    test("idleTimeoutSeconds 1 and 4000 are allowed", () => {
      expect(make({ idleTimeoutSeconds: 1 })).not.toThrow();
      expect(make({ idleTimeoutSeconds: 4000 })).not.toThrow();
    });

    test("fewer than two subnets are given", () => {
      expect(make({}, 2, 1)).toThrow(`PublicLoadBalancer "t-alb": needs subnets in at least 2 AZs, got 1`);
      expect(make({}, 2, 0)).toThrow(`PublicLoadBalancer "t-alb": needs subnets in at least 2 AZs, got 0`);
    });
  });
});

describe("AccessLogBucket", () => {
  const bucket = (props: { expirationDays?: number; namePrefix?: string } = {}) =>
    synth((stack) => ({ logs: new AccessLogBucket(stack, "Logs", { namePrefix: "t-logs-", region: "eu-central-1", ...props }) }));

  test("defaults: versioned, old versions gone after 7 days, logs after 90, aborted uploads after a day", () => {
    const { tf, logs } = bucket();
    expect(tf.of(logs.bucket).bucket_prefix).toBe("t-logs-");
    expect(tf.resources("aws_s3_bucket_versioning")).toEqual([{ bucket: tf.ref(logs.bucket, "id"), versioning_configuration: { status: "Enabled" } }]);
    expect(tf.resources("aws_s3_bucket_lifecycle_configuration")[0]!.rule).toEqual([
      {
        id: "expire-access-logs",
        status: "Enabled",
        filter: [{ prefix: "" }],
        expiration: [{ days: 90 }],
        noncurrent_version_expiration: [{ noncurrent_days: 7 }],
        abort_incomplete_multipart_upload: [{ days_after_initiation: 1 }],
      },
    ]);
    expect(tf.statements(tf.of(logs.bucketPolicy).policy)[0]!.principals).toEqual([{ type: "AWS", identifiers: ["arn:aws:iam::054676820928:root"] }]);
  });

  test("expirationDays sets how long logs are kept", () => {
    const { tf } = bucket({ expirationDays: 400 });
    expect(tf.resources("aws_s3_bucket_lifecycle_configuration")[0]!.rule[0].expiration).toEqual([{ days: 400 }]);
  });

  test("namePrefix is lower-cased for S3", () => {
    const { tf, logs } = bucket({ namePrefix: "Prod-Logs-" });
    expect(tf.of(logs.bucket).bucket_prefix).toBe("prod-logs-");
  });
});
