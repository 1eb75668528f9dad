// Given a catalogue feed, a batch of products is written in one transaction: all of it or none.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support/app.js";
import { countRows } from "../support/db.js";

describe("products: batch upsert", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  const batch = (products: unknown[]) =>
    t.app.inject({ method: "POST", url: "/v1/products/batch", headers: t.secret, payload: { products } });
  const product = (i: number, extra: Record<string, unknown> = {}) => ({
    sku: `B-${i}`,
    name: `商品 ${i}`,
    price: 100 * i,
    stock: 0,
    ...extra,
  });

  it("creates several products and reports each in order", async () => {
    const res = await batch([product(1), product(2), product(3)]);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().results).toEqual([
      { sku: "B-1", created: true, changed: true, restocked: false },
      { sku: "B-2", created: true, changed: true, restocked: false },
      { sku: "B-3", created: true, changed: true, restocked: false },
    ]);
    expect(await countRows(t.testDb.db, "products")).toBe(3);
  });

  it("mixes no-ops, updates, restocks and creations", async () => {
    const res = await batch([product(1), product(2, { price: 999 }), product(3, { stock: 4 }), product(4)]);
    expect(res.json().results).toEqual([
      { sku: "B-1", created: false, changed: false, restocked: false },
      { sku: "B-2", created: false, changed: true, restocked: false },
      { sku: "B-3", created: false, changed: true, restocked: true },
      { sku: "B-4", created: true, changed: true, restocked: false },
    ]);
    expect(await countRows(t.testDb.db, "products")).toBe(4);
    expect(await countRows(t.testDb.db, "events")).toBe(1);
  });

  it("rejects the whole batch when one product is invalid, naming it by position", async () => {
    const products = await countRows(t.testDb.db, "products");
    const res = await batch([product(5), product(1, { price: 1 }), product(6, { price: -5 }), product(7)]);
    expect(res.statusCode, res.body).toBe(400);
    const { error } = res.json();
    expect(error.code).toBe("validation_failed");
    expect(error.issues.map((i: { field: string }) => i.field)).toEqual(["products[2].price"]);
    expect(error.message).toContain("products[2].price");
    expect(await countRows(t.testDb.db, "products")).toBe(products);
    const one = await t.app.inject({ method: "GET", url: "/v1/products/B-1", headers: t.secret });
    expect(one.json().price).toBe(100);
    const five = await t.app.inject({ method: "GET", url: "/v1/products/B-5", headers: t.secret });
    expect(five.statusCode).toBe(404);
  });

  it("names a bad URL deep in the batch", async () => {
    const res = await batch([product(8), product(9, { url: "htp:/broken" })]);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.issues[0].field).toBe("products[1].url");
  });

  it("applies the same SKU twice in one batch in order", async () => {
    const res = await batch([product(10, { stock: 0 }), product(10, { stock: 2 })]);
    expect(res.json().results).toEqual([
      { sku: "B-10", created: true, changed: true, restocked: false },
      { sku: "B-10", created: false, changed: true, restocked: true },
    ]);
  });

  it("rejects an empty batch and a batch over 1,000", async () => {
    const empty = await batch([]);
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.issues[0].field).toBe("products");
    const huge = await batch(Array.from({ length: 1001 }, (_, i) => product(i + 1000)));
    expect(huge.statusCode).toBe(400);
    expect(huge.json().error.issues[0].field).toBe("products");
  });

  it("accepts 1,000 products in one batch", async () => {
    const before = await countRows(t.testDb.db, "products");
    const res = await batch(Array.from({ length: 1000 }, (_, i) => product(i + 5000)));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().results).toHaveLength(1000);
    expect(await countRows(t.testDb.db, "products")).toBe(before + 1000);
  });

  it("creates one product when the same new SKU is sent many times at once", async () => {
    const before = await countRows(t.testDb.db, "products");
    const responses = await Promise.all(
      Array.from({ length: 20 }, () =>
        t.app.inject({
          method: "POST",
          url: "/v1/products",
          headers: t.secret,
          payload: { sku: "RACE-1", name: "人気商品", price: 500, stock: 3 },
        }),
      ),
    );
    expect(responses.map((r) => r.statusCode)).toEqual(Array(20).fill(200));
    expect(responses.filter((r) => r.json().created)).toHaveLength(1);
    expect(await countRows(t.testDb.db, "products")).toBe(before + 1);
  });
});
