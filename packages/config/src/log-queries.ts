/**
 * The saved CloudWatch Logs Insights queries of every environment, run over every service's log
 * group. Their fields are the ones the service writes (services/bun-api/src/log/logger.ts: one
 * JSON line per request, `msg` "request"); services/bun-api/test/log-queries.test.ts runs the
 * server, reads a line and fails when a query names a field the line does not have.
 */

/** Stands for the trace ID in the saved "trace" query; `pnpm logs --trace <id>` replaces it. */
export const TRACE_ID_PLACEHOLDER = "PUT-TRACE-ID-HERE";

export interface LogQuery {
  /** Last part of the saved query's name (`<project>/<env>/<name>`). */
  readonly name: string;
  readonly description: string;
  readonly query: string;
}

export const LOG_QUERIES = {
  trace: {
    name: "trace",
    description: "Every line of one trace ID, across every service, in order (put the ID from X-Trace-Id in the filter)",
    query: [
      "fields @timestamp, service, level, msg, method, path, status, durationMs, @logStream",
      `| filter traceId = "${TRACE_ID_PLACEHOLDER}"`,
      "| sort @timestamp asc",
      "| limit 1000",
    ].join("\n"),
  },
  errorsByRoute: {
    name: "errors-by-route",
    description: "Error and fatal lines and 5xx answers, counted by service, route and status",
    query: ['filter level = "error" or level = "fatal" or status >= 500', "| stats count(*) as errors by service, route, status", "| sort errors desc", "| limit 100"].join("\n"),
  },
  slowestRequests: {
    name: "slowest-requests",
    description: "The 50 slowest requests, with their trace IDs",
    query: ['fields @timestamp, service, method, route, path, status, durationMs, traceId', '| filter msg = "request"', "| sort durationMs desc", "| limit 50"].join("\n"),
  },
  requestsByStatus: {
    name: "requests-by-status",
    description: "Requests per 5 minutes by status",
    query: ['filter msg = "request"', "| stats count(*) as requests by bin(5m) as period, status", "| sort period asc"].join("\n"),
  },
} as const satisfies Record<string, LogQuery>;

const KEYWORDS = new Set(["fields", "filter", "stats", "sort", "limit", "by", "as", "and", "or", "not", "in", "like", "asc", "desc", "count", "bin"]);

/**
 * The log fields a query reads: identifiers outside string literals that are neither Insights
 * keywords, functions, aliases it defines, nor `@` system fields.
 */
export function queryFields(query: string): string[] {
  const withoutStrings = query.replace(/"(?:[^"\\]|\\.)*"/g, " ");
  const aliases = new Set([...withoutStrings.matchAll(/\bas\s+([A-Za-z_][A-Za-z0-9_.]*)/g)].map((m) => m[1]!));
  const fields = new Set<string>();
  for (const m of withoutStrings.matchAll(/(^|[^@\w.])([A-Za-z_][A-Za-z0-9_.]*)\b(?!\s*\()/g)) {
    const word = m[2]!;
    if (KEYWORDS.has(word) || aliases.has(word) || /^\d/.test(word)) continue;
    fields.add(word);
  }
  return [...fields].sort();
}
