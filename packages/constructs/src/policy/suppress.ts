import { MIN_REASON_LENGTH } from "@bun-fargate/config";
import type { IConstruct } from "constructs";
import { RULE_IDS } from "./rules";

export { MIN_REASON_LENGTH };

const METADATA_TYPE = "bun-fargate/policy-suppression";

interface SuppressionEntry {
  readonly ruleId: string;
  readonly reason: string;
}

/**
 * Accepts a policy rule's finding on one resource, or on every resource inside a construct, with a
 * written reason. The finding is then reported as an info annotation carrying the reason, and the
 * reason is written next to the resource in the synthesized JSON (`"//": { "policy_suppressions": ... }`),
 * so reviewers see it in diffs.
 *
 * @example suppressPolicy(service.taskDefinition, "BF-SIZE-001", "image resizing needs 2 GB per request")
 */
export function suppressPolicy(scope: IConstruct, ruleId: string, reason: string): void {
  if (!RULE_IDS.has(ruleId)) {
    throw new Error(`suppressPolicy: rule "${ruleId}" on ${scope.node.path} does not exist; known rules: ${[...RULE_IDS].join(", ")}`);
  }
  const text = typeof reason === "string" ? reason.trim() : "";
  if (text.length < MIN_REASON_LENGTH) {
    throw new Error(
      `suppressPolicy: reason for ${ruleId} on ${scope.node.path} is ${JSON.stringify(reason)}; write why the rule does not apply here (at least ${MIN_REASON_LENGTH} characters)`,
    );
  }
  scope.node.addMetadata(METADATA_TYPE, { ruleId, reason: text } satisfies SuppressionEntry);
}

/** The reason a rule is suppressed on a construct, set on it or on any construct above it. */
export function suppressionOf(construct: IConstruct, ruleId: string): string | undefined {
  for (const scope of [...construct.node.scopes].reverse()) {
    for (const entry of scope.node.metadata) {
      if (entry.type !== METADATA_TYPE) continue;
      const data = entry.data as SuppressionEntry;
      if (data.ruleId === ruleId) return data.reason;
    }
  }
  return undefined;
}
