import { ASSUMPTIONS, CDK_ECS_PATTERNS, deployTime, duration, type Assumptions, type DeployTime } from "./model";
import type { ServiceSettings } from "./settings";

export interface Row {
  readonly environment: string;
  readonly service: string;
  readonly strategy: string;
  readonly bakeSeconds: number;
  readonly ours: DeployTime;
  readonly cdk: DeployTime;
}

const STRATEGY_LABEL: Record<string, string> = { ROLLING: "rolling", BLUE_GREEN: "blue-green", CANARY: "canary", LINEAR: "linear" };

function strategyText(s: ServiceSettings["settings"]): string {
  const label = STRATEGY_LABEL[s.strategy] ?? s.strategy;
  if (s.strategy === "CANARY") return `${label} ${s.canaryPercent} % for ${s.canaryMinutes} min, bake ${s.bakeMinutes} min`;
  if (s.strategy === "LINEAR") return `${label} ${s.stepPercent} % every ${s.stepMinutes} min, bake ${s.bakeMinutes} min`;
  if (s.strategy === "BLUE_GREEN") return `${label}, bake ${s.bakeMinutes} min`;
  return label;
}

const ORDER = ["dev", "staging", "prod"];
const rank = (env: string) => (ORDER.includes(env) ? ORDER.indexOf(env) : ORDER.length);

export function rows(services: readonly ServiceSettings[], a: Assumptions = ASSUMPTIONS): Row[] {
  // The comparison keeps our task and image: only the deploy settings are CDK's.
  const cdk = deployTime(CDK_ECS_PATTERNS, a);
  return [...services]
    .sort((x, y) => rank(x.environment) - rank(y.environment) || x.environment.localeCompare(y.environment) || x.service.localeCompare(y.service))
    .map((s) => ({ environment: s.environment, service: s.service, strategy: strategyText(s.settings), bakeSeconds: 60 * s.settings.bakeMinutes, ours: deployTime(s.settings, a), cdk }));
}

export interface Goal {
  readonly text: string;
  readonly met: boolean;
}

/** The targets the deploy strategies are held to. */
export function goals(all: readonly Row[]): Goal[] {
  const out: Goal[] = [];
  for (const r of all.filter((x) => x.environment === "prod" && x.strategy.startsWith("canary"))) {
    out.push({ text: `prod ${r.service}: a canary deploy completes, bake included, in under 20 min (${duration(r.ours.completeSeconds)})`, met: r.ours.completeSeconds < 20 * 60 });
  }
  for (const r of all.filter((x) => !x.strategy.startsWith("rolling"))) {
    out.push({ text: `${r.environment} ${r.service}: a rollback during shift or bake returns all traffic in under 1 min (${duration(r.ours.rollbackSeconds)})`, met: r.ours.rollbackSeconds < 60 });
    if (r.ours.detectionSeconds !== undefined) {
      out.push({
        text: `${r.environment} ${r.service}: the bake (${duration(r.bakeSeconds)}) outlasts the time its alarms take to decide (${duration(r.ours.detectionSeconds)}), so a failure found late still returns traffic in seconds`,
        met: r.bakeSeconds >= r.ours.detectionSeconds,
      });
    }
  }
  for (const r of all.filter((x) => x.environment === "dev")) {
    out.push({ text: `dev ${r.service}: a deploy completes in under 2 min (${duration(r.ours.completeSeconds)})`, met: r.ours.completeSeconds < 120 });
  }
  return out;
}

const HEAD = ["environment", "service", "strategy", "completes", "rollback returns all traffic", "alarms decide within", "AWS CDK ecs-patterns defaults: completes", "rollback"];

function cells(r: Row): string[] {
  return [
    r.environment,
    r.service,
    r.strategy,
    duration(r.ours.completeSeconds),
    `${duration(r.ours.rollbackSeconds)} (${r.ours.rollbackHow})`,
    r.ours.detectionSeconds === undefined ? "no alarms" : duration(r.ours.detectionSeconds),
    duration(r.cdk.completeSeconds),
    `${duration(r.cdk.rollbackSeconds)} (${r.cdk.rollbackHow})`,
  ];
}

export function assumptionsLine(a: Assumptions = ASSUMPTIONS): string {
  return `Assumed: task start ${a.taskStartSeconds} s, a listener rule change ${a.ruleChangeSeconds} s, a task's exit after SIGTERM ${a.stopSeconds} s, CloudWatch metric delay ${a.metricDelaySeconds} s; everything else from the synthesized stacks.`;
}

export function formatTable(all: readonly Row[], a: Assumptions = ASSUMPTIONS, phases = false): string {
  const data = all.map(cells);
  const w = HEAD.map((h, i) => Math.max(h.length, ...data.map((d) => d[i]!.length)));
  const line = (c: string[]) => c.map((x, i) => x.padEnd(w[i]!)).join("  ").trimEnd();
  const out = [line(HEAD), w.map((n) => "-".repeat(n)).join("  "), ...data.map(line)];
  if (phases) {
    for (const r of all) {
      out.push("", `${r.environment} ${r.service} (${r.strategy}):`);
      for (const p of r.ours.phases) out.push(`  ${p.name.padEnd(34)} ${duration(p.seconds).padStart(10)}`);
      out.push(`  ${"total".padEnd(34)} ${duration(r.ours.completeSeconds).padStart(10)}`);
    }
  }
  out.push("", assumptionsLine(a), "", ...goals(all).map((g) => `${g.met ? "met   " : "MISSED"} ${g.text}`));
  return out.join("\n");
}

export function formatMarkdown(all: readonly Row[], a: Assumptions = ASSUMPTIONS): string {
  const row = (c: string[]) => `| ${c.join(" | ")} |`;
  return [row(HEAD), row(HEAD.map((_, i) => (i >= 3 ? "---:" : "---"))), ...all.map((r) => row(cells(r))), "", assumptionsLine(a), ""].join("\n");
}
