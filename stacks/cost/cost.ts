// pnpm cost: the monthly cost of each environment, read from the synthesized Terraform JSON.
//   --markdown        print Markdown instead of the terminal table
//   --outdir <dir>    synthesized app (default: cdktf.out at the repository root)
//   --rps <n>         requests a second per web service for the traffic line (default: prices.json's webRequestsPerSecond)
// In GitHub Actions the Markdown is also appended to the job summary ($GITHUB_STEP_SUMMARY).
import { spawnSync } from "node:child_process";
import { appendFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { formatMarkdown, formatTable } from "../src/cost/format";
import { loadPrices } from "../src/cost/prices";
import { buildReports } from "../src/cost/report";
import { readStacks } from "../src/cost/terraform-json";

const { values } = parseArgs({ options: { markdown: { type: "boolean", default: false }, outdir: { type: "string" }, rps: { type: "string" } } });
const rps = values.rps === undefined ? undefined : Number(values.rps);
if (rps !== undefined && !(Number.isFinite(rps) && rps >= 0)) {
  console.error(`cost: --rps ${JSON.stringify(values.rps)}: must be a number of requests a second, 0 or more`);
  process.exit(2);
}
const root = join(import.meta.dirname, "../..");
const outdir = values.outdir ?? join(root, "cdktf.out");

if (!values.outdir && !existsSync(join(outdir, "stacks"))) {
  console.error("cost: nothing synthesized yet; running pnpm synth first");
  const synth = spawnSync("node", [join(root, "scripts/synth.mjs")], { stdio: ["ignore", "inherit", "inherit"] });
  if (synth.status !== 0) process.exit(synth.status ?? 1);
}

const table = loadPrices();
const reports = buildReports(readStacks(outdir), table, rps);
const markdown = formatMarkdown(reports, table.asOf);
console.log(values.markdown ? markdown : formatTable(reports, table.asOf));
if (process.env.GITHUB_STEP_SUMMARY) appendFileSync(process.env.GITHUB_STEP_SUMMARY, markdown);
