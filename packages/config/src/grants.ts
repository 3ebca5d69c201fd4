/**
 * The grants table: each kind and access level of a service's `permissions`, as the exact IAM
 * actions it needs and the exact resource ARNs they apply to. The task role's policy is written
 * from this, and nothing else; the execution role never receives these.
 */
import type { Grant } from "./types";

/** One IAM statement, in the form of `data.aws_iam_policy_document`'s statement block. */
export interface GrantStatement {
  readonly sid: string;
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  readonly condition?: readonly { readonly test: string; readonly variable: string; readonly values: readonly string[] }[];
}

/**
 * A Secrets Manager ARN as IAM must name it. A full ARN ends in `-` and six random characters that
 * Secrets Manager appends; a partial one (the name only) matches no secret in IAM, so it is granted
 * as `<partial>-??????` (exactly six more characters), as the Secrets Manager guide documents.
 */
export function secretResourceArn(arn: string): string {
  return isFullSecretArn(arn) ? arn : `${arn}-??????`;
}

/** Whether a Secrets Manager ARN carries the six-character suffix Secrets Manager appends. */
export function isFullSecretArn(arn: string): boolean {
  const name = arn.slice(arn.indexOf(":secret:") + ":secret:".length);
  return /-[A-Za-z0-9]{6}$/.test(name);
}

const S3_READ_OBJECT = ["s3:GetObject"];
const S3_WRITE_OBJECT = ["s3:AbortMultipartUpload", "s3:DeleteObject", "s3:ListMultipartUploadParts", "s3:PutObject"];
const DDB_READ = ["dynamodb:BatchGetItem", "dynamodb:ConditionCheckItem", "dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan"];
const DDB_WRITE = ["dynamodb:BatchWriteItem", "dynamodb:DeleteItem", "dynamodb:PutItem", "dynamodb:UpdateItem"];
const DDB_INDEX_READ = ["dynamodb:Query", "dynamodb:Scan"];
const SQS_SEND = ["sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:SendMessage"];
const SQS_CONSUME = ["sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:ReceiveMessage"];
const KMS_DECRYPT = ["kms:Decrypt", "kms:DescribeKey"];
const KMS_ENCRYPT = ["kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"];

const sorted = (items: readonly string[]) => [...new Set(items)].sort();

/** The resource ARN a grant is about, for messages and duplicate checks. */
export function grantResource(grant: Grant): string {
  switch (grant.grant) {
    case "s3":
      return grant.prefix ? `${grant.bucketArn}/${grant.prefix}` : grant.bucketArn;
    case "dynamodb":
      return grant.tableArn;
    case "sqs":
      return grant.queueArn;
    case "sns":
      return grant.topicArn;
    case "ssm":
      return grant.parameterArn;
    case "secretsmanager":
      return grant.secretArn;
    case "kms":
      return grant.keyArn;
    case "statement":
      return grant.resources.join(", ");
  }
}

/** The statements one grant expands to; `n` numbers the statement IDs. */
export function grantStatements(grant: Grant, n: number): GrantStatement[] {
  const sid = (what: string) => `${what}${n}`;
  switch (grant.grant) {
    case "s3": {
      const objects = `${grant.bucketArn}/${grant.prefix ?? ""}*`;
      const out: GrantStatement[] = [];
      if (grant.access !== "write") {
        out.push({ sid: sid("S3Read"), actions: S3_READ_OBJECT, resources: [objects] });
        out.push({
          sid: sid("S3List"),
          actions: ["s3:ListBucket"],
          resources: [grant.bucketArn],
          ...(grant.prefix ? { condition: [{ test: "StringLike", variable: "s3:prefix", values: [`${grant.prefix}*`] }] } : {}),
        });
      }
      if (grant.access !== "read") out.push({ sid: sid("S3Write"), actions: S3_WRITE_OBJECT, resources: [objects] });
      return out;
    }
    case "dynamodb": {
      const actions = grant.access === "read" ? DDB_READ : sorted([...DDB_READ, ...DDB_WRITE]);
      return [
        { sid: sid("DynamoDbTable"), actions, resources: [grant.tableArn] },
        { sid: sid("DynamoDbIndexes"), actions: DDB_INDEX_READ, resources: [`${grant.tableArn}/index/*`] },
      ];
    }
    case "sqs":
      return [{ sid: sid(grant.access === "send" ? "SqsSend" : "SqsConsume"), actions: grant.access === "send" ? SQS_SEND : SQS_CONSUME, resources: [grant.queueArn] }];
    case "sns":
      return [{ sid: sid("SnsPublish"), actions: ["sns:Publish"], resources: [grant.topicArn] }];
    case "ssm": {
      if (!grant.parameterArn.endsWith("/*")) return [{ sid: sid("SsmRead"), actions: ["ssm:GetParameter", "ssm:GetParameters"], resources: [grant.parameterArn] }];
      // GetParametersByPath is authorized on the path itself; the parameters under it by the wildcard.
      return [
        { sid: sid("SsmRead"), actions: ["ssm:GetParameter", "ssm:GetParameters"], resources: [grant.parameterArn] },
        { sid: sid("SsmReadPath"), actions: ["ssm:GetParametersByPath"], resources: [grant.parameterArn.slice(0, -2)] },
      ];
    }
    case "secretsmanager":
      return [{ sid: sid("SecretRead"), actions: ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"], resources: [secretResourceArn(grant.secretArn)] }];
    case "kms": {
      const actions = grant.access === "decrypt" ? KMS_DECRYPT : grant.access === "encrypt" ? KMS_ENCRYPT : sorted([...KMS_DECRYPT, ...KMS_ENCRYPT]);
      return [{ sid: sid("Kms"), actions, resources: [grant.keyArn] }];
    }
    case "statement":
      return [{ sid: sid("Statement"), actions: sorted(grant.actions), resources: sorted(grant.resources) }];
  }
}

/** Every statement of a service's grants, in order. */
export function permissionStatements(grants: readonly Grant[]): GrantStatement[] {
  return grants.flatMap((g, i) => grantStatements(g, i + 1));
}

/** Region and account of an ARN (empty where it names none, as S3 bucket ARNs). */
export function arnScope(arn: string): { region: string; account: string } {
  const parts = arn.split(":");
  return { region: parts[3] ?? "", account: parts[4] ?? "" };
}
