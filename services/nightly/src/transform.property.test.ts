/** Properties of the transform over arbitrary input (fast-check: a dev dependency, so the image's test step leaves this file out). */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { Aggregator, parseOrderLine } from "./transform";

const line = (o: unknown) => JSON.stringify(o);

describe("Aggregator properties", () => {
  test("property: totals add up to the valid lines, every other non-blank line is rejected, nothing throws", () => {
    const order = fc.record({ orderId: fc.stringMatching(/^[a-z0-9-]{1,12}$/), sku: fc.constantFrom("A", "B", "C"), quantity: fc.integer({ min: 1, max: 1000 }), unitPriceCents: fc.integer({ min: 0, max: 100_000 }) });
    const entry = fc.oneof(order.map((o) => ({ ok: true as const, o, text: line(o) })), fc.string().filter((s) => !s.includes("\n") && s.trim() !== "").map((text) => ({ ok: false as const, o: null, text })));
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 60 }), (entries) => {
        const agg = new Aggregator();
        agg.addObject("k", entries.map((e) => e.text).join("\n"));
        const valid = entries.filter((e) => e.ok || !("problem" in parseOrderLine(e.text)));
        const parsed = valid.map((e) => parseOrderLine(e.text) as { sku: string; quantity: number; unitPriceCents: number });
        expect(agg.records).toBe(parsed.length);
        expect(agg.rejected.length).toBe(entries.length - parsed.length);
        const sum = agg.totals().reduce((s, t) => s + t.revenueCents, 0);
        expect(sum).toBe(parsed.reduce((s, p) => s + p.quantity * p.unitPriceCents, 0));
        expect(agg.totals().reduce((s, t) => s + t.orders, 0)).toBe(parsed.length);
      }),
    );
  });
});
