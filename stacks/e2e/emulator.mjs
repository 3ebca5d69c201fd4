// The AWS stand-in for the deploy proof: moto on 127.0.0.1, behind a small pass-through proxy that
// fills the gaps listed in README.md ("Emulator gaps") and nothing else. The stacks' provider talks
// to the proxy's URL; every request the proxy does not fill is forwarded to moto unchanged.
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { openSync } from "node:fs";
import { decodeCbor, encodeCbor, loadCborModels, toJsonValue } from "./cbor.mjs";
import http from "node:http";
import net from "node:net";

/** A free TCP port on 127.0.0.1 (the OS picks it; closed again before use). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function waitForMoto(url, child, deadlineMs) {
  const until = Date.now() + deadlineMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with code ${child.exitCode}`);
    try {
      const res = await fetch(`${url}/moto-api/data.json`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`moto_server did not answer on ${url} within ${deadlineMs / 1000}s`);
}

/**
 * Gap fillers, keyed by the JSON-protocol target "<prefix>.<Operation>". Each returns the response
 * body (a JSON string), or undefined to forward the request to moto. `forward()` forwards it and
 * returns moto's { status, body }. Every call is counted in `gapCalls` so the run can report them.
 */
function gapFillers(queryDefinitions) {
  const ecsTarget = "AmazonEC2ContainerServiceV20141113";
  // ECS: moto 5.2.5 has no ListServiceDeployments / DescribeServiceDeployments. Since provider 6.4
  // (so in 6.25.0 too), aws_ecs_service with wait_for_steady_state finds the service deployment of
  // a new primary deployment with them and waits for its status. Answer them from moto's own
  // DescribeServices: one service deployment per moto deployment, its id the deployment's, its
  // status from moto's rolloutState (COMPLETED -> SUCCESSFUL, FAILED -> ROLLBACK_FAILED,
  // otherwise IN_PROGRESS). Nothing is reported successful that moto does not hold as completed.
  const describeServices = async (ask, cluster, services) => {
    const r = await ask(`${ecsTarget}.DescribeServices`, { cluster, services });
    if (r.status !== 200) throw new Error(`DescribeServices: ${r.status} ${r.body}`);
    return JSON.parse(r.body).services ?? [];
  };
  const epoch = (t) => (typeof t === "number" ? t : Date.parse(t) / 1000);
  const deploymentStatus = (d) => ({ COMPLETED: "SUCCESSFUL", FAILED: "ROLLBACK_FAILED" })[d.rolloutState] ?? "IN_PROGRESS";
  const revisionArns = (svc, d) => {
    const [, , , region, account] = svc.serviceArn.split(":");
    const cluster = svc.clusterArn.split("/").pop();
    const id = String(d.id).split("/").pop();
    const base = `arn:aws:ecs:${region}:${account}`;
    return {
      serviceDeploymentArn: `${base}:service-deployment/${cluster}/${svc.serviceName}/${id}`,
      targetServiceRevisionArn: `${base}:service-revision/${cluster}/${svc.serviceName}/${id}`,
    };
  };
  const brief = (svc, d) => ({
    ...revisionArns(svc, d),
    serviceArn: svc.serviceArn,
    clusterArn: svc.clusterArn,
    createdAt: epoch(d.createdAt),
    startedAt: epoch(d.createdAt),
    status: deploymentStatus(d),
    statusReason: d.rolloutStateReason,
  });
  // ECS: moto 5.2.5 ignores these CreateService / UpdateService parameters and so never returns
  // them; the provider then plans a change of each on every run. Keep what the provider sent, per
  // service ARN, and put it into the service objects moto returns where moto has no value (as AWS
  // does; a service with a capacity provider strategy has no launchType). deploymentConfiguration
  // (strategy, bake time, canary or linear steps, alarms, circuit breaker, percentages) is dropped
  // whole; the provider then keeps its own values in state and plans nothing, which would hide a
  // value that does not survive the round trip, so it is returned too, merged over the updates.
  const SERVICE_KEYS = ["capacityProviderStrategy", "enableECSManagedTags", "healthCheckGracePeriodSeconds", "enableExecuteCommand", "deploymentConfiguration"];
  const serviceExtras = new Map();
  const absent = (v) => v === undefined || v === null || (Array.isArray(v) && v.length === 0);
  const withExtras = (svc) => {
    for (const [k, v] of Object.entries((svc && serviceExtras.get(svc.serviceArn)) ?? {})) {
      if (!absent(svc[k])) continue;
      svc[k] = v;
      if (k === "capacityProviderStrategy") delete svc.launchType;
    }
    return svc;
  };
  const normStrategy = (st) => st.map((x) => ({ capacityProvider: x.capacityProvider, weight: x.weight ?? 0, base: x.base ?? 0 }));
  const patchService = (record) => async (req, forward) => {
    const r = await forward();
    if (r.status !== 200) return r;
    const out = JSON.parse(r.body);
    if (record && out.service) {
      const extras = { ...(serviceExtras.get(out.service.serviceArn) ?? {}) };
      for (const k of SERVICE_KEYS) {
        if (absent(req[k])) continue;
        // UpdateService sends only the parts of deploymentConfiguration that changed.
        extras[k] = k === "capacityProviderStrategy" ? normStrategy(req[k]) : k === "deploymentConfiguration" ? { ...(extras[k] ?? {}), ...req[k] } : req[k];
      }
      serviceExtras.set(out.service.serviceArn, extras);
    }
    if (out.service) withExtras(out.service);
    for (const svc of out.services ?? []) withExtras(svc);
    return { status: 200, headers: r.headers, body: JSON.stringify(out) };
  };
  const ecs = {
    [`${ecsTarget}.CreateService`]: patchService(true),
    [`${ecsTarget}.UpdateService`]: patchService(true),
    [`${ecsTarget}.DescribeServices`]: patchService(false),
    [`${ecsTarget}.DeleteService`]: patchService(false),
    [`${ecsTarget}.ListServiceDeployments`]: async (req, _forward, ask) => {
      const [svc] = await describeServices(ask, req.cluster ?? "default", [req.service]);
      if (!svc) return { status: 400, body: JSON.stringify({ __type: "ServiceNotFoundException", message: "Service not found." }) };
      const after = req.createdAt?.after !== undefined ? epoch(req.createdAt.after) : -Infinity;
      const before = req.createdAt?.before !== undefined ? epoch(req.createdAt.before) : Infinity;
      const wanted = req.status?.length ? new Set(req.status) : null;
      const list = (svc.deployments ?? [])
        .map((d) => brief(svc, d))
        .filter((b) => b.createdAt > after && b.createdAt < before && (!wanted || wanted.has(b.status)));
      return { status: 200, body: JSON.stringify({ serviceDeployments: list }) };
    },
    [`${ecsTarget}.DescribeServiceDeployments`]: async (req, _forward, ask) => {
      const out = [];
      const failures = [];
      for (const arn of req.serviceDeploymentArns ?? []) {
        const [cluster, service, id] = arn.split(":service-deployment/")[1]?.split("/") ?? [];
        const [svc] = cluster ? await describeServices(ask, cluster, [service]) : [];
        const d = svc?.deployments?.find((x) => String(x.id).split("/").pop() === id);
        if (!d) {
          failures.push({ arn, reason: "MISSING" });
          continue;
        }
        const b = brief(svc, d);
        out.push({ ...b, targetServiceRevision: { arn: b.targetServiceRevisionArn, requestedTaskCount: d.desiredCount, runningTaskCount: d.runningCount, pendingTaskCount: d.pendingCount }, updatedAt: epoch(d.updatedAt ?? d.createdAt) });
      }
      return { status: 200, body: JSON.stringify({ serviceDeployments: out, failures }) };
    },
  };

  // CloudWatch Logs: moto 5.2.5 has no PutQueryDefinition / DescribeQueryDefinitions /
  // DeleteQueryDefinition (aws_cloudwatch_query_definition). Keep the definitions here, with AWS's
  // semantics: put without an ID creates one (a new UUID), with an ID replaces it; describe filters
  // by name prefix; delete of an unknown ID is ResourceNotFoundException.
  const logsTarget = "Logs_20140328";
  const notFound = (message) => ({ status: 400, body: JSON.stringify({ __type: "ResourceNotFoundException", message }) });
  const logs = {
    [`${logsTarget}.PutQueryDefinition`]: async (req) => {
      if (!req.name || !req.queryString) return { status: 400, body: JSON.stringify({ __type: "InvalidParameterException", message: "name and queryString are required" }) };
      const id = req.queryDefinitionId ?? randomUUID();
      if (req.queryDefinitionId && !queryDefinitions.has(id)) return notFound(`query definition ${id} does not exist`);
      queryDefinitions.set(id, { queryDefinitionId: id, name: req.name, queryString: req.queryString, logGroupNames: req.logGroupNames ?? [], lastModified: Date.now(), queryLanguage: req.queryLanguage ?? "CWLI" });
      return { status: 200, body: JSON.stringify({ queryDefinitionId: id }) };
    },
    [`${logsTarget}.DescribeQueryDefinitions`]: async (req) => {
      const prefix = req.queryDefinitionNamePrefix ?? "";
      const all = [...queryDefinitions.values()].filter((d) => d.name.startsWith(prefix));
      return { status: 200, body: JSON.stringify({ queryDefinitions: all }) };
    },
    [`${logsTarget}.DeleteQueryDefinition`]: async (req) => {
      if (!queryDefinitions.delete(req.queryDefinitionId)) return notFound(`query definition ${req.queryDefinitionId} does not exist`);
      return { status: 200, body: JSON.stringify({ success: true }) };
    },
  };

  // Application Auto Scaling: moto 5.2.5 has no TagResource / UntagResource / ListTagsForResource,
  // and ignores the Tags of RegisterScalableTarget. The provider reads the tags of every
  // aws_appautoscaling_target after create and on refresh. Keep them here, keyed by target ARN,
  // with the same semantics as AWS (register with Tags tags the target; tag/untag merge/remove).
  const tags = new Map();

  // SQS: moto 5.2.5 writes a queue's RedrivePolicy back with Python's JSON spacing ({"a": 1}) where
  // the provider sent it compact ({"a":1}), and aws_sqs_queue_redrive_policy compares the strings,
  // so every plan wants to set it again: compact moto's own value (its keys and values unchanged).
  // moto also knows no RedriveAllowPolicy: SetQueueAttributes drops it and GetQueueAttributes
  // refuses the name. Keep the policy the provider set, per queue name, and answer it back (the
  // rest of each call goes to moto). Deleting the queue forgets it.
  const sqsTarget = "AmazonSQS";
  const allowPolicies = new Map();
  const queueName = (url) => String(url ?? "").split("/").pop();
  const sqs = {
    [`${sqsTarget}.SetQueueAttributes`]: async (req, forward, ask) => {
      const attributes = { ...(req.Attributes ?? {}) };
      if (!Object.hasOwn(attributes, "RedriveAllowPolicy")) return forward();
      const policy = attributes.RedriveAllowPolicy;
      delete attributes.RedriveAllowPolicy;
      const r = Object.keys(attributes).length ? await ask(`${sqsTarget}.SetQueueAttributes`, { ...req, Attributes: attributes }) : { status: 200, body: "{}" };
      if (r.status === 200) {
        if (policy) allowPolicies.set(queueName(req.QueueUrl), policy);
        else allowPolicies.delete(queueName(req.QueueUrl));
      }
      return r;
    },
    [`${sqsTarget}.GetQueueAttributes`]: async (req, _forward, ask) => {
      const names = req.AttributeNames ?? [];
      const wantsAllow = names.includes("All") || names.includes("RedriveAllowPolicy");
      const rest = names.filter((n) => n !== "RedriveAllowPolicy");
      const r = rest.length || !wantsAllow ? await ask(`${sqsTarget}.GetQueueAttributes`, { ...req, AttributeNames: rest }) : { status: 200, body: "{}" };
      if (r.status !== 200) return r;
      const out = JSON.parse(r.body || "{}");
      const attributes = { ...(out.Attributes ?? {}) };
      if (attributes.RedrivePolicy) attributes.RedrivePolicy = JSON.stringify(JSON.parse(attributes.RedrivePolicy));
      const allow = allowPolicies.get(queueName(req.QueueUrl));
      if (wantsAllow && allow) attributes.RedriveAllowPolicy = allow;
      return { status: 200, headers: r.headers, body: JSON.stringify({ ...out, Attributes: attributes }) };
    },
    [`${sqsTarget}.DeleteQueue`]: async (req, forward) => {
      const r = await forward();
      if (r.status === 200) allowPolicies.delete(queueName(req.QueueUrl));
      return r;
    },
  };
  return {
    ...ecs,
    ...logs,
    ...sqs,
    "AnyScaleFrontendService.RegisterScalableTarget": async (req, forward) => {
      const res = await forward();
      if (res.status === 200 && req.Tags && Object.keys(req.Tags).length) {
        const arn = JSON.parse(res.body).ScalableTargetARN;
        tags.set(arn, { ...(tags.get(arn) ?? {}), ...req.Tags });
      }
      return res;
    },
    "AnyScaleFrontendService.TagResource": async (req) => {
      tags.set(req.ResourceARN, { ...(tags.get(req.ResourceARN) ?? {}), ...req.Tags });
      return { status: 200, body: "{}" };
    },
    "AnyScaleFrontendService.UntagResource": async (req) => {
      const t = { ...(tags.get(req.ResourceARN) ?? {}) };
      for (const k of req.TagKeys ?? []) delete t[k];
      tags.set(req.ResourceARN, t);
      return { status: 200, body: "{}" };
    },
    "AnyScaleFrontendService.ListTagsForResource": async (req) => {
      return { status: 200, body: JSON.stringify({ Tags: tags.get(req.ResourceARN) ?? {} }) };
    },
  };
}

/**
 * Gap fillers for query-protocol (form-encoded) calls, keyed by Action; same contract as above, with
 * the request's parameters as a flat object.
 */
function queryFillers() {
  // EC2: moto 5.2.5 drops the Description of a rule that references a security group
  // (IpPermissions.N.Groups.M.Description): DescribeSecurityGroupRules and the Authorize* responses
  // have no <description> for it, so aws_vpc_security_group_{ingress,egress}_rule with
  // referenced_security_group_id and a description plans a change on every run. Keep the
  // description the provider sent, per rule id, and put it into moto's XML where it is missing.
  const descriptions = new Map();
  const esc = (t) => t.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const inject = (xml) =>
    xml.replace(/<item><securityGroupRuleId>(sgr-[0-9a-f]+)<\/securityGroupRuleId>(.*?)<\/item>/gs, (all, id, rest) =>
      descriptions.has(id) && !/<description>/.test(rest.replace(/<tagSet>.*?<\/tagSet>/gs, ""))
        ? `<item><securityGroupRuleId>${id}</securityGroupRuleId><description>${esc(descriptions.get(id))}</description>${rest}</item>`
        : all,
    );
  const authorize = async (p, forward) => {
    const r = await forward();
    if (r.status !== 200) return r;
    const groups = Object.keys(p).filter((k) => /^IpPermissions\.\d+\.Groups\.\d+\.GroupId$/.test(k));
    const ids = [...r.body.matchAll(/<securityGroupRuleId>(sgr-[0-9a-f]+)<\/securityGroupRuleId>/g)].map((m) => m[1]);
    // One referenced group per call (what the provider's *_rule resources send): rule <-> description.
    if (groups.length === 1 && ids.length === 1) {
      const d = p[groups[0].replace(/GroupId$/, "Description")];
      if (d) descriptions.set(ids[0], d);
    }
    return { status: r.status, headers: r.headers, body: inject(r.body) };
  };
  // EC2: moto 5.2.5 keeps a subnet's IPv6 association state as {"State": "associated"} and then
  // writes that dict's text as the state in CreateSubnet and DescribeSubnets
  // (<ipv6CidrBlockState><state>{'State': 'associated'}</state>); the provider waits for
  // "associated" and never sees it. Unwrap moto's own value; nothing else changes.
  const subnetState = async (_p, forward) => {
    const r = await forward();
    if (r.status !== 200) return r;
    return { status: r.status, headers: r.headers, body: r.body.replace(/<state>\{'State': '([a-z-]+)'\}<\/state>/g, "<state>$1</state>") };
  };
  return {
    CreateSubnet: subnetState,
    DescribeSubnets: subnetState,
    AuthorizeSecurityGroupIngress: authorize,
    AuthorizeSecurityGroupEgress: authorize,
    ModifySecurityGroupRules: async (p, forward) => {
      const r = await forward();
      const id = p["SecurityGroupRule.1.SecurityGroupRuleId"];
      const d = p["SecurityGroupRule.1.SecurityGroupRule.Description"];
      if (r.status === 200 && descriptions.has(id) && d !== undefined) descriptions.set(id, d);
      return r;
    },
    DescribeSecurityGroupRules: async (_p, forward) => {
      const r = await forward();
      return r.status === 200 ? { status: r.status, headers: r.headers, body: inject(r.body) } : r;
    },
  };
}

// S3: since provider 6.24 aws_s3_bucket sends its tags inside CreateBucket's
// CreateBucketConfiguration (and reads them with S3 Control ListTagsForResource). moto 5.2.5 drops
// those tags, so every plan wants to add them again. After moto created the bucket, tag it through
// moto's own S3 Control TagResource with exactly the tags the provider sent.
const S3_ACCOUNT = "123456789012"; // moto's default account
async function createBucketWithTags(req, body, port) {
  const bucket = decodeURIComponent(req.url.slice(1).replace(/\/$/, ""));
  const r = await send(port, req.method, req.url, req.headers, body);
  const tags = [...body.toString("utf8").matchAll(/<Tag>\s*<Key>(.*?)<\/Key>\s*<Value>(.*?)<\/Value>\s*<\/Tag>/gs)];
  if (r.status === 200 && tags.length) {
    const xml = `<?xml version="1.0" encoding="UTF-8"?><TagResourceRequest xmlns="http://awss3control.amazonaws.com/doc/2018-08-20/"><Tags>${tags
      .map((m) => `<Tag><Key>${m[1]}</Key><Value>${m[2]}</Value></Tag>`)
      .join("")}</Tags></TagResourceRequest>`;
    const b = Buffer.from(xml);
    const headers = { ...req.headers, "x-amz-account-id": S3_ACCOUNT, "content-type": "application/xml", "content-length": String(b.length) };
    delete headers["transfer-encoding"];
    const t = await send(port, "POST", `/v20180820/tags/${encodeURIComponent(`arn:aws:s3:::${bucket}`)}`, headers, b);
    if (t.status >= 300) throw new Error(`S3 Control TagResource for ${bucket}: ${t.status} ${t.body}`);
  }
  return r;
}

/** One HTTP exchange with moto; resolves { status, headers, raw, body }. */
function send(port, method, path, headers, body) {
  return new Promise((resolve, reject) => {
    const up = http.request({ host: "127.0.0.1", port, method, path, headers }, (res) => {
      const out = [];
      res.on("data", (c) => out.push(c));
      res.on("end", () => {
        const raw = Buffer.concat(out);
        resolve({ status: res.statusCode, headers: res.headers, raw, body: raw.toString("utf8") });
      });
    });
    up.on("error", reject);
    up.end(body);
  });
}

// Services the provider reaches over Smithy RPC v2 CBOR, which moto does not speak (see cbor.mjs).
const CBOR_SERVICES = [{ name: "cloudwatch", apiVersion: "2010-08-01" }];

/** Answers a Smithy RPC v2 CBOR request through moto's AWS JSON 1.0 protocol for the same operation. */
async function viaJson(model, op, req, body, port) {
  const input = toJsonValue(decodeCbor(body));
  const payload = Buffer.from(JSON.stringify(input));
  const headers = { ...req.headers };
  for (const h of ["content-length", "content-type", "accept", "smithy-protocol"]) delete headers[h];
  const r = await send(port, "POST", "/", {
    ...headers,
    "content-type": `application/x-amz-json-${model.jsonVersion}`,
    "x-amz-target": `${model.target}.${op}`,
    "content-length": String(payload.length),
  }, payload);
  const json = r.body.trim() ? JSON.parse(r.body) : {};
  const outShape = r.status === 200 ? model.operations[op]?.output?.shape : undefined;
  const raw = encodeCbor(json, outShape, model.shapes);
  return {
    status: r.status,
    headers: { "content-type": "application/cbor", "smithy-protocol": "rpc-v2-cbor", "x-amzn-requestid": r.headers["x-amzn-requestid"] ?? "e2e" },
    raw,
  };
}

function startProxy(state, port, gapCalls, cborModels, queryDefinitions) {
  const fillers = gapFillers(queryDefinitions);
  const query = queryFillers();
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", async () => {
      const body = Buffer.concat(chunks);
      // Requests that reach us as an HTTP proxy (absolute URL; see `httpProxyEnv`) go to moto by path.
      if (/^https?:\/\//.test(req.url)) req.url = req.url.replace(/^https?:\/\/[^/]*/, "") || "/";
      const forward = () => send(state.motoPort, req.method, req.url, req.headers, body);
      // Another JSON-protocol call to moto on the same service, signed like the request at hand.
      const ask = (target, payload) => {
        const b = Buffer.from(JSON.stringify(payload));
        return send(state.motoPort, "POST", "/", { ...req.headers, "x-amz-target": target, "content-length": String(b.length) }, b);
      };
      try {
        if (!state.motoPort) throw new Error("moto is not running");
        if (req.method === "PUT" && /^\/[^/?]+\/?$/.test(req.url) && /<CreateBucketConfiguration[\s\S]*<Tags>/.test(body.toString("utf8"))) {
          gapCalls.set("S3 CreateBucket with Tags", (gapCalls.get("S3 CreateBucket with Tags") ?? 0) + 1);
          const r = await createBucketWithTags(req, body, state.motoPort);
          const headers = { ...r.headers };
          delete headers["transfer-encoding"];
          headers["content-length"] = String(r.raw.length);
          res.writeHead(r.status, headers);
          res.end(r.raw);
          return;
        }
        const rpc = /^\/service\/([^/]+)\/operation\/([^/?]+)/.exec(req.url ?? "");
        if (rpc && req.headers["smithy-protocol"] === "rpc-v2-cbor" && cborModels[rpc[1]]) {
          const key = `${rpc[1]}.${rpc[2]} (CBOR)`;
          gapCalls.set(key, (gapCalls.get(key) ?? 0) + 1);
          const r = await viaJson(cborModels[rpc[1]], rpc[2], req, body, state.motoPort);
          res.writeHead(r.status, { ...r.headers, "content-length": String(r.raw.length) });
          res.end(r.raw);
          return;
        }
        let op = req.headers["x-amz-target"];
        let fill = op && Object.hasOwn(fillers, op) ? fillers[op] : undefined;
        let input = fill ? JSON.parse(body.toString("utf8") || "{}") : undefined;
        if (!op && String(req.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded")) {
          const params = Object.fromEntries(new URLSearchParams(body.toString("utf8")));
          op = params.Action;
          fill = op && Object.hasOwn(query, op) ? query[op] : undefined;
          input = params;
        }
        const r = fill ? await fill(input, forward, ask) : await forward();
        if (fill) gapCalls.set(op, (gapCalls.get(op) ?? 0) + 1);
        const headers = r.headers ? { ...r.headers } : { "content-type": "application/x-amz-json-1.1" };
        delete headers["transfer-encoding"];
        const raw = r.raw ?? Buffer.from(r.body);
        if (req.method !== "HEAD") headers["content-length"] = String(raw.length);
        res.writeHead(r.status, headers);
        res.end(raw);
      } catch (err) {
        res.writeHead(502, { "content-type": "text/plain" });
        res.end(`e2e proxy: ${err.message}`);
      }
    });
  });
  return new Promise((resolve, reject) => {
    server.on("error", reject);
    server.listen(port, "127.0.0.1", () => resolve(server));
  });
}

/**
 * Starts the gap-filling proxy on a free port of 127.0.0.1: its URL is what the stacks are
 * synthesized with, and it stays the same for the whole run. moto runs behind it and can be
 * replaced by a fresh one (`startMoto`), e.g. one per environment. `stop()` stops both; it is also
 * called on process exit, so moto never outlives the run.
 */
export async function startEmulator({ motoServer, botocoreData, logFile }) {
  const state = { motoPort: 0, child: null };
  const gapCalls = new Map();
  // Saved Logs Insights queries, which moto does not hold (see gapFillers); emptied with each fresh moto.
  const queryDefinitions = new Map();
  const port = await freePort();
  const proxy = await startProxy(state, port, gapCalls, loadCborModels(botocoreData, CBOR_SERVICES), queryDefinitions);
  const log = openSync(logFile, "a");

  const stopMoto = async () => {
    const child = state.child;
    state.child = null;
    state.motoPort = 0;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (child.exitCode === null) child.kill("SIGKILL");
  };

  /** Starts a fresh moto (empty state) with the given extra environment, replacing any running one. */
  const startMoto = async (env = {}) => {
    await stopMoto();
    queryDefinitions.clear();
    const motoPort = await freePort();
    const child = spawn(motoServer, ["-H", "127.0.0.1", "-p", String(motoPort)], {
      stdio: ["ignore", log, log],
      env: { ...process.env, ...env },
    });
    state.child = child;
    const motoUrl = `http://127.0.0.1:${motoPort}`;
    await waitForMoto(motoUrl, child, 60_000);
    state.motoPort = motoPort;
    return { motoUrl, pid: child.pid };
  };

  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    proxy.close();
    proxy.closeAllConnections?.();
    if (state.child && state.child.exitCode === null) state.child.kill("SIGTERM");
  };
  process.on("exit", stop);
  return {
    /** The saved queries the proxy holds for the running moto. */
    queryDefinitions: () => [...queryDefinitions.values()],
    url: `http://127.0.0.1:${port}`,
    /**
     * Environment for Terraform: the AWS SDK puts a host prefix in front of the endpoint for some
     * APIs (S3 Control: "<account id>.<endpoint host>"), which no resolver maps to 127.0.0.1. With
     * the proxy as HTTP proxy, such requests reach it by absolute URL and go on to moto; requests
     * to 127.0.0.1 itself never use a proxy (Go's net/http skips loopback), so nothing else changes.
     */
    httpProxyEnv: {
      HTTP_PROXY: `http://127.0.0.1:${port}`,
      http_proxy: `http://127.0.0.1:${port}`,
      HTTPS_PROXY: "",
      https_proxy: "",
      NO_PROXY: "",
      no_proxy: "",
    },
    get motoUrl() {
      return state.motoPort ? `http://127.0.0.1:${state.motoPort}` : undefined;
    },
    gapCalls,
    startMoto,
    stopMoto,
    stop,
  };
}
