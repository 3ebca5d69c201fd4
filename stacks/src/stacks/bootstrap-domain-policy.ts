/**
 * What a deploy role may do in Route 53 and ACM for its environment's domain (the cluster stack's
 * PublicDomain): a policy of its own, apart from the other deploy policies, so that it can be
 * attached or left out as one piece.
 */
import type { DeployPolicyProps, PolicyDocument, PolicyStatement } from "./bootstrap-deploy-policy";

/** The domain an environment serves and the zone its records go in, as the bootstrap sees them. */
export interface DeployDomain {
  /** `certificate.domainName`, e.g. `api.example.com`. */
  readonly domainName: string;
  /** The hosted zone's ID; undefined where the zone is looked up by name (any zone, then). */
  readonly hostedZoneId: string | undefined;
  /** The stacks create and validate a certificate (no `certificateArn` given). */
  readonly createsCertificate: boolean;
}

/** The name of the deploy role's inline policy for the domain. */
export const DOMAIN_POLICY_NAME = "domain";

/**
 * Route 53: record changes only in the environment's zone (by ID when the config gives one), only
 * for the domain itself and the ACM validation names under it (`_<token>.<domain>`), only of the
 * types the stacks write. ACM: certificates requested with the environment's tag, and only such
 * certificates managed. Lookups that IAM grants only on `*` (ListHostedZones, GetChange on any
 * change) are the rest.
 */
export function deployDomainStatements(p: DeployPolicyProps, d: DeployDomain): PolicyStatement[] {
  const zone = `arn:${p.partition}:route53:::hostedzone/${d.hostedZoneId ?? "*"}`;
  const names = [d.domainName, ...(d.createsCertificate ? [`_*.${d.domainName}`] : [])];
  const types = ["A", "AAAA", ...(d.createsCertificate ? ["CNAME"] : [])];
  const statements: PolicyStatement[] = [
    {
      Sid: "DomainRecords",
      Effect: "Allow",
      Action: ["route53:ChangeResourceRecordSets"],
      Resource: zone,
      Condition: {
        "ForAllValues:StringLike": { "route53:ChangeResourceRecordSetsNormalizedRecordNames": names },
        "ForAllValues:StringEquals": { "route53:ChangeResourceRecordSetsRecordTypes": types },
      },
    },
    { Sid: "ReadDomainZone", Effect: "Allow", Action: ["route53:GetHostedZone", "route53:ListResourceRecordSets", "route53:ListTagsForResource"], Resource: zone },
    // Record changes are followed until INSYNC; change IDs are not known before the change.
    { Sid: "FollowChanges", Effect: "Allow", Action: ["route53:GetChange"], Resource: `arn:${p.partition}:route53:::change/*` },
  ];
  if (d.hostedZoneId === undefined) {
    // The zone is looked up by name (data aws_route53_zone); listing zones has no resource to scope to.
    statements.push({ Sid: "FindZoneByName", Effect: "Allow", Action: ["route53:ListHostedZones", "route53:ListHostedZonesByName"], Resource: "*" });
  }
  if (d.createsCertificate) {
    const certificates = `arn:${p.partition}:acm:${p.region}:${p.accountId}:certificate/*`;
    statements.push(
      {
        Sid: "RequestTaggedCertificate",
        Effect: "Allow",
        Action: ["acm:RequestCertificate"],
        Resource: "*",
        Condition: { StringEquals: { "aws:RequestTag/Environment": p.environment } },
      },
      // The request's tags are written by AddTagsToCertificate, on a certificate that has none yet.
      { Sid: "TagNewCertificate", Effect: "Allow", Action: ["acm:AddTagsToCertificate"], Resource: certificates, Condition: { StringEquals: { "aws:RequestTag/Environment": p.environment } } },
      {
        Sid: "ManageOwnCertificates",
        Effect: "Allow",
        Action: ["acm:DescribeCertificate", "acm:ListTagsForCertificate", "acm:RemoveTagsFromCertificate", "acm:DeleteCertificate"],
        Resource: certificates,
        Condition: { StringEquals: { "aws:ResourceTag/Environment": p.environment } },
      },
    );
  }
  return statements;
}

/** The domain policy of one environment's deploy role, or none where it has no hosted zone. */
export function deployDomainPolicy(p: DeployPolicyProps, d: DeployDomain | undefined): PolicyDocument | undefined {
  return d ? { Version: "2012-10-17", Statement: deployDomainStatements(p, d) } : undefined;
}
