// Given products with stock, a restock (stock 0 → positive) is recorded once as a "restock" event,
// whether the stock comes with a product upsert or from the inventory feed (PUT …/stock).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fromJson } from "../../src/db/index.js";
import { createTestApp, type TestApp } from "../support/app.js";

describe("products: restock detection", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  const upsert = (sku: string, stock: number | null) =>
    t.app.inject({
      method: "POST",
      url: "/v1/products",
      headers: t.secret,
      payload: { sku, name: `商品 ${sku}`, price: 1000, stock },
    });
  const putStock = (sku: string, stock: number) =>
    t.app.inject({
      method: "PUT",
      url: `/v1/products/${sku}/stock`,
      headers: t.secret,
      payload: { stock },
    });
  const restocks = (sku: string) =>
    t.testDb.db
      .selectFrom("events")
      .selectAll()
      .where("shop_id", "=", t.shop.shop.id)
      .where("type", "=", "restock")
      .where("sku", "=", sku)
      .execute();

  it("does not count a product first seen with stock as a restock", async () => {
    const res = await upsert("NEW-IN", 5);
    expect(res.json()).toMatchObject({ created: true, restocked: false });
    expect(await restocks("NEW-IN")).toHaveLength(0);
  });

  it("records 0 → positive through a product upsert exactly once", async () => {
    await upsert("SOLD-OUT", 3);
    expect((await upsert("SOLD-OUT", 0)).json()).toMatchObject({ changed: true, restocked: false });
    t.clock.set("2026-06-03T10:00:00.000Z");
    const back = await upsert("SOLD-OUT", 8);
    expect(back.json()).toMatchObject({ changed: true, restocked: true });
    expect(back.json().product.stock).toBe(8);

    // The same feed sent again, and further stock changes while in stock, record nothing more.
    expect((await upsert("SOLD-OUT", 8)).json()).toMatchObject({ changed: false, restocked: false });
    expect((await upsert("SOLD-OUT", 10)).json()).toMatchObject({ changed: true, restocked: false });

    const events = await restocks("SOLD-OUT");
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      product_id: back.json().product.id,
      customer_id: null,
      occurred_at: "2026-06-03T10:00:00.000Z",
    });
    expect(fromJson(events[0].properties)).toEqual({ stockBefore: 0, stockAfter: 8 });
  });

  it("does not record 3 → 5", async () => {
    await upsert("PLENTY", 3);
    expect((await upsert("PLENTY", 5)).json()).toMatchObject({ changed: true, restocked: false });
    expect((await putStock("PLENTY", 7)).json()).toMatchObject({ changed: true, restocked: false });
    expect(await restocks("PLENTY")).toHaveLength(0);
  });

  it("leaves stock alone when an upsert does not mention it", async () => {
    await upsert("QUIET", 0);
    const res = await t.app.inject({
      method: "POST",
      url: "/v1/products",
      headers: t.secret,
      payload: { sku: "QUIET", name: "商品 QUIET (改)", price: 1000 },
    });
    expect(res.json()).toMatchObject({ changed: true, restocked: false });
    expect(res.json().product.stock).toBe(0);
    expect(await restocks("QUIET")).toHaveLength(0);
  });

  it("records 0 → positive through PUT …/stock exactly once", async () => {
    await upsert("FEED-1", 2);
    const empty = await putStock("FEED-1", 0);
    expect(empty.statusCode, empty.body).toBe(200);
    expect(empty.json()).toMatchObject({ created: false, changed: true, restocked: false });

    const back = await putStock("FEED-1", 4);
    expect(back.json()).toMatchObject({ changed: true, restocked: true });
    expect(back.json().product.stock).toBe(4);
    expect((await putStock("FEED-1", 4)).json()).toMatchObject({ changed: false, restocked: false });
    expect((await putStock("FEED-1", 6)).json()).toMatchObject({ changed: true, restocked: false });

    const events = await restocks("FEED-1");
    expect(events).toHaveLength(1);
    expect(fromJson(events[0].properties)).toEqual({ stockBefore: 0, stockAfter: 4 });
  });

  it("records each separate sell-out and restock", async () => {
    await upsert("CYCLE", 0);
    await putStock("CYCLE", 1);
    await putStock("CYCLE", 0);
    await upsert("CYCLE", 2);
    expect(await restocks("CYCLE")).toHaveLength(2);
  });

  it("does not count untracked stock (null) becoming tracked as a restock", async () => {
    await upsert("UNTRACKED", null);
    expect((await putStock("UNTRACKED", 5)).json()).toMatchObject({ changed: true, restocked: false });
    expect(await restocks("UNTRACKED")).toHaveLength(0);
  });

  it("PUT …/stock moves updated_at only on a change", async () => {
    t.clock.set("2026-06-04T00:00:00.000Z");
    await upsert("STAMP", 1);
    t.clock.set("2026-06-05T00:00:00.000Z");
    expect((await putStock("STAMP", 1)).json().product.updatedAt).toBe("2026-06-04T00:00:00.000Z");
    expect((await putStock("STAMP", 2)).json().product.updatedAt).toBe("2026-06-05T00:00:00.000Z");
  });

  it("PUT …/stock answers 404 for an unknown SKU and 400 for a bad stock", async () => {
    const missing = await putStock("NOPE", 3);
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe("not_found");
    for (const stock of [-1, 1.5, "3"]) {
      const bad = await t.app.inject({
        method: "PUT",
        url: "/v1/products/FEED-1/stock",
        headers: t.secret,
        payload: { stock },
      });
      expect(bad.statusCode, bad.body).toBe(400);
      expect(bad.json().error.issues[0].field).toBe("stock");
    }
    const publicKey = await t.app.inject({
      method: "PUT",
      url: "/v1/products/FEED-1/stock",
      headers: t.public,
      payload: { stock: 1 },
    });
    expect(publicKey.statusCode).toBe(403);
  });
});

describe("products: restock detection under concurrent stock updates", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  const restockCount = async (sku: string) =>
    (
      await t.testDb.db
        .selectFrom("events")
        .select("id")
        .where("type", "=", "restock")
        .where("sku", "=", sku)
        .execute()
    ).length;

  it("10 parallel PUT …/stock of 0 → 5 record one restock", async () => {
    await t.app.inject({
      method: "POST",
      url: "/v1/products",
      headers: t.secret,
      payload: { sku: "HOT", name: "人気商品", price: 1000, stock: 0 },
    });
    const responses = await Promise.all(
      Array.from({ length: 10 }, () =>
        t.app.inject({
          method: "PUT",
          url: "/v1/products/HOT/stock",
          headers: t.secret,
          payload: { stock: 5 },
        }),
      ),
    );
    for (const r of responses) expect(r.statusCode, r.body).toBe(200);
    expect(responses.filter((r) => r.json().restocked)).toHaveLength(1);
    expect(await restockCount("HOT")).toBe(1);
  });

  it("10 parallel product upserts of 0 → 5 record one restock", async () => {
    const product = { sku: "HOT-2", name: "人気商品 2", price: 1000 };
    await t.app.inject({
      method: "POST",
      url: "/v1/products",
      headers: t.secret,
      payload: { ...product, stock: 0 },
    });
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        t.app.inject({
          method: "POST",
          url: "/v1/products",
          headers: t.secret,
          // Some feeds also change the price at the same moment.
          payload: { ...product, stock: 5, price: 1000 + (i % 2) * 100 },
        }),
      ),
    );
    for (const r of responses) expect(r.statusCode, r.body).toBe(200);
    expect(responses.filter((r) => r.json().restocked)).toHaveLength(1);
    expect(await restockCount("HOT-2")).toBe(1);
  });
});
