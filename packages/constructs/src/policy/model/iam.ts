import type { ResourceView } from "./app-view";
import { asList, parseJsonAttribute } from "./hcl";

/** An IAM statement reduced to what the wildcard rule needs. */
export interface Statement {
  readonly effect: string;
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  /** `NotAction` / `NotResource` grant everything except a list: as broad as a wildcard. */
  readonly negated: boolean;
}

const strings = (value: unknown): string[] => asList<unknown>(value).filter((v): v is string => typeof v === "string");

/** Statements of a JSON policy document, or `undefined` when it cannot be read at synth time. */
export function statementsOfDocument(value: unknown): readonly Statement[] | undefined {
  const doc = parseJsonAttribute(value) as { Statement?: unknown } | undefined;
  if (!doc || typeof doc !== "object") return undefined;
  return asList<Record<string, unknown>>(doc.Statement).map((s) => ({
    effect: typeof s.Effect === "string" ? s.Effect : "Allow",
    actions: strings(s.Action),
    resources: strings(s.Resource),
    negated: s.NotAction !== undefined || s.NotResource !== undefined,
  }));
}

/** Statements of a `data.aws_iam_policy_document` (its `statement` blocks). */
export function statementsOfPolicyDocumentData(data: ResourceView): readonly Statement[] {
  return asList<Record<string, unknown>>(data.attrs.statement).map((s) => ({
    effect: typeof s.effect === "string" ? s.effect : "Allow",
    actions: strings(s.actions),
    resources: strings(s.resources),
    negated: s.not_actions !== undefined || s.not_resources !== undefined,
  }));
}
