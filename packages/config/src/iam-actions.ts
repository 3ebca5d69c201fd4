/**
 * Facts about IAM actions that both the config check and the synth-time policy rules use, so the
 * two refuse the same statements.
 */

/**
 * Actions that IAM only grants on `"Resource": "*"` (no resource-level permissions), so a wildcard
 * resource is the narrowest one that exists for them. From the Service Authorization Reference.
 */
export const STAR_ONLY_ACTIONS: ReadonlySet<string> = new Set([
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
  "kms:CreateKey",
  "kms:ListAliases",
  "logs:DescribeQueryDefinitions",
  "logs:PutQueryDefinition",
  "logs:DeleteQueryDefinition",
  "chatbot:DescribeSlackChannelConfigurations",
]);
const STAR_ONLY_PREFIXES = ["ec2:Describe", "elasticloadbalancing:Describe", "application-autoscaling:Describe", "autoscaling:Describe"];

/** Whether IAM grants `action` only on `"*"`. */
export const starOnly = (action: string): boolean => STAR_ONLY_ACTIONS.has(action) || STAR_ONLY_PREFIXES.some((p) => action.startsWith(p));

/** `service:Action` with no wildcard: the only form a task role's statements may name. */
export const NAMED_ACTION = /^[a-z0-9-]+:[A-Za-z0-9]+$/;

/** What is wrong with an action in a task role, or undefined when it names exactly one action. */
export function actionProblem(action: string): string | undefined {
  if (action === "*") return "allows every action of every AWS service";
  if (/^[a-z0-9-]+:\*$/.test(action)) return `allows every action of ${action.split(":")[0]} (a service-wide wildcard)`;
  if (/[*?]/.test(action)) return "is a wildcard; name each action (a wildcard also grants actions AWS adds later)";
  if (!NAMED_ACTION.test(action)) return 'must be "<service>:<Action>", e.g. "s3:GetObject"';
  return undefined;
}
