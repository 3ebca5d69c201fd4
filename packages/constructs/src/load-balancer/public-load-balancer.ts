import { DataAwsAcmCertificate } from "@cdktf/provider-aws/lib/data-aws-acm-certificate";
import { Lb } from "@cdktf/provider-aws/lib/lb";
import { LbListener } from "@cdktf/provider-aws/lib/lb-listener";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import type { Subnet } from "@cdktf/provider-aws/lib/subnet";
import type { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { ALB_IDLE_TIMEOUT_SECONDS } from "@bun-fargate/config/runtime";
import { MAX_LB_NAME_LENGTH } from "@bun-fargate/config";
import { Token } from "cdktf";
import { Construct } from "constructs";
import { AccessLogBucket } from "./access-log-bucket";

/** TLS 1.3 with TLS 1.2 fallback; no TLS 1.0/1.1. */
export const TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";

/** Body of the default action: requests no service claims get a JSON 404, not an HTML page. */
export const NOT_FOUND_BODY = JSON.stringify({ error: "not_found" });

export interface PublicLoadBalancerProps {
  /** ALB name, at most 32 characters. */
  readonly name: string;
  readonly vpc: Vpc;
  /** Public subnets in at least two AZs. */
  readonly subnets: readonly Subnet[];
  /** Region, for access log delivery. */
  readonly region: string;
  /**
   * Serve HTTPS with this certificate and redirect HTTP to it. Give an ARN (an existing certificate,
   * or `PublicDomain.certificateArn`), or a domain whose ISSUED ACM certificate is looked up.
   * @default - plain HTTP only (development)
   */
  readonly certificate?: { readonly certificateArn?: string; readonly domainName: string };
  /**
   * The Strict-Transport-Security value the HTTPS listener adds to every response, e.g.
   * `max-age=31536000` (see `hstsHeader` in the config package). Only with a certificate.
   * @default - no HSTS header
   */
  readonly hsts?: string;
  /**
   * IPv4 and IPv6 (`ip_address_type = "dualstack"`) with ingress from `::/0` as well; the subnets
   * must have IPv6 ranges (Network `dualStack`).
   * @default false - IPv4 only, and no IPv6 ingress rules
   */
  readonly dualStack?: boolean;
  /** Seconds an idle connection stays open. The app's keep-alive must be longer. @default 60 */
  readonly idleTimeoutSeconds?: number;
  /** @default false */
  readonly deletionProtection?: boolean;
  /** Write access logs to a new bucket. @default false */
  readonly accessLogs?: boolean;
}

/** The shared internet-facing ALB: its own security group, a JSON 404 default, HTTPS when configured. */
export class PublicLoadBalancer extends Construct {
  public readonly securityGroup: SecurityGroup;
  public readonly loadBalancer: Lb;
  /** The listener services attach their rules to (HTTPS when a certificate is configured). */
  public readonly listener: LbListener;
  public readonly httpListener: LbListener;
  public readonly accessLogBucket: AccessLogBucket | undefined;
  public readonly https: boolean;
  /** Whether the ALB answers on IPv6 too (and so whether an AAAA record may point at it). */
  public readonly dualStack: boolean;

  constructor(scope: Construct, id: string, props: PublicLoadBalancerProps) {
    super(scope, id);
    const idleTimeout = props.idleTimeoutSeconds ?? ALB_IDLE_TIMEOUT_SECONDS;
    if (!Token.isUnresolved(props.name) && (props.name.length > MAX_LB_NAME_LENGTH || !/^[A-Za-z0-9-]+$/.test(props.name))) {
      throw new Error(`PublicLoadBalancer: name "${props.name}" must be at most ${MAX_LB_NAME_LENGTH} letters, digits and hyphens`);
    }
    if (!Number.isInteger(idleTimeout) || idleTimeout < 1 || idleTimeout > 4000) {
      throw new Error(`PublicLoadBalancer "${props.name}": idleTimeoutSeconds ${idleTimeout} must be between 1 and 4000 seconds`);
    }
    if (props.subnets.length < 2) {
      throw new Error(`PublicLoadBalancer "${props.name}": needs subnets in at least 2 AZs, got ${props.subnets.length}`);
    }
    this.https = props.certificate !== undefined;
    this.dualStack = props.dualStack ?? false;
    if (props.hsts !== undefined && !this.https) {
      throw new Error(`PublicLoadBalancer "${props.name}": hsts "${props.hsts}" needs a certificate (browsers ignore HSTS over plain HTTP)`);
    }
    if (props.hsts !== undefined && !Token.isUnresolved(props.hsts) && !/^max-age=\d+(; includeSubDomains)?(; preload)?$/.test(props.hsts)) {
      throw new Error(`PublicLoadBalancer "${props.name}": hsts "${props.hsts}" must be "max-age=<seconds>", optionally followed by "; includeSubDomains" and "; preload"`);
    }

    this.securityGroup = new SecurityGroup(this, "SecurityGroup", {
      name: `${props.name}-alb`,
      description: "Internet to the load balancer; egress only to service tasks",
      vpcId: props.vpc.id,
      tags: { Name: `${props.name}-alb` },
    });
    const ports = this.https ? [80, 443] : [80];
    for (const port of ports) {
      // IPv6 rules only where the ALB has IPv6 addresses; on an IPv4-only ALB they admit nothing.
      const families = this.dualStack ? ([["V4", "0.0.0.0/0"], ["V6", "::/0"]] as const) : ([["V4", "0.0.0.0/0"]] as const);
      for (const [family, cidr] of families) {
        new VpcSecurityGroupIngressRule(this, `Ingress${port}${family}`, {
          securityGroupId: this.securityGroup.id,
          description: `HTTP${port === 443 ? "S" : ""} from the internet`,
          ipProtocol: "tcp",
          fromPort: port,
          toPort: port,
          ...(family === "V4" ? { cidrIpv4: cidr } : { cidrIpv6: cidr }),
        });
      }
    }

    if (props.accessLogs ?? false) {
      this.accessLogBucket = new AccessLogBucket(this, "AccessLogs", { namePrefix: `${props.name}-alb-logs-`, region: props.region });
    }
    this.loadBalancer = new Lb(this, "LoadBalancer", {
      name: props.name,
      loadBalancerType: "application",
      internal: false,
      ipAddressType: this.dualStack ? "dualstack" : "ipv4",
      securityGroups: [this.securityGroup.id],
      subnets: props.subnets.map((s) => s.id),
      idleTimeout,
      dropInvalidHeaderFields: true,
      desyncMitigationMode: "defensive",
      enableDeletionProtection: props.deletionProtection ?? false,
      accessLogs: this.accessLogBucket ? { bucket: this.accessLogBucket.bucket.id, enabled: true, prefix: "alb" } : undefined,
      // Enabling access logs writes a test object; without the policy in place that fails with Access Denied.
      dependsOn: this.accessLogBucket ? [this.accessLogBucket.bucketPolicy] : undefined,
    });

    const notFound = {
      type: "fixed-response",
      fixedResponse: { contentType: "application/json", statusCode: "404", messageBody: NOT_FOUND_BODY },
    };
    if (props.certificate) {
      const certificateArn =
        props.certificate.certificateArn ??
        new DataAwsAcmCertificate(this, "Certificate", { domain: props.certificate.domainName, statuses: ["ISSUED"], mostRecent: true }).arn;
      this.listener = new LbListener(this, "HttpsListener", {
        loadBalancerArn: this.loadBalancer.arn,
        port: 443,
        protocol: "HTTPS",
        sslPolicy: TLS_POLICY,
        certificateArn,
        routingHttpResponseStrictTransportSecurityHeaderValue: props.hsts,
        defaultAction: [notFound],
      });
      this.httpListener = new LbListener(this, "HttpListener", {
        loadBalancerArn: this.loadBalancer.arn,
        port: 80,
        protocol: "HTTP",
        defaultAction: [{ type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } }],
      });
    } else {
      this.httpListener = new LbListener(this, "HttpListener", {
        loadBalancerArn: this.loadBalancer.arn,
        port: 80,
        protocol: "HTTP",
        defaultAction: [notFound],
      });
      this.listener = this.httpListener;
    }
  }
}
