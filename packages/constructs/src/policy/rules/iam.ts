import type { PolicyRule, Violation } from "../types";
import type { ResourceView } from "../model/app-view";
import { statementsOfDocument, statementsOfPolicyDocumentData, type Statement } from "../model/iam";
import { asList } from "../model/hcl";
import { actionProblem, starOnly } from "@bun-fargate/config";
import type { AppStackContext } from "../types";
import { EVERYWHERE } from "./common";

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

/** `arn:...` or `"*"`; a reference (`${...}`) is judged by what it points at, which synth cannot see. */
const RESOURCE = /^(?:\*|arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:(?:\d{12}|aws)?:\S+|\$\{[\s\S]+\})$/;

/** Roles that ECS task definitions of this stack run their applications as (`task_role_arn`). */
function taskRoles(ctx: AppStackContext): Set<ResourceView> {
  const roles = new Set<ResourceView>();
  for (const td of ctx.resources("aws_ecs_task_definition")) {
    const target = ctx.app.follow(td.attrs.task_role_arn, ctx.stackName);
    if (target?.resource.type === "aws_iam_role") roles.add(target.resource);
  }
  return roles;
}

/** The statements a `policy` attribute holds: inline JSON, or a policy document data source it reads. */
function statementsOf(ctx: AppStackContext, stackName: string, policy: unknown): readonly Statement[] | undefined {
  const target = ctx.app.follow(policy, stackName);
  if (target?.resource.type === "aws_iam_policy_document" && target.resource.mode === "data") return statementsOfPolicyDocumentData(target.resource);
  return statementsOfDocument(policy);
}

function* taskRoleStatementProblems(statements: readonly Statement[] | undefined, where: string): Iterable<string> {
  for (const [i, s] of (statements ?? []).entries()) {
    if (s.effect !== "Allow") continue;
    for (const action of s.actions) {
      const problem = actionProblem(action);
      if (problem) yield `${where}statement ${i + 1}: action "${action}" ${problem}`;
    }
    for (const resource of s.resources) {
      if (!RESOURCE.test(resource)) yield `${where}statement ${i + 1}: resource "${resource}" is not an ARN`;
    }
    if (s.resources.includes("*")) {
      const narrowable = s.actions.filter((a) => !starOnly(a));
      if (narrowable.length > 0) yield `${where}statement ${i + 1}: ${narrowable.join(", ")} on "*" although they support resource ARNs`;
    }
  }
}

export const taskRoleGrants: PolicyRule = {
  id: "BF-IAM-002",
  title: "task roles grant named actions on named resources only",
  fix: "grant through the service's `permissions` (typed grants expand to exact actions and ARNs); in code, name each action (no wildcards such as s3:Get*) and each resource ARN, in an inline policy rather than an attached managed policy",
  severity: EVERYWHERE,
  *check(ctx) {
    const roles = taskRoles(ctx);
    if (roles.size === 0) return;
    const isTaskRole = (ref: unknown) => {
      const target = ctx.app.follow(ref, ctx.stackName);
      return target !== undefined && roles.has(target.resource);
    };
    for (const policy of ctx.resources("aws_iam_role_policy")) {
      if (!isTaskRole(policy.attrs.role)) continue;
      for (const detail of taskRoleStatementProblems(statementsOf(ctx, ctx.stackName, policy.attrs.policy), "")) yield { resource: policy, detail };
    }
    for (const role of roles) {
      if (role.stackName !== ctx.stackName) continue;
      for (const inline of asList<Record<string, unknown>>(role.attrs.inline_policy)) {
        for (const detail of taskRoleStatementProblems(statementsOfDocument(inline.policy), `inline policy "${String(inline.name)}" `)) yield { resource: role, detail };
      }
      for (const arn of asList<unknown>(role.attrs.managed_policy_arns)) yield { resource: role, detail: `attaches managed policy ${String(arn)}, whose statements synth cannot check` };
    }
    for (const attachment of ctx.resources("aws_iam_role_policy_attachment")) {
      if (!isTaskRole(attachment.attrs.role)) continue;
      const target = ctx.app.follow(attachment.attrs.policy_arn, ctx.stackName);
      if (target?.resource.type === "aws_iam_policy") {
        for (const detail of taskRoleStatementProblems(statementsOf(ctx, target.resource.stackName, target.resource.attrs.policy), `attached policy ${target.resource.address} `)) yield { resource: attachment, detail };
      } else {
        yield { resource: attachment, detail: `attaches ${String(attachment.attrs.policy_arn)} to a task role, a policy synth cannot check` };
      }
    }
  },
};
