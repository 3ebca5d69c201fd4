// Checks that the stack comparison can fail: a seeded property over real synthesized stacks, each
// mutated once at a random place, must be reported at that place. Run by lane.mjs.
import { compareStack, jsonDiff, passes, showPath } from "./compare.mjs";
import { random, SEED } from "./random.mjs";

/** Every path to a leaf (or an empty object/array) of a JSON value. */
function leaves(v, path = [], out = []) {
  if (v !== null && typeof v === "object" && Object.keys(v).length > 0) {
    for (const [k, x] of Object.entries(v)) leaves(x, [...path, Array.isArray(v) ? Number(k) : k], out);
  } else {
    out.push(path);
  }
  return out;
}

const get = (o, p) => p.reduce((x, k) => x[k], o);

function withExpected(stack, expected) {
  const b = structuredClone(stack);
  for (const e of expected) {
    if (get(stack, e.path.slice(0, -1))?.[e.path.at(-1)] === e.from) get(b, e.path.slice(0, -1))[e.path.at(-1)] = e.to;
  }
  return b;
}

/** One random change to a copy of `b`, and the path the comparison must name. */
function mutate(b, r) {
  const m = structuredClone(b);
  const path = r.pick(leaves(m));
  const parent = path.length ? get(m, path.slice(0, -1)) : undefined;
  const key = path.at(-1);
  const kind = r.pick(["value", "delete", "add", "type"]);
  if (!parent) return { m: { changed: true }, path: [], kind: "root" };
  if (kind === "delete" && !Array.isArray(parent)) {
    delete parent[key];
    return { m, path, kind };
  }
  if (kind === "add") {
    const target = get(m, path);
    if (target !== null && typeof target === "object" && !Array.isArray(target)) {
      target.bf_extra = r.int(100);
      return { m, path: [...path, "bf_extra"], kind };
    }
    if (!Array.isArray(parent)) {
      parent[`${key}_extra`] = true;
      return { m, path: [...path.slice(0, -1), `${key}_extra`], kind };
    }
  }
  const old = parent[key];
  parent[key] = kind === "type" ? (typeof old === "string" ? 1 : "1") : typeof old === "string" ? `${old}x` : typeof old === "number" ? old + 1 : typeof old === "boolean" ? !old : "x";
  return { m, path, kind: kind === "type" ? "type" : "value" };
}

export function compareTests(check, stacks, expected, runs = 200) {
  const names = Object.keys(stacks).sort();
  // The unchanged pair: exactly the expected differences, bytes equal after swapping them in.
  const base = names.map((n) => {
    const a = JSON.parse(stacks[n]);
    const b = withExpected(a, expected);
    return { n, a, b, result: compareStack(stacks[n], JSON.stringify(b, null, 2), expected) };
  });
  // A stack whose cdktf text has a two-line empty array (a worker's `depends_on: [\n]`) comes back
  // from JSON.stringify as "[]": the layout difference the lane names, and nothing else.
  const twoLineEmpty = (text) => /\[\n\s*\]/.test(text);
  const clean = base.filter((x) => passes(x.result, expected) && x.result.layout === (twoLineEmpty(stacks[x.n]) ? "empty-arrays" : "identical"));
  check("compare: a stack with only the expected differences passes", clean.length === base.length, `${clean.length}/${base.length} stacks`);

  const r = random(SEED ^ 0x5eed);
  for (let i = 0; i < runs; i++) {
    const { n, a, b } = r.pick(base);
    const { m, path, kind } = mutate(b, r);
    const res = compareStack(JSON.stringify(a, null, 2), JSON.stringify(m, null, 2), expected);
    const shown = showPath(path);
    // A changed value shows at its path; a deleted or added key at that key.
    const named = res.unexpected.some((u) => u.path === shown);
    if (!named) {
      return check(`compare property: ${runs} random mutations each reported at their path`, false, `case ${i} (BF_CDKTN_SEED=${SEED}): ${kind} at ${shown} in ${n} not reported; got ${JSON.stringify(res.unexpected).slice(0, 300)}`);
    }
  }
  check(`compare property: ${runs} random mutations each reported at their path`, true, `seed ${SEED}; value, type, added and deleted keys anywhere, the expected paths included`);

  // The expected paths with any other value are failures too.
  const { a, b } = base[0];
  const wrong = expected.map((e) => {
    const m = structuredClone(b);
    get(m, e.path.slice(0, -1))[e.path.at(-1)] = "9.9.9";
    return compareStack(JSON.stringify(a, null, 2), JSON.stringify(m, null, 2), expected).unexpected.map((u) => u.path);
  });
  check("compare: an expected path with an unexpected value fails", wrong.every((u, i) => u.includes(showPath(expected[i].path))), JSON.stringify(wrong));

  // Key order is not a value difference, but the comparison catches it.
  const reordered = Object.fromEntries(Object.entries(b).reverse());
  const ro = compareStack(JSON.stringify(a, null, 2), JSON.stringify(reordered, null, 2), expected);
  check("compare: the same values in another key order fail", jsonDiff(b, reordered).length === 0 && ro.unexpected.length === 0 && !ro.orderMatch && !passes(ro, expected), `orderMatch ${ro.orderMatch}`);

  // Layout: cdktf's two-line empty arrays are named, any other whitespace change fails.
  const [a2, b2] = [{ ...a, bf_empty: [] }, { ...b, bf_empty: [] }];
  const twoLine = JSON.stringify(a2, null, 2).replace('"bf_empty": []', '"bf_empty": [\n  ]');
  const rl = compareStack(twoLine, JSON.stringify(b2, null, 2), expected);
  const rx = compareStack(JSON.stringify(a, null, 2), JSON.stringify(b, null, 2).replace("{\n", "{\n\n"), expected);
  check(
    "compare: two-line empty arrays are named as layout; other whitespace fails",
    rl.layout === "empty-arrays" && passes(rl, expected) && rx.layout === "other" && !passes(rx, expected),
    `empty arrays: ${rl.layout}; a blank line: ${rx.layout}`,
  );
}
