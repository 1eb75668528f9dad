// Given two shops on one instance, each sees only its own orders, products and buyers: the same order
// number or SKU in two shops is two separate rows.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createShop } from "../../src/shops/index.js";
import { bearer, createTestApp, type TestApp } from "../support/app.js";
import { countRows } from "../support/db.js";

describe("HTTP: shops are isolated from each other", () => {
  let t: TestApp;
  let shopB: { authorization: string };
  let shopBId: number;
  beforeAll(async () => {
    t = await createTestApp();
    const b = await createShop(t.testDb.db, t.clock, { name: "Shop B" });
    shopB = bearer(b.secretKey);
    shopBId = b.shop.id;
  });
  afterAll(async () => t.close());

  const sendOrder = (headers: { authorization: string }, unitPrice: number, couponCode?: string) =>
    t.app.inject({
      method: "POST",
      url: "/v1/orders",
      headers,
      payload: {
        externalId: "O-1",
        customerId: "M-1",
        orderedAt: "2026-05-20T10:00:00+09:00",
        couponCode,
        items: [{ sku: "SKU-1", name: "化粧水", quantity: 1, unitPrice }],
      },
    });
  const sendProduct = (headers: { authorization: string }, price: number) =>
    t.app.inject({
      method: "POST",
      url: "/v1/products",
      headers,
      payload: { sku: "SKU-2", name: "乳液", price },
    });

  it("shop B cannot read shop A's orders or products", async () => {
    expect((await sendOrder(t.secret, 1000)).statusCode).toBe(200);
    expect((await sendProduct(t.secret, 2000)).statusCode).toBe(200);

    for (const url of ["/v1/orders/O-1", "/v1/products/SKU-1", "/v1/products/SKU-2"]) {
      const res = await t.app.inject({ method: "GET", url, headers: shopB });
      expect(res.statusCode, url).toBe(404);
      expect(res.json().error.code).toBe("not_found");
    }
    const stock = await t.app.inject({
      method: "PUT",
      url: "/v1/products/SKU-2/stock",
      headers: shopB,
      payload: { stock: 5 },
    });
    expect(stock.statusCode).toBe(404);
  });

  it("the same order number and SKU in shop B are separate rows", async () => {
    const orders = await countRows(t.testDb.db, "orders");
    const products = await countRows(t.testDb.db, "products");
    const customers = await countRows(t.testDb.db, "customers");

    const order = await sendOrder(shopB, 1500);
    expect(order.json()).toMatchObject({ created: true, changed: true });
    const product = await sendProduct(shopB, 2500);
    expect(product.json()).toMatchObject({ created: true });

    expect(await countRows(t.testDb.db, "orders")).toBe(orders + 1);
    // SKU-1 (from the order) and SKU-2 again, and the member M-1 again: each shop has its own.
    expect(await countRows(t.testDb.db, "products")).toBe(products + 2);
    expect(await countRows(t.testDb.db, "customers")).toBe(customers + 1);

    const a = (await t.app.inject({ method: "GET", url: "/v1/orders/O-1", headers: t.secret })).json();
    const b = (await t.app.inject({ method: "GET", url: "/v1/orders/O-1", headers: shopB })).json();
    expect(a.id).not.toBe(b.id);
    expect(a.total).toBe(1000);
    expect(b.total).toBe(1500);
    const pa = (await t.app.inject({ method: "GET", url: "/v1/products/SKU-2", headers: t.secret })).json();
    const pb = (await t.app.inject({ method: "GET", url: "/v1/products/SKU-2", headers: shopB })).json();
    expect([pa.price, pb.price]).toEqual([2000, 2500]);

    const rows = await t.testDb.db
      .selectFrom("orders")
      .innerJoin("customers", "customers.id", "orders.customer_id")
      .select(["orders.shop_id", "customers.shop_id as customer_shop_id"])
      .where("orders.external_id", "=", "O-1")
      .orderBy("orders.shop_id")
      .execute();
    expect(rows).toEqual([
      { shop_id: t.shop.shop.id, customer_shop_id: t.shop.shop.id },
      { shop_id: shopBId, customer_shop_id: shopBId },
    ]);
    const itemShops = await t.testDb.db
      .selectFrom("order_items")
      .innerJoin("products", "products.id", "order_items.product_id")
      .select(["order_items.shop_id", "products.shop_id as product_shop_id"])
      .execute();
    for (const row of itemShops) expect(row.product_shop_id).toBe(row.shop_id);
  });

  it("shop B's updates leave shop A's order alone", async () => {
    await t.app.inject({
      method: "POST",
      url: "/v1/orders",
      headers: shopB,
      payload: {
        externalId: "O-1",
        customerId: "M-1",
        status: "cancelled",
        orderedAt: "2026-05-20T10:00:00+09:00",
        items: [{ sku: "SKU-9", quantity: 4, unitPrice: 10 }],
      },
    });
    const a = (await t.app.inject({ method: "GET", url: "/v1/orders/O-1", headers: t.secret })).json();
    expect(a).toMatchObject({ status: "completed", total: 1000 });
    expect(a.items).toEqual([
      { sku: "SKU-1", name: "化粧水", quantity: 1, unitPrice: 1000, lineTotal: 1000 },
    ]);
  });

  it("a coupon code of shop A is not redeemed by shop B's order", async () => {
    await t.testDb.db
      .insertInto("coupons")
      .values({
        shop_id: t.shop.shop.id,
        code: "SHARED",
        kind: "amount",
        value: 300,
        currency: "JPY",
        min_order: 0,
        created_at: "2026-05-01T00:00:00.000Z",
      })
      .execute();
    await t.app.inject({
      method: "POST",
      url: "/v1/orders",
      headers: shopB,
      payload: {
        externalId: "O-COUPON",
        orderedAt: "2026-05-20T10:00:00+09:00",
        couponCode: "SHARED",
        items: [{ sku: "SKU-1", quantity: 1, unitPrice: 1000 }],
      },
    });
    const coupon = await t.testDb.db
      .selectFrom("coupons")
      .select("redeemed_at")
      .where("code", "=", "SHARED")
      .executeTakeFirstOrThrow();
    expect(coupon.redeemed_at).toBeNull();
  });
});
