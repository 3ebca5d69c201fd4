import { AcmCertificate } from "@cdktf/provider-aws/lib/acm-certificate";
import { AcmCertificateValidation } from "@cdktf/provider-aws/lib/acm-certificate-validation";
import { DataAwsRoute53Zone } from "@cdktf/provider-aws/lib/data-aws-route53-zone";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";
import { HOSTED_ZONE_ID, zoneHolds, type HostedZoneRef } from "@bun-fargate/config";
import { Token } from "cdktf";
import { Construct } from "constructs";
import type { PublicLoadBalancer } from "../load-balancer/public-load-balancer";

/** TTL of the certificate's validation record; ACM re-reads it at every renewal. */
export const VALIDATION_RECORD_TTL_SECONDS = 300;

export interface PublicDomainProps {
  /** The name the ALB serves, e.g. `api.example.com`. */
  readonly domainName: string;
  /** The public hosted zone that holds `domainName`: by ID, or by name (looked up at plan time). */
  readonly hostedZone: HostedZoneRef;
  /**
   * An existing ACM certificate for `domainName` in the ALB's region.
   * @default - a new ACM certificate, validated through a DNS record in the zone; `certificateArn`
   * resolves only once ACM has issued it, so a listener that uses it waits for that
   */
  readonly certificateArn?: string;
}

/**
 * The company's domain in front of the ALB: alias records in its hosted zone (A, and AAAA when the
 * ALB is dual-stack) and, unless one is given, an ACM certificate with DNS validation that the
 * HTTPS listener uses once it is issued.
 */
export class PublicDomain extends Construct {
  public readonly domainName: string;
  /** The hosted zone's ID (a plan-time lookup where the zone was given by name). */
  public readonly zoneId: string;
  public readonly zone: DataAwsRoute53Zone | undefined;
  /** The certificate created here; undefined when `certificateArn` was given. */
  public readonly certificate: AcmCertificate | undefined;
  public readonly validationRecord: Route53Record | undefined;
  public readonly validation: AcmCertificateValidation | undefined;
  /** The certificate for the HTTPS listener: the given one, or the created one once ISSUED. */
  public readonly certificateArn: string;
  public readonly aliasRecords: Route53Record[] = [];

  constructor(scope: Construct, id: string, props: PublicDomainProps) {
    super(scope, id);
    this.domainName = props.domainName;
    const zone = props.hostedZone;
    if ("id" in zone && !Token.isUnresolved(zone.id) && !HOSTED_ZONE_ID.test(zone.id)) {
      throw new Error(`PublicDomain "${props.domainName}": hostedZone.id "${zone.id}" must be a Route 53 hosted zone ID such as "Z0123456789ABCDEFGHIJ"`);
    }
    if ("name" in zone && !Token.isUnresolved(zone.name) && !Token.isUnresolved(props.domainName) && !zoneHolds(zone.name, props.domainName)) {
      throw new Error(`PublicDomain "${props.domainName}": hosted zone "${zone.name}" cannot hold "${props.domainName}"; give the zone of that name or of a parent of it`);
    }
    if ("id" in zone) {
      this.zoneId = zone.id;
    } else {
      this.zone = new DataAwsRoute53Zone(this, "Zone", { name: zone.name, privateZone: false });
      this.zoneId = this.zone.zoneId;
    }

    if (props.certificateArn !== undefined) {
      this.certificateArn = props.certificateArn;
    } else {
      this.certificate = new AcmCertificate(this, "Certificate", {
        domainName: props.domainName,
        validationMethod: "DNS",
        // A replacement (another key algorithm, say) is issued before the listener lets go of the old one.
        lifecycle: { createBeforeDestroy: true },
        tags: { Name: props.domainName },
      });
      // One name, so one validation option; AWS keeps the record for renewals, so it stays.
      const option = this.certificate.domainValidationOptions.get(0);
      this.validationRecord = new Route53Record(this, "ValidationRecord", {
        zoneId: this.zoneId,
        name: option.resourceRecordName,
        type: option.resourceRecordType,
        records: [option.resourceRecordValue],
        ttl: VALIDATION_RECORD_TTL_SECONDS,
        // The record's name is the same for every certificate of this domain in the account.
        allowOverwrite: true,
      });
      this.validation = new AcmCertificateValidation(this, "CertificateValidation", {
        certificateArn: this.certificate.arn,
        validationRecordFqdns: [this.validationRecord.fqdn],
      });
      this.certificateArn = this.validation.certificateArn;
    }
  }

  /** Points the domain at the load balancer: an A alias, and an AAAA alias when it is dual-stack. */
  public aliasTo(loadBalancer: PublicLoadBalancer): Route53Record[] {
    if (this.aliasRecords.length > 0) throw new Error(`PublicDomain "${this.domainName}": already points at a load balancer`);
    const alias = { name: loadBalancer.loadBalancer.dnsName, zoneId: loadBalancer.loadBalancer.zoneId, evaluateTargetHealth: true };
    for (const type of loadBalancer.dualStack ? ["A", "AAAA"] : ["A"]) {
      this.aliasRecords.push(new Route53Record(this, type === "A" ? "AliasA" : "AliasAaaa", { zoneId: this.zoneId, name: this.domainName, type, alias }));
    }
    return this.aliasRecords;
  }
}
