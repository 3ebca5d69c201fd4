/**
 * `pnpm logs` as a person runs it: the real CLI as a process, against moto's CloudWatch Logs
 * (started from the deploy proof's tool cache, as stacks/e2e does), holding lines the real bun-api
 * server wrote. Where the cache has no moto, the moto tests are reported skipped.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { spawn, spawnSync, type Subprocess } from "bun";
import { existsSync, mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { defaultConfig, loadConfig, serviceLogGroupName } from "@bun-fargate/config";
import { MAX_QUERY_LOG_GROUPS, traceEvents, traceQuery } from "../src/logs";
import { prettyLine } from "../src/pretty";

const ROOT = join(import.meta.dir, "..", "..", "..");
const CLI = join(import.meta.dir, "..", "src", "cli.ts");
const API = join(ROOT, "services", "bun-api", "src", "main.ts");
const CACHE = process.env.BF_E2E_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "bun-fargate", "e2e");
const MOTO = join(CACHE, "venv", "bin", "moto_server");
const hasMoto = existsSync(MOTO);
if (!hasMoto) console.warn(`skipped: the moto tests need ${MOTO} (npx pnpm e2e:setup)`);

const TRACE_A = "1-6b02f941-f12e7d0c409369c33074d233";
const TRACE_B = "1-6b02f942-0123456789abcdef01234567";
const GROUP = "/ecs/bunfg/dev/bun-api";

/** Runs the CLI with only the environment given (no credentials of the caller's leak in). */
function cli(args: string[], env: Record<string, string>) {
  const r = spawnSync([process.execPath, CLI, ...args], { cwd: ROOT, env: { PATH: process.env.PATH ?? "", HOME: mkdtempSync(join(tmpdir(), "logs-home-")), AWS_EC2_METADATA_DISABLED: "true", ...env } });
  return { code: r.exitCode, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

const NO_STACK = /\n\s+at \S/;

describe("pnpm logs without AWS", () => {
  test("no credentials: one clear message naming the environment, exit 1, no stack trace", () => {
    const r = cli(["dev", "bun-api"], {});
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("pnpm logs: no AWS credentials for dev (region us-east-1, account 111111111111): log in first");
    expect(r.stderr).not.toMatch(NO_STACK);
  });

  test.each([
    [["qa", "bun-api"], 'environment = "qa": unknown environment'],
    [["dev", "orders"], 'service = "orders": not a service of dev; configured: bun-api'],
    [["dev", "bun-api", "--trace", "1-nothex"], '--trace "1-nothex": not a trace ID the service logs'],
    [["dev"], "usage: pnpm logs <env> <service>"],
  ])("refuses %j with a message", (args, message) => {
    const r = cli(args, {});
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toMatch(NO_STACK);
  });

  test("the trace query is the saved one with the ID in, and refuses anything else as an ID", () => {
    expect(traceQuery(TRACE_A)).toContain(`filter traceId = "${TRACE_A}"`);
    expect(traceQuery(TRACE_A)).toContain("@message");
    expect(() => traceQuery('x" or 1=1')).toThrow("is not one the service logs");
  });

  test("pretty-prints a request line and an ordinary one", () => {
    const request = prettyLine(JSON.stringify({ time: "2026-12-02T16:04:05.123Z", level: "info", msg: "request", service: "bun-api", traceId: TRACE_A, method: "GET", path: "/", status: 200, durationMs: 1.2 }), 0);
    expect(request).toBe(`16:04:05.123 INFO  bun-api      GET / -> 200 in 1.2 ms  trace=${TRACE_A}`);
    expect(prettyLine(JSON.stringify({ time: "2026-12-02T16:04:05.123Z", level: "warn", msg: "slow", service: "bun-api", ms: 9 }), 0)).toBe("16:04:05.123 WARN  bun-api      slow  ms=9");
    expect(prettyLine("not json", Date.UTC(2026, 11, 2, 1, 2, 3), "bun-api")).toBe("01:02:03.000       bun-api      not json");
  });
});

describe.skipIf(!hasMoto)("pnpm logs against moto", () => {
  let moto: Subprocess | undefined;
  let endpoint = "";
  let lines: string[] = [];
  const aws = () => ({ AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test", AWS_ENDPOINT_URL: endpoint });

  beforeAll(async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, "127.0.0.1", () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    moto = spawn([MOTO, "-H", "127.0.0.1", "-p", String(port)], { stdout: "ignore", stderr: "ignore" });
    endpoint = `http://127.0.0.1:${port}`;
    for (let i = 0; ; i++) {
      if (await fetch(`${endpoint}/moto-api/`).then((r) => r.ok, () => false)) break;
      if (i > 300) throw new Error("moto did not start in 30 s");
      await Bun.sleep(100);
    }
    // Lines the real server writes, for three requests under two trace IDs.
    const server = spawn([process.execPath, API], { env: { PATH: process.env.PATH ?? "", PORT: "0", LOG_LEVEL: "info", ENVIRONMENT: "dev", SERVICE_NAME: "bun-api" }, stdout: "pipe", stderr: "ignore" });
    const reader = server.stdout.getReader();
    let text = "";
    let url = "";
    while (!url) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`bun-api exited: ${text}`);
      text += new TextDecoder().decode(value);
      const listening = text.split("\n").find((l) => l.includes('"listening"') || l.includes('"msg":"listening'));
      if (listening) url = `http://127.0.0.1:${(JSON.parse(listening) as { port: number }).port}`;
    }
    await fetch(`${url}/`, { headers: { "x-amzn-trace-id": `Root=${TRACE_A}` } });
    await fetch(`${url}/no-such-route`, { headers: { "x-amzn-trace-id": `Root=${TRACE_A}` } });
    await fetch(`${url}/`, { headers: { "x-amzn-trace-id": `Root=${TRACE_B}` } });
    server.kill("SIGTERM");
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    lines = text.split("\n").filter((l) => l.trim() !== "");
    const client = new CloudWatchLogsClient({ region: "us-east-1", endpoint, credentials: { accessKeyId: "test", secretAccessKey: "test" } });
    await client.send(new CreateLogGroupCommand({ logGroupName: GROUP }));
    await client.send(new CreateLogStreamCommand({ logGroupName: GROUP, logStreamName: "bun-api/bun-api/abc123" }));
    const now = Date.now();
    await client.send(new PutLogEventsCommand({ logGroupName: GROUP, logStreamName: "bun-api/bun-api/abc123", logEvents: lines.map((message, i) => ({ timestamp: now - 60_000 + i, message })) }));
    client.destroy();
  }, 60_000);

  afterAll(() => moto?.kill());

  test("tails the service's log group: every line the server wrote, pretty-printed, oldest first", () => {
    expect(lines.filter((l) => l.includes('"msg":"request"'))).toHaveLength(3);
    const r = cli(["dev", "bun-api", "--since", "10"], aws());
    expect(r.stderr).toContain(`${lines.length} line(s) of ${GROUP}, last 10 minutes`);
    expect(r.code).toBe(0);
    const out = r.stdout.trimEnd().split("\n");
    expect(out).toHaveLength(lines.length);
    expect(out.filter((l) => / bun-api +GET \/ -> 200 in [\d.]+ ms {2}trace=/.test(l))).toHaveLength(2);
    expect(out.find((l) => l.includes("GET /no-such-route -> 404"))).toContain(`trace=${TRACE_A}`);
    expect(out.some((l) => /INFO +bun-api +listening/.test(l))).toBe(true);
  });

  test("--trace runs the saved trace query and prints that trace's lines only", () => {
    const r = cli(["dev", "bun-api", "--trace", TRACE_A], aws());
    expect(r.code).toBe(0);
    const out = r.stdout.trimEnd().split("\n");
    expect(out).toHaveLength(2);
    expect(out[0]).toMatch(/GET \/ -> 200 .*trace=1-6b02f941-f12e7d0c409369c33074d233$/);
    expect(out[1]).toMatch(/GET \/no-such-route -> 404 .*trace=1-6b02f941/);
    // Only bun-api's group exists here: the other services' groups are named as not searched (a
    // query naming a missing group would fail as a whole).
    const dev = loadConfig(defaultConfig, { only: ["dev"] }).environments[0]!;
    const others = dev.services.filter((s) => s.name !== "bun-api").map((s) => serviceLogGroupName(dev.project, "dev", s.name));
    expect(r.stderr).toContain(`2 line(s) of trace ${TRACE_A} in 1 log group(s) of dev`);
    if (others.length) expect(r.stderr).toContain(`not searched, no log group yet: ${others.join(", ")}`);
    else expect(r.stderr).not.toContain("not searched");
  });

  test("--trace where no service's log group exists: a message, exit 1", () => {
    const r = cli(["staging", "bun-api", "--trace", TRACE_A], aws());
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("pnpm logs: staging (region us-east-1, account 222222222222): none of its services' log groups exists (/ecs/bunfg/staging/bun-api");
    expect(r.stderr).not.toMatch(NO_STACK);
  });

  test(`more log groups than one query takes (${MAX_QUERY_LOG_GROUPS}): one query per ${MAX_QUERY_LOG_GROUPS}, every line found once`, async () => {
    const client = new CloudWatchLogsClient({ region: "us-east-1", endpoint, credentials: { accessKeyId: "test", secretAccessKey: "test" } });
    const empty = Array.from({ length: MAX_QUERY_LOG_GROUPS + 3 }, (_, i) => `/ecs/bunfg/dev/empty${String(i).padStart(2, "0")}`);
    for (const name of empty) await client.send(new CreateLogGroupCommand({ logGroupName: name }));
    // GROUP falls in the second query, after the first 50 empty groups.
    const groups = [...empty.slice(0, MAX_QUERY_LOG_GROUPS), GROUP, ...empty.slice(MAX_QUERY_LOG_GROUPS)];
    const events = await traceEvents(client, groups, TRACE_A, 10 * 60_000);
    client.destroy();
    expect(events.map((e) => JSON.parse(e.message).path)).toEqual(["/", "/no-such-route"]);
    expect(events[0]!.timestamp).toBeLessThan(events[1]!.timestamp);
  }, 60_000);

  test("a log group that does not exist: a message, exit 1", () => {
    const r = cli(["staging", "bun-api"], aws());
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("pnpm logs: staging (region us-east-1, account 222222222222):");
    expect(r.stderr).toContain("(is the environment deployed?)");
    expect(r.stderr).not.toMatch(NO_STACK);
  });
});
