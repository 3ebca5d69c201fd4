// The shipped app with many services in one environment: every kind of service construct at a
// size where synth cost shows. The lane compares its stacks and bench.mjs times it, in the cdktf
// tree and in the migrated copy alike (this file names neither package; the stacks it builds do).
// BF_BENCH_SERVICES services (default 100) in BF_BENCH_ENV (default dev): the shipped ones, then
// web services behind the ALB (routed before the shipped catch-all, which would shadow them, and a
// priority apart, where prod's canary deploys put their test rules), workers
// and scheduled tasks (as many as the region's quota admits) in turn; written to CDKTF_OUTDIR.
import { defaultConfig, QUOTAS, type ServiceConfig } from "../../packages/config/src/index";
import { buildApp } from "../../stacks/src/app";

const count = Number(process.env.BF_BENCH_SERVICES ?? 100);
const env = process.env.BF_BENCH_ENV ?? "dev";
if (!Number.isInteger(count) || count < 1 || count > 200) {
  console.error(`BF_BENCH_SERVICES = ${JSON.stringify(process.env.BF_BENCH_SERVICES)}: must be a whole number from 1 to 200`);
  process.exit(2);
}

// Environments may override shipped services by name, so those stay in. Each scheduled service
// takes one of the region's CloudWatch Logs resource policies (its failed-run events), which load
// refuses past the quota, so once the quota is used a worker comes in its turn instead.
const scheduledRoom = QUOTAS.logResourcePoliciesPerRegion.default - defaultConfig.services.filter((s) => s.kind === "scheduled").length;
let scheduled = 0;
const extra = Array.from({ length: Math.max(0, count - defaultConfig.services.length) }, (_, i): ServiceConfig => {
  const name = `svc${String(i).padStart(3, "0")}`;
  if (i % 3 === 0) return { name, kind: "web", source: "services/bun-api", containerPort: 8080, healthCheckPath: "/readyz", routing: { priority: 2 + (2 * i) / 3, pathPatterns: [`/${name}/*`] } };
  if (i % 3 === 2 && scheduled < scheduledRoom) {
    scheduled += 1;
    return { name, kind: "scheduled", source: "services/bun-api", schedule: `cron(${i % 60} 3 * * ? *)` };
  }
  return { name, kind: "worker", source: "services/bun-api" };
});

const { app } = buildApp({ config: { ...defaultConfig, services: [...defaultConfig.services, ...extra] }, environments: [env] });
app.synth();
