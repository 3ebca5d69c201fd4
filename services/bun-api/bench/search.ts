/**
 * The search for the highest constant request rate a server holds: bracket by a factor (up after a
 * pass, down after a failure) until one rate passes and a higher one fails, then bisect until the
 * two are within `precision` of each other. The answer is the highest rate that passed.
 */
export interface RateSearchOptions {
  readonly start: number;
  /** @default 1.5 */
  readonly factor?: number;
  /** Stop when failing ÷ passing ≤ 1 + precision. @default 0.03 */
  readonly precision?: number;
  /** Rates are rounded to multiples of this. @default 10 */
  readonly granularity?: number;
  /** Give up bracketing below this rate (the answer is then 0). @default 50 */
  readonly floor?: number;
  /** Give up bracketing above this rate (the answer is then this rate). @default 1000000 */
  readonly ceiling?: number;
}

export class RateSearch {
  /** Highest rate that passed. */
  passed: number | undefined;
  /** Lowest rate that failed. */
  failed: number | undefined;
  readonly tried: { rate: number; ok: boolean }[] = [];
  #next: number | undefined;
  readonly #factor: number;
  readonly #precision: number;
  readonly #granularity: number;
  readonly #floor: number;
  readonly #ceiling: number;

  constructor(options: RateSearchOptions) {
    this.#factor = options.factor ?? 1.5;
    this.#precision = options.precision ?? 0.03;
    this.#granularity = options.granularity ?? 10;
    this.#floor = options.floor ?? 50;
    this.#ceiling = options.ceiling ?? 1_000_000;
    this.#next = this.#round(options.start);
  }

  /** The rate to try next, or undefined when the search is over. */
  next(): number | undefined {
    return this.#next;
  }

  /** The answer once {@link next} is undefined: the highest rate that passed (0 if none did). */
  get result(): number {
    return this.passed ?? 0;
  }

  record(rate: number, ok: boolean): void {
    this.tried.push({ rate, ok });
    if (ok && (this.passed === undefined || rate > this.passed)) this.passed = rate;
    if (!ok && (this.failed === undefined || rate < this.failed)) this.failed = rate;
    this.#next = this.#choose();
  }

  #choose(): number | undefined {
    const { passed, failed } = this;
    if (passed === undefined) {
      const down = this.#round(failed! / this.#factor);
      return down < this.#floor || down === failed ? undefined : down;
    }
    if (failed === undefined) {
      if (passed >= this.#ceiling) return undefined;
      return Math.min(this.#ceiling, this.#round(passed * this.#factor));
    }
    if (failed <= passed * (1 + this.#precision)) return undefined;
    const mid = this.#round((passed + failed) / 2);
    return mid <= passed || mid >= failed ? undefined : mid;
  }

  #round(rate: number): number {
    return Math.max(this.#granularity, Math.round(rate / this.#granularity) * this.#granularity);
  }
}
