import type { Comparison } from "./cdk-default";
import type { EnvironmentEstimate } from "./estimate";
import { trafficLine, type TrafficModel } from "./traffic";

export interface Report {
  readonly estimate: EnvironmentEstimate;
  readonly cdkDefault: Comparison;
  /** The web services' tasks and the bill at a stated traffic level. @default - not modelled */
  readonly traffic?: TrafficModel;
}

/** Targets for dev: the cheapest environment must stay cheap in absolute terms and next to the CDK default. */
export const DEV_TARGET_MONTHLY = 30;
export const DEV_TARGET_RATIO = 0.3;

const usd = (n: number) => `$${n.toFixed(2)}`;
const ratio = (ours: number, theirs: number) => (theirs > 0 ? `${(ours / theirs).toFixed(2)}×` : "n/a");

export const CDK_LABEL = "AWS CDK ApplicationLoadBalancedFargateService defaults (2 AZs, a NAT gateway per AZ, x86 on demand)";

/** Dev target check, or undefined for other environments. */
export function targetLine(r: Report): { ok: boolean; text: string } | undefined {
  if (r.estimate.environment !== "dev") return undefined;
  const total = r.estimate.total.min;
  const cdk = r.cdkDefault.total.min;
  const okMonthly = total <= DEV_TARGET_MONTHLY;
  const okRatio = total <= DEV_TARGET_RATIO * cdk;
  return {
    ok: okMonthly && okRatio,
    text:
      `dev target at minimum capacity: ${usd(total)} ${okMonthly ? "<=" : ">"} ${usd(DEV_TARGET_MONTHLY)} (${okMonthly ? "met" : "missed"}); ` +
      `${ratio(total, cdk)} the CDK default ${okRatio ? "<=" : ">"} ${DEV_TARGET_RATIO}× (${okRatio ? "met" : "missed"})`,
  };
}

export function formatTable(reports: readonly Report[], asOf: string): string {
  const out: string[] = [];
  for (const r of reports) {
    const e = r.estimate;
    const rows = e.lines.map((l) => [l.item, l.quantity.min, l.quantity.max, usd(l.monthly.min), usd(l.monthly.max)]);
    const header = ["item", "quantity at min", "quantity at max", "min/month", "max/month"];
    const totalRow = ["total", "", "", usd(e.total.min), usd(e.total.max)];
    const all = [header, ...rows, totalRow];
    const widths = header.map((_, i) => Math.max(...all.map((row) => (row[i] as string).length)));
    const line = (row: string[]) => row.map((cell, i) => (i >= 3 ? cell.padStart(widths[i] as number) : cell.padEnd(widths[i] as number))).join("  ");
    out.push(`${e.environment} (${e.region}), monthly estimate, prices as of ${asOf}`);
    out.push(`  ${line(header)}`);
    for (const row of rows) out.push(`  ${line(row)}`);
    out.push(`  ${line(totalRow)}`);
    out.push(`  ${CDK_LABEL}: ${usd(r.cdkDefault.total.min)} min, ${usd(r.cdkDefault.total.max)} max; ours is ${ratio(e.total.min, r.cdkDefault.total.min)} at min, ${ratio(e.total.max, r.cdkDefault.total.max)} at max`);
    if (r.cdkDefault.note) out.push(`  ${r.cdkDefault.note}`);
    const target = targetLine(r);
    if (target) out.push(`  ${target.text}`);
    if (r.traffic) out.push(`  ${trafficLine(r.traffic)}`);
    for (const note of e.notes) out.push(`  note: ${note}`);
    out.push("");
  }
  return out.join("\n");
}

export function formatMarkdown(reports: readonly Report[], asOf: string): string {
  const out = [`## Monthly cost estimate`, "", `Prices as of ${asOf} (stacks/cost/prices.json); traffic-dependent items are assumptions listed there.`, ""];
  out.push("| Environment | At minimum capacity | At maximum capacity | CDK defaults (min) | Ours vs CDK |", "|---|---:|---:|---:|---:|");
  for (const r of reports) {
    out.push(`| ${r.estimate.environment} | ${usd(r.estimate.total.min)} | ${usd(r.estimate.total.max)} | ${usd(r.cdkDefault.total.min)} | ${ratio(r.estimate.total.min, r.cdkDefault.total.min)} |`);
  }
  for (const r of reports) {
    const e = r.estimate;
    out.push("", `### ${e.environment} (${e.region})`, "", "| Item | Quantity at min | Quantity at max | Min / month | Max / month |", "|---|---|---|---:|---:|");
    for (const l of e.lines) out.push(`| ${l.item} | ${l.quantity.min} | ${l.quantity.max} | ${usd(l.monthly.min)} | ${usd(l.monthly.max)} |`);
    out.push(`| **Total** | | | **${usd(e.total.min)}** | **${usd(e.total.max)}** |`);
    out.push(`| ${CDK_LABEL} | | | ${usd(r.cdkDefault.total.min)} | ${usd(r.cdkDefault.total.max)} |`);
    if (r.cdkDefault.note) out.push("", r.cdkDefault.note);
    const target = targetLine(r);
    if (target) out.push("", `${target.ok ? "✅" : "⚠️"} ${target.text}`);
    if (r.traffic) out.push("", trafficLine(r.traffic));
    for (const note of e.notes) out.push("", `> ${note}`);
  }
  return out.join("\n") + "\n";
}
