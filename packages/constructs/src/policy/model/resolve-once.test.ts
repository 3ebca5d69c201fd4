import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, Aspects, TerraformResource, TerraformStack, type IAspect } from "cdktf";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { EcsService } from "@cdktf/provider-aws/lib/ecs-service";
import type { IConstruct } from "constructs";
import { applyPolicies } from "../apply-policies";
import { suppressPolicy } from "../suppress";
import { compliantStack, newStack } from "../testing";

interface Built {
  readonly app: App;
  readonly stacks: readonly TerraformStack[];
  readonly outdir: string;
}

/** A network stack and two service stacks reading its subnets and security groups (cross-stack references). */
function build(options: { suppressIn?: string; foreignAspectIn?: string } = {}): Built {
  const outdir = mkdtempSync(join(tmpdir(), "resolve-once-"));
  const app = new App({ outdir, skipValidation: true });
  const network = newStack(app, "prod-network");
  const shared = compliantStack(network);
  const stacks: TerraformStack[] = [network];
  for (const name of ["prod-a", "prod-b"]) {
    const stack = newStack(app, name);
    const service = new EcsService(stack, "Service", {
      name,
      desiredCount: 2,
      networkConfiguration: { subnets: ["subnet-1", "subnet-2"], securityGroups: [shared.taskSg.id] },
      deploymentCircuitBreaker: { enable: true, rollback: true },
      alarms: { alarmNames: ["a"], enable: true, rollback: true },
      // Rolling breaks BF-ECS-005 in prod, which the suppression accepts.
      deploymentConfiguration: options.suppressIn === name ? { strategy: "ROLLING" } : { strategy: "BLUE_GREEN", bakeTimeInMinutes: "5" },
    });
    // Someone is told when it fails (BF-OPS-001).
    new CloudwatchMetricAlarm(stack, "Notify", {
      alarmName: `${name}-alert`,
      namespace: "n",
      metricName: "m",
      statistic: "Sum",
      period: 60,
      evaluationPeriods: 1,
      threshold: 1,
      comparisonOperator: "GreaterThanThreshold",
      alarmActions: ["arn:aws:sns:us-east-1:123456789012:alarms"],
    });
    if (options.suppressIn === name) suppressPolicy(service, "BF-ECS-005", "rolls on purpose in this test, no traffic shift");
    if (options.foreignAspectIn === name) Aspects.of(stack).add(new AddLogGroup());
    stacks.push(stack);
  }
  for (const stack of stacks) applyPolicies(stack, { environment: "prod" });
  return { app, stacks, outdir };
}

/** An aspect that is not a policy check and changes the stack after the checks resolved it. */
class AddLogGroup implements IAspect {
  visit(node: IConstruct): void {
    if (TerraformStack.isStack(node) && !node.node.tryFindChild("Added")) new CloudwatchLogGroup(node, "Added", { name: "added", retentionInDays: 7 });
  }
}

/** Synthesizes, counting full resolutions of each stack (calls of the prototype's toTerraform). */
function synthCounting(built: Built): Map<string, number> {
  const calls = new Map<string, number>();
  const original = TerraformStack.prototype.toTerraform;
  TerraformStack.prototype.toTerraform = function counted(this: TerraformStack) {
    calls.set(this.node.id, (calls.get(this.node.id) ?? 0) + 1);
    return original.call(this);
  };
  try {
    built.app.synth();
  } finally {
    TerraformStack.prototype.toTerraform = original;
  }
  return calls;
}

/** What the synthesizer wrote for each stack, against a fresh resolution of the stack as it is now. */
function expectWrittenAsResolvedNow(built: Built): void {
  for (const stack of built.stacks) {
    const written: unknown = JSON.parse(readFileSync(join(built.outdir, "stacks", stack.node.id, "cdk.tf.json"), "utf8"));
    const fresh: unknown = JSON.parse(JSON.stringify(TerraformStack.prototype.toTerraform.call(stack)));
    expect(written).toEqual(fresh);
  }
}

describe("resolve once: the policy checks' JSON is the one written", () => {
  let built: Built | undefined;
  afterEach(() => {
    if (built) rmSync(built.outdir, { recursive: true, force: true });
    built = undefined;
  });

  test("defaults: each stack is resolved once for checks and write, and the files are what a fresh resolution gives", () => {
    built = build();
    const calls = synthCounting(built);
    expect(Object.fromEntries(calls)).toEqual({ "prod-network": 1, "prod-a": 1, "prod-b": 1 });
    expectWrittenAsResolvedNow(built);
    // The cross-stack references went through remote state, so prepareStack's outputs are in what was written.
    expect(readFileSync(join(built.outdir, "stacks", "prod-a", "cdk.tf.json"), "utf8")).toContain("terraform_remote_state");
  });

  test("a suppression recorded by a check makes that stack's write resolve it again, with the reason", () => {
    built = build({ suppressIn: "prod-a" });
    const calls = synthCounting(built);
    expect(Object.fromEntries(calls)).toEqual({ "prod-network": 1, "prod-a": 2, "prod-b": 1 });
    expectWrittenAsResolvedNow(built);
    const written = readFileSync(join(built.outdir, "stacks", "prod-a", "cdk.tf.json"), "utf8");
    expect(written).toContain('"BF-ECS-005": "rolls on purpose in this test, no traffic shift"');
    expect(readFileSync(join(built.outdir, "stacks", "prod-b", "cdk.tf.json"), "utf8")).not.toContain("policy_suppressions");
  });

  test("a stack with an aspect other than the checks is resolved again for the write, with that aspect's change", () => {
    built = build({ foreignAspectIn: "prod-b" });
    const calls = synthCounting(built);
    expect(calls.get("prod-b")).toBe(2);
    expect(calls.get("prod-a")).toBe(1);
    expectWrittenAsResolvedNow(built);
    expect(readFileSync(join(built.outdir, "stacks", "prod-b", "cdk.tf.json"), "utf8")).toContain('"name": "added"');
  });

  test("each resource is resolved once, by prepareStack; the checks and the write take that fragment", () => {
    built = build({ suppressIn: "prod-a" });
    const made = new Map<string, number>();
    const original = TerraformResource.prototype.toTerraform;
    TerraformResource.prototype.toTerraform = function counted(this: TerraformResource) {
      made.set(this.node.path, (made.get(this.node.path) ?? 0) + 1);
      return original.call(this);
    };
    try {
      built.app.synth();
    } finally {
      TerraformResource.prototype.toTerraform = original;
    }
    expect(made.size).toBeGreaterThan(5);
    // The suppressed service gained an override after prepare: it alone is made again for the write.
    const again = [...made].filter(([, n]) => n !== 1);
    expect(again).toEqual([["prod-a/Service", 2]]);
    expectWrittenAsResolvedNow(built);
  });

  test("after a synth nothing kept is returned: a change made then shows in the next resolution", () => {
    built = build();
    synthCounting(built);
    const service = built.stacks[1]!.node.findChild("Service") as EcsService;
    service.addOverride("desired_count", 3);
    const json = TerraformStack.prototype.toTerraform.call(built.stacks[1]!) as { resource: { aws_ecs_service: Record<string, { desired_count: number }> } };
    expect(Object.values(json.resource.aws_ecs_service).map((s) => s.desired_count)).toEqual([3]);
  });

  test("a second synth of the same app resolves afresh and writes the same files", () => {
    built = build();
    synthCounting(built);
    const first = built.stacks.map((s) => readFileSync(join(built!.outdir, "stacks", s.node.id, "cdk.tf.json"), "utf8"));
    const calls = synthCounting(built);
    expect([...calls.values()].every((n) => n === 1)).toBe(true);
    expect(built.stacks.map((s) => readFileSync(join(built!.outdir, "stacks", s.node.id, "cdk.tf.json"), "utf8"))).toEqual(first);
  });
});
