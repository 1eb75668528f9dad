// Given an order feed, a batch of orders is written in one transaction: all of it or none, with a bad
// order named by its position in the batch.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support/app.js";
import { countRows } from "../support/db.js";

describe("orders: batch upsert", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  const batch = (orders: unknown[]) =>
    t.app.inject({ method: "POST", url: "/v1/orders/batch", headers: t.secret, payload: { orders } });
  const order = (i: number, extra: Record<string, unknown> = {}) => ({
    externalId: `BO-${i}`,
    customerId: `M-${i % 2}`,
    orderedAt: `2026-05-${String(10 + i).padStart(2, "0")}T12:00:00+09:00`,
    items: [
      { sku: `SKU-${i}`, name: `商品 ${i}`, quantity: 1, unitPrice: 1000 + i },
      { sku: "COMMON", name: "共通", quantity: 2, unitPrice: 500 },
    ],
    ...extra,
  });
  const counts = async () => ({
    orders: await countRows(t.testDb.db, "orders"),
    items: await countRows(t.testDb.db, "order_items"),
    products: await countRows(t.testDb.db, "products"),
    customers: await countRows(t.testDb.db, "customers"),
  });

  it("creates five orders with their items, products and buyers", async () => {
    const res = await batch([1, 2, 3, 4, 5].map((i) => order(i)));
    expect(res.statusCode, res.body).toBe(200);
    const { results } = res.json();
    expect(results.map((r: { externalId: string }) => r.externalId)).toEqual([
      "BO-1",
      "BO-2",
      "BO-3",
      "BO-4",
      "BO-5",
    ]);
    expect(results.every((r: { created: boolean; changed: boolean }) => r.created && r.changed)).toBe(true);
    expect(await counts()).toEqual({ orders: 5, items: 10, products: 6, customers: 2 });
  });

  it("re-sending the batch changes nothing", async () => {
    const res = await batch([1, 2, 3, 4, 5].map((i) => order(i)));
    expect(
      res.json().results.map((r: { created: boolean; changed: boolean }) => [r.created, r.changed]),
    ).toEqual(Array(5).fill([false, false]));
    expect(await counts()).toEqual({ orders: 5, items: 10, products: 6, customers: 2 });
  });

  it("rejects all five when one fails validation, naming orders[i].field", async () => {
    const before = await counts();
    const orders = [6, 7, 8, 9, 10].map((i) => order(i));
    orders[3] = order(9, { items: [{ sku: "SKU-9", quantity: 0, unitPrice: 100 }] });
    const res = await batch(orders);
    expect(res.statusCode, res.body).toBe(400);
    const { error } = res.json();
    expect(error.code).toBe("validation_failed");
    expect(error.issues.map((i: { field: string }) => i.field)).toEqual(["orders[3].items[0].quantity"]);
    expect(await counts()).toEqual(before);
  });

  it("names a top-level field of the bad order", async () => {
    const orders = [11, 12, 13].map((i) => order(i));
    orders[1] = order(12, { orderedAt: "not a date" });
    const res = await batch(orders);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.issues[0].field).toBe("orders[1].orderedAt");
  });

  it("rolls back orders already written when a later one fails inside the transaction", async () => {
    const before = await counts();
    const orders = [14, 15, 16, 17, 18].map((i) => order(i));
    // Passes the schema, fails when the buyer's profile is normalised: after orders[0..2] were written.
    orders[3] = order(17, { customerId: undefined, customer: { email: "nobody-at-example" } });
    // An update to an existing order in the same batch must be undone too.
    orders[0] = order(1, { status: "cancelled" });
    const res = await batch(orders);
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.issues).toEqual([
      { field: "orders[3].customer.email", message: expect.any(String) },
    ]);
    expect(await counts()).toEqual(before);
    const one = await t.app.inject({ method: "GET", url: "/v1/orders/BO-1", headers: t.secret });
    expect(one.json().status).toBe("completed");
  });

  it("mixes creations and updates, and applies the same order twice in sequence", async () => {
    const res = await batch([
      order(1, { status: "shipped", shippedAt: "2026-05-12T09:00:00+09:00" }),
      order(20),
      order(20, { status: "cancelled" }),
    ]);
    expect(res.statusCode, res.body).toBe(200);
    expect(
      res.json().results.map((r: { created: boolean; changed: boolean }) => [r.created, r.changed]),
    ).toEqual([
      [false, true],
      [true, true],
      [false, true],
    ]);
    const twenty = await t.app.inject({ method: "GET", url: "/v1/orders/BO-20", headers: t.secret });
    expect(twenty.json().status).toBe("cancelled");
    expect(await countRows(t.testDb.db, "orders")).toBe(6);
  });

  it("rejects an empty batch, and refuses the public key", async () => {
    const empty = await batch([]);
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.issues[0].field).toBe("orders");
    const pub = await t.app.inject({
      method: "POST",
      url: "/v1/orders/batch",
      headers: t.public,
      payload: { orders: [order(30)] },
    });
    expect(pub.statusCode).toBe(403);
  });
});
