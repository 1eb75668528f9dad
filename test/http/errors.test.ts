// Given any failure at the HTTP edge, the API answers in one JSON shape:
// {"error":{"code","message","issues":[{"field","message"}]}}, with the status that fits.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support/app.js";
import { countRows } from "../support/db.js";

const errorShape = (code: string | RegExp) => ({
  error: {
    code: typeof code === "string" ? code : expect.stringMatching(code),
    message: expect.any(String),
    issues: expect.any(Array),
  },
});

describe("HTTP: error responses", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  const json = { "content-type": "application/json" };

  it("an unknown route is 404 in the error shape", async () => {
    for (const [method, url] of [
      ["GET", "/v1/nothing"],
      ["DELETE", "/v1/orders/O-1"],
      ["GET", "/v2/orders/O-1"],
    ] as const) {
      const res = await t.app.inject({ method, url, headers: t.secret });
      expect(res.statusCode).toBe(404);
      expect(res.headers["content-type"]).toMatch(/^application\/json/);
      expect(res.json()).toEqual({
        error: { code: "not_found", message: expect.stringContaining(url), issues: [] },
      });
    }
  });

  it("malformed JSON is 400 in the error shape", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: "/v1/orders",
      headers: { ...t.secret, ...json },
      payload: '{"externalId": "O-1", ',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject(errorShape(/json/));
    expect(res.json().error.issues).toEqual([{ field: "body", message: expect.any(String) }]);
  });

  it("an empty JSON body is 400 in the error shape", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: "/v1/products",
      headers: { ...t.secret, ...json },
      payload: "",
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject(errorShape(/empty/));
  });

  it("a JSON body that is not an object is 400 naming the body", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: "/v1/orders",
      headers: { ...t.secret, ...json },
      payload: "[1, 2, 3]",
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject(errorShape("validation_failed"));
    expect(res.json().error.issues[0].field).toBe("body");
  });

  it("a content type the API does not take is 415 in the error shape", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: "/v1/orders",
      headers: { ...t.secret, "content-type": "application/xml" },
      payload: "<order/>",
    });
    expect(res.statusCode).toBe(415);
    expect(res.json()).toMatchObject(errorShape(/media_type/));
    expect(res.json().error.issues).toEqual([{ field: "content-type", message: expect.any(String) }]);
  });

  it("a body over the 5 MB limit is 413 in the error shape, and nothing is written", async () => {
    const items = Array.from({ length: 1000 }, (_, i) => ({
      sku: `SKU-${i}`,
      name: "x".repeat(5300),
      quantity: 1,
      unitPrice: 100,
    }));
    const payload = JSON.stringify({ externalId: "BIG-1", orderedAt: "2026-05-01T00:00:00Z", items });
    expect(payload.length).toBeGreaterThan(5 * 1024 * 1024);
    const res = await t.app.inject({
      method: "POST",
      url: "/v1/orders",
      headers: { ...t.secret, ...json },
      payload,
    });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject(errorShape(/too_large/));
    expect(await countRows(t.testDb.db, "orders")).toBe(0);
  });

  it("a body just under the limit is accepted", async () => {
    const products = Array.from({ length: 1000 }, (_, i) => ({
      sku: `P-${i}`,
      name: "商".repeat(400),
      price: 100,
    }));
    const payload = JSON.stringify({ products });
    expect(Buffer.byteLength(payload)).toBeGreaterThan(1024 * 1024);
    expect(Buffer.byteLength(payload)).toBeLessThan(5 * 1024 * 1024);
    const res = await t.app.inject({
      method: "POST",
      url: "/v1/products/batch",
      headers: { ...t.secret, ...json },
      payload,
    });
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
  });

  it("validation failures list every field at fault", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: "/v1/orders",
      headers: t.secret,
      payload: { externalId: "", orderedAt: "soon", items: [{ sku: "A", quantity: -1, unitPrice: 1 }] },
    });
    expect(res.statusCode).toBe(400);
    const fields = res.json().error.issues.map((i: { field: string }) => i.field);
    expect(fields).toEqual(expect.arrayContaining(["externalId", "orderedAt", "items[0].quantity"]));
    expect(res.json().error.message).toContain("items[0].quantity");
  });

  // Fastify's default maxParamLength (100) is below the 128 characters the schemas allow; app.ts raises it.
  it("a SKU and an order number of the full 128 characters can be read back", async () => {
    const id = "S".repeat(128);
    await t.app.inject({
      method: "POST",
      url: "/v1/orders",
      headers: t.secret,
      payload: {
        externalId: id,
        orderedAt: "2026-05-01T00:00:00Z",
        items: [{ sku: id, quantity: 1, unitPrice: 1 }],
      },
    });
    const product = await t.app.inject({ method: "GET", url: `/v1/products/${id}`, headers: t.secret });
    expect(product.statusCode).toBe(200);
    const order = await t.app.inject({ method: "GET", url: `/v1/orders/${id}`, headers: t.secret });
    expect(order.statusCode).toBe(200);
  });

  it("authentication failures come in the same shape", async () => {
    const none = await t.app.inject({ method: "GET", url: "/v1/orders/O-1" });
    expect(none.statusCode).toBe(401);
    expect(none.json()).toEqual(errorShape("unauthorized"));
    const pub = await t.app.inject({ method: "GET", url: "/v1/orders/O-1", headers: t.public });
    expect(pub.statusCode).toBe(403);
    expect(pub.json()).toEqual(errorShape("forbidden"));
  });
});
