// pnpm deploy-time: per environment and service, the modelled time from deploy start to a completed
// deployment and from a rollback decision to all traffic on the previous revision, read from the
// synthesized Terraform JSON, beside the same figures for AWS CDK ecs-patterns defaults.
//   --phases          also print each service's deploy phase by phase
//   --markdown        print Markdown instead of the terminal table
//   --task-start <s>  seconds Fargate takes to start a task (an assumption; default 45)
//   --outdir <dir>    synthesized app (default: cdktf.out at the repository root)
// Exits 1 when a goal is missed. In GitHub Actions the Markdown is also appended to the job summary.
import { spawnSync } from "node:child_process";
import { appendFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { readStacks } from "../src/cost/terraform-json";
import { ASSUMPTIONS } from "../src/deploy-time/model";
import { formatMarkdown, formatTable, goals, rows } from "../src/deploy-time/report";
import { serviceSettings } from "../src/deploy-time/settings";

const { values } = parseArgs({
  options: { markdown: { type: "boolean", default: false }, phases: { type: "boolean", default: false }, outdir: { type: "string" }, "task-start": { type: "string" } },
});
const root = join(import.meta.dirname, "../..");
const outdir = values.outdir ?? join(root, "cdktf.out");
const taskStart = Number(values["task-start"] ?? ASSUMPTIONS.taskStartSeconds);
if (!Number.isFinite(taskStart) || taskStart < 0) {
  console.error(`deploy-time: --task-start ${JSON.stringify(values["task-start"])} must be a number of seconds`);
  process.exit(2);
}

if (!values.outdir && !existsSync(join(outdir, "stacks"))) {
  console.error("deploy-time: nothing synthesized yet; running pnpm synth first");
  const synth = spawnSync("node", [join(root, "scripts/synth.mjs")], { stdio: ["ignore", "inherit", "inherit"] });
  if (synth.status !== 0) process.exit(synth.status ?? 1);
}

const assumptions = { ...ASSUMPTIONS, taskStartSeconds: taskStart };
const table = rows(serviceSettings(readStacks(outdir)), assumptions);
const markdown = formatMarkdown(table, assumptions);
console.log(values.markdown ? markdown : formatTable(table, assumptions, values.phases));
if (process.env.GITHUB_STEP_SUMMARY) appendFileSync(process.env.GITHUB_STEP_SUMMARY, markdown);
process.exit(goals(table).every((g) => g.met) ? 0 : 1);
