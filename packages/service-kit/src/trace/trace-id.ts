/**
 * Trace IDs. Incoming values are untrusted: a client can send any header it likes and the ALB keeps
 * a client-sent `Root`, so each candidate is checked for format and length before it is used.
 *
 * Order: the `Root` of `X-Amzn-Trace-Id`, else the trace-id of a W3C `traceparent`, else a new ID in
 * the X-Ray format (`1-{8 hex epoch seconds}-{24 hex random}`).
 */

/** Longer headers are ignored without being scanned. Real ones are well under 200 characters. */
export const MAX_TRACE_HEADER_LENGTH = 512;

const XRAY_ROOT = /^1-[0-9a-f]{8}-[0-9a-f]{24}$/;
const XRAY_ROOT_LENGTH = 35;
const XRAY_ZERO_RANDOM = "000000000000000000000000";
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const TRACEPARENT_V0_LENGTH = 55;
const ZERO_32 = "00000000000000000000000000000000";
const ZERO_16 = "0000000000000000";

/** The `Root=` field of an `X-Amzn-Trace-Id` value, or undefined when absent or malformed. */
export function rootFromAmznTraceId(value: string | null | undefined): string | undefined {
  if (!value || value.length > MAX_TRACE_HEADER_LENGTH) return undefined;
  let at: number;
  if (value.startsWith("Root=")) {
    at = 5;
  } else {
    const field = value.indexOf(";Root=");
    if (field < 0) return undefined;
    at = field + 6;
  }
  const end = at + XRAY_ROOT_LENGTH;
  // The field must end at the value's end or at the next ";": no trailing characters.
  if (end < value.length && value.charCodeAt(end) !== 59 /* ; */) return undefined;
  const root = value.slice(at, end);
  if (!XRAY_ROOT.test(root) || root.endsWith(XRAY_ZERO_RANDOM)) return undefined;
  return root;
}

/** The trace-id of a W3C `traceparent` value, or undefined when it is not valid. */
export function traceIdFromTraceparent(value: string | null | undefined): string | undefined {
  if (!value || value.length > MAX_TRACE_HEADER_LENGTH || value.length < TRACEPARENT_V0_LENGTH) return undefined;
  // Version 00 has exactly four fields; a later version may append fields after a "-".
  const head = value.slice(0, TRACEPARENT_V0_LENGTH);
  const m = TRACEPARENT.exec(head);
  if (!m) return undefined;
  const version = m[1]!;
  if (version === "ff") return undefined;
  if (version === "00" ? value.length !== TRACEPARENT_V0_LENGTH : value.length > TRACEPARENT_V0_LENGTH && value[TRACEPARENT_V0_LENGTH] !== "-") {
    return undefined;
  }
  if (m[2] === ZERO_32 || m[3] === ZERO_16) return undefined;
  return m[2];
}

// Random bytes come from a pool refilled by the CSPRNG, so an ID costs no system call.
const POOL_SIZE = 4096;
const pool = new Uint8Array(POOL_SIZE);
let poolAt = POOL_SIZE;
const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

function randomHex(bytes: number): string {
  if (poolAt + bytes > POOL_SIZE) {
    crypto.getRandomValues(pool);
    poolAt = 0;
  }
  let out = "";
  for (let i = 0; i < bytes; i++) out += HEX[pool[poolAt++]!];
  return out;
}

let epochSecond = -1;
let epochHex = "";

/** A new X-Ray trace ID: `1-{8 hex epoch seconds}-{24 hex random}`. */
export function newTraceId(nowMs: number = Date.now()): string {
  const second = Math.floor(nowMs / 1000);
  if (second !== epochSecond) {
    epochSecond = second;
    epochHex = (second >>> 0).toString(16).padStart(8, "0");
  }
  let random = randomHex(12);
  if (random === XRAY_ZERO_RANDOM) random = randomHex(12);
  return `1-${epochHex}-${random}`;
}

/** A new W3C span (parent) id: 16 hex, never all zero. */
export function newSpanId(): string {
  const id = randomHex(8);
  return id === ZERO_16 ? newSpanId() : id;
}

/** The trace ID for a request, from its headers (see the module comment for the order). */
export function traceIdFromHeaders(headers: Headers): string {
  return (
    rootFromAmznTraceId(headers.get("x-amzn-trace-id")) ??
    traceIdFromTraceparent(headers.get("traceparent")) ??
    newTraceId()
  );
}

/** The 32-hex W3C form of a trace ID in either format. */
export function toW3cTraceId(traceId: string): string {
  return traceId.length === XRAY_ROOT_LENGTH ? traceId.slice(2, 10) + traceId.slice(11) : traceId;
}

/** The X-Ray `1-xxxxxxxx-yyyy…` form of a trace ID in either format. */
export function toXrayTraceId(traceId: string): string {
  return traceId.length === XRAY_ROOT_LENGTH ? traceId : `1-${traceId.slice(0, 8)}-${traceId.slice(8)}`;
}
