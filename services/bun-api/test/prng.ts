/**
 * A small seeded PRNG (sfc32, seeded through splitmix32) for generated tests: the same seed gives
 * the same sequence on every machine, so a failure printed with its seed can be replayed.
 */
export class Prng {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  constructor(readonly seed: number) {
    let s = seed >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.#a = next();
    this.#b = next();
    this.#c = next();
    this.#d = next();
    for (let i = 0; i < 12; i++) this.uint32();
  }

  uint32(): number {
    const t = (((this.#a + this.#b) >>> 0) + this.#d) >>> 0;
    this.#d = (this.#d + 1) >>> 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) >>> 0;
    this.#c = ((this.#c << 21) | (this.#c >>> 11)) >>> 0;
    this.#c = (this.#c + t) >>> 0;
    return t;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor((this.uint32() / 0x1_0000_0000) * (max - min + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.uint32() / 0x1_0000_0000 < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)]!;
  }

  /** One of the items, each with its weight. */
  weighted<T>(items: readonly (readonly [weight: number, value: T])[]): T {
    const total = items.reduce((sum, [w]) => sum + w, 0);
    let at = this.int(0, total - 1);
    for (const [w, value] of items) {
      if (at < w) return value;
      at -= w;
    }
    return items.at(-1)![1];
  }

  /** `length` characters drawn from `alphabet`. */
  string(alphabet: string, length: number): string {
    let out = "";
    for (let i = 0; i < length; i++) out += alphabet[this.int(0, alphabet.length - 1)];
    return out;
  }

  hex(length: number): string {
    return this.string("0123456789abcdef", length);
  }

  /** Bytes 0-255 as a latin1 string (one character per byte). */
  bytes(length: number): string {
    let out = "";
    for (let i = 0; i < length; i++) out += String.fromCharCode(this.int(0, 255));
    return out;
  }
}

/** The seed for a generated test: from the environment variable when set (to replay), else the fixed default. */
export function seedFrom(variable: string, fallback: number): number {
  const raw = process.env[variable];
  if (raw === undefined || raw === "") return fallback;
  if (!/^\d{1,10}$/.test(raw)) throw new Error(`${variable}=${JSON.stringify(raw)}: expected an integer seed`);
  return Number(raw) >>> 0;
}
