// Given a shop's orders, when the analytics job refreshes the per-customer metrics, each buyer's row
// holds their order aggregates (cancelled and returned orders left out, days counted in the shop's
// zone), RFM quintile scores and a named group; a later incremental pass redoes only the customers
// whose orders changed, and a merged profile's orders move to the survivor's row.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { refreshCustomerMetrics } from "../../src/analytics/metrics.js";
import { ManualClock } from "../../src/core/clock.js";
import { mergeCustomers } from "../../src/customers/index.js";
import { inTransaction } from "../../src/db/index.js";
import type { OrderInput } from "../../src/orders/index.js";
import { upsertOrders } from "../../src/orders/index.js";
import { createShop } from "../../src/shops/index.js";
import { createTestDb, type TestDb } from "../support/db.js";

const NOW = new Date("2026-10-31T15:00:00.000Z");
let t: TestDb;
let shopId: number;
const clock = new ManualClock("2026-10-31T15:00:00.000Z");

function order(
  customer: string,
  n: number,
  orderedAt: string,
  total: number,
  extra: Partial<OrderInput> = {},
): OrderInput {
  return {
    externalId: `${customer}-${n}`,
    customerId: customer,
    orderedAt,
    items: [{ sku: "SKU", quantity: 1, unitPrice: total }],
    ...extra,
  };
}

async function metrics(external: string) {
  return t.db
    .selectFrom("customer_metrics as m")
    .innerJoin("customers as c", "c.id", "m.customer_id")
    .selectAll("m")
    .where("c.external_id", "=", external)
    .where("m.shop_id", "=", shopId)
    .executeTakeFirst();
}

async function firstOrderProducts(external: string) {
  return t.db
    .selectFrom("first_order_products as f")
    .innerJoin("customers as c", "c.id", "f.customer_id")
    .innerJoin("products as p", "p.id", "f.product_id")
    .select(["p.sku", "f.first_of_category"])
    .where("c.external_id", "=", external)
    .where("f.shop_id", "=", shopId)
    .orderBy("p.sku")
    .execute();
}

beforeAll(async () => {
  t = await createTestDb();
  ({
    shop: { id: shopId },
  } = await createShop(t.db, clock, { name: "Metrics shop", currency: "JPY", timezone: "Asia/Tokyo" }));
  // Ten customers C0..C9: Ck has k+1 orders of 1,000 yen, the last one k*30 days before NOW, so C9 is
  // the most frequent but the least recent.
  const orders: OrderInput[] = [];
  for (let k = 0; k < 10; k++) {
    const last = NOW.getTime() - k * 30 * 86_400_000;
    for (let n = 0; n <= k; n++) {
      orders.push(order(`C${k}`, n, new Date(last - n * 86_400_000 * 2).toISOString(), 1_000));
    }
  }
  // A: two orders on the same Tokyo day (15:30Z and 16:30Z on 2026-03-01 are 00:30 and 01:30 JST on
  // 2026-03-02), a cancelled and a returned order that do not count, a store order with a coupon.
  orders.push(order("A", 1, "2026-03-01T15:30:00Z", 3_000, { channel: "store", couponCode: "WELCOME" }));
  orders.push(order("A", 2, "2026-03-01T16:30:00Z", 2_000));
  orders.push(order("A", 3, "2026-04-01T00:00:00Z", 9_000, { status: "cancelled" }));
  orders.push(order("A", 4, "2026-05-01T00:00:00Z", 9_000, { status: "returned" }));
  orders.push(order("A", 5, "2026-06-01T00:00:00Z", 4_000));
  // An order after NOW (a clock ahead of the report) is not counted.
  orders.push(order("A", 6, "2026-11-05T00:00:00Z", 8_000));
  await upsertOrders(t.db, clock, shopId, "JPY", orders, "test");
  await t.db
    .updateTable("customers")
    .set({ attributes: JSON.stringify({ acquisition_channel: "google" }) })
    .where("external_id", "=", "A")
    .execute();
});
afterAll(() => t.cleanup());

describe("customer metrics", () => {
  it("aggregates each buyer's orders in one full pass", async () => {
    const result = await refreshCustomerMetrics(t.db, shopId, { now: NOW });
    expect(result).toEqual({ mode: "full", customers: 11 });
    const a = await metrics("A");
    // Counted: A-1 (store, coupon, 3,000), A-2 (2,000), A-5 (4,000).
    expect(a).toMatchObject({
      orders_count: 3,
      revenue: 9_000,
      first_order_at: "2026-03-01T15:30:00.000Z",
      second_order_at: "2026-03-01T16:30:00.000Z",
      last_order_at: "2026-06-01T00:00:00.000Z",
      // fall on the same Tokyo day.
      purchase_days: 2,
      first_order_channel: "store",
      acquisition_channel: "google",
      online_orders: 2,
      store_orders: 1,
      coupon_orders: 1,
      // The cohort, the first order and the first year, kept for the reports.
      first_order_month: "2026-03",
      first_order_total: 3_000,
      revenue_first_year: 9_000,
    });
    expect(await firstOrderProducts("A")).toEqual([{ sku: "SKU", first_of_category: 1 }]);
    const c0 = await metrics("C0");
    expect(c0).toMatchObject({ orders_count: 1, second_order_at: null, acquisition_channel: "online" });
  });

  it("scores recency, frequency and money in quintiles and names the group", async () => {
    // 11 buyers. Frequencies sorted: 1,2,3,3(A),4..10 → boundaries at positions ceil(11k/5)-1 = 2,4,6,8:
    // 3, 4, 6, 8. C0 (1 order) scores 1; C9 (10 orders) is above all four: 5.
    const c0 = await metrics("C0");
    const c9 = await metrics("C9");
    expect(c0?.frequency_score).toBe(1);
    expect(c9?.frequency_score).toBe(5);
    // Recency: C0 ordered at NOW (most recent) → 5; C9's last order 270 days ago is the oldest → 1.
    expect(c0?.recency_score).toBe(5);
    expect(c9?.recency_score).toBe(1);
    // One recent order: "new". Many orders long ago: "at_risk".
    expect(c0?.rfm_group).toBe("new");
    expect(c9?.rfm_group).toBe("at_risk");
    const c3 = await metrics("C3");
    // C3: 4 orders, above the boundary 3 only → f=2. Last orders, oldest first: C9, C8, C7, C6,
    // A (June 1), C5 (June 3), C4, C3, C2, C1, C0; the boundaries are the 3rd, 5th, 7th and 9th values
    // (C7, A, C4, C2): C3 is above three of them → r=4. Recent but few orders: "potential".
    expect(c3).toMatchObject({ recency_score: 4, frequency_score: 2, rfm_group: "potential" });
  });

  it("redoes only the customers whose orders changed", async () => {
    const later = new ManualClock("2026-11-01T00:00:00.000Z");
    await upsertOrders(
      t.db,
      later,
      shopId,
      "JPY",
      [order("C0", 1, "2026-10-31T14:00:00Z", 5_000), order("NEW", 1, "2026-10-31T10:00:00Z", 700)],
      "test",
    );
    const result = await refreshCustomerMetrics(t.db, shopId, { now: NOW });
    expect(result).toEqual({ mode: "incremental", customers: 2 });
    expect(await metrics("C0")).toMatchObject({ orders_count: 2, revenue: 6_000 });
    expect(await metrics("NEW")).toMatchObject({ orders_count: 1, recency_score: 5, rfm_group: "new" });
    expect(await firstOrderProducts("NEW")).toEqual([{ sku: "SKU", first_of_category: 1 }]);
    // Nothing changed since: nothing redone.
    expect(await refreshCustomerMetrics(t.db, shopId, { now: NOW })).toEqual({
      mode: "incremental",
      customers: 0,
    });
  });

  it("moves a merged profile's orders to the survivor", async () => {
    const rows = await t.db
      .selectFrom("customers")
      .selectAll()
      .where("shop_id", "=", shopId)
      .where("external_id", "in", ["C1", "C2"])
      .execute();
    const byId = (e: string) => rows.find((r) => r.external_id === e)!;
    await inTransaction(t.db, (trx) =>
      mergeCustomers(trx, new ManualClock("2026-11-01T01:00:00.000Z"), byId("C1"), byId("C2")),
    );
    await refreshCustomerMetrics(t.db, shopId, { now: NOW });
    // C1 had 2 orders, C2 3: the survivor C1 has 5, C2 has no row any more.
    expect(await metrics("C1")).toMatchObject({ orders_count: 5, revenue: 5_000 });
    expect(await metrics("C2")).toBeUndefined();
    expect(await firstOrderProducts("C2")).toEqual([]);
  });
});
