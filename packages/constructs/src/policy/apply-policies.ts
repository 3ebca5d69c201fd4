import { Annotations, Aspects, TerraformStack, type IAspect } from "cdktf";
import type { IConstruct } from "constructs";
import { AppView, type ResourceView } from "./model/app-view";
import { invalidate, resolveForChecks, reuseForWrite } from "./model/resolve-once";
import { RULES } from "./rules";
import { label } from "./rules/common";
import { suppressionOf } from "./suppress";
import type { AppStackContext, PolicyFinding, PolicyRule, PolicyTier } from "./types";

export interface PolicyOptions {
  /** Environment name, shown in every message. */
  readonly environment: string;
  /**
   * Which column of the severity table applies.
   * @default - the environment name when it is "dev", "staging" or "prod"; any other name must give one
   */
  readonly tier?: PolicyTier;
  /** @default RULES (every rule) */
  readonly rules?: readonly PolicyRule[];
  /**
   * Receives every finding, including suppressed ones. Annotations are always added; use this to
   * print warnings when the app runs without the cdktf CLI (which prints annotations itself).
   * @default - annotations only
   */
  readonly onFinding?: (finding: PolicyFinding) => void;
}

const TIERS: readonly PolicyTier[] = ["dev", "staging", "prod"];

// One view of the app per synth: every stack's JSON is built once however many stacks ask for it.
// A stack visited twice means a new synth, whose JSON may differ, so the view is rebuilt then.
const views = new WeakMap<IConstruct, { view: AppView; visited: Set<string> }>();

function appViewFor(stack: TerraformStack): AppView {
  const root = stack.node.root;
  let entry = views.get(root);
  if (!entry || entry.visited.has(stack.node.path)) {
    entry = { view: new AppView(root, (s) => resolveForChecks(s, (aspect) => aspect instanceof PolicyAspect)), visited: new Set() };
    views.set(root, entry);
  }
  entry.visited.add(stack.node.path);
  return entry.view;
}

/** Runs the policy rules over each stack it is applied to, as annotations at synth time. */
export class PolicyAspect implements IAspect {
  readonly tier: PolicyTier;

  constructor(private readonly options: PolicyOptions) {
    const tier = options.tier ?? TIERS.find((t) => t === options.environment);
    if (!tier) {
      throw new Error(`applyPolicies: environment "${options.environment}" has no default tier; pass tier: ${TIERS.map((t) => `"${t}"`).join(" | ")}`);
    }
    this.tier = tier;
  }

  visit(node: IConstruct): void {
    if (!TerraformStack.isStack(node)) return;
    const app = appViewFor(node);
    const stack = app.stack(node.node.id);
    if (!stack) return;
    const ctx: AppStackContext = {
      app,
      stackName: stack.name,
      resources: (type) => stack.resources(type),
      dataSources: (type) => stack.dataSources(type),
    };
    for (const rule of this.options.rules ?? RULES) {
      const severity = rule.severity[this.tier];
      if (severity === "off") continue;
      for (const violation of rule.check(ctx)) {
        // Annotations on another stack's constructs would be lost once that stack is written.
        if (violation.resource.stackName !== stack.name) continue;
        this.report(node, rule, severity, violation.resource, violation.detail);
      }
    }
  }

  private report(stack: TerraformStack, rule: PolicyRule, severity: "error" | "warning", resource: ResourceView, detail: string): void {
    const target = resource.construct ?? stack;
    const where = label(resource);
    const reason = suppressionOf(target, rule.id);
    if (reason !== undefined) {
      const message = `[${rule.id}] suppressed on ${where} (${this.options.environment}): ${reason}`;
      Annotations.of(target).addInfo(message);
      if (recordInJson(target, rule.id, reason)) invalidate(stack, target);
      this.options.onFinding?.({ ruleId: rule.id, level: "suppressed", constructPath: target.node.path, address: resource.address, message, reason });
      return;
    }
    const message =
      `[${rule.id}] ${where}: ${detail}. Fix: ${rule.fix}. ` +
      `(${severity} in ${this.options.environment}; to accept it, call suppressPolicy(<this construct>, "${rule.id}", "<why>"))`;
    if (severity === "error") Annotations.of(target).addError(message);
    else Annotations.of(target).addWarning(message);
    this.options.onFinding?.({ ruleId: rule.id, level: severity, constructPath: target.node.path, address: resource.address, message });
  }
}

/** Writes the reason beside the resource in cdk.tf.json; Terraform ignores `//` keys. Returns whether it did. */
function recordInJson(construct: IConstruct, ruleId: string, reason: string): boolean {
  const withOverride = construct as IConstruct & { addOverride?: (path: string, value: unknown) => void };
  if (typeof withOverride.addOverride !== "function" || TerraformStack.isStack(construct)) return false;
  withOverride.addOverride(`//.policy_suppressions.${ruleId}`, reason);
  return true;
}

/**
 * Checks every stack under `scope` against the policy rules when it is synthesized. Errors fail the
 * synth (`app.synth()` throws; `cdktf synth` exits non-zero); warnings and suppressions are kept as
 * annotations in the manifest and printed by the cdktf CLI.
 *
 * @example applyPolicies(stack, { environment: "prod" })
 */
export function applyPolicies(scope: IConstruct, options: PolicyOptions): PolicyAspect {
  const aspect = new PolicyAspect(options);
  Aspects.of(scope).add(aspect);
  // The stack's write takes the JSON the checks resolved, when nothing can have changed it since.
  for (const node of scope.node.findAll()) if (TerraformStack.isStack(node)) reuseForWrite(node);
  return aspect;
}

/** One line per finding for terminals: `warning [BF-ECS-002] dev-api/Service: ...`. */
export function formatFinding(finding: PolicyFinding): string {
  return `${finding.level.padEnd(10)} ${finding.constructPath}: ${finding.message}`;
}
