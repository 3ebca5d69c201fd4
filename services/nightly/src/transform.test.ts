import { describe, expect, test } from "bun:test";
import { Aggregator, parseOrderLine } from "./transform";

const line = (o: unknown) => JSON.stringify(o);

describe("parseOrderLine", () => {
  test("an order line", () => {
    expect(parseOrderLine(line({ orderId: "o-1", sku: "SKU-1", quantity: 2, unitPriceCents: 1250 }))).toEqual({ orderId: "o-1", sku: "SKU-1", quantity: 2, unitPriceCents: 1250 });
  });

  test.each([
    ["{not json", "not JSON"],
    ["[1,2]", "not a JSON object"],
    ["null", "not a JSON object"],
    [line({ sku: "S", quantity: 1, unitPriceCents: 1 }), "orderId must be"],
    [line({ orderId: "o", sku: "has space", quantity: 1, unitPriceCents: 1 }), "sku must be"],
    [line({ orderId: "o", sku: "S", quantity: 0, unitPriceCents: 1 }), "quantity must be a whole number from 1"],
    [line({ orderId: "o", sku: "S", quantity: 1.5, unitPriceCents: 1 }), "quantity must be"],
    [line({ orderId: "o", sku: "S", quantity: "2", unitPriceCents: 1 }), "quantity must be"],
    [line({ orderId: "o", sku: "S", quantity: 1, unitPriceCents: -1 }), "unitPriceCents must be"],
  ])("rejects %s with its reason", (text, problem) => {
    const r = parseOrderLine(text);
    expect("problem" in r && r.problem).toContain(problem);
  });
});

describe("Aggregator", () => {
  test("totals per SKU, sorted, with blank lines and CRLF ignored and bad lines located", () => {
    const agg = new Aggregator();
    agg.addObject("a.jsonl", [line({ orderId: "1", sku: "B", quantity: 2, unitPriceCents: 100 }), "", line({ orderId: "2", sku: "A", quantity: 1, unitPriceCents: 5 })].join("\r\n") + "\n");
    agg.addObject("b.jsonl", line({ orderId: "3", sku: "B", quantity: 3, unitPriceCents: 10 }) + "\noops\n");
    expect(agg.totals()).toEqual([
      { sku: "A", orders: 1, quantity: 1, revenueCents: 5 },
      { sku: "B", orders: 2, quantity: 5, revenueCents: 230 },
    ]);
    expect(agg.records).toBe(3);
    expect(agg.rejected).toEqual([{ key: "b.jsonl", line: 2, problem: "not JSON" }]);
  });
});
