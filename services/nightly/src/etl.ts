/**
 * One run of the job: read every object under the input prefix (extract), total the order lines
 * per SKU (transform), write one report object (load). The run either writes a complete report or
 * none: a report from partly bad input would look like a good night's.
 */
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import type { Logger } from "@bun-fargate/service-kit/log/logger";
import { Aggregator, type SkuTotal } from "./transform";

/** Exit codes of the process: ECS puts the container's in the "Task State Change" event. */
export const EXIT = {
  ok: 0,
  /** Something no one expected (a bug): the process handlers' code. */
  crashed: 1,
  /** Input that is not order lines, or more objects than allowed: fix the input, then rerun. */
  badInput: 2,
  /** The bucket is missing, access is denied, or S3 cannot be reached. */
  storeFailed: 3,
  /** sysexits EX_CONFIG: a variable the job cannot run with. */
  config: 78,
} as const;

export type Outcome = "ok" | "bad-input" | "store-failed" | "stopped";

export interface RunOptions {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly inputPrefix: string;
  readonly outputPrefix: string;
  /** YYYY-MM-DD of the report. */
  readonly runDate: string;
  readonly maxObjects: number;
  readonly logger: Logger;
  /** Aborts the run between requests and in flight (SIGTERM). @default - never */
  readonly signal?: AbortSignal;
  /** Malformed lines logged one by one; the rest are counted. @default 50 */
  readonly maxRejectedLogged?: number;
  /** Clock, for tests. @default performance.now */
  readonly now?: () => number;
}

export interface RunSummary {
  readonly outcome: Outcome;
  readonly exitCode: number;
  readonly objects: number;
  readonly records: number;
  readonly rejected: number;
  readonly skus: number;
  readonly bytesIn: number;
  /** The report's key, or null when none was written. */
  readonly outputKey: string | null;
  readonly durationMs: number;
}

export interface Report {
  readonly runDate: string;
  readonly bucket: string;
  readonly inputPrefix: string;
  readonly objects: number;
  readonly records: number;
  readonly totals: { readonly orders: number; readonly quantity: number; readonly revenueCents: number };
  readonly skus: readonly SkuTotal[];
}

/** Why a run cannot go on, with the outcome it ends in. */
class RunFailure extends Error {
  constructor(
    readonly outcome: Exclude<Outcome, "ok">,
    message: string,
    readonly fields: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export async function runNightly(options: RunOptions): Promise<RunSummary> {
  const now = options.now ?? (() => performance.now());
  const started = now();
  const { logger, s3, bucket } = options;
  const agg = new Aggregator();
  let objects = 0;
  let bytesIn = 0;
  let outputKey: string | null = null;
  let outcome: Outcome = "ok";
  try {
    const keys = await listKeys(options);
    for (const key of keys) {
      const text = await call(options, "GetObject", key, () => s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: options.signal }).then((r) => r.Body?.transformToString("utf-8") ?? ""));
      objects++;
      bytesIn += Buffer.byteLength(text);
      agg.addObject(key, text);
    }
    if (agg.rejected.length > 0) {
      const shown = options.maxRejectedLogged ?? 50;
      for (const r of agg.rejected.slice(0, shown)) logger.error("malformed record", { bucket, key: r.key, line: r.line, problem: r.problem });
      if (agg.rejected.length > shown) logger.error("more malformed records not logged one by one", { count: agg.rejected.length - shown });
      throw new RunFailure("bad-input", `${agg.rejected.length} malformed record(s); no report written`, { rejected: agg.rejected.length });
    }
    const totals = agg.totals();
    const report: Report = {
      runDate: options.runDate,
      bucket,
      inputPrefix: options.inputPrefix,
      objects,
      records: agg.records,
      totals: totals.reduce((t, s) => ({ orders: t.orders + s.orders, quantity: t.quantity + s.quantity, revenueCents: t.revenueCents + s.revenueCents }), { orders: 0, quantity: 0, revenueCents: 0 }),
      skus: totals,
    };
    const key = `${options.outputPrefix}${options.runDate}.json`;
    await call(options, "PutObject", key, () =>
      s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: JSON.stringify(report) + "\n", ContentType: "application/json" }), { abortSignal: options.signal }),
    );
    outputKey = key;
  } catch (err) {
    if (!(err instanceof RunFailure)) throw err;
    outcome = err.outcome;
    logger.error(err.message, { outcome, bucket, ...err.fields });
  }
  const summary: RunSummary = {
    outcome,
    exitCode: outcome === "ok" ? EXIT.ok : outcome === "bad-input" ? EXIT.badInput : outcome === "store-failed" ? EXIT.storeFailed : 143,
    objects,
    records: agg.records,
    rejected: agg.rejected.length,
    skus: agg.totals().length,
    bytesIn,
    outputKey,
    durationMs: Math.round((now() - started) * 10) / 10,
  };
  (outcome === "ok" ? logger.info : logger.error).call(logger, "nightly run finished", { ...summary, runDate: options.runDate, inputPrefix: options.inputPrefix });
  return summary;
}

async function listKeys(options: RunOptions): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await call(options, "ListObjectsV2", options.inputPrefix, () =>
      options.s3.send(new ListObjectsV2Command({ Bucket: options.bucket, Prefix: options.inputPrefix, ContinuationToken: token }), { abortSignal: options.signal }),
    );
    for (const o of page.Contents ?? []) if (o.Key !== undefined && !o.Key.endsWith("/")) keys.push(o.Key);
    if (keys.length > options.maxObjects) {
      throw new RunFailure("bad-input", `more than ${options.maxObjects} objects under ${options.inputPrefix}; raise NIGHTLY_MAX_OBJECTS or clear the prefix`, { maxObjects: options.maxObjects });
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  return keys.sort();
}

/** One S3 call; its failure becomes a {@link RunFailure} naming the call, the key and AWS's error code. */
async function call<T>(options: RunOptions, operation: string, key: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (options.signal?.aborted) throw new RunFailure("stopped", "run stopped by a signal; no report written", { operation, key });
    const e = err as { name?: string; message?: string; code?: string; $metadata?: { httpStatusCode?: number } };
    throw new RunFailure("store-failed", `S3 ${operation} failed: ${e.name ?? "Error"}: ${e.message ?? String(err)}`, {
      operation,
      key,
      errorName: e.name ?? null,
      errorCode: e.code ?? null,
      httpStatus: e.$metadata?.httpStatusCode ?? null,
    });
  }
}
