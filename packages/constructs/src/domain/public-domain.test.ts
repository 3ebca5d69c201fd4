import { build, synth } from "../testing/fixtures";
import { Network } from "../network/network";
import { PublicLoadBalancer } from "../load-balancer/public-load-balancer";
import { PublicDomain, VALIDATION_RECORD_TTL_SECONDS, type PublicDomainProps } from "./public-domain";

const CERT_ARN = "arn:aws:acm:us-east-1:123456789012:certificate/0b8f3c1e-1111-2222-3333-444455556666";
const ZONE_ID = "Z0123456789ABCDEFGHIJ";

/** A network, a PublicDomain and an HTTPS ALB that uses its certificate, pointed at by its records. */
const site = (props: Partial<PublicDomainProps> = {}, dualStack = false) =>
  synth((stack) => {
    const network = new Network(stack, "Network", { name: "t", cidrBlock: "10.0.0.0/16", dualStack });
    const domain = new PublicDomain(stack, "Domain", { domainName: "api.example.com", hostedZone: { id: ZONE_ID }, ...props });
    const lb = new PublicLoadBalancer(stack, "LoadBalancer", {
      name: "t-alb",
      vpc: network.vpc,
      subnets: network.publicSubnets,
      region: "us-east-1",
      dualStack,
      certificate: { domainName: "api.example.com", certificateArn: domain.certificateArn },
      hsts: "max-age=31536000",
    });
    domain.aliasTo(lb);
    return { network, domain, lb };
  });

describe("PublicDomain", () => {
  describe("defaults (zone by ID, no certificate given)", () => {
    const { tf, domain, lb } = site();

    test("an A alias to the ALB, evaluating its health; no AAAA on an IPv4 ALB", () => {
      expect(tf.resources("aws_route53_record").filter((r) => r.alias)).toHaveLength(1);
      expect(tf.of(domain.aliasRecords[0]!)).toEqual({
        zone_id: ZONE_ID,
        name: "api.example.com",
        type: "A",
        alias: { name: tf.ref(lb.loadBalancer, "dns_name"), zone_id: tf.ref(lb.loadBalancer, "zone_id"), evaluate_target_health: true },
      });
      expect(tf.dataSources("aws_route53_zone")).toHaveLength(0);
    });

    test("a DNS-validated ACM certificate, its validation record in the zone, and a wait for it", () => {
      const cert = tf.of(domain.certificate!);
      expect(cert).toMatchObject({ domain_name: "api.example.com", validation_method: "DNS", lifecycle: { create_before_destroy: true } });
      const record = tf.of(domain.validationRecord!);
      expect(record).toMatchObject({ zone_id: ZONE_ID, ttl: VALIDATION_RECORD_TTL_SECONDS, allow_overwrite: true });
      const option = `tolist(${tf.address(domain.certificate!)}.domain_validation_options).0`;
      expect(record.name).toBe(`\${${option}.resource_record_name}`);
      expect(record.type).toBe(`\${${option}.resource_record_type}`);
      expect(record.records).toEqual([`\${${option}.resource_record_value}`]);
      expect(tf.of(domain.validation!)).toEqual({ certificate_arn: tf.ref(domain.certificate!, "arn"), validation_record_fqdns: [tf.ref(domain.validationRecord!, "fqdn")] });
    });

    test("the HTTPS listener uses the certificate only once it is validated, and sends HSTS", () => {
      expect(tf.of(lb.listener)).toMatchObject({
        certificate_arn: tf.ref(domain.validation!, "certificate_arn"),
        routing_http_response_strict_transport_security_header_value: "max-age=31536000",
      });
      expect(tf.dataSources("aws_acm_certificate")).toHaveLength(0);
    });
  });

  test("hostedZone by name: the public zone is looked up and its ID used", () => {
    const { tf, domain } = site({ hostedZone: { name: "example.com" } });
    expect(tf.of(domain.zone!)).toEqual({ name: "example.com", private_zone: false });
    for (const r of [domain.aliasRecords[0]!, domain.validationRecord!]) expect(tf.of(r).zone_id).toBe(tf.ref(domain.zone!, "zone_id"));
  });

  test("certificateArn: that certificate, no ACM resources, still the alias", () => {
    const { tf, domain, lb } = site({ certificateArn: CERT_ARN });
    expect(tf.resources("aws_acm_certificate")).toHaveLength(0);
    expect(tf.resources("aws_acm_certificate_validation")).toHaveLength(0);
    expect(tf.resources("aws_route53_record")).toHaveLength(1);
    expect(domain.certificate).toBeUndefined();
    expect(tf.of(lb.listener).certificate_arn).toBe(CERT_ARN);
  });

  test("a dual-stack ALB gets an AAAA alias as well", () => {
    const { tf, domain, lb } = site({}, true);
    expect(domain.aliasRecords.map((r) => tf.of(r).type)).toEqual(["A", "AAAA"]);
    expect(tf.of(domain.aliasRecords[1]!)).toMatchObject({ name: "api.example.com", alias: { name: tf.ref(lb.loadBalancer, "dns_name") } });
  });

  test("fails when the zone cannot hold the domain", () => {
    expect(() => build((stack) => new PublicDomain(stack, "Domain", { domainName: "api.example.com", hostedZone: { name: "example.org" } }))).toThrow(
      'PublicDomain "api.example.com": hosted zone "example.org" cannot hold "api.example.com"; give the zone of that name or of a parent of it',
    );
  });

  test("fails when the zone ID is malformed", () => {
    expect(() => build((stack) => new PublicDomain(stack, "Domain", { domainName: "api.example.com", hostedZone: { id: "/hostedzone/Z1" } }))).toThrow(
      'PublicDomain "api.example.com": hostedZone.id "/hostedzone/Z1" must be a Route 53 hosted zone ID such as "Z0123456789ABCDEFGHIJ"',
    );
  });

  test("fails when pointed at a second load balancer", () => {
    expect(() =>
      build((stack) => {
        const network = new Network(stack, "Network", { name: "t", cidrBlock: "10.0.0.0/16" });
        const domain = new PublicDomain(stack, "Domain", { domainName: "api.example.com", hostedZone: { id: ZONE_ID }, certificateArn: CERT_ARN });
        const lb = new PublicLoadBalancer(stack, "LoadBalancer", { name: "t-alb", vpc: network.vpc, subnets: network.publicSubnets, region: "us-east-1" });
        domain.aliasTo(lb);
        domain.aliasTo(lb);
      }),
    ).toThrow('PublicDomain "api.example.com": already points at a load balancer');
  });
});
