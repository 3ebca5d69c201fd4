import type { PolicyRule, Violation } from "../types";
import type { ResourceView } from "../model/app-view";
import { statementsOfDocument, statementsOfPolicyDocumentData, type Statement } from "../model/iam";
import { asList } from "../model/hcl";
import { EVERYWHERE } from "./common";

/**
 * Actions that IAM only grants on `"Resource": "*"` (no resource-level permissions), so a wildcard
 * resource is the narrowest one that exists for them. From the Service Authorization Reference.
 */
const STAR_ONLY_ACTIONS = new Set([
  "ecr:GetAuthorizationToken",
  "ssmmessages:CreateControlChannel",
  "ssmmessages:CreateDataChannel",
  "ssmmessages:OpenControlChannel",
  "ssmmessages:OpenDataChannel",
  "cloudwatch:PutMetricData",
  "cloudwatch:GetMetricData",
  "cloudwatch:ListMetrics",
  "xray:PutTraceSegments",
  "xray:PutTelemetryRecords",
  "xray:GetSamplingRules",
  "xray:GetSamplingTargets",
  "logs:DescribeLogGroups",
  "sts:GetCallerIdentity",
  "ecs:RegisterTaskDefinition",
  "ecs:DeregisterTaskDefinition",
  "ecs:DescribeTaskDefinition",
  "ecs:ListClusters",
  "secretsmanager:GetRandomPassword",
  "secretsmanager:ListSecrets",
  "ssm:DescribeParameters",
]);
const STAR_ONLY_PREFIXES = ["ec2:Describe", "elasticloadbalancing:Describe", "application-autoscaling:Describe", "autoscaling:Describe"];

const starOnly = (action: string): boolean => STAR_ONLY_ACTIONS.has(action) || STAR_ONLY_PREFIXES.some((p) => action.startsWith(p));

/** What is too broad about a statement, or undefined. */
export function broadness(statement: Statement): string | undefined {
  if (statement.effect !== "Allow") return undefined;
  if (statement.negated) return "grants everything except a list (NotAction/NotResource)";
  const wildActions = statement.actions.filter((a) => a === "*" || a.endsWith(":*"));
  if (wildActions.length > 0) return `allows every action of ${wildActions.map((a) => `"${a}"`).join(", ")}`;
  if (statement.resources.includes("*")) {
    const narrowable = statement.actions.filter((a) => !starOnly(a));
    if (narrowable.length > 0) return `allows ${narrowable.join(", ")} on "*" although they support resource ARNs`;
  }
  return undefined;
}

function* checkDocument(resource: ResourceView, statements: readonly Statement[] | undefined, where: string): Iterable<Violation> {
  for (const [i, statement] of (statements ?? []).entries()) {
    const why = broadness(statement);
    if (why) yield { resource, detail: `${where}statement ${i + 1} ${why}` };
  }
}

const POLICY_RESOURCES = ["aws_iam_policy", "aws_iam_role_policy", "aws_iam_user_policy", "aws_iam_group_policy"];

export const leastPrivilege: PolicyRule = {
  id: "BF-IAM-001",
  title: "IAM policies name the actions and resources they need",
  fix: 'list the exact actions and resource ARNs (e.g. the ECR repository ARN, the log group ARN + ":*"); keep "*" only for actions that support nothing narrower',
  severity: EVERYWHERE,
  *check(ctx) {
    // Policies that point at a policy document data source are checked through the document.
    for (const type of POLICY_RESOURCES) {
      for (const policy of ctx.resources(type)) yield* checkDocument(policy, statementsOfDocument(policy.attrs.policy), "");
    }
    for (const role of ctx.resources("aws_iam_role")) {
      for (const inline of asList<Record<string, unknown>>(role.attrs.inline_policy)) {
        yield* checkDocument(role, statementsOfDocument(inline.policy), `inline policy "${inline.name}" `);
      }
    }
    for (const doc of ctx.dataSources("aws_iam_policy_document")) yield* checkDocument(doc, statementsOfPolicyDocumentData(doc), "");
  },
};
