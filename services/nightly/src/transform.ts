/**
 * The "transform" of the job, free of I/O: order lines in, totals per SKU out. Each input line is
 * one JSON object `{ "orderId": "o-1", "sku": "SKU-1", "quantity": 2, "unitPriceCents": 1250 }`.
 * A line that is not such an object is rejected with the reason, never guessed at.
 */

export interface OrderLine {
  readonly orderId: string;
  readonly sku: string;
  readonly quantity: number;
  readonly unitPriceCents: number;
}

export interface SkuTotal {
  readonly sku: string;
  readonly orders: number;
  readonly quantity: number;
  readonly revenueCents: number;
}

/** A line that could not be read, where it was, and why. */
export interface Rejected {
  readonly key: string;
  /** 1-based line number in its object. */
  readonly line: number;
  readonly problem: string;
}

const ID = /^[A-Za-z0-9._:-]{1,128}$/;
const MAX_QUANTITY = 1_000_000;
const MAX_PRICE_CENTS = 100_000_000;

/** The order line in `text`, or why it is not one. */
export function parseOrderLine(text: string): OrderLine | { readonly problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { problem: "not JSON" };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return { problem: "not a JSON object" };
  const o = value as Record<string, unknown>;
  if (typeof o.orderId !== "string" || !ID.test(o.orderId)) return { problem: "orderId must be 1 to 128 letters, digits or . _ : -" };
  if (typeof o.sku !== "string" || !ID.test(o.sku)) return { problem: "sku must be 1 to 128 letters, digits or . _ : -" };
  if (!Number.isInteger(o.quantity) || (o.quantity as number) < 1 || (o.quantity as number) > MAX_QUANTITY) {
    return { problem: `quantity must be a whole number from 1 to ${MAX_QUANTITY}` };
  }
  if (!Number.isInteger(o.unitPriceCents) || (o.unitPriceCents as number) < 0 || (o.unitPriceCents as number) > MAX_PRICE_CENTS) {
    return { problem: `unitPriceCents must be a whole number from 0 to ${MAX_PRICE_CENTS}` };
  }
  return { orderId: o.orderId, sku: o.sku, quantity: o.quantity as number, unitPriceCents: o.unitPriceCents as number };
}

/** Running totals over any number of objects; blank lines (a trailing newline) are not records. */
export class Aggregator {
  readonly #bySku = new Map<string, { orders: number; quantity: number; revenueCents: number }>();
  readonly rejected: Rejected[] = [];
  records = 0;

  /** Adds every line of one object's text. */
  addObject(key: string, text: string): void {
    const lines = text.split("\n");
    for (let i = 0; i < lines.length; i++) {
      const raw = lines[i]!.endsWith("\r") ? lines[i]!.slice(0, -1) : lines[i]!;
      if (raw.trim() === "") continue;
      const parsed = parseOrderLine(raw);
      if ("problem" in parsed) {
        this.rejected.push({ key, line: i + 1, problem: parsed.problem });
        continue;
      }
      this.records++;
      const total = this.#bySku.get(parsed.sku) ?? { orders: 0, quantity: 0, revenueCents: 0 };
      total.orders += 1;
      total.quantity += parsed.quantity;
      total.revenueCents += parsed.quantity * parsed.unitPriceCents;
      this.#bySku.set(parsed.sku, total);
    }
  }

  /** Totals per SKU, sorted by SKU so the report is the same for the same input. */
  totals(): SkuTotal[] {
    return [...this.#bySku.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([sku, t]) => ({ sku, ...t }));
  }
}
