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

// RFC 3986 host: an IP literal in brackets, or a reg-name (IPv4 included) of unreserved
// characters, sub-delims and %HH; then an optional port of digits.
const HOST = /^(?:\[[0-9A-Za-z:.]+\]|(?:[A-Za-z0-9._~!$&'()*+,;=-]|%[0-9A-Fa-f]{2})*)(?::(\d*))?$/;

/**
 * Whether a Host header value is one RFC 9112 §3.2 lets a server accept: `uri-host [":" port]`,
 * with a port from 0 to 65535. Several Host lines arrive joined by ", ", which fails the grammar,
 * as the RFC requires. An empty value is valid (a target URI without authority).
 */
export function isValidHost(value: string): boolean {
  const m = HOST.exec(value);
  if (m === null) return false;
  const port = m[1];
  return port === undefined || port.length < 5 || (port.length === 5 && Number(port) <= 65_535);
}
