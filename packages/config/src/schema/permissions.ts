/**
 * The schema of a service's `permissions`: what the application's code may do in AWS, as grants on
 * existing resources by ARN. Each grant is expanded by `../grants.ts` into the exact actions its
 * access level needs, on exact ARNs, in the task role only.
 */
import * as v from "valibot";
import { actionProblem, starOnly } from "../iam-actions";
import { didYouMean } from "../suggest";
import { kindOf } from "../show";
import { bool, list, oneOf, strictObject, text } from "./fields";
import { MIN_REASON_LENGTH } from "./reason";

const P = "arn:aws[a-z-]*";
const REGION = "[a-z]{2}(?:-[a-z]+)+-\\d";
const ACCOUNT = "\\d{12}";
const regional = (service: string, rest: string) => new RegExp(`^${P}:${service}:${REGION}:${ACCOUNT}:${rest}$`);

export const ARN_PATTERNS = {
  s3: new RegExp(`^${P}:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`),
  dynamodb: regional("dynamodb", "table/[A-Za-z0-9_.-]{3,255}"),
  sqs: regional("sqs", "[A-Za-z0-9_-]{1,80}(?:\\.fifo)?"),
  sns: regional("sns", "[A-Za-z0-9_-]{1,256}(?:\\.fifo)?"),
  ssm: regional("ssm", "parameter/[A-Za-z0-9/_.-]*[A-Za-z0-9_.-](?:/\\*)?"),
  secretsmanager: regional("secretsmanager", "secret:[A-Za-z0-9/_+=.@-]+"),
  kms: regional("kms", "key/(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})"),
} as const;

/** Any ARN of a resource (the escape hatch's resources), possibly ending in a `*` or `?` pattern. */
const ANY_ARN = /^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:(?:\d{12}|aws)?:\S+$/;

/** The resource is in another account or region than the environment's, on purpose. @default false */
const otherAccountOrRegion = v.optional(bool());

/** An S3 object key prefix: no leading slash, no wildcard (the grant adds the `*`). */
const PREFIX = /^(?!\/)[A-Za-z0-9!_.'()/-]{1,1000}$/;

const S3Grant = strictObject(
  {
    grant: v.literal("s3"),
    /** `arn:aws:s3:::<bucket>` (bucket ARNs name no region or account). */
    bucketArn: text(ARN_PATTERNS.s3, 'must be an S3 bucket ARN, "arn:aws:s3:::<bucket>" (no object path; use prefix)', 2048),
    /** `read` (get and list), `write` (put and delete), `read-write`. */
    access: oneOf(["read", "write", "read-write"]),
    /** Only keys under this prefix, e.g. `invoices/`. @default - the whole bucket */
    prefix: v.optional(text(PREFIX, 'must be a key prefix such as "invoices/" (letters, digits, ! _ . \' ( ) / -; no leading / and no wildcard, the grant adds it)', 1000)),
  },
  'an object { grant: "s3", bucketArn, access, prefix? }',
);

const DynamoDbGrant = strictObject(
  {
    grant: v.literal("dynamodb"),
    /** `arn:aws:dynamodb:<region>:<account>:table/<name>`; its indexes are included. */
    tableArn: text(ARN_PATTERNS.dynamodb, "must be a DynamoDB table ARN (arn:aws:dynamodb:<region>:<account>:table/<name>)", 2048),
    /** `read` (get, query, scan) or `read-write` (also put, update, delete). */
    access: oneOf(["read", "read-write"]),
    otherAccountOrRegion,
  },
  'an object { grant: "dynamodb", tableArn, access }',
);

const SqsGrant = strictObject(
  {
    grant: v.literal("sqs"),
    /** `arn:aws:sqs:<region>:<account>:<queue>`. */
    queueArn: text(ARN_PATTERNS.sqs, "must be an SQS queue ARN (arn:aws:sqs:<region>:<account>:<queue>)", 2048),
    /** `send` (producer) or `consume` (receive, delete, extend visibility). */
    access: oneOf(["send", "consume"]),
    otherAccountOrRegion,
  },
  'an object { grant: "sqs", queueArn, access }',
);

const SnsGrant = strictObject(
  {
    grant: v.literal("sns"),
    /** `arn:aws:sns:<region>:<account>:<topic>`; the service may publish to it. */
    topicArn: text(ARN_PATTERNS.sns, "must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<topic>)", 2048),
    otherAccountOrRegion,
  },
  'an object { grant: "sns", topicArn }',
);

const SsmGrant = strictObject(
  {
    grant: v.literal("ssm"),
    /** A parameter ARN, or a path ending in `/*` for every parameter under it (read at runtime). */
    parameterArn: text(ARN_PATTERNS.ssm, "must be an SSM parameter ARN (arn:aws:ssm:<region>:<account>:parameter/<name>), or a path ending in /*", 2048),
    otherAccountOrRegion,
  },
  'an object { grant: "ssm", parameterArn }',
);

const SecretsManagerGrant = strictObject(
  {
    grant: v.literal("secretsmanager"),
    /** A secret's ARN, full or without the `-XXXXXX` suffix (read at runtime). */
    secretArn: text(ARN_PATTERNS.secretsmanager, "must be a Secrets Manager ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>)", 2048),
    otherAccountOrRegion,
  },
  'an object { grant: "secretsmanager", secretArn }',
);

const KmsGrant = strictObject(
  {
    grant: v.literal("kms"),
    /** `arn:aws:kms:<region>:<account>:key/<key id>` (an alias ARN does not authorize key use). */
    keyArn: text(ARN_PATTERNS.kms, "must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key id>); alias ARNs do not authorize key use in IAM", 2048),
    /** `decrypt`, `encrypt` (with data keys) or `encrypt-decrypt`. */
    access: oneOf(["decrypt", "encrypt", "encrypt-decrypt"]),
    otherAccountOrRegion,
  },
  'an object { grant: "kms", keyArn, access }',
);

const StatementGrant = v.pipe(
  strictObject(
    {
      grant: v.literal("statement"),
      /** Named actions, `service:Action`; no wildcards. */
      actions: v.pipe(
        list(
          v.pipe(
            v.string('must be an action such as "s3:GetObject"'),
            v.check((a) => actionProblem(a) === undefined, (issue) => actionProblem(String(issue.input)) ?? "is not an action"),
          ),
          'a list of actions such as ["s3:GetObject"]',
          100,
        ),
        v.minLength(1, "list at least one action"),
      ),
      /** Resource ARNs; `"*"` only for actions AWS grants on nothing narrower. */
      resources: v.pipe(
        list(
          v.pipe(v.string("must be a resource ARN"), v.check((r) => r === "*" || ANY_ARN.test(r), 'must be a resource ARN (arn:<partition>:<service>:<region>:<account>:<resource>), or "*"')),
          "a list of resource ARNs",
          100,
        ),
        v.minLength(1, "list at least one resource ARN"),
      ),
      /** Why none of the typed grants fits. */
      reason: v.pipe(
        v.string("must say why none of the typed grants (s3, dynamodb, sqs, sns, ssm, secretsmanager, kms) fits"),
        v.check((s) => s.trim().length >= MIN_REASON_LENGTH, `must say why none of the typed grants fits, in at least ${MIN_REASON_LENGTH} characters`),
        v.maxLength(500, "must be at most 500 characters"),
      ),
      otherAccountOrRegion,
    },
    'an object { grant: "statement", actions, resources, reason }',
  ),
  v.forward(
    v.check(
      // Judged only on actions that are valid, which are reported on their own otherwise.
      (s) => !s.resources.includes("*") || s.actions.filter((a) => actionProblem(a) === undefined).every(starOnly),
      (issue) => {
        const s = issue.input as { actions: string[] };
        const narrowable = s.actions.filter((a) => actionProblem(a) === undefined && !starOnly(a));
        return `"*" is allowed only for actions that support no resource ARN, and these do: ${narrowable.join(", ")}; name their resources' ARNs`;
      },
    ),
    ["resources"],
  ),
);

export const GRANT_KINDS = ["s3", "dynamodb", "sqs", "sns", "ssm", "secretsmanager", "kms", "statement"] as const;
const BY_KIND = { s3: S3Grant, dynamodb: DynamoDbGrant, sqs: SqsGrant, sns: SnsGrant, ssm: SsmGrant, secretsmanager: SecretsManagerGrant, kms: KmsGrant, statement: StatementGrant };
type GrantSchema = (typeof BY_KIND)[keyof typeof BY_KIND];

const unknownGrant = (input: unknown) =>
  v.custom<never>(() => false, () => {
    if (input === null || typeof input !== "object" || Array.isArray(input)) return `must be a grant such as { grant: "s3", bucketArn, access }, not ${kindOf(input)}`;
    const grant = (input as { grant?: unknown }).grant;
    const listed = GRANT_KINDS.map((k) => `"${k}"`).join(", ");
    if (grant === undefined) return `needs grant: one of ${listed}`;
    return `grant ${JSON.stringify(grant)} is not a grant kind; allowed: ${listed}${didYouMean(grant, GRANT_KINDS)}`;
  });

/** One grant; which fields it takes depends on `grant`. */
export const GrantSchema = v.lazy((input: unknown): GrantSchema => {
  const grant = input !== null && typeof input === "object" ? (input as { grant?: unknown }).grant : undefined;
  return typeof grant === "string" && Object.hasOwn(BY_KIND, grant) ? BY_KIND[grant as keyof typeof BY_KIND] : (unknownGrant(input) as unknown as GrantSchema);
});

/** A service's grants; an environment's list is added to the service's. */
export const PermissionsSchema = list(GrantSchema, 'a list of grants such as [{ grant: "s3", bucketArn: "arn:aws:s3:::uploads", access: "read" }]', 100);
