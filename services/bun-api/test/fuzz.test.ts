/**
 * Seeded HTTP fuzzing of the server as a process, over loopback: malformed and adversarial requests
 * built byte by byte (methods, targets, Host forms, dot segments, header names and values, trace
 * headers, Content-Length and Transfer-Encoding, bodies, pipelining, half requests), then SIGTERM.
 *
 * Every answer is one of two kinds. The service's own carry `X-Trace-Id`: never a 5xx, JSON, the
 * security headers, the trace ID a valid trace header asked for, exactly one access line with the
 * same status. Bun's parser answers some requests before any JavaScript runs (see the README): then
 * 400, 413, 431 or 505, `Connection: close`, no body, no line; or it closes without an answer (a
 * method token it does not know). Nowhere a stack trace or a source path, and SIGTERM exits 0.
 *
 *   FUZZ_SEED=123 FUZZ_CASES=5000 bun test test/fuzz.test.ts    # another seed, more cases
 *   FUZZ_ONLY=105 bun test test/fuzz.test.ts                    # replay one case of the default seed
 */
import { afterAll, expect, test } from "bun:test";
import { SECURITY_HEADERS, TRACE_HEADER } from "../src/http/respond";
import { normalisePath, pathOf } from "../src/http/target";
import { killStarted, requestLines, startServer, type Line } from "./helpers";
import { Prng, seedFrom } from "./prng";
import { isResponse, RawConnection, type RawResponse } from "./raw-http";

afterAll(killStarted);

const SEED = seedFrom("FUZZ_SEED", 20_261_202);
const CASES = Number(process.env.FUZZ_CASES ?? 1800);
/** FUZZ_ONLY=12,40: run only these cases of the seed's sequence (to replay a failure). */
const ONLY = process.env.FUZZ_ONLY?.split(",").map(Number);
const WORKERS = 6;
/** A request the server can read in full must be answered (or its connection closed) within this. */
const ANSWER_MS = 3000;
/** A request it cannot (half sent, a Content-Length past the body) gets this long before moving on. */
const PARTIAL_MS = 150;
/** Connections left holding half a request when SIGTERM arrives. */
const HELD_OPEN = 6;
/** Sent in credentials headers; must never reach a log line. */
const SECRET = "fuzz-secret-7f3a";

/** What Bun's HTTP parser answers by itself (Bun 1.4.5, measured). */
const BUN_STATUSES = new Set([400, 413, 431, 505]);
const TRACE_ID = /^(1-[0-9a-f]{8}-[0-9a-f]{24}|[0-9a-f]{32})$/;
const STACK = /^\s+at |\bat [^\s]+ \(|\.(ts|js|mjs):\d+/m;

interface Generated {
  readonly bytes: string;
  /** Method and target as generated; undefined when a byte mutation may have changed them. */
  readonly method?: string;
  readonly target?: string;
  readonly head: boolean;
  /** The header section ends: the server can dispatch it. */
  readonly complete: boolean;
  /** Complete, and the server has everything it needs to answer (no body bytes still owed). */
  readonly answerable: boolean;
  /** Framed without ambiguity: after its answer the connection is in a known state. */
  readonly reusable: boolean;
  /** The trace ID the service must return: the one a valid trace header carried. */
  readonly trace?: string;
}

type Kind = "single" | "keepalive" | "pipeline" | "half" | "slow";

// ---------------------------------------------------------------------------------------------
// Generation

const TOKEN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-.^_`|~";
const PRINTABLE = ` !"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_\`abcdefghijklmnopqrstuvwxyz{|}~`;
const PATH_CHARS = "abcxyz019-._~!$&'()*+,;=:@";
const QUERY_CHARS = "abcxyz019-._~!$&'()*+,;=:@/?%";

function uuid(rng: Prng): string {
  return `${rng.hex(8)}-${rng.hex(4)}-7${rng.hex(3)}-8${rng.hex(3)}-${rng.hex(12)}`;
}

function genMethod(rng: Prng): string {
  return rng.weighted<() => string>([
    [40, () => "GET"],
    [14, () => "POST"],
    [6, () => "HEAD"],
    [6, () => "DELETE"],
    [3, () => "PUT"],
    [3, () => "PATCH"],
    [3, () => "OPTIONS"],
    [3, () => "CONNECT"],
    [3, () => "TRACE"],
    [2, () => rng.pick(["PROPFIND", "PURGE", "MKCOL", "REPORT", "QUERY"])],
    [2, () => rng.pick(["FOO", "BREW", "GETS", "get", "Post"])],
    [1, () => rng.string(TOKEN, rng.int(1, 12))],
    [1, () => rng.bytes(rng.int(0, 6))],
  ])();
}

function genPath(rng: Prng): string {
  let path = rng.weighted<() => string>([
    [4, () => "/"],
    [8, () => "/healthz"],
    [5, () => "/readyz"],
    [12, () => "/v1/notes"],
    [8, () => `/v1/notes/${uuid(rng)}`],
    [3, () => `/v1/notes/${rng.string(PATH_CHARS, rng.int(1, 40))}`],
    [3, () => `/${rng.string(PATH_CHARS, rng.int(1, 20))}`],
    [2, () => "/v1"],
    [2, () => "/v1/notes/"],
    [1, () => "/v1/notes/x/y"],
  ])();
  const mutations = rng.weighted([
    [6, 0],
    [3, 1],
    [1, 2],
  ]);
  for (let i = 0; i < mutations; i++) {
    const slashes = [...path.matchAll(/\//g)].map((m) => m.index);
    const at = rng.pick(slashes);
    path = rng.weighted<() => string>([
      [4, () => path.slice(0, at) + rng.pick(["/.", "/..", "/%2e", "/%2E%2e", "/.%2e", "/x/..", "/./.", "/a/b/../.."]) + path.slice(at)],
      [2, () => path.slice(0, at) + "/" + path.slice(at)],
      [1, () => (at === 0 ? path : path.slice(0, at) + "\\" + path.slice(at + 1))],
      [2, () => path + rng.pick(["/", "/.", "/..", "/%2e%2e"])],
      [2, () => path + rng.pick(["%zz", "%00", "%0d%0a", "%2f", "%5c", "%25", "%e9", "%ff", "%", "%2"])],
      [1, () => path.slice(0, at + 1) + String.fromCharCode(rng.int(0x80, 0xff)) + path.slice(at + 1)],
      [1, () => path + rng.pick(["a", "/a", "%41"]).repeat(rng.int(100, 3000))],
    ])();
  }
  if (rng.chance(0.3)) {
    path += `?${rng.weighted<() => string>([
      [3, () => `limit=${rng.pick(["1", "20", "100", "101", "0", "-1", "abc", "1e2", "%zz", "", "5&limit=7", "007", "99999999999"])}`],
      [1, () => rng.string(QUERY_CHARS, rng.int(0, 40))],
    ])()}`;
  }
  if (rng.chance(0.03)) path += `#${rng.string(QUERY_CHARS, rng.int(0, 10))}`;
  return path;
}

function genTarget(rng: Prng, method: string): string {
  if (method === "CONNECT" && rng.chance(0.6)) return rng.pick(["fuzz.local:443", "127.0.0.1:22", "x:99999", "[::1]:80"]);
  if (rng.chance(0.08)) {
    return rng.weighted<() => string>([
      [3, () => `http://evil.example${genPath(rng)}`],
      [1, () => `https://x:99999${genPath(rng)}`],
      [1, () => "fuzz.local:443"],
      [1, () => "*"],
      [1, () => ""],
      [1, () => "healthz"],
      [1, () => "/a b"],
      [1, () => "/a\tb"],
    ])();
  }
  return genPath(rng);
}

function genHost(rng: Prng): string[] {
  return rng.weighted<() => string[]>([
    [60, () => ["Host: fuzz.local"]],
    [6, () => []],
    [3, () => ["Host:"]],
    [3, () => ["Host: 10.0.0.1:8080"]],
    [1, () => ["Host: [::1]:80"]],
    [3, () => ["Host: a b"]],
    [3, () => ["Host: x:99999"]],
    [2, () => ["Host: [::1"]],
    [2, () => ["Host: x:abc"]],
    [2, () => ["Host: fuzz.local", "Host: other.example"]],
    [2, () => ["Host: \xff\xfe"]],
    [2, () => ["Host: user@x"]],
    [1, () => ["Host: x/y"]],
    [2, () => [`Host: ${rng.bytes(rng.int(1, 12)).replace(/[\r\n]/g, "")}`]],
  ])();
}

/** Trace headers, and the trace ID the service must then return (X-Amzn-Trace-Id Root wins over traceparent). */
function genTrace(rng: Prng): { lines: string[]; trace?: string } {
  const lines: string[] = [];
  let root: string | undefined;
  let parent: string | undefined;
  const roll = rng.int(0, 99);
  if (roll < 25) {
    root = `1-${rng.hex(8)}-${rng.hex(23)}1`;
    lines.push(`X-Amzn-Trace-Id: ${rng.pick([`Root=${root}`, `Root=${root};Parent=${rng.hex(16)};Sampled=1`, `Self=1-${rng.hex(8)}-${rng.hex(24)};Root=${root}`])}`);
  } else if (roll < 35) {
    lines.push(
      `X-Amzn-Trace-Id: ${rng.pick([
        `Root=1-${rng.string("GHIJKLMNOPQRSTUVWXYZ", 8)}-${rng.hex(24)}`,
        `Root=1-${rng.hex(8).toUpperCase()}-${rng.hex(24).toUpperCase()}A`,
        `Root=1-${rng.hex(8)}-${"0".repeat(24)}`,
        `Root=1-${rng.hex(8)}-${rng.hex(24)}x`,
        `Root=1-${rng.hex(8)}-${rng.hex(24)};${"a".repeat(600)}`,
        `Root=${"1-".repeat(rng.int(1, 300))}`,
        "Root=",
        "Root=1-zzzz;Root=%0d%0a",
        rng.string(PRINTABLE, rng.int(0, 80)).replace(/Root=/g, ""),
      ])}`,
    );
  }
  const second = rng.int(0, 99);
  if (second < 12) {
    parent = rng.hex(31) + "1";
    lines.push(`traceparent: 00-${parent}-${rng.hex(15)}1-0${rng.int(0, 1)}`);
  } else if (second < 20) {
    lines.push(
      `traceparent: ${rng.pick([
        `ff-${rng.hex(32)}-${rng.hex(16)}-01`,
        `00-${"0".repeat(32)}-${rng.hex(16)}-01`,
        `00-${rng.hex(32)}-${"0".repeat(16)}-01`,
        `00-${rng.hex(32)}-${rng.hex(16)}-01-extra`,
        `00-${rng.hex(31)}-${rng.hex(16)}-01`,
        `00-${rng.hex(32).toUpperCase()}-${rng.hex(16)}-01`,
        "00-xyz",
        rng.string(PRINTABLE, rng.int(0, 80)),
      ])}`,
    );
  }
  return { lines, trace: root ?? parent };
}

function genOtherHeaders(rng: Prng): { lines: string[]; clean: boolean } {
  const lines: string[] = [];
  let clean = true;
  for (let i = rng.weighted([
    [3, 0],
    [4, 1],
    [3, 3],
    [1, 6],
  ]); i > 0; i--) {
    rng.weighted<() => void>([
      [4, () => lines.push(`User-Agent: ${rng.pick(["curl/8.5.0", "ELB-HealthChecker/2.0", "bun-api-healthcheck", rng.string(PRINTABLE, rng.int(0, 300)), "u".repeat(1000)])}`)],
      [3, () => lines.push(`X-Forwarded-For: ${rng.pick(["203.0.113.7", "198.51.100.1, 203.0.113.7", "garbage", "::1", `1.2.3.4, ${"x".repeat(500)}`, ", ,"])}`)],
      [2, () => lines.push(rng.pick([`Authorization: Bearer ${SECRET}`, `Cookie: session=${SECRET}`, `Proxy-Authorization: Basic ${SECRET}`]))],
      [2, () => lines.push(`Connection: ${rng.pick(["keep-alive", "close", "Upgrade", "TE, close"])}`)],
      [1, () => lines.push(`Upgrade: ${rng.pick(["websocket", "h2c", "TLS/1.2"])}`)],
      [3, () => lines.push(`X-${rng.string(TOKEN, rng.int(1, 20))}: ${rng.string(PRINTABLE, rng.int(0, 60))}`)],
      [1, () => lines.push(`${rng.string(TOKEN, rng.int(1, 30))}:${rng.bytes(rng.int(0, 20)).replace(/[\r\n]/g, "")}`)],
      [1, () => ((clean = false), lines.push(rng.pick(["Bad Name: v", "NoColon", " folded", "X-Ctl: a\x01b", "X-Nul: a\x00b", ": empty", "X\x7f: v"])))],
      [1, () => ((clean = false), lines.push(`X-Big: ${"a".repeat(rng.int(16 * 1024, 20 * 1024))}`))],
      [1, () => lines.push(...Array.from({ length: rng.int(20, 60) }, (_, n) => `X-Many-${n}: ${rng.hex(8)}`))],
    ])();
  }
  return { lines, clean };
}

function genBody(rng: Prng): string {
  const note = (): Record<string, unknown> => {
    const out: Record<string, unknown> = { title: rng.pick([rng.string(PRINTABLE, rng.int(1, 60)), "é€😀 note", "  "]) };
    if (rng.chance(0.4)) out.body = rng.string(PRINTABLE, rng.int(0, 200));
    if (rng.chance(0.3)) out.tags = Array.from({ length: rng.int(0, 4) }, () => rng.pick(["a", "b-c", "ok1", "Bad", "-x", "a".repeat(33)]));
    return out;
  };
  const utf8 = (text: string): string => Buffer.from(text, "utf8").toString("latin1");
  return rng.weighted<() => string>([
    [30, () => utf8(JSON.stringify(note()))],
    [6, () => utf8(JSON.stringify(note())).slice(0, -1 - rng.int(0, 5))],
    [4, () => rng.pick(["[]", "1", '"x"', "null", "true", "[{}]"])],
    [4, () => utf8(JSON.stringify({ ...note(), [rng.pick(["extra", "__proto__x", "id", "Title"])]: 1 }))],
    [2, () => '{"__proto__":{"polluted":1},"title":"p"}'],
    [3, () => utf8(JSON.stringify({ title: "t".repeat(201) }))],
    [3, () => utf8(JSON.stringify({ title: "t", tags: rng.pick([["A"], "x", Array(11).fill("a"), [1], [null]]) }))],
    [3, () => `{"title":"${rng.bytes(rng.int(1, 8))}"}`],
    [2, () => ""],
    [2, () => "[".repeat(rng.int(1000, 20_000))],
    [2, () => utf8(JSON.stringify({ title: "big", body: "b".repeat(rng.int(9_000, 12_000)) }))],
    [1, () => `{"title":"huge","body":"${"h".repeat(1024 * 1024 + 10)}"}`],
    [2, () => rng.bytes(rng.int(1, 200))],
    [1, () => `\xef\xbb\xbf${JSON.stringify({ title: "bom" })}`],
  ])();
}

function chunked(rng: Prng, body: string): string {
  let out = "";
  let at = 0;
  while (at < body.length) {
    const size = Math.min(body.length - at, rng.int(1, Math.max(1, Math.ceil(body.length / 2))));
    out += `${size.toString(16)}${rng.chance(0.1) ? ";ext=1" : ""}\r\n${body.slice(at, at + size)}\r\n`;
    at += size;
  }
  return `${out}0\r\n\r\n`;
}

function generate(rng: Prng): Generated {
  const method = genMethod(rng);
  const target = genTarget(rng, method);
  const version = rng.weighted([
    [88, "HTTP/1.1"],
    [7, "HTTP/1.0"],
    [1, "HTTP/2.0"],
    [1, "HTTP/1.2"],
    [1, ""],
    [1, "http/1.1"],
    [1, "HTTP/1.1 "],
  ]);
  const wellFormedLine = /^[A-Z]+$/.test(method) && /^HTTP\/1\.[01]$/.test(version) && target.length > 0 && !/[\s]/.test(target);
  const trace = genTrace(rng);
  const others = genOtherHeaders(rng);
  const lines = [`${method} ${target}${version === "" ? "" : ` ${version}`}`, ...genHost(rng), ...trace.lines, ...others.lines];

  let body = "";
  let framing = "none";
  const wantsBody = method === "POST" ? rng.chance(0.85) : ["PUT", "PATCH", "DELETE"].includes(method) ? rng.chance(0.3) : rng.chance(0.04);
  if (wantsBody) {
    body = genBody(rng);
    const type = rng.weighted<string | null>([
      [70, "application/json"],
      [8, "application/json; charset=utf-8"],
      [5, "text/plain"],
      [5, null],
      [3, "APPLICATION/JSON"],
      [2, "application/json;;;"],
      [2, rng.string(PRINTABLE, rng.int(0, 40))],
    ]);
    if (type !== null) lines.push(`Content-Type: ${type}`);
    if (rng.chance(0.03)) lines.push("Expect: 100-continue");
    framing = rng.weighted([
      [80, "length"],
      [10, "chunked"],
      [2, "short"],
      [2, "long"],
      [1, "two-lengths"],
      [1, "bad-length"],
      [1, "length-and-chunked"],
      [1, "bad-encoding"],
      [1, "bad-chunk"],
    ]);
    const n = body.length;
    if (framing === "length") lines.push(`Content-Length: ${n}`);
    if (framing === "short") lines.push(`Content-Length: ${Math.max(0, n - rng.int(1, 5))}`);
    if (framing === "long") lines.push(`Content-Length: ${n + rng.int(1, 50)}`);
    if (framing === "two-lengths") lines.push(`Content-Length: ${n}`, `Content-Length: ${n + 1}`);
    if (framing === "bad-length") lines.push(`Content-Length: ${rng.pick(["abc", "-1", `+${n}`, "1e3", `${n}, ${n + 1}`, "0x10"])}`);
    if (framing === "length-and-chunked") lines.push(`Content-Length: ${n}`, "Transfer-Encoding: chunked");
    if (framing === "bad-encoding") lines.push(`Transfer-Encoding: ${rng.pick(["gzip", "chunked, chunked", "identity", "chunked;x"])}`);
    if (framing === "chunked" || framing === "bad-chunk") lines.push("Transfer-Encoding: chunked");
    if (framing === "chunked" || framing === "length-and-chunked") body = chunked(rng, body);
    if (framing === "bad-chunk") body = `${rng.pick(["zz", "ffffffffffffffff", "-1", ""])}\r\n${body}\r\n0\r\n\r\n`;
  }
  const eol = rng.chance(0.97) ? "\r\n" : "\n";
  let head = lines.join(eol) + eol + eol;
  let mutated = false;
  if (rng.chance(0.05)) {
    mutated = true;
    const at = rng.int(0, head.length - 1);
    head = rng.weighted<() => string>([
      [1, () => head.slice(0, at) + String.fromCharCode(rng.int(0, 255)) + head.slice(at + 1)],
      [1, () => head.slice(0, at) + rng.bytes(rng.int(1, 4)) + head.slice(at)],
      [1, () => head.slice(0, at) + head.slice(at + 1)],
    ])();
  }
  const complete = head.includes("\r\n\r\n") || head.includes("\n\n");
  return {
    bytes: head + body,
    head: method === "HEAD",
    complete,
    answerable: complete && !mutated && framing !== "long",
    reusable: complete && !mutated && wellFormedLine && others.clean && ["none", "length", "chunked"].includes(framing),
    trace: mutated ? undefined : trace.trace,
    method: mutated ? undefined : method,
    target: mutated ? undefined : target,
  };
}

// ---------------------------------------------------------------------------------------------
// The run

interface Tally {
  requests: number;
  appByStatus: Map<number, number>;
  bunByStatus: Map<number, number>;
  closedUnanswered: number;
  timeouts: number;
  /** Requests the app may have handled without our reading its answer. */
  maybeUnread: number;
  answeredTraces: Map<string, { readonly status: number; readonly req: Generated }>;
  failures: string[];
}

const show = (bytes: string): string => JSON.stringify(bytes.length > 240 ? `${bytes.slice(0, 240)}…(${bytes.length} bytes)` : bytes);

function checkAnswer(res: RawResponse, req: Generated, where: string, tally: Tally): void {
  const fail = (why: string): void => {
    tally.failures.push(`${where}: ${why}\n  request: ${show(req.bytes)}\n  response: ${show(res.raw)}`);
  };
  if (STACK.test(res.raw)) fail("a stack trace or source path in the response");
  const traceId = res.headers.get(TRACE_HEADER);
  if (traceId === undefined) {
    // Bun's parser answered before the app saw the request.
    tally.bunByStatus.set(res.status, (tally.bunByStatus.get(res.status) ?? 0) + 1);
    if (!BUN_STATUSES.has(res.status)) fail(`status ${res.status} without ${TRACE_HEADER}: not an answer Bun gives by itself`);
    if (res.body !== "") fail("Bun's own answer with a body");
    return;
  }
  tally.appByStatus.set(res.status, (tally.appByStatus.get(res.status) ?? 0) + 1);
  tally.answeredTraces.set(traceId, { status: res.status, req });
  if (res.status >= 500) fail(`a ${res.status} from the app`);
  if (!TRACE_ID.test(traceId)) fail(`malformed ${TRACE_HEADER} ${JSON.stringify(traceId)}`);
  if (req.trace !== undefined && traceId !== req.trace) fail(`${TRACE_HEADER} ${traceId}, but the request carried the valid trace ${req.trace}`);
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) if (res.headers.get(name) !== value) fail(`${name} is ${res.headers.get(name)}`);
  if (res.status === 405) {
    const allow = res.headers.get("allow")?.split(", ") ?? [];
    if (allow.length === 0) fail("a 405 without Allow");
    if (req.method !== undefined && allow.includes(req.method)) fail(`a 405 for ${req.method} whose Allow lists ${req.method}`);
  }
  if (res.status === 204 || req.head) {
    if (res.body !== "") fail("a body on a 204 or a HEAD answer");
    return;
  }
  if (res.headers.get("content-type") !== "application/json; charset=utf-8") fail(`content-type ${res.headers.get("content-type")}`);
  let body: unknown;
  try {
    body = JSON.parse(res.body);
  } catch {
    fail("a body that is not JSON");
    return;
  }
  if (res.status >= 400) {
    const problem = body as { error?: unknown; traceId?: unknown };
    if (typeof problem.error !== "string" || problem.traceId !== traceId) fail("an error body without error and traceId");
  }
}

async function runCase(port: number, index: number, tally: Tally): Promise<void> {
  const rng = new Prng((SEED ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
  const where = `case ${index}`;
  const kind = rng.weighted<Kind>([
    [55, "single"],
    [18, "keepalive"],
    [14, "pipeline"],
    [8, "half"],
    [5, "slow"],
  ]);
  const conn = await RawConnection.open(port);
  try {
    if (kind === "half") {
      const req = generate(rng);
      const cut = req.bytes.slice(0, rng.int(1, Math.max(1, req.bytes.length - 1)));
      const partial: Generated = { ...req, bytes: cut, complete: cut.includes("\r\n\r\n"), answerable: false, reusable: false };
      tally.requests++;
      conn.write(cut);
      await readOne(conn, partial, where, tally);
      return;
    }
    const count = kind === "keepalive" ? rng.int(2, 3) : kind === "pipeline" ? rng.int(2, 4) : 1;
    const requests: Generated[] = [];
    for (let i = 0; i < count; i++) {
      let req = generate(rng);
      // Only the last request of a pipeline may leave the connection in an unknown state.
      for (let tries = 0; kind === "pipeline" && i < count - 1 && !req.reusable && tries < 20; tries++) req = generate(rng);
      requests.push(req);
    }
    if (kind === "pipeline") {
      conn.write(requests.map((r) => r.bytes).join(""));
    }
    let last: Generated | undefined;
    let open = true;
    const before = (i: number): string => (i === 0 ? "" : `\n  after, on the same connection: ${requests.slice(0, i).map((r) => show(r.bytes)).join(" then ")}`);
    for (const [i, req] of requests.entries()) {
      tally.requests++;
      if (!open) {
        if (req.complete && kind === "pipeline") tally.maybeUnread++;
        continue;
      }
      if (kind === "slow") {
        const pieces = rng.int(2, 4);
        const size = Math.ceil(req.bytes.length / pieces);
        for (let p = 0; p < pieces; p++) {
          conn.write(req.bytes.slice(p * size, (p + 1) * size));
          await Bun.sleep(rng.int(2, 15));
        }
      } else if (kind !== "pipeline") {
        conn.write(req.bytes);
      }
      const outcome = await readOne(conn, req, `${where}.${i} (${kind})`, tally, before(i));
      last = req;
      open = outcome === "open" && req.reusable;
    }
    // The connection, if still open after a request framed without ambiguity, must serve the next one.
    if (open && last?.reusable && !conn.closed) {
      const next = generateFollowUp();
      tally.requests++;
      conn.write(next.bytes);
      const res = await conn.read(ANSWER_MS);
      if (!isResponse(res)) {
        if (res === "timeout") tally.failures.push(`${where}: the connection stayed open but never answered the next request\n  after: ${show(last.bytes)}`);
        tally.maybeUnread++;
      } else {
        checkAnswer(res, next, `${where} follow-up`, tally);
        if (res.status !== 200) tally.failures.push(`${where}: the next request on the connection got ${res.status}\n  after: ${show(last.bytes)}`);
      }
    }
  } finally {
    conn.close();
  }
}

/**
 * Connections for the SIGTERM at the end: half a request line or header of a request the generator
 * made (cut where Bun is still waiting for more), an idle keep-alive, a socket that sent nothing.
 */
async function holdOpen(port: number, rng: Prng): Promise<RawConnection[]> {
  const held: RawConnection[] = [];
  while (held.length < HELD_OPEN - 2) {
    const req = generate(rng);
    if (!req.reusable) continue;
    const head = req.bytes.indexOf("\r\n\r\n");
    const conn = await RawConnection.open(port);
    conn.write(req.bytes.slice(0, rng.int(1, head + 1)));
    held.push(conn);
  }
  const idle = await RawConnection.open(port);
  idle.write("GET /healthz HTTP/1.1\r\nHost: fuzz.local\r\n\r\n");
  await idle.read(ANSWER_MS);
  held.push(idle, await RawConnection.open(port));
  await Bun.sleep(100);
  return held;
}

function generateFollowUp(): Generated {
  return { bytes: "GET /healthz HTTP/1.1\r\nHost: fuzz.local\r\n\r\n", method: "GET", target: "/healthz", head: false, complete: true, answerable: true, reusable: true };
}

/** Reads the answer to one request; "open" when the connection may carry another. */
async function readOne(conn: RawConnection, req: Generated, where: string, tally: Tally, context = ""): Promise<"open" | "done"> {
  let res;
  try {
    res = await conn.read(req.answerable ? ANSWER_MS : PARTIAL_MS, req.head);
  } catch (err) {
    tally.failures.push(`${where}: ${(err as Error).message}\n  request: ${show(req.bytes)}`);
    return "done";
  }
  if (res === "closed") {
    tally.closedUnanswered++;
    if (req.complete) tally.maybeUnread++;
    return "done";
  }
  if (res === "timeout") {
    tally.timeouts++;
    if (req.complete) tally.maybeUnread++;
    if (req.answerable) tally.failures.push(`${where}: no answer within ${ANSWER_MS} ms and the connection still open\n  request: ${show(req.bytes)}${context}`);
    return "done";
  }
  checkAnswer(res, req, where, tally);
  // Bun closes the connection after an answer of its own (it says so, unless the request already
  // asked to close), and the service after an unusual method or a bad Host.
  const closing = !res.headers.has(TRACE_HEADER) || res.headers.get("connection")?.toLowerCase() === "close";
  if (closing && !(await conn.waitClosed(ANSWER_MS))) tally.failures.push(`${where}: the connection stayed open after a closing answer\n  request: ${show(req.bytes)}${context}`);
  return closing ? "done" : "open";
}

test(
  `fuzz: ${CASES} cases of malformed and adversarial requests against the server process (seed ${SEED})`,
  async () => {
    const started = performance.now();
    const server = await startServer({ env: { LOG_LEVEL: "debug" } });
    const tally: Tally = {
      requests: 0,
      appByStatus: new Map(),
      bunByStatus: new Map(),
      closedUnanswered: 0,
      timeouts: 0,
      maybeUnread: 0,
      answeredTraces: new Map(),
      failures: [],
    };
    const indices = ONLY ?? Array.from({ length: CASES }, (_, i) => i);
    let next = 0;
    await Promise.all(
      Array.from({ length: WORKERS }, async () => {
        while (next < indices.length) {
          const index = indices[next++]!;
          try {
            await runCase(server.port, index, tally);
          } catch (err) {
            tally.failures.push(`case ${index}: ${(err as Error).stack ?? err}`);
          }
        }
      }),
    );

    // SIGTERM with connections still holding half a request: nothing is in flight, so no waiting.
    const held = await holdOpen(server.port, new Prng(SEED));
    const heldOpen = held.filter((c) => !c.closed).length;
    if (heldOpen !== held.length) tally.failures.push(`only ${heldOpen} of ${held.length} held connections were still open at SIGTERM`);
    const signalled = performance.now();
    server.proc.kill("SIGTERM");
    const code = await server.exited;
    const exitMs = performance.now() - signalled;
    for (const conn of held) conn.close();

    const fail = (why: string): void => void tally.failures.push(why);
    if (code !== 0) fail(`exit code ${code} after SIGTERM`);
    if (exitMs > 3000) fail(`SIGTERM took ${Math.round(exitMs)} ms to exit, with nothing in flight`);
    if (server.stderr() !== "") fail(`stderr: ${server.stderr().slice(0, 500)}`);
    const stdout = server.stdout();
    if (STACK.test(stdout) || stdout.includes('"stack"')) fail("a stack trace or source path in the logs");
    if (stdout.includes(SECRET)) fail("a credential header reached the logs");
    let lines: Line[];
    try {
      lines = server.lines();
    } catch (err) {
      fail(`a log line that is not JSON: ${(err as Error).message}`);
      lines = [];
    }
    if (lines.at(-1)?.msg !== "shutdown complete" || lines.at(-1)?.drained !== true) fail(`last line ${JSON.stringify(lines.at(-1))}`);
    for (const line of lines) {
      if (line.level === "error" || line.level === "fatal" || "err" in line) fail(`an error line (level ${line.level}): ${JSON.stringify(line).slice(0, 300)}`);
    }
    const access = requestLines(lines);
    const byTrace = new Map<string, number[]>();
    for (const line of access) byTrace.set(String(line.traceId), [...(byTrace.get(String(line.traceId)) ?? []), line.status as number]);
    const lineOf = new Map(access.map((l) => [String(l.traceId), l]));
    for (const [traceId, { status, req }] of tally.answeredTraces) {
      const found = byTrace.get(traceId) ?? [];
      if (found.length !== 1 || found[0] !== status) {
        fail(`answer ${status} with trace ${traceId} has access lines ${JSON.stringify(found)}\n  request: ${show(req.bytes)}`);
        continue;
      }
      // The path logged is the path sent, or that path normalised (what was routed on). Bun reads
      // the target's bytes as UTF-8, an invalid byte as U+FFFD.
      const line = lineOf.get(traceId)!;
      if (req.target !== undefined) {
        const sent = pathOf(Buffer.from(req.target, "latin1").toString("utf8"));
        const allowed = [sent, normalisePath(sent)].map((p) => p?.slice(0, 256));
        if (!allowed.includes(line.path as string)) fail(`access line path ${JSON.stringify(line.path)} for the target ${JSON.stringify(req.target)}\n  request: ${show(req.bytes)}`);
      }
      if (req.method !== undefined && line.method !== req.method) fail(`access line method ${JSON.stringify(line.method)} for ${JSON.stringify(req.method)}`);
    }
    const unmatched = access.filter((l) => !tally.answeredTraces.has(String(l.traceId))).length;
    if (unmatched > tally.maybeUnread) fail(`${unmatched} access lines match no answer, but only ${tally.maybeUnread} requests could have gone unread`);
    const answers = [...tally.appByStatus.values()].reduce((a, b) => a + b, 0);
    if (tally.answeredTraces.size !== answers) fail(`${answers} app answers but ${tally.answeredTraces.size} distinct trace IDs`);

    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const summary = [
      `seed ${SEED}: ${indices.length} cases, ${tally.requests} requests in ${seconds} s; SIGTERM with ${heldOpen} connections open and none in flight → exit ${code} in ${Math.round(exitMs)} ms`,
      `  app answers ${answers}: ${[...tally.appByStatus].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`).join(" ")}; access lines ${access.length} (${unmatched} for requests whose answer was not read)`,
      `  Bun's own answers: ${[...tally.bunByStatus].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`).join(" ")}; closed unanswered ${tally.closedUnanswered}; partial requests left waiting ${tally.timeouts}`,
    ].join("\n");
    console.log(summary);
    if (tally.failures.length > 0) {
      // Grouped by what failed (the first line without the case and the values), then the first ten.
      const kinds = new Map<string, number>();
      for (const f of tally.failures) {
        const kind = f.split("\n")[0]!.replace(/^case [\d.]+( \(\w+\))?: /, "").replace(/"[^"]*"|\b[0-9a-f-]{16,}\b|\d+/g, "…");
        kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
      }
      const grouped = [...kinds].sort(([, a], [, b]) => b - a).map(([k, n]) => `  ${n}× ${k}`).join("\n");
      throw new Error(
        `HTTP fuzz failed with FUZZ_SEED=${SEED} (replay: FUZZ_SEED=${SEED} FUZZ_CASES=${CASES} bun test test/fuzz.test.ts)\n${summary}\n${tally.failures.length} failures:\n${grouped}\nthe first 10:\n${tally.failures.slice(0, 10).join("\n")}`,
      );
    }
    expect(answers).toBeGreaterThan(indices.length / 2);
  },
  90_000,
);
