import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support/app.js";
import { countRows } from "../support/db.js";

describe("orders and products, smoke", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  it("upserts an order idempotently and records a restock", async () => {
    const order = {
      externalId: "O-1",
      customerId: "M1",
      orderedAt: "2026-05-01T10:00:00+09:00",
      items: [{ sku: "SKU-1", name: "化粧水", quantity: 2, unitPrice: 1280 }],
    };
    const first = await t.app.inject({
      method: "POST",
      url: "/v1/orders",
      headers: t.secret,
      payload: order,
    });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ created: true, changed: true });
    const again = await t.app.inject({
      method: "POST",
      url: "/v1/orders",
      headers: t.secret,
      payload: order,
    });
    expect(again.json()).toMatchObject({ created: false, changed: false });
    const cancelled = await t.app.inject({
      method: "POST",
      url: "/v1/orders",
      headers: t.secret,
      payload: { ...order, status: "cancelled" },
    });
    expect(cancelled.json()).toMatchObject({ created: false, changed: true });
    expect(await countRows(t.testDb.db, "orders")).toBe(1);
    expect(await countRows(t.testDb.db, "order_items")).toBe(1);
    const got = await t.app.inject({ method: "GET", url: "/v1/orders/O-1", headers: t.secret });
    expect(got.json()).toMatchObject({
      customerId: "M1",
      status: "cancelled",
      total: 2560,
      orderedAt: "2026-05-01T01:00:00.000Z",
    });

    await t.app.inject({
      method: "PUT",
      url: "/v1/products/SKU-1/stock",
      headers: t.secret,
      payload: { stock: 0 },
    });
    const restock = await t.app.inject({
      method: "PUT",
      url: "/v1/products/SKU-1/stock",
      headers: t.secret,
      payload: { stock: 5 },
    });
    expect(restock.json().restocked).toBe(true);
  });
});
