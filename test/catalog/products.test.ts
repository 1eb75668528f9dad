// Given a shop's catalogue, product upserts by SKU create, update, leave alone what is not sent,
// and change nothing (not even updated_at) when the same product is sent again.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support/app.js";
import { countRows } from "../support/db.js";

const HOUR = 60 * 60 * 1000;

describe("products: upsert by SKU", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  const upsert = (payload: unknown) =>
    t.app.inject({ method: "POST", url: "/v1/products", headers: t.secret, payload: payload as object });
  const get = (sku: string) =>
    t.app.inject({ method: "GET", url: `/v1/products/${encodeURIComponent(sku)}`, headers: t.secret });

  const lotion = {
    sku: "LOTION-200",
    name: "化粧水 200ml",
    categoryPath: "スキンケア/化粧水",
    price: 1280,
    stock: 12,
    url: "https://shop.example.jp/items/lotion-200",
    imageUrl: "https://shop.example.jp/img/lotion-200.jpg",
    replenishmentDays: 30,
    warrantyMonths: 6,
    consumable: true,
    attributes: { brand: "Kizuna", volumeMl: 200, tags: ["保湿", "敏感肌"] },
  };

  it("creates a product and reads it back by SKU", async () => {
    const res = await upsert(lotion);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ created: true, changed: true, restocked: false });
    const got = await get("LOTION-200");
    expect(got.statusCode).toBe(200);
    expect(got.json()).toEqual({
      id: res.json().product.id,
      sku: "LOTION-200",
      name: "化粧水 200ml",
      categoryPath: "スキンケア/化粧水",
      price: 1280,
      currency: "JPY",
      stock: 12,
      url: "https://shop.example.jp/items/lotion-200",
      imageUrl: "https://shop.example.jp/img/lotion-200.jpg",
      replenishmentDays: 30,
      warrantyMonths: 6,
      consumable: true,
      attributes: { brand: "Kizuna", volumeMl: 200, tags: ["保湿", "敏感肌"] },
      createdAt: "2026-06-01T00:00:00.000Z",
      updatedAt: "2026-06-01T00:00:00.000Z",
    });
  });

  it("re-sending the same product changes nothing, not even updated_at", async () => {
    t.clock.advance(HOUR);
    const res = await upsert(lotion);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ created: false, changed: false, restocked: false });
    const got = (await get("LOTION-200")).json();
    expect(got.updatedAt).toBe("2026-06-01T00:00:00.000Z");
    expect(await countRows(t.testDb.db, "products")).toBe(1);
  });

  it("re-sending the attributes in another key order is still no change", async () => {
    t.clock.advance(HOUR);
    const res = await upsert({
      ...lotion,
      attributes: { tags: ["保湿", "敏感肌"], volumeMl: 200, brand: "Kizuna" },
    });
    expect(res.json()).toMatchObject({ changed: false });
    expect((await get("LOTION-200")).json().updatedAt).toBe("2026-06-01T00:00:00.000Z");
  });

  it("updates a changed price and moves updated_at, keeping created_at", async () => {
    t.clock.set("2026-06-02T09:00:00.000Z");
    const res = await upsert({ ...lotion, price: 1480 });
    expect(res.json()).toMatchObject({ created: false, changed: true, restocked: false });
    expect(res.json().product).toMatchObject({
      price: 1480,
      createdAt: "2026-06-01T00:00:00.000Z",
      updatedAt: "2026-06-02T09:00:00.000Z",
    });
    expect(await countRows(t.testDb.db, "products")).toBe(1);
  });

  it("leaves fields that are not sent alone", async () => {
    t.clock.advance(HOUR);
    const res = await upsert({ sku: "LOTION-200", name: "化粧水 200ml (新)", price: 1480 });
    expect(res.json()).toMatchObject({ changed: true });
    expect((await get("LOTION-200")).json()).toMatchObject({
      name: "化粧水 200ml (新)",
      categoryPath: "スキンケア/化粧水",
      stock: 12,
      url: "https://shop.example.jp/items/lotion-200",
      imageUrl: "https://shop.example.jp/img/lotion-200.jpg",
      replenishmentDays: 30,
      warrantyMonths: 6,
      consumable: true,
      attributes: { brand: "Kizuna", volumeMl: 200, tags: ["保湿", "敏感肌"] },
    });
  });

  it("clears a field sent as null", async () => {
    const res = await upsert({ sku: "LOTION-200", name: "化粧水 200ml (新)", price: 1480, imageUrl: null });
    expect(res.json()).toMatchObject({ changed: true });
    expect((await get("LOTION-200")).json()).toMatchObject({ imageUrl: null, url: lotion.url });
  });

  it("merges attributes into the stored ones", async () => {
    const res = await upsert({
      sku: "LOTION-200",
      name: "化粧水 200ml (新)",
      price: 1480,
      attributes: { volumeMl: 180, origin: "日本" },
    });
    expect(res.json()).toMatchObject({ changed: true });
    expect((await get("LOTION-200")).json().attributes).toEqual({
      brand: "Kizuna",
      volumeMl: 180,
      tags: ["保湿", "敏感肌"],
      origin: "日本",
    });
  });

  it("takes the shop's currency (JPY) by default and keeps an explicit one", async () => {
    const yen = await upsert({ sku: "CREAM-50", name: "クリーム", price: 2200 });
    expect(yen.json().product.currency).toBe("JPY");
    const dollars = await upsert({ sku: "IMPORT-1", name: "Imported serum", price: 3999, currency: "USD" });
    expect(dollars.json().product.currency).toBe("USD");
    // A later update without a currency keeps the stored one rather than falling back to JPY.
    const later = await upsert({ sku: "IMPORT-1", name: "Imported serum", price: 3999 });
    expect(later.json()).toMatchObject({ changed: false });
    expect((await get("IMPORT-1")).json().currency).toBe("USD");
  });

  it("answers 404 in the error shape for an unknown SKU", async () => {
    const res = await get("NO-SUCH-SKU");
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({
      error: { code: "not_found", message: expect.stringContaining("NO-SUCH-SKU"), issues: [] },
    });
  });

  it("reads a SKU with URL-unsafe characters", async () => {
    await upsert({ sku: "SET/A B", name: "ギフトセット", price: 5000 });
    const got = await get("SET/A B");
    expect(got.statusCode, got.body).toBe(200);
    expect(got.json().sku).toBe("SET/A B");
  });

  describe("rejects invalid input with 400 naming the field", () => {
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ["an invalid URL", { url: "not a url" }, "url"],
      ["an invalid image URL", { imageUrl: "shop/img.jpg" }, "imageUrl"],
      ["a javascript: URL", { url: "javascript:alert(1)" }, "url"],
      ["a negative price", { price: -1 }, "price"],
      ["a fractional price", { price: 12.5 }, "price"],
      ["a negative stock", { stock: -3 }, "stock"],
      ["a lower-case currency", { currency: "jpy" }, "currency"],
      ["an empty name", { name: "" }, "name"],
      ["a missing SKU", { sku: undefined }, "sku"],
    ];
    for (const [what, change, field] of cases) {
      it(what, async () => {
        const before = await countRows(t.testDb.db, "products");
        const res = await upsert({ sku: "BAD-1", name: "x", price: 100, ...change });
        expect(res.statusCode, res.body).toBe(400);
        const { error } = res.json();
        expect(error.code).toBe("validation_failed");
        expect(error.issues.map((i: { field: string }) => i.field)).toContain(field);
        expect(await countRows(t.testDb.db, "products")).toBe(before);
      });
    }

    it("an unknown field", async () => {
      const res = await upsert({ sku: "BAD-2", name: "x", price: 100, colour: "red" });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().error.code).toBe("validation_failed");
      expect(res.json().error.message).toContain("colour");
    });
  });

  it("needs the secret key", async () => {
    const pub = await t.app.inject({
      method: "POST",
      url: "/v1/products",
      headers: t.public,
      payload: { sku: "P-1", name: "x", price: 1 },
    });
    expect(pub.statusCode).toBe(403);
    expect(pub.json().error.code).toBe("forbidden");
    const none = await t.app.inject({ method: "GET", url: "/v1/products/LOTION-200" });
    expect(none.statusCode).toBe(401);
    expect(none.json().error.code).toBe("unauthorized");
  });
});
