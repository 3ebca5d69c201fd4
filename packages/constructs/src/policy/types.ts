import type { ResourceView, AppView } from "./model/app-view";

/** How strict an environment is. Severities in the rule table are given per tier. */
export type PolicyTier = "dev" | "staging" | "prod";

/** `off` means the rule does not run in that tier. */
export type Severity = "error" | "warning" | "off";

/** One resource that breaks a rule, with what is wrong about it in this instance. */
export interface Violation {
  readonly resource: ResourceView;
  /** What is wrong, with the offending value (e.g. `cpu 2048 / memory 4096 MiB`). */
  readonly detail: string;
}

export interface PolicyRule {
  /** Stable ID such as `BF-ECS-001`; suppressions refer to it. */
  readonly id: string;
  /** One line: what the rule protects against. */
  readonly title: string;
  /** What to change to comply, in terms of the Terraform attribute and our config where one exists. */
  readonly fix: string;
  readonly severity: Readonly<Record<PolicyTier, Severity>>;
  /** Every violation in one stack; `app` resolves references into other stacks. */
  readonly check: (stack: AppStackContext) => Iterable<Violation>;
}

export interface AppStackContext {
  readonly app: AppView;
  /** Name of the stack being checked. */
  readonly stackName: string;
  /** Resources of the stack being checked, by Terraform type. */
  resources(type: string): readonly ResourceView[];
  /** Data sources of the stack being checked, by Terraform type. */
  dataSources(type: string): readonly ResourceView[];
}

/** What a policy check reports, for callers that print or collect results. */
export interface PolicyFinding {
  readonly ruleId: string;
  /** `suppressed` findings carry the written reason. */
  readonly level: "error" | "warning" | "suppressed";
  readonly constructPath: string;
  readonly address: string;
  readonly message: string;
  readonly reason?: string;
}
