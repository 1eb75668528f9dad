// Given the running API, /docs/json describes it as OpenAPI (generated from the same zod schemas that
// validate requests) and /docs serves the interactive UI, both without an API key.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support/app.js";

describe("HTTP: API documentation", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  it("/docs/json is an OpenAPI document of the v1 API with the bearer scheme", async () => {
    const res = await t.app.inject({ method: "GET", url: "/docs/json" });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^application\/json/);
    const doc = res.json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.info).toMatchObject({ title: "Kizuna API" });
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        "/v1/customers",
        "/v1/orders",
        "/v1/orders/batch",
        "/v1/orders/{externalId}",
        "/v1/products",
        "/v1/products/batch",
        "/v1/products/{sku}",
        "/v1/products/{sku}/stock",
      ]),
    );
    expect(doc.paths["/healthz"]).toBeUndefined();
    expect(doc.components.securitySchemes.apiKey).toMatchObject({ type: "http", scheme: "bearer" });
    expect(doc.security).toEqual([{ apiKey: [] }, { session: [] }]);
    expect(doc.components.securitySchemes.session).toMatchObject({ type: "apiKey", in: "cookie" });
  });

  it("documents request bodies, parameters and responses from the zod schemas", async () => {
    const doc = (await t.app.inject({ method: "GET", url: "/docs/json" })).json();
    const postOrder = doc.paths["/v1/orders"].post;
    const body = postOrder.requestBody.content["application/json"].schema;
    expect(body.required).toEqual(expect.arrayContaining(["externalId", "orderedAt", "items"]));
    expect(body.properties.status.enum).toEqual(
      expect.arrayContaining(["pending", "paid", "shipped", "completed", "cancelled", "returned"]),
    );
    expect(postOrder.responses["200"]).toBeDefined();
    const getProduct = doc.paths["/v1/products/{sku}"].get;
    expect(getProduct.parameters).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: "sku", in: "path", required: true })]),
    );
    expect(doc.paths["/v1/products/{sku}/stock"].put).toBeDefined();
  });

  it("/docs serves the UI as HTML", async () => {
    const res = await t.app.inject({ method: "GET", url: "/docs" });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/html/);
    expect(res.body).toContain("Swagger UI");
  });
});
