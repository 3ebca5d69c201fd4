import fc from "fast-check";
import { grantResource, grantStatements, isFullSecretArn, permissionStatements, secretResourceArn } from "./grants";
import { actionProblem } from "./iam-actions";
import { loadConfig } from "./load";
import { configWith, problemsOf } from "./testing";
import type { Grant } from "./types";

const ACCOUNT = "123456789012";
const REGION = "eu-west-1";
const arn = (service: string, rest: string, region = REGION, account = ACCOUNT) => `arn:aws:${service}:${region}:${account}:${rest}`;
const BUCKET = "arn:aws:s3:::shop-uploads";
const TABLE = arn("dynamodb", "table/orders");
const QUEUE = arn("sqs", "orders-events");
const TOPIC = arn("sns", "order-placed");
const PARAM = arn("ssm", "parameter/shop/orders/flags");
const SECRET_FULL = arn("secretsmanager", "secret:shop/orders/db-AbC123");
const SECRET_PARTIAL = arn("secretsmanager", "secret:shop/orders/db");
const KEY = arn("kms", "key/1234abcd-12ab-34cd-56ef-1234567890ab");

/** The problems of the sandbox environment's "orders" service with these permissions. */
const problems = (permissions: unknown) => problemsOf(configWith({ service: { permissions } as never }));
const loaded = (permissions: readonly Grant[]) => loadConfig(configWith({ service: { permissions } })).environments[0]!.services[0]!;
const ENTRY = 'service "orders"';
const SVC = 'sandbox / service "orders"';

describe("the grants table: each kind and access level as exact actions on exact ARNs", () => {
  test.each<[string, Grant, object[]]>([
    [
      "s3 read",
      { grant: "s3", bucketArn: BUCKET, access: "read" },
      [
        { sid: "S3Read1", actions: ["s3:GetObject"], resources: [`${BUCKET}/*`] },
        { sid: "S3List1", actions: ["s3:ListBucket"], resources: [BUCKET] },
      ],
    ],
    ["s3 write", { grant: "s3", bucketArn: BUCKET, access: "write" }, [{ sid: "S3Write1", actions: ["s3:AbortMultipartUpload", "s3:DeleteObject", "s3:ListMultipartUploadParts", "s3:PutObject"], resources: [`${BUCKET}/*`] }]],
    [
      "s3 read-write under a prefix (listing limited to it)",
      { grant: "s3", bucketArn: BUCKET, access: "read-write", prefix: "invoices/" },
      [
        { sid: "S3Read1", actions: ["s3:GetObject"], resources: [`${BUCKET}/invoices/*`] },
        { sid: "S3List1", actions: ["s3:ListBucket"], resources: [BUCKET], condition: [{ test: "StringLike", variable: "s3:prefix", values: ["invoices/*"] }] },
        { sid: "S3Write1", actions: ["s3:AbortMultipartUpload", "s3:DeleteObject", "s3:ListMultipartUploadParts", "s3:PutObject"], resources: [`${BUCKET}/invoices/*`] },
      ],
    ],
    [
      "dynamodb read (table and its indexes)",
      { grant: "dynamodb", tableArn: TABLE, access: "read" },
      [
        { sid: "DynamoDbTable1", actions: ["dynamodb:BatchGetItem", "dynamodb:ConditionCheckItem", "dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan"], resources: [TABLE] },
        { sid: "DynamoDbIndexes1", actions: ["dynamodb:Query", "dynamodb:Scan"], resources: [`${TABLE}/index/*`] },
      ],
    ],
    [
      "dynamodb read-write",
      { grant: "dynamodb", tableArn: TABLE, access: "read-write" },
      [
        {
          sid: "DynamoDbTable1",
          actions: [
            "dynamodb:BatchGetItem",
            "dynamodb:BatchWriteItem",
            "dynamodb:ConditionCheckItem",
            "dynamodb:DeleteItem",
            "dynamodb:DescribeTable",
            "dynamodb:GetItem",
            "dynamodb:PutItem",
            "dynamodb:Query",
            "dynamodb:Scan",
            "dynamodb:UpdateItem",
          ],
          resources: [TABLE],
        },
        { sid: "DynamoDbIndexes1", actions: ["dynamodb:Query", "dynamodb:Scan"], resources: [`${TABLE}/index/*`] },
      ],
    ],
    ["sqs send", { grant: "sqs", queueArn: QUEUE, access: "send" }, [{ sid: "SqsSend1", actions: ["sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:SendMessage"], resources: [QUEUE] }]],
    [
      "sqs consume",
      { grant: "sqs", queueArn: QUEUE, access: "consume" },
      [{ sid: "SqsConsume1", actions: ["sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:ReceiveMessage"], resources: [QUEUE] }],
    ],
    ["sns publish", { grant: "sns", topicArn: TOPIC }, [{ sid: "SnsPublish1", actions: ["sns:Publish"], resources: [TOPIC] }]],
    ["ssm parameter read", { grant: "ssm", parameterArn: PARAM }, [{ sid: "SsmRead1", actions: ["ssm:GetParameter", "ssm:GetParameters"], resources: [PARAM] }]],
    [
      "ssm path read",
      { grant: "ssm", parameterArn: arn("ssm", "parameter/shop/orders/*") },
      [
        { sid: "SsmRead1", actions: ["ssm:GetParameter", "ssm:GetParameters"], resources: [arn("ssm", "parameter/shop/orders/*")] },
        { sid: "SsmReadPath1", actions: ["ssm:GetParametersByPath"], resources: [arn("ssm", "parameter/shop/orders")] },
      ],
    ],
    ["secretsmanager read, full ARN", { grant: "secretsmanager", secretArn: SECRET_FULL }, [{ sid: "SecretRead1", actions: ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"], resources: [SECRET_FULL] }]],
    [
      "secretsmanager read, partial ARN (granted with the six-character suffix pattern)",
      { grant: "secretsmanager", secretArn: SECRET_PARTIAL },
      [{ sid: "SecretRead1", actions: ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue"], resources: [`${SECRET_PARTIAL}-??????`] }],
    ],
    ["kms decrypt", { grant: "kms", keyArn: KEY, access: "decrypt" }, [{ sid: "Kms1", actions: ["kms:Decrypt", "kms:DescribeKey"], resources: [KEY] }]],
    ["kms encrypt", { grant: "kms", keyArn: KEY, access: "encrypt" }, [{ sid: "Kms1", actions: ["kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"], resources: [KEY] }]],
    ["kms encrypt-decrypt", { grant: "kms", keyArn: KEY, access: "encrypt-decrypt" }, [{ sid: "Kms1", actions: ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"], resources: [KEY] }]],
    [
      "a raw statement, sorted",
      { grant: "statement", actions: ["states:StartExecution"], resources: [arn("states", "stateMachine:orders")], reason: "no typed grant for Step Functions yet" },
      [{ sid: "Statement1", actions: ["states:StartExecution"], resources: [arn("states", "stateMachine:orders")] }],
    ],
  ])("%s", (_, grant, statements) => {
    expect(grantStatements(grant, 1)).toEqual(statements);
    // And it loads as config, resolved unchanged.
    expect(loaded([grant]).permissions).toEqual([grant]);
  });

  test("statement IDs are numbered per grant, so two grants of a kind never collide", () => {
    const sids = permissionStatements([
      { grant: "sqs", queueArn: QUEUE, access: "send" },
      { grant: "sqs", queueArn: arn("sqs", "other"), access: "send" },
    ]).map((s) => s.sid);
    expect(sids).toEqual(["SqsSend1", "SqsSend2"]);
  });

  test("secret ARNs: a full ARN is named as it is, a partial one gets exactly six more characters", () => {
    expect(isFullSecretArn(SECRET_FULL)).toBe(true);
    expect(isFullSecretArn(SECRET_PARTIAL)).toBe(false);
    expect(secretResourceArn(SECRET_FULL)).toBe(SECRET_FULL);
    expect(secretResourceArn(SECRET_PARTIAL)).toBe(`${SECRET_PARTIAL}-??????`);
  });
});

describe("an environment's permissions are added to the service's", () => {
  test("service then environment, and no permissions at all", () => {
    const base = { grant: "sqs", queueArn: QUEUE, access: "send" } as const;
    const config = configWith({ service: { permissions: [base] }, env: { services: { orders: { permissions: [{ grant: "sns", topicArn: TOPIC }] } } } });
    expect(loadConfig(config).environments[0]!.services[0]!.permissions).toEqual([base, { grant: "sns", topicArn: TOPIC }]);
    expect(loadConfig(configWith()).environments[0]!.services[0]!.permissions).toEqual([]);
  });
});

describe("validation", () => {
  test("an unknown or missing grant kind names the allowed ones", () => {
    expect(problems([{ grant: "s4", bucketArn: BUCKET }])).toEqual([
      `${ENTRY}: permissions[0] = {"grant":"s4","bucketArn":"${BUCKET}"}: grant "s4" is not a grant kind; allowed: "s3", "dynamodb", "sqs", "sns", "ssm", "secretsmanager", "kms", "statement" (did you mean "s3"?)`,
    ]);
    expect(problems([{ bucketArn: BUCKET }])[0]).toContain('needs grant: one of "s3", "dynamodb"');
    expect(problems(["s3"])[0]).toBe(`${ENTRY}: permissions[0] = "s3": must be a grant such as { grant: "s3", bucketArn, access }, not a string`);
  });

  test.each([
    [{ grant: "s3", bucketArn: "arn:aws:s3:::shop-uploads/key", access: "read" }, "bucketArn", "must be an S3 bucket ARN"],
    [{ grant: "s3", bucketArn: "shop-uploads", access: "read" }, "bucketArn", "must be an S3 bucket ARN"],
    [{ grant: "dynamodb", tableArn: arn("dynamodb", "orders"), access: "read" }, "tableArn", "must be a DynamoDB table ARN"],
    [{ grant: "sqs", queueArn: "https://sqs.eu-west-1.amazonaws.com/123456789012/q", access: "send" }, "queueArn", "must be an SQS queue ARN"],
    [{ grant: "sns", topicArn: arn("sns", "a:b") }, "topicArn", "must be an SNS topic ARN"],
    [{ grant: "ssm", parameterArn: arn("ssm", "parameter/shop/*/x") }, "parameterArn", "must be an SSM parameter ARN"],
    [{ grant: "secretsmanager", secretArn: arn("secretsmanager", "secret:*") }, "secretArn", "must be a Secrets Manager ARN"],
    [{ grant: "kms", keyArn: arn("kms", "alias/orders"), access: "decrypt" }, "keyArn", "must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<key id>); alias ARNs do not authorize key use in IAM"],
    [{ grant: "dynamodb", tableArn: arn("dynamodb", "table/orders", "eu-west-1", "12345"), access: "read" }, "tableArn", "must be a DynamoDB table ARN"],
  ])("a malformed ARN: %j", (grant, field, message) => {
    const [line, ...rest] = problems([grant]);
    expect(rest).toEqual([]);
    expect(line).toContain(`${ENTRY}: permissions[0].${field} = ${JSON.stringify((grant as Record<string, unknown>)[field])}: ${message}`);
  });

  test.each([
    [{ grant: "s3", bucketArn: BUCKET, access: "rw" }, "access", 'allowed: "read", "write", "read-write"'],
    [{ grant: "dynamodb", tableArn: TABLE, access: "write" }, "access", 'allowed: "read", "read-write"'],
    [{ grant: "sqs", queueArn: QUEUE, access: "receive" }, "access", 'allowed: "send", "consume"'],
    [{ grant: "kms", keyArn: KEY, access: "sign" }, "access", 'allowed: "decrypt", "encrypt", "encrypt-decrypt"'],
    [{ grant: "s3", bucketArn: BUCKET, access: "read", prefix: "/invoices" }, "prefix", "must be a key prefix such as \"invoices/\""],
    [{ grant: "s3", bucketArn: BUCKET, access: "read", prefix: "invoices/*" }, "prefix", "must be a key prefix such as \"invoices/\""],
  ])("an access level or prefix that does not exist: %j", (grant, field, message) => {
    expect(problems([grant])).toEqual([expect.stringContaining(`${ENTRY}: permissions[0].${field} = ${JSON.stringify((grant as Record<string, unknown>)[field])}: ${message}`)]);
  });

  test("unknown keys are named with what is allowed", () => {
    expect(problems([{ grant: "sns", topicArn: TOPIC, access: "publish" }])).toEqual([`${ENTRY}: permissions[0].access = "publish": unknown setting; allowed: grant, topicArn, otherAccountOrRegion`]);
  });

  describe("the raw statement escape hatch", () => {
    const statement = (actions: string[], resources: string[], reason = "Step Functions has no typed grant") => [{ grant: "statement", actions, resources, reason }];

    test("refuses * actions, service-wide wildcards and partial wildcards", () => {
      expect(problems(statement(["*", "s3:*", "s3:Get*", "s3:GetObjec?"], [`${BUCKET}/*`]))).toEqual([
        `${ENTRY}: permissions[0].actions[0] = "*": allows every action of every AWS service`,
        `${ENTRY}: permissions[0].actions[1] = "s3:*": allows every action of s3 (a service-wide wildcard)`,
        `${ENTRY}: permissions[0].actions[2] = "s3:Get*": is a wildcard; name each action (a wildcard also grants actions AWS adds later)`,
        `${ENTRY}: permissions[0].actions[3] = "s3:GetObjec?": is a wildcard; name each action (a wildcard also grants actions AWS adds later)`,
      ]);
    });

    test('refuses "*" resources where the action supports resource ARNs, and allows it where none does', () => {
      expect(problems(statement(["s3:GetObject", "xray:PutTraceSegments"], ["*"]))).toEqual([
        `${ENTRY}: permissions[0].resources = ["*"]: "*" is allowed only for actions that support no resource ARN, and these do: s3:GetObject; name their resources' ARNs`,
      ]);
      expect(loaded(statement(["xray:PutTraceSegments", "xray:PutTelemetryRecords"], ["*"]) as Grant[]).permissions).toHaveLength(1);
    });

    test("refuses malformed actions and resources, empty lists and a missing or empty reason", () => {
      expect(problems(statement(["GetObject"], ["bucket"], "because"))).toEqual([
        `${ENTRY}: permissions[0].actions[0] = "GetObject": must be "<service>:<Action>", e.g. "s3:GetObject"`,
        `${ENTRY}: permissions[0].resources[0] = "bucket": must be a resource ARN (arn:<partition>:<service>:<region>:<account>:<resource>), or "*"`,
        `${ENTRY}: permissions[0].reason = "because": must say why none of the typed grants fits, in at least 10 characters`,
      ]);
      expect(problems([{ grant: "statement", actions: [], resources: [] }])).toEqual([
        `${ENTRY}: permissions[0].actions = []: list at least one action`,
        `${ENTRY}: permissions[0].resources = []: list at least one resource ARN`,
        `${ENTRY}: permissions[0].reason = undefined: is required`,
      ]);
    });
  });

  test("an ARN of another region or account is refused unless the grant says so", () => {
    const east = arn("sqs", "orders-events", "us-east-1");
    const other = arn("dynamodb", "table/ledger", REGION, "999999999999");
    expect(problems([{ grant: "sqs", queueArn: east, access: "send" }, { grant: "dynamodb", tableArn: other, access: "read" }])).toEqual([
      `${SVC}: permissions[0].queueArn = "${east}": is in region us-east-1, not sandbox's eu-west-1; if that is intended, add otherAccountOrRegion: true to the grant`,
      `${SVC}: permissions[1].tableArn = "${other}": is in account 999999999999, not one of sandbox's allowedAccountIds (123456789012); if that is intended, add otherAccountOrRegion: true to the grant`,
    ]);
    expect(
      loaded([
        { grant: "sqs", queueArn: east, access: "send", otherAccountOrRegion: true },
        { grant: "dynamodb", tableArn: other, access: "read", otherAccountOrRegion: true },
      ]).permissions,
    ).toHaveLength(2);
    // A raw statement's resources too; S3 bucket ARNs name neither and are not judged.
    const foreignStatement = { grant: "statement", actions: ["states:StartExecution"], resources: [arn("states", "stateMachine:x", "us-west-2")], reason: "Step Functions has no typed grant" };
    expect(problems([foreignStatement])[0]).toContain(`${SVC}: permissions[0].resources = "${arn("states", "stateMachine:x", "us-west-2")}": is in region us-west-2`);
  });

  test("a resource granted twice is one problem, pointing at the first grant", () => {
    expect(problems([{ grant: "s3", bucketArn: BUCKET, access: "read" }, { grant: "s3", bucketArn: BUCKET, access: "write" }])).toEqual([
      `${SVC}: permissions[1] = "${BUCKET}": grants the same resource as permissions[0]; give each resource one grant (for both access levels, use the wider one, e.g. read-write)`,
    ]);
    // The same bucket under different prefixes is two resources.
    expect(loaded([{ grant: "s3", bucketArn: BUCKET, access: "read", prefix: "a/" }, { grant: "s3", bucketArn: BUCKET, access: "write", prefix: "b/" }]).permissions).toHaveLength(2);
  });

  test("a grant in the environment that repeats one of the service's is a duplicate", () => {
    const config = configWith({ service: { permissions: [{ grant: "sns", topicArn: TOPIC }] }, env: { services: { orders: { permissions: [{ grant: "sns", topicArn: TOPIC }] } } } });
    expect(problemsOf(config)).toEqual([`${SVC}: permissions[1] = "${TOPIC}": grants the same resource as permissions[0]; give each resource one grant`]);
  });

  test("an environment override is checked as that environment resolves it", () => {
    const config = configWith({ env: { services: { orders: { permissions: [{ grant: "sns", topicArn: arn("sns", "t", "us-east-1") }] } } } });
    expect(problemsOf(config)).toEqual([expect.stringContaining(`${SVC}: permissions[0].topicArn = "${arn("sns", "t", "us-east-1")}": is in region us-east-1`)]);
  });
});

describe("properties", () => {
  const service = fc.constantFrom("s3", "dynamodb", "sqs", "kms", "states");
  const name = fc.stringMatching(/^[A-Za-z0-9]{1,12}$/);

  test("any action with a wildcard in it is refused, and any named one is accepted", () => {
    fc.assert(
      fc.property(service, name, fc.nat({ max: 12 }), fc.constantFrom("*", "?"), (svc, action, at, wild) => {
        const wildcard = `${svc}:${action.slice(0, at)}${wild}${action.slice(at)}`;
        expect(actionProblem(wildcard)).toBeDefined();
        expect(actionProblem(`${svc}:${action}`)).toBeUndefined();
      }),
    );
  });

  const grant: fc.Arbitrary<Grant> = fc.oneof(
    fc.record({ grant: fc.constant("s3" as const), bucketArn: fc.constant(BUCKET), access: fc.constantFrom("read" as const, "write" as const, "read-write" as const), prefix: fc.option(fc.stringMatching(/^[a-z0-9]{1,8}\/$/), { nil: undefined }) }),
    fc.record({ grant: fc.constant("dynamodb" as const), tableArn: fc.constant(TABLE), access: fc.constantFrom("read" as const, "read-write" as const) }),
    fc.record({ grant: fc.constant("sqs" as const), queueArn: fc.constant(QUEUE), access: fc.constantFrom("send" as const, "consume" as const) }),
    fc.record({ grant: fc.constant("sns" as const), topicArn: fc.constant(TOPIC) }),
    fc.record({ grant: fc.constant("ssm" as const), parameterArn: fc.constantFrom(PARAM, arn("ssm", "parameter/shop/*")) }),
    fc.record({ grant: fc.constant("secretsmanager" as const), secretArn: fc.constantFrom(SECRET_FULL, SECRET_PARTIAL) }),
    fc.record({ grant: fc.constant("kms" as const), keyArn: fc.constant(KEY), access: fc.constantFrom("decrypt" as const, "encrypt" as const, "encrypt-decrypt" as const) }),
  );

  test("every statement of any typed grant names its actions and a resource under the grant's ARN, never *", () => {
    fc.assert(
      fc.property(grant, fc.nat({ max: 99 }), (g, n) => {
        const statements = grantStatements(g, n + 1);
        expect(statements.length).toBeGreaterThan(0);
        // The ARN the grant names, without the S3 prefix or SSM path wildcard that narrow it.
        const base = g.grant === "s3" ? g.bucketArn : grantResource(g).replace(/\/\*$/, "");
        for (const s of statements) {
          for (const a of s.actions) expect(actionProblem(a)).toBeUndefined();
          for (const r of s.resources) {
            expect(r).not.toBe("*");
            expect(r.startsWith(base)).toBe(true);
          }
          expect(s.sid).toMatch(new RegExp(`^[A-Z][A-Za-z0-9]*[A-Za-z]${n + 1}$`));
        }
      }),
    );
  });
});
