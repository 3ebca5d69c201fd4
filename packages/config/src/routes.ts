/**
 * Which requests an ALB listener rule matches, for refusing rules that can never receive traffic.
 * A rule matches when every condition matches: its path pattern condition when one of its patterns
 * matches the path (case-sensitive), its host header condition when one of its hosts matches the
 * Host (case-insensitive). In patterns `*` matches any run of characters and `?` exactly one.
 */
import type { RoutingConfig } from "./types";

type Token = { readonly kind: "char"; readonly char: string } | { readonly kind: "one" } | { readonly kind: "any" };

function tokens(pattern: string): Token[] {
  return [...pattern].map((c) => (c === "*" ? { kind: "any" } : c === "?" ? { kind: "one" } : { kind: "char", char: c }));
}

/** Positions reachable without reading a character (a `*` may match nothing). */
function closure(pattern: readonly Token[], states: Iterable<number>): number[] {
  const out = new Set<number>();
  const stack = [...states];
  while (stack.length > 0) {
    const s = stack.pop()!;
    if (out.has(s)) continue;
    out.add(s);
    if (pattern[s]?.kind === "any") stack.push(s + 1);
  }
  return [...out].sort((a, b) => a - b);
}

function step(pattern: readonly Token[], states: readonly number[], char: string): number[] {
  const next: number[] = [];
  for (const s of states) {
    const t = pattern[s];
    if (!t) continue;
    if (t.kind === "any") next.push(s);
    else if (t.kind === "one" || t.char === char) next.push(s + 1);
  }
  return closure(pattern, next);
}

const OTHER = "\u0000"; // stands for every character that appears in neither pattern
const SEARCH_LIMIT = 100_000;

/**
 * Whether every string `inner` matches is also matched by `outer`: a search for a string that
 * `inner` accepts and `outer` refuses, over the characters of both patterns plus one standing for
 * all others (which behave alike). Exact for these patterns; gives up (false) past a search bound
 * that patterns within the ALB's limits do not reach.
 */
export function patternCovers(outer: string, inner: string): boolean {
  // Shortcuts for the common case (distinct literal prefixes such as /orders/ and /billing/).
  const literal = (p: string) => p.split(/[*?]/)[0]!;
  const [op, ip] = [literal(outer), literal(inner)];
  if (!op.startsWith(ip) && !ip.startsWith(op)) return false;
  if (op === outer) return inner === outer;
  const o = tokens(outer);
  const i = tokens(inner);
  const alphabet = [...new Set([...outer, ...inner].filter((c) => c !== "*" && c !== "?")), OTHER];
  const start: [number[], number[]] = [closure(i, [0]), closure(o, [0])];
  const seen = new Set<string>();
  const queue: [number[], number[]][] = [start];
  while (queue.length > 0) {
    const [si, so] = queue.shift()!;
    const key = `${si.join(",")}|${so.join(",")}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (seen.size > SEARCH_LIMIT) return false;
    if (si.includes(i.length) && !so.includes(o.length)) return false;
    if (si.length === 0) continue;
    for (const c of alphabet) {
      const ni = step(i, si, c);
      if (ni.length > 0) queue.push([ni, step(o, so, c)]);
    }
  }
  return true;
}

/** Whether each of `inner` is covered by one of `outer`. Sound, not complete: a pattern covered only by several together counts as uncovered. */
function allCovered(outer: readonly string[], inner: readonly string[]): boolean {
  return inner.every((p) => outer.some((q) => patternCovers(q, p)));
}

/**
 * Whether `earlier` (evaluated first) matches every request `later` matches, so that `later` never
 * gets one. A missing condition matches everything: any path is `/*`, any host `*`.
 */
export function shadows(earlier: RoutingConfig, later: RoutingConfig): boolean {
  const earlierPaths = earlier.pathPatterns ?? [];
  const earlierHosts = (earlier.hostHeaders ?? []).map((h) => h.toLowerCase());
  const laterPaths = later.pathPatterns?.length ? later.pathPatterns : ["/*"];
  const laterHosts = later.hostHeaders?.length ? later.hostHeaders.map((h) => h.toLowerCase()) : ["*"];
  const paths = earlierPaths.length === 0 || allCovered(earlierPaths, laterPaths);
  const hosts = earlierHosts.length === 0 || allCovered(earlierHosts, laterHosts);
  return paths && hosts;
}
