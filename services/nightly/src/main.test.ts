/**
 * The job as ECS runs it: the real process (`bun src/main.ts`), the real AWS SDK, against moto's S3
 * on loopback (started from the deploy proof's tool cache, as tools/logs' tests do). Where the
 * cache has no moto, the S3 tests are reported skipped; the configuration test still runs.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { spawn, type Subprocess } from "bun";
import { existsSync, mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { EXIT } from "./etl";

const MAIN = join(import.meta.dir, "main.ts");
const CACHE = process.env.BF_E2E_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "bun-fargate", "e2e");
const MOTO = join(CACHE, "venv", "bin", "moto_server");
const hasMoto = existsSync(MOTO);
if (!hasMoto) console.warn(`skipped: the S3 tests of services/nightly need ${MOTO} (npx pnpm e2e:setup)`);

/** A line on stdout that is not a JSON object, or a stack frame outside one. */
const STACK = /\n\s+at \S/;

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly lines: Record<string, unknown>[];
}

/** Runs the job with only the environment given (no credentials of the caller's leak in). */
async function runJob(env: Record<string, string>, onStart?: (p: Subprocess<"ignore", "pipe", "pipe">) => void): Promise<Run> {
  const p = spawn([process.execPath, MAIN], {
    env: { PATH: process.env.PATH ?? "", HOME: mkdtempSync(join(tmpdir(), "nightly-home-")), AWS_EC2_METADATA_DISABLED: "true", AWS_REGION: "us-east-1", ENVIRONMENT: "dev", ...env },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  onStart?.(p);
  const [stdout, stderr, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  const raw = stdout.split("\n").filter((l) => l !== "");
  // Every line is one JSON object: parse them all, so a stray text line fails the test here.
  const lines = raw.map((l) => JSON.parse(l) as Record<string, unknown>);
  for (const l of lines) expect(typeof l).toBe("object");
  return { code, stdout, stderr, lines };
}

const summaryOf = (r: Run) => r.lines.find((l) => l.msg === "nightly run finished");
const order = (orderId: string, sku: string, quantity: number, unitPriceCents: number) => JSON.stringify({ orderId, sku, quantity, unitPriceCents });

describe("nightly without S3", () => {
  test("a missing bucket variable: one JSON line naming it, exit 78, no stack trace", async () => {
    const r = await runJob({});
    expect(r.code).toBe(EXIT.config);
    expect(r.lines).toEqual([expect.objectContaining({ level: "fatal", msg: "invalid configuration", variable: "NIGHTLY_BUCKET", value: null })]);
    expect(r.stdout + r.stderr).not.toMatch(STACK);
  });

  test("S3 unreachable (nothing listens on the endpoint): exit 3, JSON error line naming the call", async () => {
    const port = await freePort();
    const r = await runJob({ NIGHTLY_BUCKET: "nightly-unreachable", AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test", AWS_ENDPOINT_URL: `http://127.0.0.1:${port}` });
    expect(r.code).toBe(EXIT.storeFailed);
    const failure = r.lines.find((l) => l.level === "error" && String(l.msg).startsWith("S3 ListObjectsV2 failed"));
    expect(failure).toMatchObject({ outcome: "store-failed", operation: "ListObjectsV2", bucket: "nightly-unreachable" });
    expect(summaryOf(r)).toMatchObject({ outcome: "store-failed", exitCode: 3, outputKey: null });
    expect(r.stdout + r.stderr).not.toMatch(STACK);
  }, 60_000);
  test("SIGTERM while an S3 call hangs: the call is aborted, the summary says stopped, exit 143", async () => {
    // A server that accepts connections and never answers: the job waits in ListObjectsV2.
    const hanging = createServer(() => {});
    await new Promise<void>((resolve) => hanging.listen(0, "127.0.0.1", () => resolve()));
    const port = (hanging.address() as { port: number }).port;
    try {
      const r = await runJob({ NIGHTLY_BUCKET: "nightly-hang", AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test", AWS_ENDPOINT_URL: `http://127.0.0.1:${port}` }, (p) => {
        setTimeout(() => p.kill("SIGTERM"), 1_000);
      });
      expect(r.code).toBe(143);
      expect(r.lines.find((l) => l.msg === "stop signal: aborting the run")).toMatchObject({ level: "warn", signal: "SIGTERM" });
      expect(summaryOf(r)).toMatchObject({ outcome: "stopped", exitCode: 143, outputKey: null });
      expect(r.stdout + r.stderr).not.toMatch(STACK);
    } finally {
      hanging.close();
    }
  }, 60_000);
});

describe.skipIf(!hasMoto)("nightly against moto's S3", () => {
  let moto: Subprocess | undefined;
  let endpoint = "";
  let s3: S3Client;
  const aws = () => ({ AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test", AWS_ENDPOINT_URL: endpoint });

  beforeAll(async () => {
    const port = await freePort();
    moto = spawn([MOTO, "-H", "127.0.0.1", "-p", String(port)], { stdout: "ignore", stderr: "ignore" });
    endpoint = `http://127.0.0.1:${port}`;
    for (let i = 0; ; i++) {
      if (await fetch(`${endpoint}/moto-api/`).then((r) => r.ok, () => false)) break;
      if (i > 300) throw new Error("moto did not start in 30 s");
      await Bun.sleep(100);
    }
    s3 = new S3Client({ region: "us-east-1", endpoint, forcePathStyle: true, credentials: { accessKeyId: "test", secretAccessKey: "test" } });
  }, 60_000);

  afterAll(() => {
    s3?.destroy();
    moto?.kill();
  });

  const put = (Bucket: string, Key: string, Body: string) => s3.send(new PutObjectCommand({ Bucket, Key, Body }));

  test("success: every object under the prefix read, totals per SKU written, one summary line, exit 0", async () => {
    const bucket = "nightly-ok";
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await put(bucket, "incoming/2026-12-02/a.jsonl", [order("o-1", "SKU-B", 2, 1250), order("o-2", "SKU-A", 1, 999)].join("\n") + "\n");
    await put(bucket, "incoming/2026-12-02/b.jsonl", order("o-3", "SKU-B", 3, 1250) + "\n\n");
    await put(bucket, "elsewhere/ignored.jsonl", "not read: outside the prefix\n");
    const r = await runJob({ ...aws(), NIGHTLY_BUCKET: bucket, NIGHTLY_RUN_DATE: "2026-12-02" });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(EXIT.ok);
    expect(r.lines.filter((l) => l.level === "error")).toEqual([]);
    const summary = summaryOf(r)!;
    expect(summary).toMatchObject({ level: "info", service: "nightly", env: "dev", outcome: "ok", exitCode: 0, objects: 2, records: 3, rejected: 0, skus: 2, outputKey: "reports/2026-12-02.json", runDate: "2026-12-02" });
    expect(summary.durationMs).toBeGreaterThan(0);
    expect(summary.bytesIn).toBeGreaterThan(100);
    // One trace ID for the run, on every line.
    const traceIds = new Set(r.lines.map((l) => l.traceId));
    expect(traceIds.size).toBe(1);
    expect([...traceIds][0]).toMatch(/^1-[0-9a-f]{8}-[0-9a-f]{24}$/);
    const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: "reports/2026-12-02.json" }));
    expect(out.ContentType).toBe("application/json");
    expect(JSON.parse(await out.Body!.transformToString())).toEqual({
      runDate: "2026-12-02",
      bucket,
      inputPrefix: "incoming/",
      objects: 2,
      records: 3,
      totals: { orders: 3, quantity: 6, revenueCents: 5 * 1250 + 999 },
      skus: [
        { sku: "SKU-A", orders: 1, quantity: 1, revenueCents: 999 },
        { sku: "SKU-B", orders: 2, quantity: 5, revenueCents: 6250 },
      ],
    });
  }, 60_000);

  test("malformed records: one JSON error line each with key and line, no report, exit 2", async () => {
    const bucket = "nightly-bad";
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await put(bucket, "incoming/a.jsonl", [order("o-1", "SKU-A", 1, 100), "{not json", order("o-2", "SKU-A", 0, 100)].join("\n"));
    const r = await runJob({ ...aws(), NIGHTLY_BUCKET: bucket });
    expect(r.code).toBe(EXIT.badInput);
    const bad = r.lines.filter((l) => l.msg === "malformed record");
    expect(bad).toEqual([
      expect.objectContaining({ level: "error", key: "incoming/a.jsonl", line: 2, problem: "not JSON" }),
      expect.objectContaining({ level: "error", key: "incoming/a.jsonl", line: 3, problem: expect.stringContaining("quantity must be") }),
    ]);
    expect(summaryOf(r)).toMatchObject({ level: "error", outcome: "bad-input", exitCode: 2, records: 1, rejected: 2, outputKey: null });
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: "reports/" }));
    expect(listed.Contents ?? []).toEqual([]);
    expect(r.stdout + r.stderr).not.toMatch(STACK);
  }, 60_000);

  test("missing bucket: S3's NoSuchBucket in a JSON error line, exit 3", async () => {
    const r = await runJob({ ...aws(), NIGHTLY_BUCKET: "nightly-no-such-bucket" });
    expect(r.code).toBe(EXIT.storeFailed);
    expect(r.lines.find((l) => l.level === "error" && l.operation === "ListObjectsV2")).toMatchObject({ outcome: "store-failed", errorName: "NoSuchBucket", httpStatus: 404 });
    expect(summaryOf(r)).toMatchObject({ outcome: "store-failed", exitCode: 3, objects: 0, outputKey: null });
    expect(r.stdout + r.stderr).not.toMatch(STACK);
  }, 60_000);

  test("an empty prefix is a good night with nothing in it: a report of zeros, exit 0", async () => {
    const bucket = "nightly-empty";
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const r = await runJob({ ...aws(), NIGHTLY_BUCKET: bucket, NIGHTLY_RUN_DATE: "2026-12-03" });
    expect(r.code).toBe(EXIT.ok);
    expect(summaryOf(r)).toMatchObject({ objects: 0, records: 0, outputKey: "reports/2026-12-03.json" });
  }, 60_000);

  test("more objects than NIGHTLY_MAX_OBJECTS: refused as bad input before any is read, exit 2", async () => {
    const bucket = "nightly-many";
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    for (const k of ["a", "b", "c"]) await put(bucket, `incoming/${k}.jsonl`, order(k, "S", 1, 1));
    const r = await runJob({ ...aws(), NIGHTLY_BUCKET: bucket, NIGHTLY_MAX_OBJECTS: "2" });
    expect(r.code).toBe(EXIT.badInput);
    expect(summaryOf(r)).toMatchObject({ outcome: "bad-input", objects: 0 });
  }, 60_000);
});

async function freePort(): Promise<number> {
  return new Promise<number>((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}
