/** Checks of a service's `permissions` that need its environment: account, region, duplicates. */
import type { ConfigIssue } from "./errors";
import { arnScope, grantResource } from "./grants";
import type { ResolvedEnvironment } from "./resolved";
import type { Grant } from "./types";

const ARN_FIELD: Record<Grant["grant"], string> = {
  s3: "bucketArn",
  dynamodb: "tableArn",
  sqs: "queueArn",
  sns: "topicArn",
  ssm: "parameterArn",
  secretsmanager: "secretArn",
  kms: "keyArn",
  statement: "resources",
};

/** The ARNs of a grant that name a region and an account. */
function scopedArns(grant: Grant): string[] {
  if (grant.grant === "s3") return [];
  if (grant.grant === "statement") return grant.resources.filter((r) => r.startsWith("arn:"));
  return [grantResource(grant)];
}

function duplicateKey(grant: Grant): string {
  if (grant.grant === "statement") return `statement ${[...grant.actions].sort().join(",")} on ${[...grant.resources].sort().join(",")}`;
  return `${grant.grant} ${grantResource(grant)}`;
}

/** Appends a problem for every grant of another account or region, and every grant given twice. */
export function validatePermissions(env: ResolvedEnvironment, issues: ConfigIssue[]): void {
  for (const svc of env.services) {
    const where = `${env.name} / service "${svc.name}"`;
    const seen = new Map<string, number>();
    for (const [i, grant] of svc.permissions.entries()) {
      const field = `permissions[${i}].${ARN_FIELD[grant.grant]}`;
      if (!("otherAccountOrRegion" in grant && grant.otherAccountOrRegion)) {
        for (const arn of scopedArns(grant)) {
          const { region, account } = arnScope(arn);
          if (region !== "" && region !== env.region) {
            issues.push({ where, field, value: arn, problem: `is in region ${region}, not ${env.name}'s ${env.region}; if that is intended, add otherAccountOrRegion: true to the grant` });
          } else if (account !== "" && account !== "aws" && !env.allowedAccountIds.includes(account)) {
            issues.push({
              where,
              field,
              value: arn,
              problem: `is in account ${account}, not one of ${env.name}'s allowedAccountIds (${env.allowedAccountIds.join(", ")}); if that is intended, add otherAccountOrRegion: true to the grant`,
            });
          }
        }
      }
      const key = duplicateKey(grant);
      const first = seen.get(key);
      if (first === undefined) {
        seen.set(key, i);
        continue;
      }
      const access = "access" in grant ? " (for both access levels, use the wider one, e.g. read-write)" : "";
      issues.push({ where, field: `permissions[${i}]`, value: grantResource(grant), problem: `grants the same resource as permissions[${first}]; give each resource one grant${access}` });
    }
  }
}
