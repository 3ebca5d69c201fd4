#!/usr/bin/env node
// pnpm e2e — the deploy proof. Real Terraform and the real AWS provider apply every synthesized
// stack of the dev and prod environments against moto on 127.0.0.1, re-plan (must be empty), destroy
// in reverse order and check that nothing of ours is left (stacks of one dependency level apply and
// destroy side by side, BF_E2E_PARALLEL at a time, default 4); then `cdktf deploy` / `cdktf destroy` of
// one stack, the way a user runs it. Tools come from `pnpm e2e:setup` (see README.md).
//
// Options (env): BF_E2E_ENVS=dev,prod  which environments; BF_E2E_PARALLEL=4  stacks at a time (per environment);
// BF_E2E_ENV_PARALLEL  lanes at a time (the gap probe, each environment, the cdktf user path; default all, 1 = one after
// another); BF_E2E_REQUIRE=1  missing tools fail instead of skipping; BF_E2E_KEEP=1  keep the work directory; BF_E2E_CACHE
// tool cache directory.
// Closes with "N passed, N failed[, N skipped]" (read by scripts/test-all.mjs).
import { AsyncLocalStorage } from "node:async_hooks";
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { format } from "node:util";
import { startEmulator } from "./emulator.mjs";

const HERE = import.meta.dirname;
const STACKS = resolve(HERE, "..");
const ROOT = resolve(STACKS, "..");
const CACHE = process.env.BF_E2E_CACHE ?? join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "bun-fargate", "e2e");
const ENVS = (process.env.BF_E2E_ENVS ?? "dev,prod").split(",").map((s) => s.trim()).filter(Boolean);
const WORK = join(STACKS, ".e2e");
// A digest reference for the `image` variable of service stacks. Nothing pulls it: moto runs no
// containers. The digest is the sha256 of the string "bun-fargate e2e".
const IMAGE = `123456789012.dkr.ecr.us-east-1.amazonaws.com/bun-api@sha256:19053514911686aa58641b6955b8ee87ce1912b2cc1cb96bfabf647934817751`;
// The stack used for the `cdktf deploy` / `cdktf destroy` user path (it needs no other stack).
const CDKTF_STACK = process.env.BF_E2E_CDKTF_STACK ?? `${ENVS[0]}-network`;

const results = []; // { name, ok, detail }
const rows = []; // table rows
let skipped = 0;

// Lanes (the gap probe, each environment, the cdktf user path) run side by side, each against an
// emulator of its own: every line a lane prints starts with its name, e.g. "[prod]".
const lane = new AsyncLocalStorage();
const print = console.log;
console.log = (...args) => {
  const name = lane.getStore();
  print(name ? format(...args).replace(/^(?=.)/gm, `[${name}] `) : format(...args));
};

function check(name, ok, detail = "") {
  results.push({ name, ok, detail });
  console.log(`${ok ? "  ok  " : "  FAIL"} ${name}${detail ? ` — ${detail}` : ""}`);
  return ok;
}

function finish(code) {
  printTable();
  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed;
  if (failed) {
    console.log("\nfailures:");
    for (const r of results.filter((x) => !x.ok)) console.log(`  ${r.name}${r.detail ? ` — ${r.detail}` : ""}`);
  }
  console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
  process.exit(code ?? (failed ? 1 : 0));
}

// ---- tools ----------------------------------------------------------------------------------------
function loadTools() {
  const file = join(CACHE, "tools.json");
  if (!existsSync(file)) return { missing: `no tool cache at ${CACHE} (Terraform, the AWS provider and moto)` };
  const t = JSON.parse(readFileSync(file, "utf8"));
  const need = [
    ["terraform", t.terraform],
    ["Terraform CLI config", t.cliConfig],
    [`AWS provider ${t.providerPin}`, join(CACHE, "providers", "registry.terraform.io", "hashicorp", "aws", t.providerMirrorVersion, "linux_amd64", `terraform-provider-aws_v${t.providerMirrorVersion}`)],
    ["moto_server", t.motoServer],
    ["python (moto venv)", t.python],
  ];
  const gone = need.filter(([, p]) => !p || !existsSync(p)).map(([n, p]) => `${n} (${p})`);
  if (gone.length) return { missing: `missing from the tool cache: ${gone.join(", ")}` };
  return { tools: t };
}

/** botocore's service models in the moto venv (moto serializes with them; so does the CBOR bridge). */
function botocoreData(tools) {
  const lib = join(dirname(dirname(tools.python)), "lib");
  const py = readdirSync(lib).find((d) => d.startsWith("python"));
  return join(lib, py, "site-packages", "botocore", "data");
}

// ---- processes -------------------------------------------------------------------------------------
function sh(cmd, args, { cwd, env = {}, log, quiet = true, timeoutMs = 30 * 60_000 } = {}) {
  return new Promise((done) => {
    const started = Date.now();
    let out = "";
    const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    const timer = setTimeout(() => child.kill("SIGTERM"), timeoutMs);
    const onData = (c) => {
      out += c;
      if (!quiet) process.stdout.write(c);
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("error", (err) => (out += String(err)));
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const seconds = (Date.now() - started) / 1000;
      if (log) writeFileSync(log, `$ ${cmd} ${args.join(" ")}\n(exit ${code ?? signal}, ${seconds.toFixed(1)}s)\n\n${out}`, { flag: "a" });
      done({ code: code ?? 128, out, seconds });
    });
  });
}

const tail = (s, n = 25) => s.trimEnd().split("\n").slice(-n).join("\n");
const strip = (s) => s.replace(/\x1b\[[0-9;]*m/g, "");

// ---- synthesized stacks ----------------------------------------------------------------------------
function readManifest(outdir) {
  const m = JSON.parse(readFileSync(join(outdir, "manifest.json"), "utf8"));
  return Object.values(m.stacks).map((s) => ({
    name: s.name,
    dir: join(outdir, s.workingDirectory),
    deps: s.dependencies ?? [],
    json: JSON.parse(readFileSync(join(outdir, s.synthesizedStackPath), "utf8")),
  }));
}

/** The stacks of one environment, dependencies first (a topological order of the manifest's). */
function envOrder(stacks, env) {
  const mine = stacks.filter((s) => s.name.startsWith(`${env}-`));
  const byName = new Map(stacks.map((s) => [s.name, s]));
  const order = [];
  const seen = new Set();
  const visit = (s, path = []) => {
    if (seen.has(s.name)) return;
    if (path.includes(s.name)) throw new Error(`stack dependency cycle: ${[...path, s.name].join(" -> ")}`);
    for (const d of s.deps) if (byName.has(d)) visit(byName.get(d), [...path, s.name]);
    seen.add(s.name);
    order.push(s);
  };
  for (const s of mine) visit(s);
  return order;
}

const providersOf = (stack) => [stack.json.provider?.aws ?? []].flat();
const regionOf = (stack) => providersOf(stack)[0]?.region;

function regionsOf(stacks) {
  const regions = new Set();
  for (const s of stacks) for (const p of providersOf(s)) if (p.region) regions.add(p.region);
  return [...regions];
}

// ---- emulator profile sanity: the provider must talk to the emulator and nothing else -----------
function profileProblems(stack, url) {
  const problems = [];
  const providers = providersOf(stack);
  if (!providers.length) problems.push("no aws provider block");
  for (const p of providers) {
    const eps = [p.endpoints ?? []].flat();
    if (!eps.length) problems.push(`provider ${p.alias ?? "default"} has no endpoints`);
    for (const ep of eps) for (const [svc, v] of Object.entries(ep)) if (v !== url) problems.push(`endpoint ${svc}=${v} is not ${url}`);
    if (!p.skip_credentials_validation) problems.push("credential validation not skipped");
    if (p.skip_requesting_account_id) problems.push("the account ID is not asked of the emulator (referenced security groups would then plan changes)");
  }
  const backends = Object.keys(stack.json.terraform?.backend ?? {});
  if (backends.length && !(backends.length === 1 && backends[0] === "local")) problems.push(`backend is ${backends.join(",")}, not local`);
  return problems;
}

// ---- terraform ---------------------------------------------------------------------------------------
function tfEnv(tools) {
  return {
    TF_CLI_CONFIG_FILE: tools.cliConfig,
    TF_IN_AUTOMATION: "1",
    TF_INPUT: "0",
    CHECKPOINT_DISABLE: "1",
    TF_PLUGIN_CACHE_DIR: join(CACHE, "plugin-cache"),
    // Real credentials of the user must never reach the emulator run, and vice versa.
    AWS_PROFILE: "",
    AWS_ACCESS_KEY_ID: "e2e",
    AWS_SECRET_ACCESS_KEY: "e2e",
    AWS_SESSION_TOKEN: "",
    AWS_EC2_METADATA_DISABLED: "true",
    // Most of a command's CPU here is Terraform and the provider starting (the provider's schema):
    // fewer garbage collections cut it by about a third, for about a fifth more memory (README).
    GOGC: process.env.GOGC ?? "400",
  };
}

const varsFor = (stack) => (stack.json.variable?.image ? ["-var", `image=${IMAGE}`] : []);

async function motoctl(tools, url, ...args) {
  const r = await sh(tools.python, [join(HERE, "motoctl.py"), url, ...args]);
  if (r.code !== 0) throw new Error(`motoctl.py ${args.join(" ")} failed:\n${tail(r.out)}`);
  return JSON.parse(r.out);
}

function leftovers(inv, queryDefinitions = []) {
  const left = [];
  for (const r of inv.regions) {
    for (const k of ["ecsServices", "loadBalancers", "targetGroups", "vpcs", "subnets", "securityGroups", "natGateways", "elasticIps", "ecsClusters", "taskDefinitions", "logGroups", "scalableTargets", "snsTopics", "snsSubscriptions", "kmsKeys", "alarms", "dashboards", "certificates", "sqsQueues", "eventRules", "logResourcePolicies"]) {
      if (r[k].length) left.push(`${r.region} ${k}: ${r[k].map((x) => x.name ?? x.id ?? x.topic ?? x).join(", ")}`);
    }
  }
  if (queryDefinitions.length) left.push(`query definitions: ${queryDefinitions.map((d) => d.name).join(", ")}`);
  if (inv.iamRoles.length) left.push(`iamRoles: ${inv.iamRoles.join(", ")}`);
  if (inv.s3Buckets.length) left.push(`s3Buckets: ${inv.s3Buckets.join(", ")}`);
  // The hosted zone is the account's (a precondition); the records in it are ours.
  if (inv.route53Records.length) left.push(`route53Records: ${inv.route53Records.join(", ")}`);
  return left;
}

const resourcesOf = (stack, type) => Object.values(stack.json.resource?.[type] ?? {});
const dataOf = (stack, type) => Object.values(stack.json.data?.[type] ?? {});

/** Outputs to check: every DNS-name output is an LB moto holds; every service name a live service. */
function checkOutputs(stack, outputs, inv) {
  const dnsNames = new Set(inv.regions.flatMap((r) => r.loadBalancers.map((l) => l.dns)));
  const services = new Set(inv.regions.flatMap((r) => r.ecsServices.map((s) => s.name)));
  const flat = Object.entries(outputs).filter(([k]) => !k.startsWith("cross-stack-output-")).map(([k, v]) => [k, v.value]);
  const dns = flat.filter(([k]) => /dns/i.test(k));
  const svc = flat.filter(([k]) => /service.?name/i.test(k));
  for (const [k, v] of dns) check(`${stack.name}: output ${k} is the DNS name of a load balancer in the emulator`, typeof v === "string" && dnsNames.has(v), String(v));
  for (const [k, v] of svc) check(`${stack.name}: output ${k} names a live ECS service`, typeof v === "string" && services.has(v), String(v));
  if (resourcesOf(stack, "aws_lb").length) check(`${stack.name}: has an ALB DNS name output`, dns.length > 0, Object.keys(outputs).join(", "));
  if (resourcesOf(stack, "aws_ecs_service").length) check(`${stack.name}: has a service name output`, svc.length > 0, Object.keys(outputs).join(", "));
  // Production guards must have reached the emulator as configured.
  for (const lb of resourcesOf(stack, "aws_lb")) {
    const held = inv.regions.flatMap((r) => r.loadBalancers).find((l) => l.name === lb.name);
    check(`${stack.name}: load balancer ${lb.name} deletion protection is ${lb.enable_deletion_protection ? "on" : "off"}`, !!held && held.deletionProtection === !!lb.enable_deletion_protection, held ? `emulator: ${held.deletionProtection}` : "not in the emulator");
  }
}

/**
 * What reaches a person, as moto holds it: the alarm topic with the stack's subscriptions, every
 * alarm of the stack that notifies with ALARM and OK actions to that topic, the dashboard with a
 * body that parses to the stack's widgets, and the saved queries (held by the proxy, a moto gap).
 */
function checkOperations(stack, outputs, inv, queryDefinitions) {
  const region = inv.regions.find((r) => r.region === regionOf(stack)) ?? inv.regions[0];
  const topicArn = outputs.AlarmTopicArn?.value;
  if (resourcesOf(stack, "aws_sns_topic").length) {
    check(`${stack.name}: output AlarmTopicArn is a topic in the emulator`, region.snsTopics.includes(topicArn), String(topicArn));
    const want = resourcesOf(stack, "aws_sns_topic_subscription").map((x) => `${x.protocol} ${x.endpoint}`).sort();
    const held = region.snsSubscriptions.filter((x) => x.topic === topicArn).map((x) => `${x.protocol} ${x.endpoint}`).sort();
    check(`${stack.name}: the alarm topic's subscriptions are the configured ones`, JSON.stringify(held) === JSON.stringify(want), `emulator: ${held.join(", ")}`);
    check(`${stack.name}: the alarm topic's KMS key is in the emulator`, region.kmsKeys.length === resourcesOf(stack, "aws_kms_key").length, `${region.kmsKeys.length} key(s)`);
  }
  // Alarms whose action is a scaling policy (a worker's wake from zero) tell no person: checkQueues checks them.
  const scaling = (a) => a.alarm_actions.every((x) => String(x).includes("aws_appautoscaling_policy."));
  for (const a of resourcesOf(stack, "aws_cloudwatch_metric_alarm").filter((x) => x.alarm_actions && !scaling(x))) {
    const held = region.alarms.find((x) => x.name === a.alarm_name);
    const topics = held ? [...new Set([...held.actions, ...held.okActions])] : [];
    check(
      `${stack.name}: alarm ${a.alarm_name} notifies the alarm topic on ALARM and OK`,
      !!held && held.actions.length === 1 && held.okActions.length === 1 && topics.length === 1 && region.snsTopics.includes(topics[0]),
      held ? JSON.stringify({ actions: held.actions, ok: held.okActions }) : "not in the emulator",
    );
  }
  for (const d of resourcesOf(stack, "aws_cloudwatch_dashboard")) {
    const held = region.dashboards.find((x) => x.name === d.dashboard_name);
    let widgets = -1;
    try {
      widgets = JSON.parse(held?.body ?? "").widgets.length;
    } catch {
      widgets = -1;
    }
    check(`${stack.name}: dashboard ${d.dashboard_name} holds its ${JSON.parse(d.dashboard_body).widgets.length} widgets`, widgets === JSON.parse(d.dashboard_body).widgets.length, `emulator: ${widgets}`);
  }
  const queries = resourcesOf(stack, "aws_cloudwatch_query_definition").map((q) => q.name).sort();
  if (queries.length) {
    const held = queryDefinitions.map((q) => q.name).sort();
    check(`${stack.name}: the ${queries.length} saved queries are held`, JSON.stringify(held) === JSON.stringify(queries), held.join(", "));
  }
}

/** JSON with object keys sorted: the provider may normalize a pattern's key order on the way. */
const canonical = (v) => JSON.stringify(v, (_k, x) => (x && typeof x === "object" && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : 1))) : x));

/**
 * A scheduled task's failed runs must be noticed: the EventBridge rule, as moto holds it, has the
 * stack's pattern (this family, this cluster, STOPPED with a non-zero exit code or never finished)
 * and sends to the log group; the log group's resource policy admits only that rule; the metric
 * filter counts its events into the metric the alarm watches.
 */
async function checkFailedRuns(tools, motoUrl, st, outputs) {
  for (const rule of resourcesOf(st, "aws_cloudwatch_event_rule")) {
    const [group] = resourcesOf(st, "aws_cloudwatch_log_group").filter((g) => String(g.name).startsWith("/aws/events/"));
    const [policy] = resourcesOf(st, "aws_cloudwatch_log_resource_policy");
    const [filter] = resourcesOf(st, "aws_cloudwatch_log_metric_filter").filter((f) => f.log_group_name?.includes(Object.keys(st.json.resource.aws_cloudwatch_log_group).find((k) => st.json.resource.aws_cloudwatch_log_group[k] === group)));
    const alarm = resourcesOf(st, "aws_cloudwatch_metric_alarm").find((a) => a.metric_name === filter?.metric_transformation?.name);
    if (!check(`${st.name}: the failed-run rule has its log group, resource policy, metric filter and alarm in the stack`, !!group && !!policy && !!filter && !!alarm)) continue;
    const held = await motoctl(tools, motoUrl, "failed-runs", regionOf(st), rule.name, group.name, policy.policy_name, filter.name, alarm.alarm_name);
    const family = st.name; // the task family is `<env>-<service>`, the stack's name
    const want = JSON.parse(rule.event_pattern);
    const got = held.rule?.pattern ? JSON.parse(held.rule.pattern) : null;
    const clusterArn = got?.detail?.clusterArn?.[0];
    check(
      `${st.name}: rule ${rule.name} matches stopped runs of family ${family} in its cluster with a non-zero exit code, TaskFailedToStart or SpotInterruption`,
      !!got &&
        JSON.stringify(got.source) === '["aws.ecs"]' &&
        JSON.stringify(got["detail-type"]) === '["ECS Task State Change"]' &&
        JSON.stringify(got.detail.group) === JSON.stringify([`family:${family}`]) &&
        JSON.stringify(got.detail.lastStatus) === '["STOPPED"]' &&
        /^arn:aws:ecs:[a-z0-9-]+:\d{12}:cluster\/\S+$/.test(String(clusterArn)) &&
        JSON.stringify(got.detail.$or) === JSON.stringify([{ containers: { exitCode: [{ "anything-but": 0 }] } }, { stopCode: ["TaskFailedToStart", "SpotInterruption"] }]) &&
        canonical({ ...want, detail: { ...want.detail, clusterArn: null } }) === canonical({ ...got, detail: { ...got.detail, clusterArn: null } }),
      held.rule ? held.rule.pattern : "not in the emulator",
    );
    check(`${st.name}: rule ${rule.name} is enabled`, held.rule?.state === "ENABLED", String(held.rule?.state));
    check(`${st.name}: rule ${rule.name} sends to log group ${group.name} only`, held.targets.length === 1 && held.logGroup !== null && held.targets[0].arn.replace(/:\*$/, "") === held.logGroup.arn.replace(/:\*$/, ""), JSON.stringify(held.targets));
    const doc = held.resourcePolicy ? JSON.parse(held.resourcePolicy) : { Statement: [] };
    const statements = [doc.Statement].flat();
    const sourceArns = statements.flatMap((x) => [x.Condition?.ArnEquals?.["aws:SourceArn"] ?? []].flat());
    const resources = statements.flatMap((x) => [x.Resource].flat());
    check(
      `${st.name}: resource policy ${policy.policy_name} lets only that rule write only that log group`,
      statements.length === 1 && sourceArns.length === 1 && sourceArns[0] === held.rule?.arn && resources.length === 1 && resources[0].replace(/:\*$/, "") === String(held.logGroup?.arn).replace(/:\*$/, "") && [statements[0].Action].flat().sort().join(",") === "logs:CreateLogStream,logs:PutLogEvents",
      held.resourcePolicy ?? "not in the emulator",
    );
    const mf = held.metricFilters.find((f) => f.name === filter.name);
    check(
      `${st.name}: metric filter ${filter.name} counts the failed runs into ${filter.metric_transformation.namespace}/${filter.metric_transformation.name}`,
      !!mf && mf.pattern === filter.pattern && mf.metrics.length === 1 && mf.metrics[0].metricName === filter.metric_transformation.name && mf.metrics[0].metricNamespace === filter.metric_transformation.namespace,
      JSON.stringify(mf ?? held.metricFilters),
    );
    const a = held.alarms[0];
    check(
      `${st.name}: alarm ${alarm.alarm_name} fires on one failed run${alarm.alarm_actions ? " and notifies" : ""}`,
      !!a && a.metricName === filter.metric_transformation.name && a.namespace === filter.metric_transformation.namespace && a.threshold === 1 && (!alarm.alarm_actions || a.actions.length === 1),
      JSON.stringify(a ?? "not in the emulator"),
    );
    await checkScheduleTarget(tools, motoUrl, st);
    if (outputs.ScheduleName) check(`${st.name}: output ScheduleName is the schedule's name`, outputs.ScheduleName.value === resourcesOf(st, "aws_scheduler_schedule")[0]?.name, String(outputs.ScheduleName.value));
  }
}

/**
 * The schedule is what attaches the scheduled task's security group (checkov cannot see it, see
 * stacks/scan/skips.yaml): as the scheduler holds it, its ECS target runs this family's task
 * definition in the stack's security group only, with the stack's public-IP setting.
 */
async function checkScheduleTarget(tools, motoUrl, st) {
  const [sch] = resourcesOf(st, "aws_scheduler_schedule");
  const [sg] = resourcesOf(st, "aws_security_group");
  if (!sch || !sg) return;
  const held = await motoctl(tools, motoUrl, "schedule", regionOf(st), sch.name, sg.name);
  const ecs = held.target?.EcsParameters;
  const vpc = ecs?.NetworkConfiguration?.awsvpcConfiguration;
  const wantPublic = sch.target.ecs_parameters.network_configuration.assign_public_ip ? "ENABLED" : "DISABLED";
  check(
    `${st.name}: schedule ${sch.name} runs task family ${st.name} in security group ${sg.name} only (${wantPublic === "ENABLED" ? "public IP" : "no public IP"})`,
    !!ecs && new RegExp(`:task-definition/${st.name}(:\\d+)?$`).test(String(ecs.TaskDefinitionArn)) && held.securityGroupIds.length === 1 && JSON.stringify(vpc?.SecurityGroups) === JSON.stringify(held.securityGroupIds) && (vpc?.AssignPublicIp ?? "DISABLED") === wantPublic,
    JSON.stringify({ taskDefinition: ecs?.TaskDefinitionArn, network: vpc, groups: held.securityGroupIds }),
  );
}

/** An IPv6 address as a 128-bit number ("2400:6500::" -> 0x24006500000...n). */
function ipv6Bits(address) {
  const [head, tail = ""] = address.split("::");
  const h = head ? head.split(":") : [];
  const t = tail ? tail.split(":") : [];
  const groups = address.includes("::") ? [...h, ...Array(8 - h.length - t.length).fill("0"), ...t] : h;
  return groups.reduce((n, g) => (n << 16n) | BigInt(parseInt(g || "0", 16)), 0n);
}

/** Whether CIDR `inner` lies inside CIDR `outer`. */
function ipv6Within(inner, outer) {
  const [ia, ip] = inner.split("/");
  const [oa, op] = outer.split("/");
  if (Number(ip) < Number(op)) return false;
  const shift = 128n - BigInt(op);
  return ipv6Bits(ia) >> shift === ipv6Bits(oa) >> shift;
}

/**
 * The company's domain, as moto holds it after the cluster stack's apply: every alias record of the
 * stack names the ALB, the created certificate is ISSUED (through aws_acm_certificate_validation)
 * and is the HTTPS listener's, the listener sends the stack's HSTS value, and a dual-stack ALB sits
 * in subnets with IPv6 ranges of the VPC's.
 */
async function checkDomain(tools, motoUrl, st) {
  const zones = dataOf(st, "aws_route53_zone");
  const aliases = resourcesOf(st, "aws_route53_record").filter((r) => r.alias);
  const [lb] = resourcesOf(st, "aws_lb");
  if (!aliases.length || !lb) return;
  if (!check(`${st.name}: its hosted zone is looked up by name (the only way the harness can provide it)`, zones.length === 1, `${zones.length} aws_route53_zone data source(s)`)) return;
  const domainName = aliases[0].name;
  const d = await motoctl(tools, motoUrl, "domain", regionOf(st), zones[0].name, domainName, lb.name);
  const lower = (x) => String(x ?? "").toLowerCase();
  for (const a of aliases) {
    const held = d.records.find((r) => r.name === a.name && r.type === a.type);
    check(
      `${st.name}: ${a.type} ${a.name} is an alias of the ALB in zone ${zones[0].name}`,
      !!held?.alias && lower(held.alias.dns) === lower(d.loadBalancer.dns) && held.alias.zoneId === d.loadBalancer.zoneId,
      held ? JSON.stringify(held.alias) : `not in the zone (records: ${d.records.map((r) => `${r.type} ${r.name}`).join(", ")})`,
    );
  }
  const https = d.listeners.find((l) => l.protocol === "HTTPS");
  if (resourcesOf(st, "aws_acm_certificate").length) {
    const requested = d.certificates.filter((c) => c.type === "AMAZON_ISSUED");
    check(`${st.name}: the certificate for ${domainName} is ISSUED`, requested.length === 1 && requested[0].status === "ISSUED", JSON.stringify(d.certificates));
    check(`${st.name}: its validation record is in the zone`, d.records.some((r) => r.type === "CNAME" && r.name.endsWith(`.${domainName}`) && r.name.startsWith("_")), d.records.map((r) => `${r.type} ${r.name}`).join(", "));
    check(`${st.name}: the HTTPS listener serves that certificate`, !!https && requested.length === 1 && https.certificates.includes(requested[0].arn), JSON.stringify(https?.certificates));
  }
  const listener = resourcesOf(st, "aws_lb_listener").find((l) => l.protocol === "HTTPS");
  const hsts = listener?.routing_http_response_strict_transport_security_header_value;
  if (hsts) check(`${st.name}: the HTTPS listener sends Strict-Transport-Security "${hsts}"`, https?.hsts === hsts, `emulator: ${JSON.stringify(https?.hsts)}`);
  if (lb.ip_address_type === "dualstack") {
    const v6 = Object.entries(d.subnetIpv6);
    const inVpc = (block) => d.vpcIpv6.some((vpc) => ipv6Within(block, vpc));
    check(`${st.name}: the ALB is dual-stack`, d.loadBalancer.ipAddressType === "dualstack", `emulator: ${d.loadBalancer.ipAddressType}`);
    check(
      `${st.name}: each of the ALB's subnets has an IPv6 /64 of the VPC's ${d.vpcIpv6.join(", ")}`,
      d.vpcIpv6.length === 1 && v6.length >= 2 && v6.every(([, blocks]) => blocks.length === 1 && blocks[0].endsWith("/64") && inVpc(blocks[0])),
      JSON.stringify(d.subnetIpv6),
    );
  }
}

/**
 * A service that ECS shifts traffic for (load_balancer.advanced_configuration) must have reached moto
 * whole: both target groups, the production rule weighted 100/0, the test rule one priority earlier
 * with the test header, and the infrastructure role allowed exactly those rules and target groups.
 */
async function checkTrafficShift(tools, motoUrl, st) {
  for (const svc of resourcesOf(st, "aws_ecs_service")) {
    const advanced = [svc.load_balancer ?? []].flat()[0]?.advanced_configuration;
    if (!advanced) continue;
    const strategy = svc.deployment_configuration?.strategy;
    const clusterArn = (await motoctl(tools, motoUrl, "inventory", regionOf(st))).regions[0].ecsServices.find((s) => s.name === svc.name)?.cluster;
    if (!check(`${st.name}: service ${svc.name} is in the emulator`, !!clusterArn)) continue;
    const clusterName = clusterArn.split("/").pop();
    const shift = await motoctl(tools, motoUrl, "traffic-shift", regionOf(st), clusterName, svc.name);
    const lb = shift.loadBalancers[0] ?? {};
    const groups = resourcesOf(st, "aws_lb_target_group").map((t) => t.name).sort();
    check(`${st.name}: ${strategy} service ${svc.name} registers in two target groups`, [lb.targetGroup, lb.alternateTargetGroup].sort().join(",") === groups.join(","), `emulator: ${lb.targetGroup}, ${lb.alternateTargetGroup}; stack: ${groups.join(", ")}`);
    const [first, second] = [lb.targetGroup, lb.alternateTargetGroup];
    const prod = lb.productionRule;
    check(`${st.name}: the production rule forwards 100 % to ${first} and 0 % to ${second}`, prod?.weights?.[first] === 100 && prod?.weights?.[second] === 0, JSON.stringify(prod?.weights));
    const test = lb.testRule;
    const header = test?.conditions?.find((c) => c.Field === "http-header")?.HttpHeaderConfig;
    check(
      `${st.name}: the test rule sits one priority before the production rule and matches the test header`,
      !!test && Number(test.priority) === Number(prod?.priority) - 1 && header?.HttpHeaderName === "X-Test-Traffic" && test.weights?.[second] === 100,
      JSON.stringify({ priority: test?.priority, header, weights: test?.weights }),
    );
    const role = lb.role;
    const statements = Object.values(role?.policies ?? {}).flatMap((d) => [d.Statement].flat());
    const on = (action) => statements.filter((x) => [x.Action].flat().includes(action)).flatMap((x) => [x.Resource].flat()).sort();
    const principal = [role?.trust?.Statement].flat()[0]?.Principal?.Service;
    check(
      `${st.name}: the infrastructure role ${role?.name} is ECS's and may change exactly the two rules and register in exactly the two target groups`,
      principal === "ecs.amazonaws.com" &&
        JSON.stringify(on("elasticloadbalancing:ModifyRule")) === JSON.stringify([...role.ruleArns].sort()) &&
        JSON.stringify(on("elasticloadbalancing:RegisterTargets")) === JSON.stringify([...role.targetGroupArns].sort()),
      JSON.stringify({ principal, modifyRule: on("elasticloadbalancing:ModifyRule").length, registerTargets: on("elasticloadbalancing:RegisterTargets").length }),
    );
  }
}

// ---- main ------------------------------------------------------------------------------------------
async function main() {
  const { tools, missing } = loadTools();
  if (!tools) {
    const msg = `e2e: ${missing}. Run \`pnpm e2e:setup\` first (builds Terraform, the AWS provider and moto into the cache; the provider build takes tens of minutes).`;
    if (process.env.BF_E2E_REQUIRE === "1") {
      check("e2e tools present", false, msg);
      return finish();
    }
    console.log(`${msg}\ne2e suite skipped.`);
    skipped = 1;
    return finish(0);
  }
  console.log(`e2e: terraform ${tools.terraformVersion}, moto ${tools.motoVersion}, aws provider served as ${tools.providerPin}`);
  if (!tools.providerExact) {
    console.log(`e2e: NOTE the AWS provider is a build of ${tools.providerModuleVersion} (${tools.providerBuild}), not the ${tools.providerPin} release: the Go module proxy here does not serve the v${tools.providerPin} tag commit (README.md "Provider version").`);
  }

  rmSync(WORK, { recursive: true, force: true });
  const logs = join(WORK, "logs");
  mkdirSync(logs, { recursive: true });
  const emulators = []; // one per lane (runAll)
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) {
    process.on(sig, () => {
      for (const emu of emulators) emu.stop();
      process.exit(130);
    });
  }
  console.log(`e2e: every environment (and the cdktf user path) runs against an emulator of its own, a proxy with a fresh moto behind it; logs in ${logs}`);
  try {
    await runAll(tools, emulators, logs);
  } finally {
    await Promise.all(emulators.map((emu) => emu.stopMoto()));
    for (const emu of emulators) emu.stop();
  }
  const gapCalls = new Map();
  for (const emu of emulators) for (const [op, n] of emu.gapCalls) gapCalls.set(op, (gapCalls.get(op) ?? 0) + n);
  console.log(`\nemulator gaps filled by the harness (README.md "Emulator gaps"): ${gapCalls.size ? "" : "none called"}`);
  for (const [op, n] of gapCalls) console.log(`  ${op}: ${n} call(s)`);
  if (process.env.BF_E2E_KEEP !== "1") {
    for (const d of readdirSync(WORK)) if (d !== "logs") rmSync(join(WORK, d), { recursive: true, force: true });
  }
  finish();
}

async function synth(url, outdir, logs, envName) {
  // What `pnpm synth` runs (scripts/synth.mjs), into a directory of our own so that the
  // repository's cdktf.out is left alone; one environment, against its own emulator's URL.
  const env = { BF_PROFILE: "emulator", BF_AWS_ENDPOINT: url, BF_ENVIRONMENTS: envName };
  return sh(process.execPath, [join(ROOT, "scripts", "synth.mjs"), "--out", outdir], { cwd: ROOT, env, log: join(logs, `synth-${envName}.log`) });
}

/**
 * Every gap the proxy fills must still be a gap: ask a fresh moto each listed call directly. When
 * moto starts serving one, its workaround would hide moto's own answer, so the run fails until the
 * workaround (emulator.mjs) and its README row are removed.
 */
async function probeGaps(tools, emu, region) {
  console.log("\n== emulator gaps (README.md \"Emulator gaps\"), asked of moto itself");
  const { motoUrl } = await emu.startMoto();
  const { gaps } = await motoctl(tools, motoUrl, "gaps", region);
  for (const g of gaps) {
    check(`emulator gap still present in moto ${tools.motoVersion}: ${g.gap}`, g.present, g.present ? g.detail : `moto now serves it (${g.detail}): remove its workaround from emulator.mjs and its row from README.md`);
  }
  await emu.stopMoto();
}

/** A fresh moto for one environment, with the account-side preconditions the stacks expect. */
async function freshEmulator(tools, emu, stacks, label) {
  // moto runs no containers; MOTO_ECS_SERVICE_RUNNING is the running-task count it reports for every
  // service. Use the desired count of the environment's services, so a deployment completes only
  // when running == desired, as on AWS.
  const desired = [...new Set(stacks.flatMap((s) => resourcesOf(s, "aws_ecs_service").map((r) => r.desired_count ?? 1)))];
  if (desired.length > 1) throw new Error(`${label}: services with different desired counts (${desired.join(", ")}); moto reports one running count for all`);
  const env = desired.length ? { MOTO_ECS_SERVICE_RUNNING: String(desired[0]) } : {};
  // moto issues a requested certificate MOTO_ACM_VALIDATION_WAIT seconds after the request (its
  // documented switch; default 60) and does not read the validation record; AWS issues once the
  // record resolves, typically within minutes.
  if (stacks.some((s) => resourcesOf(s, "aws_acm_certificate_validation").length)) env.MOTO_ACM_VALIDATION_WAIT = "5";
  const { motoUrl, pid } = await emu.startMoto(env);
  console.log(`   moto ${motoUrl} (pid ${pid})${Object.entries(env).map(([k, v]) => `, ${k}=${v}`).join("")}`);
  for (const s of stacks) {
    const region = regionOf(s);
    for (const z of dataOf(s, "aws_route53_zone")) {
      const zone = await motoctl(tools, motoUrl, "create-hosted-zone", region, z.name);
      console.log(`   precondition: public hosted zone ${z.name} (${zone.id})`);
    }
    for (const d of dataOf(s, "aws_acm_certificate")) {
      const c = await motoctl(tools, motoUrl, "import-certificate", region, d.domain);
      console.log(`   precondition: ACM certificate for ${d.domain} (${c.certificateArn})`);
    }
  }
  return motoUrl;
}

/**
 * The lanes: the gap probe, each environment, the cdktf user path, BF_E2E_ENV_PARALLEL at a time
 * (default all). Each has an emulator of its own (a proxy and a fresh moto behind it), so each
 * environment still starts from an empty moto and is checked for leftovers on its own. The stacks
 * of an environment are synthesized against its proxy's URL, one environment at a time.
 */
async function runAll(tools, emulators, logs) {
  mkdirSync(tfEnv(tools).TF_PLUGIN_CACHE_DIR, { recursive: true });
  const emulator = async (label) => {
    const emu = await startEmulator({ motoServer: tools.motoServer, botocoreData: botocoreData(tools), logFile: join(logs, `moto-${label}.log`) });
    emulators.push(emu);
    return emu;
  };
  const envs = [];
  for (const envName of ENVS) {
    const emu = await emulator(envName);
    const outdir = join(WORK, envName, "out");
    mkdirSync(dirname(outdir), { recursive: true });
    const s = await synth(emu.url, outdir, logs, envName);
    if (!check(`${envName}: synth with BF_PROFILE=emulator (stacks use ${emu.url})`, s.code === 0 && existsSync(join(outdir, "manifest.json")), s.code ? tail(s.out) : `${s.seconds.toFixed(1)}s`)) continue;
    envs.push({ envName, emu, stacks: readManifest(outdir) });
  }
  if (!envs.length) return;
  const stacks = envs.flatMap((e) => e.stacks);
  const regions = regionsOf(stacks);
  const lanes = [
    ["gaps", async () => probeGaps(tools, await emulator("gaps"), regions[0])],
    ...envs.map((e) => [e.envName, () => runEnv(tools, e, logs, regions)]),
    ["cdktf", async () => cdktfUserPath(tools, await emulator("cdktf"), logs, stacks, regions)],
  ];
  const limit = Number(process.env.BF_E2E_ENV_PARALLEL ?? lanes.length);
  await inParallel(lanes, ([name, run]) =>
    lane.run(name, () => run().catch((err) => check(`${name}: e2e harness`, false, err.stack ?? String(err)))),
  limit);
}

/** One environment against its own emulator: apply level by level, check, re-plan, destroy, inventory. */
async function runEnv(tools, { envName, emu, stacks }, logs, regions) {
  const env = { ...tfEnv(tools), ...emu.httpProxyEnv };
  {
    const order = envOrder(stacks, envName);
    if (!check(`${envName}: has stacks`, order.length > 0, order.map((x) => x.name).join(" -> "))) return;
    const levels = levelsOf(order);
    console.log(`\n== ${envName}: ${levels.map((l) => l.map((x) => x.name).join(" + ")).join(" -> ")}`);
    const motoUrl = await freshEmulator(tools, emu, order, envName);
    const ctx = { tools, emu, env, logs, regions, motoUrl };
    // Stacks of one level depend only on earlier levels: they apply side by side (most of a stack's
    // time is the provider waiting on the emulator), and a stack is applied only when everything it
    // depends on applied.
    const applied = []; // { st, row, ok }
    const failed = new Set();
    for (const level of levels) {
      const ready = level.filter((st) => {
        const blocked = st.deps.filter((d) => failed.has(d));
        if (blocked.length) {
          failed.add(st.name);
          console.log(`   ${st.name}: not applied, it depends on ${blocked.join(", ")}, which did not apply`);
        }
        return !blocked.length;
      });
      const done = await inParallel(ready, (st) => applyStack(ctx, st));
      for (const d of done) {
        if (d.row) applied.push(d);
        if (!d.ok) failed.add(d.st.name);
      }
    }
    // Second plans once the whole environment has applied, side by side.
    await inParallel(applied.filter((a) => a.ok), (a) => replanStack(ctx, a));
    // Destroy in reverse level order, whatever happened above: a stack goes once every stack that
    // depends on it has gone.
    for (const level of [...levels].reverse()) {
      const mine = applied.filter((a) => level.includes(a.st));
      await inParallel(mine, (a) => destroyStack(ctx, a));
    }
    const left = leftovers(await motoctl(tools, motoUrl, "inventory", ...regions), emu.queryDefinitions());
    check(`${envName}: nothing of ours left in the emulator after destroy`, left.length === 0, left.join("; "));
  }
}

/** Stacks grouped by depth: a stack's level is one more than the deepest of its dependencies. */
function levelsOf(order) {
  const level = new Map();
  for (const st of order) level.set(st.name, Math.max(-1, ...st.deps.filter((d) => level.has(d)).map((d) => level.get(d))) + 1);
  const levels = [];
  for (const st of order) (levels[level.get(st.name)] ??= []).push(st);
  return levels;
}

/** Runs `fn` over `items`, at most `limit` (default BF_E2E_PARALLEL, 4) at a time; results in input order. */
async function inParallel(items, fn, limit = Number(process.env.BF_E2E_PARALLEL ?? 4)) {
  limit = Math.max(1, limit || 1);
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

// `terraform init` fills the shared plugin cache, which Terraform does not guarantee to be safe for
// concurrent use: inits run one at a time (seconds each), applies side by side.
let initQueue = Promise.resolve();
function serialInit(run) {
  const result = initQueue.then(run);
  initQueue = result.catch(() => {});
  return result;
}

/**
 * A worker's queue as configured: each aws_sqs_queue is in the emulator with its visibility timeout,
 * retention and SQS-managed encryption; the redrive policy points at the dead-letter queue with the
 * configured receive count; the dead-letter queue admits redrives from its source only; the
 * scaling policies (backlog, CPU, memory, and the wake-from-zero step policy where minTasks is 0)
 * and the queue alarms exist. Read through the harness's proxy (moto keeps no RedriveAllowPolicy).
 */
async function checkQueues(tools, emu, st) {
  const queues = resourcesOf(st, "aws_sqs_queue");
  if (!queues.length) return;
  const region = regionOf(st);
  const inv = (await motoctl(tools, emu.url, "inventory", region)).regions[0];
  const held = new Map(inv.sqsQueues.map((q) => [q.name, q]));
  for (const q of queues) {
    const a = held.get(q.name)?.attributes;
    if (!check(`${st.name}: queue ${q.name} is in the emulator`, !!a, [...held.keys()].join(", "))) continue;
    const want = { MessageRetentionPeriod: String(q.message_retention_seconds), SqsManagedSseEnabled: "true", ...(q.visibility_timeout_seconds ? { VisibilityTimeout: String(q.visibility_timeout_seconds) } : {}) };
    const got = Object.fromEntries(Object.keys(want).map((k) => [k, a[k]]));
    check(`${st.name}: queue ${q.name} has retention, visibility timeout and SQS-managed encryption as configured`, JSON.stringify(got) === JSON.stringify(want), `emulator: ${JSON.stringify(got)}; want ${JSON.stringify(want)}`);
  }
  for (const r of resourcesOf(st, "aws_sqs_queue_redrive_policy")) {
    const want = JSON.parse(r.redrive_policy);
    const source = queues.find((q) => !q.name.endsWith("-dlq"));
    const dlq = queues.find((q) => q.name.endsWith("-dlq"));
    const got = JSON.parse(held.get(source?.name)?.attributes?.RedrivePolicy ?? "{}");
    check(
      `${st.name}: ${source?.name} redrives to ${dlq?.name} after ${want.maxReceiveCount} receives`,
      !!dlq && got.maxReceiveCount === want.maxReceiveCount && String(got.deadLetterTargetArn).endsWith(`:${dlq.name}`),
      `emulator: ${JSON.stringify(got)}`,
    );
    const allow = JSON.parse(held.get(dlq?.name)?.attributes?.RedriveAllowPolicy ?? "{}");
    check(
      `${st.name}: ${dlq?.name} admits redrives from ${source?.name} only`,
      allow.redrivePermission === "byQueue" && allow.sourceQueueArns?.length === 1 && String(allow.sourceQueueArns[0]).endsWith(`:${source?.name}`),
      `emulator: ${JSON.stringify(allow)}`,
    );
  }
  const policies = resourcesOf(st, "aws_appautoscaling_policy");
  const heldPolicies = inv.scalingPolicies.map((p) => `${p.type}:${p.name.replace(/^.*-/, "")}`).sort();
  const wantPolicies = policies.map((p) => `${p.policy_type}:${String(p.name).replace(/^.*-/, "")}`).sort();
  check(`${st.name}: scaling policies ${wantPolicies.join(", ")} are in the emulator`, wantPolicies.every((p) => heldPolicies.includes(p)) && wantPolicies.some((p) => p.endsWith(":backlog")), `emulator: ${heldPolicies.join(", ")}`);
  const alarms = new Map(inv.alarms.map((x) => [x.name, x]));
  for (const al of resourcesOf(st, "aws_cloudwatch_metric_alarm").filter((x) => /-(dead-letters|oldest-message|queue-wake)$/.test(x.alarm_name))) {
    const a = alarms.get(al.alarm_name);
    const actions = al.alarm_name.endsWith("-queue-wake") ? "the wake policy" : "the alarm topic";
    check(`${st.name}: alarm ${al.alarm_name} exists and acts on ${actions}`, !!a && a.actions.length === 1 && (al.alarm_name.endsWith("-queue-wake") ? a.actions[0].includes(":scalingPolicy:") : a.actions[0].includes(":sns:") || a.actions[0].includes(":alarms")), a ? JSON.stringify(a.actions) : "missing");
  }
}

/** init, apply and checks of one stack (its second plan: replanStack); `row` is set once an apply was attempted. */
async function applyStack({ tools, emu, env, logs, regions, motoUrl }, st) {
  const problems = profileProblems(st, emu.url);
  if (!check(`${st.name}: emulator profile (provider endpoints + local backend)`, problems.length === 0, problems.join("; "))) return { st, ok: false };
  const log = join(logs, `${st.name}.log`);
  const init = await serialInit(() => sh(tools.terraform, ["init", "-input=false", "-no-color"], { cwd: st.dir, env, log }));
  if (!check(`${st.name}: terraform init`, init.code === 0, init.code ? tail(init.out) : "")) return { st, ok: false };
  const row = { stack: st.name, resources: "-", apply: "-", replan: "-", destroy: "-" };
  rows.push(row);
  const apply = await sh(tools.terraform, ["apply", "-input=false", "-auto-approve", "-no-color", ...varsFor(st)], { cwd: st.dir, env, log });
  row.apply = apply.seconds.toFixed(1);
  const added = (strip(apply.out).match(/Apply complete! Resources: (\d+) added/) ?? [])[1];
  row.resources = added ?? "?";
  if (!check(`${st.name}: terraform apply`, apply.code === 0, apply.code ? tail(apply.out, 40) : `${added} added, ${row.apply}s`)) return { st, row, ok: false };
  const out = await sh(tools.terraform, ["output", "-json", "-no-color"], { cwd: st.dir, env, log });
  const outputs = out.code === 0 ? JSON.parse(out.out) : {};
  const inv = await motoctl(tools, motoUrl, "inventory", ...regions);
  checkOutputs(st, outputs, inv);
  checkOperations(st, outputs, inv, emu.queryDefinitions());
  await checkTrafficShift(tools, motoUrl, st);
  await checkDomain(tools, motoUrl, st);
  await checkQueues(tools, emu, st);
  await checkFailedRuns(tools, motoUrl, st, outputs);
  return { st, row, ok: true };
}

/**
 * The second plan of an applied stack (must be empty). It runs once the whole environment has
 * applied, side by side with the other stacks' (so the next level's apply does not wait for it),
 * and so also shows a stack that a later stack's resources would change.
 */
async function replanStack({ tools, env, logs }, { st, row }) {
  const log = join(logs, `${st.name}.log`);
  const plan = await sh(tools.terraform, ["plan", "-input=false", "-no-color", "-detailed-exitcode", ...varsFor(st)], { cwd: st.dir, env, log });
  const summary = (strip(plan.out).match(/Plan: .*$/m) ?? ["no changes"])[0];
  row.replan = plan.code === 0 ? "0" : plan.code === 2 ? summary.replace(/^Plan: /, "") : "error";
  const changes = plan.code === 2 ? strip(plan.out).split("\n").filter((l) => /^\s+# .* (will|must) be/.test(l) || /^\s+[~+-] /.test(l)).slice(0, 40).join("\n") : "";
  check(`${st.name}: second plan has no changes`, plan.code === 0, plan.code === 2 ? `${summary}\n${changes}` : plan.code ? tail(plan.out) : "");
}

async function destroyStack({ tools, env, logs, motoUrl }, { st, row }) {
  const log = join(logs, `${st.name}.log`);
  for (const lb of resourcesOf(st, "aws_lb").filter((l) => l.enable_deletion_protection)) {
    // AWS refuses to delete a protected load balancer (moto does not check): lift the
    // protection first, as an operator must before tearing an environment down.
    const res = await motoctl(tools, motoUrl, "disable-deletion-protection", regionOf(st), lb.name);
    if (res.found) console.log(`   ${st.name}: deletion protection of ${lb.name} lifted before destroy`);
  }
  // -refresh=false: the second plan has just read every resource back and found the state right, so
  // destroy plans from the state apply wrote instead of reading everything again (the inventory
  // after destroy is the proof that nothing is left; the cdktf user path destroys with a refresh).
  const d = await sh(tools.terraform, ["destroy", "-input=false", "-auto-approve", "-no-color", "-refresh=false", ...varsFor(st)], { cwd: st.dir, env, log });
  row.destroy = d.code === 0 ? `ok ${d.seconds.toFixed(1)}s` : "FAILED";
  check(`${st.name}: terraform destroy`, d.code === 0, d.code ? tail(d.out) : `${d.seconds.toFixed(1)}s`);
}

/** The user's path: `cdktf deploy` and `cdktf destroy` of one stack with the same Terraform binary. */
async function cdktfUserPath(tools, emu, logs, stacks, regions) {
  const stack = stacks.find((s) => s.name === CDKTF_STACK);
  if (!check(`cdktf: stack ${CDKTF_STACK} exists`, !!stack && stack.deps.length === 0, stack ? `dependencies: ${stack.deps.join(", ") || "none"}` : "")) return;
  console.log(`\n== cdktf deploy / destroy ${CDKTF_STACK}`);
  const motoUrl = await freshEmulator(tools, emu, [stack], "cdktf");
  const cdktf = join(STACKS, "node_modules", ".bin", "cdktf");
  // cdktf synthesizes into <dir>/out; the local state then lands in <dir> (../../../ of the stack).
  const outdir = join(WORK, "cdktf", "out");
  mkdirSync(join(WORK, "cdktf", "plugin-cache"), { recursive: true });
  const env = {
    ...tfEnv(tools),
    ...emu.httpProxyEnv,
    // A plugin cache of its own: cdktf runs `terraform init` itself, outside the harness's one-at-a-time
    // inits, while the environments run theirs (the cache holds links into the mirror; nothing is copied).
    TF_PLUGIN_CACHE_DIR: join(WORK, "cdktf", "plugin-cache"),
    TERRAFORM_BINARY_NAME: tools.terraform,
    CHECKPOINT_DISABLE: "1",
    CI: "1",
    FORCE_COLOR: "0",
    BF_PROFILE: "emulator",
    BF_AWS_ENDPOINT: emu.url,
    BF_ENVIRONMENTS: CDKTF_STACK.split("-")[0],
  };
  const log = join(logs, `cdktf-${CDKTF_STACK}.log`);
  const row = { stack: `${CDKTF_STACK} (cdktf)`, resources: "-", apply: "-", replan: "n/a", destroy: "-" };
  rows.push(row);
  // --skip-provider-lock: cdktf would run `terraform providers lock`, which asks the public registry
  // (unreachable here) and ignores the CLI config's filesystem mirror; `terraform init` has already
  // written the lock file from the mirror. --ignore-missing-stack-dependencies (destroy): this
  // stack's dependants (cluster, services) were never deployed in this run.
  const flags = ["--auto-approve", "--skip-provider-lock", "--output", outdir];
  const dep = await sh(cdktf, ["deploy", CDKTF_STACK, ...flags], { cwd: ROOT, env, log, timeoutMs: 20 * 60_000 });
  row.apply = dep.seconds.toFixed(1);
  const added = (strip(dep.out).match(/Apply complete! Resources: (\d+) added/) ?? [])[1];
  row.resources = added ?? "?";
  const inv = await motoctl(tools, motoUrl, "inventory", ...regions);
  const vpcs = inv.regions.flatMap((r) => r.vpcs);
  check(`cdktf deploy ${CDKTF_STACK}`, dep.code === 0 && added !== undefined && vpcs.length > 0, dep.code ? tail(strip(dep.out), 40) : `${added} added in ${row.apply}s; VPCs in the emulator: ${vpcs.map((v) => v.id).join(", ")}`);
  const des = await sh(cdktf, ["destroy", CDKTF_STACK, ...flags, "--ignore-missing-stack-dependencies"], { cwd: ROOT, env, log, timeoutMs: 20 * 60_000 });
  row.destroy = des.code === 0 ? `ok ${des.seconds.toFixed(1)}s` : "FAILED";
  check(`cdktf destroy ${CDKTF_STACK}`, des.code === 0, des.code ? tail(strip(des.out), 40) : `${des.seconds.toFixed(1)}s`);
  const left = leftovers(await motoctl(tools, motoUrl, "inventory", ...regions));
  check(`cdktf: nothing of ours left after destroy`, left.length === 0, left.join("; "));
}

function printTable() {
  if (!rows.length) return;
  const head = ["stack", "resources", "apply s", "2nd plan changes", "destroy"];
  // Lanes finish in any order: rows by environment (as BF_E2E_ENVS lists them), the cdktf user path last.
  const rank = (r) => (r.stack.endsWith("(cdktf)") ? ENVS.length : ENVS.indexOf(r.stack.split("-")[0]));
  const data = [...rows].sort((a, b) => rank(a) - rank(b)).map((r) => [r.stack, String(r.resources), String(r.apply), String(r.replan), String(r.destroy)]);
  const w = head.map((h, i) => Math.max(h.length, ...data.map((d) => d[i].length)));
  const line = (cells) => cells.map((c, i) => c.padEnd(w[i])).join("  ");
  console.log(`\n${line(head)}\n${w.map((n) => "-".repeat(n)).join("  ")}`);
  for (const d of data) console.log(line(d));
}
main().catch((err) => {
  check("e2e harness", false, err.stack ?? String(err));
  finish();
});
