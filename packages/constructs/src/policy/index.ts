export { applyPolicies, formatFinding, PolicyAspect, type PolicyOptions } from "./apply-policies";
export { RULES, RULE_IDS } from "./rules";
export { suppressPolicy, MIN_REASON_LENGTH } from "./suppress";
export type { PolicyFinding, PolicyRule, PolicyTier, Severity, Violation } from "./types";
