/**
 * What a deploy role may do in AWS Cloud Map for its environment's ECS Service Connect (the
 * cluster stack's HTTP namespace, and the Cloud Map services ECS creates in it for each service
 * that serves): a policy of its own, beside the other deploy policies.
 *
 * Scope: the namespace is created only with the environment's tag (the provider's default tags)
 * and managed only while it carries it; Cloud Map services only in a namespace of that name.
 * Cloud Map has no resource-level permissions for CreateHttpNamespace (tag-bound here),
 * GetOperation and ListNamespaces (read-only lookups), which are the `*` resources.
 */
import { serviceConnectNamespaceName } from "@bun-fargate/config";
import type { DeployPolicyProps, PolicyDocument, PolicyStatement } from "./bootstrap-deploy-policy";

/** The name of the deploy role's policy for Service Connect. */
export const SERVICE_CONNECT_POLICY_NAME = "service-connect";

export function deployServiceConnectStatements(p: DeployPolicyProps): PolicyStatement[] {
  const cloudMap = (resource: string) => `arn:${p.partition}:servicediscovery:${p.region}:${p.accountId}:${resource}`;
  const tagged = { StringEquals: { "aws:ResourceTag/Environment": p.environment } };
  return [
    {
      Sid: "CreateTaggedNamespace",
      Effect: "Allow",
      // TagResource: the tags of a create request are written by a TagResource on the new namespace.
      Action: ["servicediscovery:CreateHttpNamespace", "servicediscovery:TagResource"],
      Resource: "*",
      Condition: { StringEquals: { "aws:RequestTag/Environment": p.environment } },
    },
    {
      Sid: "ManageOwnNamespace",
      Effect: "Allow",
      Action: [
        "servicediscovery:GetNamespace", "servicediscovery:UpdateHttpNamespace", "servicediscovery:DeleteNamespace",
        "servicediscovery:ListTagsForResource", "servicediscovery:TagResource", "servicediscovery:UntagResource",
      ],
      Resource: cloudMap("namespace/*"),
      Condition: tagged,
    },
    {
      // ECS creates, reads and removes the Cloud Map service of each serving ECS service with the
      // deploying principal's permissions, in the cluster's namespace only.
      Sid: "ServiceConnectServices",
      Effect: "Allow",
      Action: ["servicediscovery:CreateService", "servicediscovery:GetService", "servicediscovery:UpdateService", "servicediscovery:DeleteService", "servicediscovery:ListServices"],
      Resource: [cloudMap("namespace/*"), cloudMap("service/*")],
      Condition: { StringEquals: { "servicediscovery:NamespaceName": serviceConnectNamespaceName(p.project, p.environment) } },
    },
    // Namespace creation and deletion are asynchronous: the provider follows the operation, whose ID is not known before.
    { Sid: "FollowOperations", Effect: "Allow", Action: ["servicediscovery:GetOperation", "servicediscovery:ListNamespaces"], Resource: "*" },
  ];
}

export function deployServiceConnectPolicy(p: DeployPolicyProps): PolicyDocument {
  return { Version: "2012-10-17", Statement: deployServiceConnectStatements(p) };
}
