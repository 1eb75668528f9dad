// Given a shop whose systems retry and send in parallel, concurrent upserts of the same order, buyer
// and products end in one row each: the loser of a unique-index race is retried and finds the row.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support/app.js";
import { countRows } from "../support/db.js";

describe("orders: concurrent upserts", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  const send = (payload: Record<string, unknown>) =>
    t.app.inject({ method: "POST", url: "/v1/orders", headers: t.secret, payload });
  const count = (table: string) => countRows(t.testDb.db, table);

  const order = {
    externalId: "RACE-1",
    customerId: "M-RACE",
    orderedAt: "2026-05-20T10:00:00+09:00",
    items: [
      { sku: "R-LOTION", name: "化粧水", quantity: 1, unitPrice: 1280 },
      { sku: "R-MILK", name: "乳液", quantity: 2, unitPrice: 1680 },
    ],
  };

  it("20 parallel sends of the same new order make one order", async () => {
    const responses = await Promise.all(Array.from({ length: 20 }, () => send(order)));
    for (const r of responses) expect(r.statusCode, r.body).toBe(200);
    expect(responses.filter((r) => r.json().created)).toHaveLength(1);
    expect(new Set(responses.map((r) => r.json().id)).size).toBe(1);
    expect(await count("orders")).toBe(1);
    expect(await count("order_items")).toBe(2);
    expect(await count("products")).toBe(2);
    expect(await count("customers")).toBe(1);
  });

  it("20 parallel orders from one new buyer with the same new products", async () => {
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        send({
          externalId: `PAR-${i}`,
          customerId: "M-NEW",
          orderedAt: "2026-05-21T10:00:00+09:00",
          // Half of them list the products the other way round, the order that risks deadlocks.
          items: (i % 2 === 0 ? ["P-A", "P-B", "P-C"] : ["P-C", "P-B", "P-A"]).map((sku) => ({
            sku,
            quantity: 1,
            unitPrice: 100,
          })),
        }),
      ),
    );
    for (const r of responses) expect(r.statusCode, r.body).toBe(200);
    expect(await count("orders")).toBe(21);
    expect(await count("order_items")).toBe(2 + 60);
    expect(await count("products")).toBe(5);
    expect(await count("customers")).toBe(2);
  });

  it("parallel status updates and item changes of one order keep one order with one set of items", async () => {
    const changed = {
      ...order,
      status: "shipped",
      shippedAt: "2026-05-22T10:00:00+09:00",
      items: [
        { sku: "R-LOTION", name: "化粧水", quantity: 3, unitPrice: 1280 },
        { sku: "R-SERUM", name: "美容液", quantity: 1, unitPrice: 4800 },
        { sku: "R-MASK", name: "マスク", quantity: 5, unitPrice: 330 },
      ],
    };
    const responses = await Promise.all(Array.from({ length: 10 }, () => send(changed)));
    for (const r of responses) expect(r.statusCode, r.body).toBe(200);
    expect(responses.every((r) => !r.json().created)).toBe(true);
    const got = await t.app.inject({ method: "GET", url: "/v1/orders/RACE-1", headers: t.secret });
    expect(got.json()).toMatchObject({ status: "shipped", subtotal: 3840 + 4800 + 1650 });
    expect(got.json().items).toHaveLength(3);
    expect(await count("orders")).toBe(21);
    expect(await count("order_items")).toBe(3 + 60);
  });
});
