/**
 * What a deploy role may do in SQS for its environment's job queues (a worker's JobQueue): a managed
 * policy of its own (`<deploy role>-job-queues`), attached only where the environment has a worker
 * with a queue. Inline it would take the role's inline policies past IAM's 10,240 characters in total.
 */
import type { DeployPolicyProps, PolicyDocument } from "./bootstrap-deploy-policy";

/** The suffix of the deploy role's managed policy for job queues. */
export const QUEUE_POLICY_NAME = "job-queues";

/**
 * Terraform's calls for aws_sqs_queue, aws_sqs_queue_redrive_policy and
 * aws_sqs_queue_redrive_allow_policy (create, read, tag, change attributes, delete), on the
 * environment's queue names only: `<env>-<worker>` and `<env>-<worker>-dlq`. Nothing that reads or
 * writes messages: jobs are the tasks' business.
 */
export const DEPLOY_QUEUE_ACTIONS = [
  "sqs:CreateQueue",
  "sqs:DeleteQueue",
  "sqs:GetQueueAttributes",
  "sqs:SetQueueAttributes",
  "sqs:GetQueueUrl",
  "sqs:ListQueueTags",
  "sqs:TagQueue",
  "sqs:UntagQueue",
] as const;

export function deployQueuePolicy(p: DeployPolicyProps): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [{ Sid: "JobQueues", Effect: "Allow", Action: [...DEPLOY_QUEUE_ACTIONS], Resource: `arn:${p.partition}:sqs:${p.region}:${p.accountId}:${p.environment}-*` }],
  };
}
