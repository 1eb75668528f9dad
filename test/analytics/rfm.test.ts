// Given five buyers whose scores fall one per quintile, when the RFM report runs, the grid, the monetary
// quintiles and the named groups hold exactly those buyers and their revenue; an empty shop gives an
// all-zero grid rather than an error.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { refreshCustomerMetrics } from "../../src/analytics/metrics.js";
import { rfmReport } from "../../src/analytics/rfm.js";
import { ManualClock } from "../../src/core/clock.js";
import { type OrderInput, upsertOrders } from "../../src/orders/index.js";
import { createShop } from "../../src/shops/index.js";
import { createTestDb, type TestDb } from "../support/db.js";

const NOW = new Date("2026-10-31T15:00:00.000Z");
const DAY = 86_400_000;
const clock = new ManualClock(NOW.toISOString());
let t: TestDb;
let shopId: number;
let emptyShopId: number;

beforeAll(async () => {
  t = await createTestDb();
  shopId = (await createShop(t.db, clock, { name: "RFM", currency: "JPY" })).shop.id;
  emptyShopId = (await createShop(t.db, clock, { name: "Empty", currency: "JPY" })).shop.id;
  // Ck (k = 1..5) has k orders of 1,000 yen, the last one (k - 1) × 30 days ago: C1 is the most recent
  // and least frequent, C5 the least recent and most frequent.
  const orders: OrderInput[] = [];
  for (let k = 1; k <= 5; k++) {
    for (let n = 0; n < k; n++) {
      orders.push({
        externalId: `C${k}-${n}`,
        customerId: `C${k}`,
        orderedAt: new Date(NOW.getTime() - ((k - 1) * 30 + n * 2) * DAY).toISOString(),
        items: [{ sku: "X", quantity: 1, unitPrice: 1000 }],
      });
    }
  }
  await upsertOrders(t.db, clock, shopId, "JPY", orders, "test");
  await refreshCustomerMetrics(t.db, shopId, { now: NOW });
});
afterAll(() => t.cleanup());

describe("RFM report", () => {
  it("puts each buyer in its cell, quintile and group", async () => {
    const report = await rfmReport(t.db, { shopId, asOf: NOW, timezone: "Asia/Tokyo", currency: "JPY" });
    // Five buyers, boundaries = the 1st..4th values: scores are the ranks. (R, F): C1 (5, 1), C2 (4, 2),
    // C3 (3, 3), C4 (2, 4), C5 (1, 5).
    const filled = report.tables.grid.rows.filter((r) => Number(r.customers) > 0);
    expect(filled.map((r) => [r.recency, r.frequency, r.customers, r.revenue])).toEqual([
      [5, 1, 1, 1000],
      [4, 2, 1, 2000],
      [3, 3, 1, 3000],
      [2, 4, 1, 4000],
      [1, 5, 1, 5000],
    ]);
    expect(report.tables.grid.rows).toHaveLength(25);
    // Monetary follows spend, 5 = C5's 5,000 of the 15,000 total.
    expect(report.tables.monetary.rows[0]).toMatchObject({
      score: 5,
      customers: 1,
      revenue: 5000,
      share_of_revenue: 5000 / 15000,
      min_revenue: 5000,
      max_revenue: 5000,
    });
    // C1: one recent order → new; C2: recent, two orders → potential; C3: R3 F3 → loyal;
    // C4 and C5: not recent, frequent → at risk (9 orders, 9,000 yen: 1,000 an order).
    const groups = Object.fromEntries(
      report.tables.groups.rows.map((r) => [r.group, [r.customers, r.revenue]]),
    );
    expect(groups).toEqual({
      champions: [0, 0],
      loyal: [1, 3000],
      potential: [1, 2000],
      new: [1, 1000],
      needs_attention: [0, 0],
      at_risk: [2, 9000],
      dormant: [0, 0],
    });
    expect(report.tables.groups.rows.find((r) => r.group === "at_risk")?.average_order_value).toBe(1000);
    expect(report.summary).toEqual({ buyers: 5, revenue: 15000 });
  });

  it("gives an empty grid for a shop without buyers", async () => {
    const report = await rfmReport(t.db, {
      shopId: emptyShopId,
      asOf: NOW,
      timezone: "Asia/Tokyo",
      currency: "JPY",
    });
    expect(report.tables.grid.rows.every((r) => r.customers === 0)).toBe(true);
    expect(report.summary).toEqual({ buyers: 0, revenue: 0 });
  });
});
