// Given a shop sending its orders, an order upsert is idempotent on the order number: unchanged
// re-sends write nothing, changes (items, status, shipping) update the one order.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support/app.js";
import { countRows } from "../support/db.js";

const HOUR = 60 * 60 * 1000;

describe("orders: upsert and read back", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  const send = (payload: Record<string, unknown>) =>
    t.app.inject({ method: "POST", url: "/v1/orders", headers: t.secret, payload });
  const read = (externalId: string) =>
    t.app.inject({ method: "GET", url: `/v1/orders/${encodeURIComponent(externalId)}`, headers: t.secret });
  const itemsOf = async (externalId: string) => {
    const order = await t.testDb.db
      .selectFrom("orders")
      .select("id")
      .where("external_id", "=", externalId)
      .executeTakeFirstOrThrow();
    return t.testDb.db.selectFrom("order_items").selectAll().where("order_id", "=", order.id).execute();
  };
  const count = (table: string) => countRows(t.testDb.db, table);

  const order = {
    externalId: "A-1001",
    customerId: "M-100",
    orderedAt: "2026-05-20T14:30:00+09:00",
    items: [
      { sku: "LOTION", name: "化粧水", quantity: 2, unitPrice: 1280 },
      { sku: "MILK", name: "乳液", quantity: 1, unitPrice: 1680 },
      { sku: "MASK", name: "シートマスク", quantity: 3, unitPrice: 330 },
    ],
  };

  it("creates an order with several items and reads it back", async () => {
    const res = await send(order);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({
      externalId: "A-1001",
      id: expect.any(Number),
      created: true,
      changed: true,
    });

    const got = await read("A-1001");
    expect(got.statusCode, got.body).toBe(200);
    expect(got.json()).toEqual({
      id: res.json().id,
      externalId: "A-1001",
      customerId: "M-100",
      channel: "online",
      storeId: null,
      status: "completed",
      orderedAt: "2026-05-20T05:30:00.000Z",
      shippedAt: null,
      currency: "JPY",
      subtotal: 2560 + 1680 + 990,
      discount: 0,
      shipping: 0,
      tax: 0,
      total: 5230,
      couponCode: null,
      pointsUsed: 0,
      items: [
        { sku: "LOTION", name: "化粧水", quantity: 2, unitPrice: 1280, lineTotal: 2560 },
        { sku: "MILK", name: "乳液", quantity: 1, unitPrice: 1680, lineTotal: 1680 },
        { sku: "MASK", name: "シートマスク", quantity: 3, unitPrice: 330, lineTotal: 990 },
      ],
      createdAt: "2026-06-01T00:00:00.000Z",
      updatedAt: "2026-06-01T00:00:00.000Z",
    });
    expect(await count("orders")).toBe(1);
    expect(await count("order_items")).toBe(3);
  });

  it("creates the products an order mentions, linked from its items", async () => {
    const products = await t.testDb.db.selectFrom("products").selectAll().orderBy("sku").execute();
    expect(products.map((p) => [p.sku, p.name, p.price, p.currency, p.stock])).toEqual([
      ["LOTION", "化粧水", 1280, "JPY", null],
      ["MASK", "シートマスク", 330, "JPY", null],
      ["MILK", "乳液", 1680, "JPY", null],
    ]);
    const items = await itemsOf("A-1001");
    const bySku = new Map(products.map((p) => [p.sku, p.id]));
    for (const item of items) expect(item.product_id).toBe(bySku.get(item.sku));
  });

  it("re-sending the order unchanged changes nothing and writes no rows", async () => {
    t.clock.advance(HOUR);
    const itemIds = (await itemsOf("A-1001")).map((i) => i.id).sort();
    const res = await send(order);
    expect(res.json()).toMatchObject({ created: false, changed: false });
    expect(await count("orders")).toBe(1);
    expect(await count("order_items")).toBe(3);
    expect(await count("products")).toBe(3);
    expect(await count("customers")).toBe(1);
    expect((await itemsOf("A-1001")).map((i) => i.id).sort()).toEqual(itemIds);
    expect((await read("A-1001")).json().updatedAt).toBe("2026-06-01T00:00:00.000Z");
  });

  it("re-sending the same instant in another offset is no change", async () => {
    const res = await send({ ...order, orderedAt: "2026-05-20T05:30:00Z" });
    expect(res.json()).toMatchObject({ changed: false });
  });

  it("replaces the items when they change, creating products for new SKUs", async () => {
    t.clock.set("2026-06-02T00:00:00.000Z");
    const res = await send({
      ...order,
      items: [
        { sku: "LOTION", name: "化粧水", quantity: 1, unitPrice: 1280 },
        { sku: "SERUM", name: "美容液", quantity: 1, unitPrice: 4800 },
      ],
    });
    expect(res.json()).toMatchObject({ id: (await read("A-1001")).json().id, created: false, changed: true });
    expect(await count("orders")).toBe(1);
    expect(await count("order_items")).toBe(2);
    expect(await count("products")).toBe(4);

    const got = (await read("A-1001")).json();
    expect(got.items).toEqual([
      { sku: "LOTION", name: "化粧水", quantity: 1, unitPrice: 1280, lineTotal: 1280 },
      { sku: "SERUM", name: "美容液", quantity: 1, unitPrice: 4800, lineTotal: 4800 },
    ]);
    expect(got).toMatchObject({ subtotal: 6080, total: 6080, updatedAt: "2026-06-02T00:00:00.000Z" });
    const serum = await t.app.inject({ method: "GET", url: "/v1/products/SERUM", headers: t.secret });
    expect(serum.json()).toMatchObject({ name: "美容液", price: 4800, attributes: { createdFrom: "order" } });
  });

  it("replaces items when only their order changes", async () => {
    const res = await send({
      ...order,
      items: [
        { sku: "SERUM", name: "美容液", quantity: 1, unitPrice: 4800 },
        { sku: "LOTION", name: "化粧水", quantity: 1, unitPrice: 1280 },
      ],
    });
    expect(res.json()).toMatchObject({ changed: true });
    expect((await read("A-1001")).json().items.map((i: { sku: string }) => i.sku)).toEqual([
      "SERUM",
      "LOTION",
    ]);
    expect(await count("order_items")).toBe(2);
  });

  it("does not overwrite a known product with what an order says", async () => {
    await t.app.inject({
      method: "POST",
      url: "/v1/products",
      headers: t.secret,
      payload: { sku: "CLEANSER", name: "クレンジングオイル", price: 2500, stock: 10 },
    });
    await send({
      externalId: "A-1002",
      orderedAt: "2026-05-21T10:00:00+09:00",
      items: [{ sku: "CLEANSER", name: "オイル (セール)", quantity: 1, unitPrice: 1999 }],
    });
    const product = await t.app.inject({ method: "GET", url: "/v1/products/CLEANSER", headers: t.secret });
    expect(product.json()).toMatchObject({ name: "クレンジングオイル", price: 2500, stock: 10 });
  });

  it("names an auto-created product after its SKU when the item has no name", async () => {
    await send({
      externalId: "A-1003",
      orderedAt: "2026-05-21T11:00:00+09:00",
      items: [
        { sku: "NONAME-1", quantity: 1, unitPrice: 100 },
        { sku: "NONAME-1", quantity: 2, unitPrice: 100 },
      ],
    });
    const product = await t.app.inject({ method: "GET", url: "/v1/products/NONAME-1", headers: t.secret });
    expect(product.json()).toMatchObject({ name: "NONAME-1", price: 100 });
    expect((await read("A-1003")).json()).toMatchObject({ customerId: null, subtotal: 300 });
  });

  describe("status transitions keep one order", () => {
    const base = {
      externalId: "S-1",
      customerId: "M-200",
      status: "paid",
      orderedAt: "2026-05-22T09:00:00+09:00",
      items: [{ sku: "LOTION", name: "化粧水", quantity: 1, unitPrice: 1280 }],
    };

    it("paid → shipped with shippedAt → returned; cancelled on another order", async () => {
      expect((await send(base)).json()).toMatchObject({ created: true });
      const shipped = await send({ ...base, status: "shipped", shippedAt: "2026-05-23T17:45:00+09:00" });
      expect(shipped.json()).toMatchObject({ created: false, changed: true });
      expect((await read("S-1")).json()).toMatchObject({
        status: "shipped",
        shippedAt: "2026-05-23T08:45:00.000Z",
      });
      expect(
        (await send({ ...base, status: "shipped", shippedAt: "2026-05-23T17:45:00+09:00" })).json(),
      ).toMatchObject({ changed: false });

      const returned = await send({ ...base, status: "returned", shippedAt: "2026-05-23T17:45:00+09:00" });
      expect(returned.json()).toMatchObject({ created: false, changed: true });
      expect((await read("S-1")).json()).toMatchObject({
        status: "returned",
        shippedAt: "2026-05-23T08:45:00.000Z",
      });

      const cancelled = await send({ ...base, externalId: "S-2", status: "cancelled" });
      expect(cancelled.json()).toMatchObject({ created: true });
      expect((await read("S-2")).json().status).toBe("cancelled");

      const rows = await t.testDb.db
        .selectFrom("orders")
        .select(["external_id", "status"])
        .where("external_id", "in", ["S-1", "S-2"])
        .orderBy("external_id")
        .execute();
      expect(rows).toEqual([
        { external_id: "S-1", status: "returned" },
        { external_id: "S-2", status: "cancelled" },
      ]);
      expect(await itemsOf("S-1")).toHaveLength(1);
    });
  });

  it("stores orderedAt given with a +09:00 offset as UTC", async () => {
    await send({ ...order, externalId: "TZ-1", orderedAt: "2026-01-01T00:30:00+09:00" });
    expect((await read("TZ-1")).json().orderedAt).toBe("2025-12-31T15:30:00.000Z");
    const row = await t.testDb.db
      .selectFrom("orders")
      .select("ordered_at")
      .where("external_id", "=", "TZ-1")
      .executeTakeFirstOrThrow();
    expect(row.ordered_at).toBe("2025-12-31T15:30:00.000Z");
  });

  it("records store orders with their store and marketplace orders", async () => {
    await send({ ...order, externalId: "STORE-1", channel: "store", storeId: "shibuya" });
    await send({ ...order, externalId: "MP-1", channel: "marketplace" });
    expect((await read("STORE-1")).json()).toMatchObject({ channel: "store", storeId: "shibuya" });
    expect((await read("MP-1")).json()).toMatchObject({ channel: "marketplace", storeId: null });
    const bad = await send({ ...order, externalId: "X-1", channel: "telephone" });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.issues[0].field).toBe("channel");
  });

  describe("totals", () => {
    it("defaults lineTotal, subtotal and total: subtotal − discount + shipping + tax", async () => {
      await send({
        externalId: "T-1",
        orderedAt: "2026-05-24T10:00:00+09:00",
        discount: 500,
        shipping: 770,
        tax: 100,
        items: [
          { sku: "LOTION", quantity: 3, unitPrice: 1280 },
          { sku: "MILK", quantity: 2, unitPrice: 1680 },
        ],
      });
      const got = (await read("T-1")).json();
      expect(got.items.map((i: { lineTotal: number }) => i.lineTotal)).toEqual([3840, 3360]);
      expect(got).toMatchObject({ subtotal: 7200, discount: 500, shipping: 770, tax: 100, total: 7570 });
    });

    it("keeps explicit totals as sent", async () => {
      await send({
        externalId: "T-2",
        orderedAt: "2026-05-24T11:00:00+09:00",
        currency: "USD",
        subtotal: 5000,
        discount: 300,
        shipping: 0,
        total: 4200,
        pointsUsed: 500,
        items: [{ sku: "GIFT", quantity: 2, unitPrice: 2600, lineTotal: 5000 }],
      });
      const got = (await read("T-2")).json();
      expect(got).toMatchObject({ currency: "USD", subtotal: 5000, total: 4200, pointsUsed: 500 });
      expect(got.items[0]).toMatchObject({ quantity: 2, unitPrice: 2600, lineTotal: 5000 });
      // The product created from this order carries the order's currency.
      const gift = await t.app.inject({ method: "GET", url: "/v1/products/GIFT", headers: t.secret });
      expect(gift.json()).toMatchObject({ currency: "USD", price: 2600 });
    });

    it("re-sending with a changed discount updates the total", async () => {
      const base = {
        externalId: "T-3",
        orderedAt: "2026-05-24T12:00:00+09:00",
        items: [{ sku: "LOTION", quantity: 1, unitPrice: 1280 }],
      };
      await send(base);
      expect((await send({ ...base, discount: 280 })).json()).toMatchObject({ changed: true });
      expect((await read("T-3")).json()).toMatchObject({ subtotal: 1280, discount: 280, total: 1000 });
    });
  });

  describe("rejects invalid orders with 400 naming the field", () => {
    const valid = {
      externalId: "BAD-1",
      orderedAt: "2026-05-24T12:00:00+09:00",
      items: [{ sku: "LOTION", quantity: 1, unitPrice: 1280 }],
    };
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ["no items", { items: [] }, "items"],
      ["a zero quantity", { items: [{ sku: "LOTION", quantity: 0, unitPrice: 1 }] }, "items[0].quantity"],
      ["a negative price", { items: [{ sku: "LOTION", quantity: 1, unitPrice: -1 }] }, "items[0].unitPrice"],
      ["a missing SKU", { items: [{ quantity: 1, unitPrice: 1 }] }, "items[0].sku"],
      ["an orderedAt without a time zone", { orderedAt: "2026-05-24T12:00:00" }, "orderedAt"],
      ["an orderedAt that is no date", { orderedAt: "yesterday" }, "orderedAt"],
      ["an unknown status", { status: "lost" }, "status"],
      ["a negative discount", { discount: -100 }, "discount"],
      ["an empty externalId", { externalId: "" }, "externalId"],
    ];
    for (const [what, change, field] of cases) {
      it(what, async () => {
        const before = await count("orders");
        const res = await send({ ...valid, ...change });
        expect(res.statusCode, res.body).toBe(400);
        expect(res.json().error.code).toBe("validation_failed");
        expect(res.json().error.issues.map((i: { field: string }) => i.field)).toContain(field);
        expect(await count("orders")).toBe(before);
      });
    }
  });

  it("answers 404 in the error shape for an unknown order", async () => {
    const res = await read("NO-SUCH-ORDER");
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({
      error: { code: "not_found", message: expect.stringContaining("NO-SUCH-ORDER"), issues: [] },
    });
  });

  describe("authentication", () => {
    it("refuses the public key with 403", async () => {
      const before = await count("orders");
      const res = await t.app.inject({
        method: "POST",
        url: "/v1/orders",
        headers: t.public,
        payload: order,
      });
      expect(res.statusCode).toBe(403);
      expect(res.json().error).toMatchObject({ code: "forbidden", issues: [] });
      const get = await t.app.inject({ method: "GET", url: "/v1/orders/A-1001", headers: t.public });
      expect(get.statusCode).toBe(403);
      expect(await count("orders")).toBe(before);
    });

    it("refuses a missing, malformed or unknown key with 401", async () => {
      const headers = [{}, { authorization: "Basic abc" }, { authorization: "Bearer kz_sk_nope" }];
      for (const h of headers) {
        const res = await t.app.inject({ method: "POST", url: "/v1/orders", headers: h, payload: order });
        expect(res.statusCode).toBe(401);
        expect(res.json().error).toMatchObject({ code: "unauthorized", issues: [] });
      }
    });
  });
});
