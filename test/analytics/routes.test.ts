// The reports over HTTP: a report as JSON shaped for charts, one of its tables as CSV (with a BOM for
// spreadsheets), advertising costs recorded and read back, a customer's metrics and predictions, and
// bad requests refused naming the field.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support/app.js";

const T0 = "2026-06-01T00:00:00.000Z";
let t: TestApp;

beforeAll(async () => {
  t = await createTestApp(T0);
  const day = 86_400_000;
  const orders = [
    ["A-1", "A", 100, 3000],
    ["A-2", "A", 20, 2000],
    ["B-1", "B", 50, 1500],
  ].map(([externalId, customerId, daysAgo, price]) => ({
    externalId,
    customerId,
    orderedAt: new Date(Date.parse(T0) - Number(daysAgo) * day).toISOString(),
    items: [{ sku: "X", quantity: 1, unitPrice: price }],
  }));
  const res = await t.app.inject({
    method: "POST",
    url: "/v1/orders/batch",
    headers: t.secret,
    payload: { orders },
  });
  expect(res.statusCode, res.body).toBe(200);
});
afterAll(() => t.close());

describe("reports API", () => {
  it("returns a report with tables, columns and chart hints", async () => {
    const res = await t.app.inject({ method: "GET", url: "/v1/reports/rfm", headers: t.secret });
    expect(res.statusCode, res.body).toBe(200);
    const report = res.json();
    expect(report).toMatchObject({
      name: "rfm",
      asOf: T0,
      currency: "JPY",
      summary: { buyers: 2, revenue: 6500 },
    });
    expect(report.tables.grid.chart).toMatchObject({ type: "heatmap" });
    expect(report.tables.groups.columns.map((c: { key: string }) => c.key)).toContain("customers");
  });

  it("returns one table as CSV", async () => {
    const res = await t.app.inject({
      method: "GET",
      url: "/v1/reports/rfm?format=csv&table=monetary",
      headers: t.secret,
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toContain("text/csv");
    expect(
      res.body.startsWith("\uFEFFscore,customers,revenue,share_of_revenue,min_revenue,max_revenue\r\n"),
    ).toBe(true);
  });

  it("records advertising costs and reads them back", async () => {
    const put = await t.app.inject({
      method: "PUT",
      url: "/v1/ad-costs/google/2026-04",
      headers: t.secret,
      payload: { amount: 120000, currency: "JPY" },
    });
    expect(put.statusCode, put.body).toBe(200);
    const list = await t.app.inject({ method: "GET", url: "/v1/ad-costs", headers: t.secret });
    expect(list.json().costs).toEqual([
      expect.objectContaining({ channel: "google", month: "2026-04", amount: 120000 }),
    ]);
    const bad = await t.app.inject({
      method: "PUT",
      url: "/v1/ad-costs/google/2026-4",
      headers: t.secret,
      payload: { amount: 1, currency: "JPY" },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain("month");
  });

  it("shows a customer's metrics", async () => {
    const res = await t.app.inject({ method: "GET", url: "/v1/customers/A/metrics", headers: t.secret });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ orders: 2, revenue: 5000, rfm: { group: expect.any(String) } });
  });

  it("refuses an unknown report and a bad date", async () => {
    expect(
      (await t.app.inject({ method: "GET", url: "/v1/reports/nope", headers: t.secret })).statusCode,
    ).toBe(400);
    const bad = await t.app.inject({
      method: "GET",
      url: "/v1/reports/performance?from=soon",
      headers: t.secret,
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain("from");
  });
});
