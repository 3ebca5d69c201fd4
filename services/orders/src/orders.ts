/** The orders this service knows: a fixed sample, so callers have something real to read. */
export interface Order {
  readonly id: string;
  readonly status: "placed" | "shipped" | "delivered";
  readonly items: readonly { readonly sku: string; readonly quantity: number }[];
  readonly totalCents: number;
  readonly currency: string;
}

/** An order ID: 1-64 letters, digits, `_` or `-` (anything else is a client's mistake: 400). */
export const ORDER_ID = /^[A-Za-z0-9_-]{1,64}$/;

export const SAMPLE_ORDERS: ReadonlyMap<string, Order> = new Map(
  (
    [
      { id: "ord-1001", status: "placed", items: [{ sku: "mug-blue", quantity: 2 }], totalCents: 2400, currency: "EUR" },
      { id: "ord-1002", status: "shipped", items: [{ sku: "tee-m", quantity: 1 }, { sku: "sticker", quantity: 3 }], totalCents: 3150, currency: "EUR" },
      { id: "ord-1003", status: "delivered", items: [{ sku: "poster-a2", quantity: 1 }], totalCents: 1800, currency: "EUR" },
    ] satisfies Order[]
  ).map((o) => [o.id, o]),
);
