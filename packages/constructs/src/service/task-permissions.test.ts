import { TerraformStack, Testing } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { permissionStatements, type Grant } from "@bun-fargate/config";
import { ServiceRepository } from "../cluster/service-repository";
import { applyPolicies } from "../policy/apply-policies";
import { reported } from "../policy/testing";
import { IMAGE, REGION, synth, type Synthesized } from "../testing/fixtures";
import { FargateTaskDefinition, type FargateTaskDefinitionProps } from "./task-definition";

const A = "123456789012";
const arn = (service: string, rest: string) => `arn:aws:${service}:${REGION}:${A}:${rest}`;
const BUCKET = "arn:aws:s3:::t-uploads";
const SECRET_FULL = arn("secretsmanager", "secret:t/db-AbC123");
const SECRET_PARTIAL = arn("secretsmanager", "secret:t/stripe");

/** One of every grant kind and access level. */
const EVERY_GRANT: readonly Grant[] = [
  { grant: "s3", bucketArn: BUCKET, access: "read" },
  { grant: "s3", bucketArn: "arn:aws:s3:::t-exports", access: "write" },
  { grant: "s3", bucketArn: "arn:aws:s3:::t-reports", access: "read-write", prefix: "monthly/" },
  { grant: "dynamodb", tableArn: arn("dynamodb", "table/orders"), access: "read" },
  { grant: "dynamodb", tableArn: arn("dynamodb", "table/carts"), access: "read-write" },
  { grant: "sqs", queueArn: arn("sqs", "out"), access: "send" },
  { grant: "sqs", queueArn: arn("sqs", "in"), access: "consume" },
  { grant: "sns", topicArn: arn("sns", "events") },
  { grant: "ssm", parameterArn: arn("ssm", "parameter/t/flags") },
  { grant: "ssm", parameterArn: arn("ssm", "parameter/t/config/*") },
  { grant: "secretsmanager", secretArn: SECRET_FULL },
  { grant: "secretsmanager", secretArn: SECRET_PARTIAL },
  { grant: "kms", keyArn: arn("kms", "key/1234abcd-12ab-34cd-56ef-1234567890ab"), access: "decrypt" },
  { grant: "kms", keyArn: arn("kms", "key/mrk-1234abcd12ab34cd56ef1234567890ab"), access: "encrypt-decrypt" },
  { grant: "statement", actions: ["states:StartExecution"], resources: [arn("states", "stateMachine:t")], reason: "Step Functions has no typed grant" },
];

const make = (stack: TerraformStack, props: Partial<FargateTaskDefinitionProps>) => {
  const repository = new ServiceRepository(stack, "Repository", { name: "t/api" });
  const task = new FargateTaskDefinition(stack, "Task", { family: "t-api", image: IMAGE, repository: repository.repository, region: REGION, logGroupName: "/ecs/t/api", ...props });
  return { repository, task };
};
const built = (props: Partial<FargateTaskDefinitionProps> = {}) => synth((stack) => make(stack, props));
/** Builds in a fresh app, applies the policies for `environment`, and returns what they reported. */
function policyFindings(fn: (stack: TerraformStack) => void, environment = "prod") {
  const stack = new TerraformStack(Testing.app(), `${environment}-t`);
  new AwsProvider(stack, "aws", { region: REGION });
  fn(stack);
  applyPolicies(stack, { environment });
  Testing.synth(stack);
  return reported(stack);
}
const taskStatements = (tf: Synthesized, task: FargateTaskDefinition) => tf.rolePolicies(task.roles.taskRole).flat();
const executionStatements = (tf: Synthesized, task: FargateTaskDefinition) => tf.rolePolicies(task.roles.executionRole).flat();

describe("task-role permissions", () => {
  test("without permissions the task role has no policy at all", () => {
    const { tf, task } = built();
    expect(tf.rolePolicies(task.roles.taskRole)).toEqual([]);
  });

  describe("every grant kind and access level", () => {
    const { tf, task } = built({ permissions: EVERY_GRANT, secrets: { DB: { secretsManagerArn: SECRET_FULL } } });

    test("is one inline policy on the task role, with exactly the grants table's statements", () => {
      const policies = tf.resources("aws_iam_role_policy").filter((p) => p.role === tf.ref(task.roles.taskRole, "id"));
      expect(policies.map((p) => p.name)).toEqual(["app-permissions"]);
      const expected = permissionStatements(EVERY_GRANT).map((s) => ({ ...s, actions: [...s.actions], resources: [...s.resources] }));
      expect(taskStatements(tf, task)).toEqual(expected);
      // A partial secret ARN is granted with its six-character suffix pattern; a prefix limits listing.
      expect(taskStatements(tf, task).find((s) => s.sid === "SecretRead12")?.resources).toEqual([`${SECRET_PARTIAL}-??????`]);
      expect(taskStatements(tf, task).find((s) => s.sid === "S3List3")?.condition).toEqual([{ test: "StringLike", variable: "s3:prefix", values: ["monthly/*"] }]);
    });

    test("reaches neither the execution role nor any other role", () => {
      const executionActions = executionStatements(tf, task).flatMap((s) => s.actions);
      expect(executionActions.filter((a) => !a.startsWith("ecr:") && !a.startsWith("logs:"))).toEqual(["secretsmanager:GetSecretValue"]);
      expect(tf.resources("aws_iam_role_policy")).toHaveLength(2);
    });

    test("passes the policy checks in prod (BF-IAM-001 and BF-IAM-002 included)", () => {
      expect(policyFindings((stack) => make(stack, { permissions: EVERY_GRANT })).filter((f) => f.ruleId.startsWith("BF-IAM"))).toEqual([]);
    });
  });

  describe("secret references in the execution role", () => {
    test("a full ARN is named as it is; a partial ARN is granted as <partial>-?????? so it matches the real secret", () => {
      const { tf, task } = built({ secrets: { DB: { secretsManagerArn: SECRET_FULL, jsonKey: "password" }, STRIPE: { secretsManagerArn: SECRET_PARTIAL } } });
      expect(executionStatements(tf, task).find((s) => s.sid === "ReadSecrets")).toEqual({
        sid: "ReadSecrets",
        actions: ["secretsmanager:GetSecretValue"],
        resources: [SECRET_FULL, `${SECRET_PARTIAL}-??????`],
      });
      // The container still refers to the secret as configured; ECS resolves a partial ARN.
      const [container] = JSON.parse(tf.of(task.taskDefinition).container_definitions as string);
      expect(container.secrets).toEqual([
        { name: "DB", valueFrom: `${SECRET_FULL}:password::` },
        { name: "STRIPE", valueFrom: SECRET_PARTIAL },
      ]);
    });
  });

  test.each(EVERY_GRANT.map((g) => [g.grant, g] as const))("a %s grant alone: no wildcard action, no * resource, nothing else in the role", (_, grant) => {
    const { tf, task } = built({ permissions: [grant] });
    const statements = taskStatements(tf, task);
    expect(statements.map((s) => s.sid)).toEqual(permissionStatements([grant]).map((s) => s.sid));
    for (const s of statements) {
      for (const a of s.actions) expect(a).toMatch(/^[a-z0-9-]+:[A-Za-z0-9]+$/);
      expect(s.resources).not.toContain("*");
    }
  });
});

describe("BF-IAM-002 catches a construct user who bypasses the config", () => {
  /** A task definition built by our construct, plus whatever `extra` adds to its task role. */
  const checked = (extra: (task: FargateTaskDefinition, stack: TerraformStack) => void, environment = "prod") =>
    policyFindings((stack) => extra(make(stack, {}).task, stack), environment).filter((f) => f.ruleId === "BF-IAM-002");
  const inline = (statement: object) => (task: FargateTaskDefinition, stack: TerraformStack) =>
    new IamRolePolicy(stack, "Extra", { role: task.roles.taskRole.id, policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", ...statement }] }) });

  test.each([
    [{ Action: "s3:Get*", Resource: `${BUCKET}/*` }, 'action "s3:Get*" is a wildcard'],
    [{ Action: ["dynamodb:*"], Resource: arn("dynamodb", "table/x") }, 'action "dynamodb:*" allows every action of dynamodb'],
    [{ Action: "*", Resource: "*" }, 'action "*" allows every action of every AWS service'],
    [{ Action: "sqs:SendMessage", Resource: "*" }, 'sqs:SendMessage on "*" although they support resource ARNs'],
    [{ Action: "sqs:SendMessage", Resource: "orders-queue" }, 'resource "orders-queue" is not an ARN'],
  ])("an inline policy %j", (statement, message) => {
    const found = checked(inline(statement));
    expect(found.length).toBeGreaterThan(0);
    expect(found.map((f) => f.message).join("\n")).toContain(message);
    expect(found[0]!.level).toBe("error");
  });

  test("a grant passed to the construct directly, skipping the config's check, is read through its policy document", () => {
    const wild: Grant = { grant: "statement", actions: ["s3:Get*"], resources: [`${BUCKET}/*`], reason: "skips the config check on purpose" };
    const found = policyFindings((stack) => make(stack, { permissions: [wild] })).filter((f) => f.ruleId === "BF-IAM-002");
    expect(found.map((f) => f.message)).toEqual([expect.stringContaining('statement 1: action "s3:Get*" is a wildcard')]);
    expect(found[0]!.path).toContain("Roles/AppPolicy");
  });

  test("an attached managed policy, which synth cannot read", () => {
    const found = checked((task, stack) => new IamRolePolicyAttachment(stack, "Managed", { role: task.roles.taskRole.name, policyArn: "arn:aws:iam::aws:policy/AmazonS3FullAccess" }));
    expect(found.map((f) => f.message)).toEqual([expect.stringContaining("attaches arn:aws:iam::aws:policy/AmazonS3FullAccess to a task role")]);
  });

  test("a warning in dev; and nothing for the same statement on a role no task runs as", () => {
    expect(checked(inline({ Action: "s3:Get*", Resource: `${BUCKET}/*` }), "dev").map((f) => f.level)).toEqual(["warning"]);
    expect(checked((task, stack) => new IamRolePolicy(stack, "OnExecution", { role: task.roles.executionRole.id, policy: JSON.stringify({ Statement: [{ Effect: "Allow", Action: "s3:Get*", Resource: `${BUCKET}/*` }] }) }))).toEqual([]);
  });
});
