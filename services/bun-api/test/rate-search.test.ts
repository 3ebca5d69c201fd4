/** The rate search of the Fargate benchmark (bench/search.ts), against servers whose capacity is known. */
import { describe, expect, test } from "bun:test";
import { RateSearch } from "../bench/search";
import { Prng, seedFrom } from "./prng";

const SEED = seedFrom("RATE_SEARCH_SEED", 20_261_202);
const RUNS = 2000;

function run(search: RateSearch, capacity: number): number {
  for (let steps = 0; steps < 100; steps++) {
    const rate = search.next();
    if (rate === undefined) return steps;
    search.record(rate, rate <= capacity);
  }
  throw new Error("the search did not end within 100 steps");
}

describe("RateSearch", () => {
  test("brackets up by the factor, then bisects to the precision", () => {
    const search = new RateSearch({ start: 1000, factor: 2, precision: 0.05 });
    run(search, 5000);
    expect(search.tried.map((t) => t.rate)).toEqual([1000, 2000, 4000, 8000, 6000, 5000, 5500, 5250]);
    expect(search.result).toBe(5000);
  });

  test("brackets down when the start fails", () => {
    const search = new RateSearch({ start: 10_000, factor: 2, precision: 0.05 });
    run(search, 3000);
    expect(search.tried.slice(0, 3)).toEqual([
      { rate: 10_000, ok: false },
      { rate: 5000, ok: false },
      { rate: 2500, ok: true },
    ]);
    expect(search.result).toBeLessThanOrEqual(3000);
    expect(search.failed! / search.result).toBeLessThanOrEqual(1.05);
  });

  test("answers 0 when nothing above the floor passes, and the ceiling when everything does", () => {
    const none = new RateSearch({ start: 1000, floor: 100 });
    run(none, 10);
    expect(none.result).toBe(0);
    const all = new RateSearch({ start: 1000, ceiling: 50_000 });
    run(all, Infinity);
    expect(all.result).toBe(50_000);
  });

  test(`finds the highest passing rate within the precision for any capacity and start (seed ${SEED}, ${RUNS} runs)`, () => {
    const rng = new Prng(SEED);
    for (let i = 0; i < RUNS; i++) {
      const capacity = rng.int(200, 200_000);
      const start = rng.int(100, 100_000);
      const factor = rng.pick([1.2, 1.5, 1.6, 2]);
      const precision = rng.pick([0.01, 0.03, 0.05]);
      const search = new RateSearch({ start, factor, precision });
      const steps = run(search, capacity);
      const context = `seed ${SEED} run ${i}: capacity ${capacity}, start ${start}, factor ${factor}, precision ${precision}, tried ${JSON.stringify(search.tried)}`;
      expect(search.result, context).toBeLessThanOrEqual(capacity);
      expect(search.failed, context).toBeGreaterThan(capacity);
      // Within the precision, or as close as the 10 req/s grid allows.
      expect(search.failed! - search.result, context).toBeLessThanOrEqual(Math.max(20, search.result * precision));
      expect(steps, context).toBeLessThanOrEqual(40);
    }
  });
});
