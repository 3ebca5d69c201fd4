// Compares what cdktf and cdktn synthesized for the same app, stack by stack. Three differences are
// expected and named; any other one fails, with its JSON path and both values.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * The differences a move from cdktf to cdktn makes in every stack, each with the exact values it
 * may take: anything else at these paths is a failure too.
 * @param {{ cdktf: string, cdktn: string, awsFrom: string, awsTo: string }} v
 */
export function expectedDifferences(v) {
  return [
    { name: "//.metadata.version", path: ["//", "metadata", "version"], from: v.cdktf, to: v.cdktn },
    { name: "required_providers.aws.source", path: ["terraform", "required_providers", "aws", "source"], from: "aws", to: "hashicorp/aws" },
    { name: "required_providers.aws.version", path: ["terraform", "required_providers", "aws", "version"], from: v.awsFrom, to: v.awsTo },
  ];
}

/** Every place two JSON values differ: { path, a, b } with `undefined` for a missing key. */
export function jsonDiff(a, b, path = [], out = []) {
  if (Object.is(a, b)) return out;
  const kind = (x) => (Array.isArray(x) ? "array" : x === null ? "null" : typeof x);
  if (kind(a) !== kind(b) || (kind(a) !== "object" && kind(a) !== "array")) {
    out.push({ path, a, b });
    return out;
  }
  if (kind(a) === "array") {
    for (let i = 0; i < Math.max(a.length, b.length); i++) jsonDiff(i < a.length ? a[i] : undefined, i < b.length ? b[i] : undefined, [...path, i], out);
    return out;
  }
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) jsonDiff(Object.hasOwn(a, k) ? a[k] : undefined, Object.hasOwn(b, k) ? b[k] : undefined, [...path, k], out);
  return out;
}

const samePath = (p, q) => p.length === q.length && p.every((x, i) => x === q[i]);
export const showPath = (p) => p.map((x) => (typeof x === "number" ? `[${x}]` : x)).join(".");

// cdktf writes an empty array or object over two lines ("[\n   ]"), cdktn as "[]": layout only.
const EMPTY = /([[{])\n\s*([\]}])/g;

/**
 * One stack's comparison from its two texts: the expected differences found and the unexpected
 * ones (by JSON path); `orderMatch`, whether keys come in the same order; and `layout`:
 * "identical" when the cdktn text is the cdktf text with the expected values swapped in, byte for
 * byte; "empty-arrays" when the texts differ only in how empty arrays and objects are laid out;
 * "other" for any other whitespace difference.
 */
export function compareStack(cdktfText, cdktnText, expected) {
  const a = JSON.parse(cdktfText);
  const b = JSON.parse(cdktnText);
  const found = [];
  const unexpected = [];
  for (const d of jsonDiff(a, b)) {
    const e = expected.find((x) => samePath(x.path, d.path));
    if (e && d.a === e.from && d.b === e.to) found.push(e.name);
    else unexpected.push({ path: showPath(d.path), cdktf: d.a, cdktn: d.b });
  }
  const patched = structuredClone(a);
  for (const e of expected.filter((x) => found.includes(x.name))) setPath(patched, e.path, e.to);
  const orderMatch = unexpected.length === 0 && JSON.stringify(patched) === JSON.stringify(b);
  const fmt = (x) => JSON.stringify(x, null, 2);
  const collapse = (t) => t.replace(EMPTY, "$1$2");
  const layout = fmt(a) === cdktfText && fmt(b) === cdktnText ? "identical" : collapse(cdktfText) === fmt(a) && collapse(cdktnText) === fmt(b) ? "empty-arrays" : "other";
  return { found, unexpected, orderMatch, layout };
}

/** True when a stack differs only as expected: every expected difference, nothing else, same key order. */
export const passes = (r, expected) => r.unexpected.length === 0 && r.orderMatch && r.found.length === expected.length && r.layout !== "other";

function setPath(obj, path, value) {
  let o = obj;
  for (const k of path.slice(0, -1)) o = o[k];
  o[path.at(-1)] = value;
}

/**
 * Both synth outputs, every stack: which stacks exist on one side only, and per stack the result of
 * compareStack. manifest.json is compared as JSON, annotation stack traces left out, with only its
 * `version` allowed to differ.
 */
export function compareOutputs(cdktfDir, cdktnDir, expected) {
  const list = (d) => readdirSync(join(d, "stacks")).sort();
  const [left, right] = [list(cdktfDir), list(cdktnDir)];
  const onlyCdktf = left.filter((s) => !right.includes(s));
  const onlyCdktn = right.filter((s) => !left.includes(s));
  const stacks = left.filter((s) => right.includes(s)).map((stack) => {
    const read = (d) => readFileSync(join(d, "stacks", stack, "cdk.tf.json"), "utf8");
    return { stack, ...compareStack(read(cdktfDir), read(cdktnDir), expected) };
  });
  // Annotations carry the stack trace of the run that made them (file paths of that copy).
  const manifest = (d) => {
    const m = JSON.parse(readFileSync(join(d, "manifest.json"), "utf8"));
    for (const s of Object.values(m.stacks ?? {})) for (const an of s.annotations ?? []) delete an.stacktrace;
    return m;
  };
  const [ma, mb] = [manifest(cdktfDir), manifest(cdktnDir)];
  const version = expected.find((e) => e.name === "//.metadata.version");
  const manifestDiffs = jsonDiff(ma, mb)
    .filter((d) => !(samePath(d.path, ["version"]) && d.a === version?.from && d.b === version?.to))
    .map((d) => ({ path: showPath(d.path), cdktf: d.a, cdktn: d.b }));
  return { stacks, onlyCdktf, onlyCdktn, manifestDiffs };
}

/** Counts of each expected difference over all stacks, e.g. { "//.metadata.version": 9, ... }. */
export function tallyFound(stacks, expected) {
  const counts = Object.fromEntries(expected.map((e) => [e.name, 0]));
  for (const s of stacks) for (const f of s.found) counts[f]++;
  return counts;
}
