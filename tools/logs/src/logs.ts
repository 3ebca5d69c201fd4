import {
  CloudWatchLogsClient,
  DescribeLogGroupsCommand,
  FilterLogEventsCommand,
  GetQueryResultsCommand,
  StartQueryCommand,
  type ResultField,
} from "@aws-sdk/client-cloudwatch-logs";
import { LOG_QUERIES, TRACE_ID_PLACEHOLDER } from "@bun-fargate/config/log-queries";

export interface LogEvent {
  readonly timestamp: number;
  readonly message: string;
  readonly logGroup: string;
}

/** Trace IDs the service logs: an ALB Root (`1-<8 hex>-<24 hex>`) or a W3C trace-id (32 hex). Anything else is refused before it reaches a query. */
export const TRACE_ID = /^(1-[0-9a-f]{8}-[0-9a-f]{24}|[0-9a-f]{32})$/;

/** The saved "trace" query for one ID, with `@message` so every field of the line can be shown. */
export function traceQuery(traceId: string): string {
  if (!TRACE_ID.test(traceId)) throw new Error(`trace ID ${JSON.stringify(traceId)} is not one the service logs (1-<8 hex>-<24 hex>, or 32 hex)`);
  return LOG_QUERIES.trace.query.replace(TRACE_ID_PLACEHOLDER, traceId).replace("fields @timestamp,", "fields @timestamp, @message, @log,");
}

/** The log group's events of the last `sinceMs`, oldest first, at most `limit`. */
export async function recentEvents(client: CloudWatchLogsClient, logGroup: string, sinceMs: number, limit = 1000): Promise<LogEvent[]> {
  const events: LogEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(new FilterLogEventsCommand({ logGroupName: logGroup, startTime: Date.now() - sinceMs, nextToken, limit: Math.min(limit, 10000) }));
    for (const e of page.events ?? []) events.push({ timestamp: e.timestamp ?? 0, message: e.message ?? "", logGroup });
    nextToken = page.nextToken;
  } while (nextToken && events.length < limit);
  return events.sort((a, b) => a.timestamp - b.timestamp).slice(-limit);
}

/**
 * Which of `names` exist (one DescribeLogGroups listing per common prefix). A query naming a log
 * group that does not exist fails as a whole, and a service not deployed yet (or a scheduled job
 * that has not run) has none.
 */
export async function existingLogGroups(client: CloudWatchLogsClient, names: readonly string[], prefix: string): Promise<string[]> {
  const found = new Set<string>();
  let nextToken: string | undefined;
  do {
    const page = await client.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: prefix, nextToken }));
    for (const g of page.logGroups ?? []) if (g.logGroupName) found.add(g.logGroupName);
    nextToken = page.nextToken;
  } while (nextToken);
  return names.filter((n) => found.has(n));
}

/** StartQuery takes at most this many log group names. */
export const MAX_QUERY_LOG_GROUPS = 50;

/**
 * Every line of one trace across the log groups, by the saved query (Logs Insights), oldest first;
 * one query per 50 groups. Rows are kept only when their line carries that trace ID: Insights
 * already filters, an emulator may not.
 */
export async function traceEvents(client: CloudWatchLogsClient, logGroups: readonly string[], traceId: string, sinceMs: number, timeoutMs = 60_000): Promise<LogEvent[]> {
  const events: LogEvent[] = [];
  for (let i = 0; i < logGroups.length; i += MAX_QUERY_LOG_GROUPS) {
    events.push(...(await traceQueryEvents(client, logGroups.slice(i, i + MAX_QUERY_LOG_GROUPS), traceId, sinceMs, timeoutMs)));
  }
  return events.sort((a, b) => a.timestamp - b.timestamp);
}

async function traceQueryEvents(client: CloudWatchLogsClient, logGroups: readonly string[], traceId: string, sinceMs: number, timeoutMs: number): Promise<LogEvent[]> {
  const now = Date.now();
  const { queryId } = await client.send(
    new StartQueryCommand({ logGroupNames: [...logGroups], queryString: traceQuery(traceId), startTime: Math.floor((now - sinceMs) / 1000), endTime: Math.ceil(now / 1000) + 1 }),
  );
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await client.send(new GetQueryResultsCommand({ queryId }));
    if (r.status === "Complete") return (r.results ?? []).map(rowToEvent).filter((e) => lineTrace(e.message) === traceId);
    if (r.status === "Failed" || r.status === "Cancelled" || r.status === "Timeout") throw new Error(`the Logs Insights query ended ${r.status}`);
    if (Date.now() > deadline) throw new Error(`the Logs Insights query did not finish in ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

function rowToEvent(row: ResultField[]): LogEvent {
  const get = (name: string) => row.find((f) => f.field === name)?.value;
  const stamp = get("@timestamp");
  // Insights writes "2026-12-02 16:04:05.123"; an emulator may give epoch milliseconds.
  const timestamp = stamp === undefined ? 0 : /^\d+$/.test(stamp) ? Number(stamp) : Date.parse(`${stamp.replace(" ", "T")}Z`);
  return { timestamp, message: get("@message") ?? "", logGroup: get("@log") ?? "" };
}

function lineTrace(message: string): string | undefined {
  try {
    const line = JSON.parse(message) as { traceId?: unknown };
    return typeof line.traceId === "string" ? line.traceId : undefined;
  } catch {
    return undefined;
  }
}
