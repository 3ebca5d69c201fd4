// A small seeded generator for the lane's property checks: the same seed gives the same cases, so a
// failure printed with its seed can be replayed (BF_CDKTN_SEED=<seed>).
export const SEED = Number(process.env.BF_CDKTN_SEED ?? 20261202);

/** mulberry32: a fast 32-bit PRNG; quality is plenty for picking test cases. */
export function random(seed = SEED) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n) => Math.floor(next() * n);
  const pick = (xs) => xs[int(xs.length)];
  return { next, int, pick };
}
