import type { RequestContext } from "../trace/context";

/** Response header that returns the request's trace ID. */
export const TRACE_HEADER = "x-trace-id";

/**
 * On every response: no MIME sniffing, no framing, no caching of API answers. The service returns
 * only JSON, which a browser never renders, so a Content-Security-Policy would govern nothing but
 * framing, which X-Frame-Options already denies; each header costs every response (see README).
 * HSTS is set by the TLS terminator: the ALB's HTTPS listener adds Strict-Transport-Security to
 * every response (the environment's `certificate.hsts`; one year in prod), so this plain-HTTP
 * target does not send it.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "cache-control": "no-store",
};

/**
 * Headers every JSON response starts from. Bun copies a Headers instance passed to a Response, so
 * copying this template and setting the trace ID costs about half of building the same headers
 * from an object literal on every request.
 */
const JSON_HEADERS = new Headers({ "content-type": "application/json; charset=utf-8", ...SECURITY_HEADERS });

/** A JSON response from text that is already JSON (precomputed bodies skip JSON.stringify). */
export function jsonText(ctx: RequestContext, status: number, text: string, extra?: Readonly<Record<string, string>>): Response {
  const res = new Response(text, { status, headers: JSON_HEADERS });
  const headers = res.headers;
  headers.set(TRACE_HEADER, ctx.traceId);
  if (extra !== undefined) for (const name in extra) headers.set(name, extra[name]!);
  ctx.bytesOut = Buffer.byteLength(text);
  ctx.response = res;
  return res;
}

export function json(ctx: RequestContext, status: number, body: unknown, extra?: Readonly<Record<string, string>>): Response {
  return jsonText(ctx, status, JSON.stringify(body), extra);
}

/** An error response: `{ error, traceId }` plus any details (never a stack trace). */
export function problem(
  ctx: RequestContext,
  status: number,
  error: string,
  details?: Readonly<Record<string, unknown>>,
  extra?: Readonly<Record<string, string>>,
): Response {
  return json(ctx, status, { error, ...details, traceId: ctx.traceId }, extra);
}

export function noContent(ctx: RequestContext): Response {
  const headers: Record<string, string> = { ...SECURITY_HEADERS, [TRACE_HEADER]: ctx.traceId };
  const res = new Response(null, { status: 204, headers });
  ctx.bytesOut = 0;
  ctx.response = res;
  return res;
}

/** Adds the security and trace headers to a response the helpers above did not build. */
export function decorate(res: Response, ctx: RequestContext): Response {
  let out = res;
  try {
    setHeaders(out.headers, ctx);
  } catch {
    // Some responses have immutable headers: copy them into a fresh one.
    out = new Response(res.body, res);
    setHeaders(out.headers, ctx);
  }
  const length = out.headers.get("content-length");
  ctx.bytesOut = length !== null && /^\d+$/.test(length) ? Number(length) : null;
  return out;
}

function setHeaders(headers: Headers, ctx: RequestContext): void {
  for (const name in SECURITY_HEADERS) if (!headers.has(name)) headers.set(name, SECURITY_HEADERS[name]!);
  headers.set(TRACE_HEADER, ctx.traceId);
}
