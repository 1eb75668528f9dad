// Reading a whole shop's history for training: page by page in table order, arranged by customer, each
// customer's interactions in time order. It must read exactly what the per-customer loader (used by the
// incremental pass) reads: purchases from orders that stood and product signals of known customers,
// this shop's only, before the cut.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { upsertOrders } from "../../src/orders/index.js";
import { loadShopHistories } from "../../src/recommend/histories.js";
import { loadInteractions } from "../../src/recommend/interactions.js";
import { createShop } from "../../src/shops/index.js";
import { sendEvents } from "../scenarios/support.js";
import { createTestApp, type TestApp } from "../support/app.js";
import { DAY, orderBook } from "./support.js";

const START = "2026-06-01T00:00:00.000Z";
const NOW = Date.parse(START);

describe("a shop's history for training", () => {
  let t: TestApp;
  const shopId = () => t.shop.shop.id;

  beforeAll(async () => {
    t = await createTestApp(START);
    const { orders, order } = orderBook(NOW);
    for (let i = 1; i <= 7; i++) {
      order(`M${i}`, 50 - i, ["TEA", `MUG-${i % 3}`]);
      order(`M${i}`, 10 + i, [`SNACK-${i % 2}`]);
    }
    orders.push({ ...orders[0], externalId: "cancelled", status: "cancelled" });
    // After the cut the test reads before.
    order("M1", 0.5, ["LATE"]);
    await upsertOrders(t.testDb.db, t.clock, shopId(), "JPY", orders, "test");
    await sendEvents(t, [
      { type: "product_view", customerId: "M2", sku: "TEA", eventId: "v1", occurredAt: iso(30) },
      { type: "cart_add", customerId: "M2", sku: "MUG-1", eventId: "c1", occurredAt: iso(20) },
      { type: "favourite", customerId: "M3", sku: "SNACK-0", eventId: "f1", occurredAt: iso(5) },
      // Not about a product, or not about a known customer: not training data.
      { type: "login", customerId: "M3", eventId: "l1", occurredAt: iso(4) },
      { type: "product_view", visitorId: "anonymous-1", sku: "TEA", eventId: "a1", occurredAt: iso(3) },
    ]);
    // Another shop's orders are not this shop's history.
    const other = await createShop(t.testDb.db, t.clock, { name: "Other" });
    const elsewhere = orderBook(NOW);
    elsewhere.order("M1", 3, ["TEA"]);
    await upsertOrders(t.testDb.db, t.clock, other.shop.id, "JPY", elsewhere.orders, "test");
  });
  afterAll(async () => t.close());

  it("reads, across pages and past its first guess of the size, what the per-customer loader reads", async () => {
    const before = NOW - DAY;
    const read: number[] = [];
    const histories = await loadShopHistories(t.testDb.db, shopId(), {
      before,
      capacity: 3,
      pageSize: 4,
      onProgress: (n) => read.push(n),
    });
    const entries = [...histories.entries()];
    expect(entries).toHaveLength(7);
    // 7 customers × 3 lines + 3 signals; the cancelled order, the login, the anonymous view and the
    // late order are not in it.
    expect(histories.interactions).toBe(24);
    expect(read.at(-1)).toBe(24);
    expect(read.length).toBeGreaterThan(5);

    const ids = entries.map(([id]) => id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    const expected = await loadInteractions(t.testDb.db, shopId(), ids, before);
    for (const [customerId, rows] of entries) {
      const theirs = expected.filter((r) => r.customerId === customerId);
      const key = (r: (typeof rows)[number]) => `${r.at}:${r.kind}:${r.productId}`;
      expect(rows.map(key).sort()).toEqual(theirs.map(key).sort());
      expect(rows.map((r) => r.at)).toEqual([...rows.map((r) => r.at)].sort((a, b) => a - b));
    }
    const m2 = entries.find(([, rows]) => rows.some((r) => r.kind === "cart"))![1];
    expect(m2.map((r) => r.kind)).toEqual(["purchase", "purchase", "view", "cart", "purchase"]);
  });

  it("cuts each customer's history again on the way out, and leaves out customers with nothing before", async () => {
    const histories = await loadShopHistories(t.testDb.db, shopId(), { capacity: 100 });
    expect(histories.interactions).toBe(25); // the late order too
    const cut = NOW - 45 * DAY;
    const early = [...histories.entries(cut)];
    // Only M1…M4 bought before 45 days ago (their first orders were 49…46 days ago).
    expect(early).toHaveLength(4);
    for (const [, rows] of early) for (const r of rows) expect(r.at).toBeLessThan(cut);
  });
});

function iso(daysAgo: number): string {
  return new Date(NOW - daysAgo * DAY).toISOString();
}
