/**
 * The request target, read without trusting `Host`. Bun builds `req.url` from the Host header and
 * the request target, and gives three shapes (Bun 1.4.5, measured):
 * - `http://{host}{path}` with the path normalised by the WHATWG URL parser (dot segments resolved,
 *   `\` read as `/`) when the Host header is valid;
 * - `http://{host}{path}` as sent, not normalised, when the host parses but the port does not
 *   (`x:99999`, `[::1`): `new URL()` throws on these;
 * - the bare target as sent (`/v1/notes?x`) when Host is missing (HTTP/1.0), empty, or has bytes
 *   a host cannot have (`a b`, `x/y`): `new URL()` throws on these too.
 * Everything here takes the path and query from the string itself, so no shape can throw.
 */

/** The path of `req.url`, without query or fragment, still percent-encoded; the target itself when it has no path (CONNECT's `host:port`). */
export function pathOf(url: string): string {
  let start = 0;
  if (url.charCodeAt(0) !== 47 /* / */) {
    const scheme = url.indexOf("://");
    if (scheme < 0) return url;
    start = url.indexOf("/", scheme + 3);
    if (start < 0) return "/";
  }
  const end = endOfPath(url, start);
  return end === url.length && start === 0 ? url : url.slice(start, end);
}

/** The query of `req.url` without its `?`, or "" (for `URLSearchParams`, which never throws). */
export function queryOf(url: string): string {
  const at = url.indexOf("?");
  if (at < 0) return "";
  const hash = url.indexOf("#");
  if (hash < 0) return url.slice(at + 1);
  return hash < at ? "" : url.slice(at + 1, hash);
}

function endOfPath(url: string, start: number): number {
  const query = url.indexOf("?", start);
  const hash = url.indexOf("#", start);
  if (query < 0) return hash < 0 ? url.length : hash;
  return hash < 0 || query < hash ? query : hash;
}

/**
 * The path with dot segments removed (RFC 3986 §5.2.4, `%2e` read as `.`), by the same WHATWG
 * parser Bun applies to `req.url` when the Host is valid, so every shape of `req.url` gives the same
 * answer; undefined for a target that is not a path (`*`, `host:port`). Empty segments stay:
 * `//healthz` is not `/healthz`.
 */
export function normalisePath(path: string): string | undefined {
  if (path.charCodeAt(0) !== 47 /* / */) return undefined;
  try {
    // Concatenated, not resolved against a base: `//x` must stay a path, not become a host.
    return new URL(`http://h${path}`).pathname;
  } catch {
    return undefined;
  }
}

/** Characters of an RFC 3986 reg-name (IPv4 included) besides %HH: unreserved and sub-delims. */
const REG_NAME = table("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=");
/** Inside `[…]`: IPv6 and IPvFuture characters. */
const IP_LITERAL = table("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789:.");
const HEX = table("0123456789ABCDEFabcdef");

function table(chars: string): Uint8Array {
  const out = new Uint8Array(128);
  for (let i = 0; i < chars.length; i++) out[chars.charCodeAt(i)] = 1;
  return out;
}

const allowed = (set: Uint8Array, c: number): boolean => c < 128 && set[c] === 1;

/**
 * Whether a Host header value is one RFC 9112 §3.2 lets a server accept: `uri-host [":" port]`
 * (RFC 3986: an IP literal in brackets, or a reg-name of unreserved characters, sub-delims and
 * %HH), with a port from 0 to 65535 of at most 5 digits. Several Host lines arrive joined by ", ",
 * which fails the grammar, as the RFC requires. An empty value is valid (a target URI without
 * authority). A scan, not a regular expression: it runs on every request, and costs a quarter.
 */
export function isValidHost(value: string): boolean {
  const n = value.length;
  let i = 0;
  if (n > 0 && value.charCodeAt(0) === 91 /* [ */) {
    for (i = 1; i < n && value.charCodeAt(i) !== 93 /* ] */; i++) if (!allowed(IP_LITERAL, value.charCodeAt(i))) return false;
    if (i === n || i === 1) return false;
    i++;
  } else {
    for (; i < n; i++) {
      const c = value.charCodeAt(i);
      if (c === 58 /* : */) break;
      if (allowed(REG_NAME, c)) continue;
      if (c === 37 /* % */ && allowed(HEX, value.charCodeAt(i + 1)) && allowed(HEX, value.charCodeAt(i + 2))) {
        i += 2;
        continue;
      }
      return false;
    }
  }
  if (i === n) return true;
  if (value.charCodeAt(i) !== 58 /* : */ || n - i - 1 > 5) return false;
  let port = 0;
  for (let j = i + 1; j < n; j++) {
    const digit = value.charCodeAt(j) - 48;
    if (digit < 0 || digit > 9) return false;
    port = port * 10 + digit;
  }
  return port <= 65_535;
}
