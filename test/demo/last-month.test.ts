// The demo shop's last 30 days, which `kizuna simulate --days 30` replays: every ready-made scenario must
// find customers there. Given a 2,000-customer demo shop, each situation a library scenario reacts to
// (a 3rd or 6th 定期便 delivery, an abandoned cart, a restock, a store visit, a warranty ending…) happens
// in the window, several times.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/core/clock.js";
import type { Db, EventType } from "../../src/db/index.js";
import { generateDemoShop } from "../../src/demo/index.js";
import { createTestDb, type TestDb } from "../support/db.js";

const NOW = Date.parse("2026-06-01T00:00:00.000Z");
const DAY = 86_400_000;
const WINDOW_START = NOW - 30 * DAY;
const CUSTOMERS = 2_000;

const at = (iso: string) => Date.parse(iso);
const inWindow = (ms: number) => ms >= WINDOW_START && ms < NOW;
/** Month-day on the shop's calendar (Asia/Tokyo, UTC+9). */
const tokyoMonthDay = (ms: number) => new Date(ms + 9 * 3_600_000).toISOString().slice(5, 10);
const windowMonthDays = new Set(
  Array.from({ length: 30 }, (_, i) => tokyoMonthDay(WINDOW_START + (i + 0.5) * DAY)),
);

interface Order {
  id: number;
  customer_id: number | null;
  channel: string;
  status: string;
  ordered_at: string;
  shipped_at: string | null;
  products: number[];
}

async function loadOrders(db: Db): Promise<Order[]> {
  const orders = await db
    .selectFrom("orders")
    .select(["id", "customer_id", "channel", "status", "ordered_at", "shipped_at"])
    .orderBy("ordered_at")
    .orderBy("id")
    .execute();
  const items = await db.selectFrom("order_items").select(["order_id", "product_id"]).execute();
  const byOrder = new Map<number, number[]>();
  for (const i of items)
    byOrder.set(i.order_id, [...(byOrder.get(i.order_id) ?? []), i.product_id as number]);
  return orders.map((o) => ({ ...o, products: byOrder.get(o.id) ?? [] }));
}

function groupBy<T, K>(rows: T[], key: (row: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const row of rows) groups.set(key(row), [...(groups.get(key(row)) ?? []), row]);
  return groups;
}

describe("the demo shop's last 30 days", () => {
  let t: TestDb;
  let db: Db;
  let orders: Order[];
  let byCustomer: Map<number | null, Order[]>;
  let subscriptionProducts: Set<number>;
  const live = (o: Order) => o.status !== "cancelled" && o.status !== "returned";

  beforeAll(async () => {
    t = await createTestDb();
    db = t.db;
    await generateDemoShop(db, new ManualClock(new Date(NOW)), { customers: CUSTOMERS, seed: 1 });
    orders = await loadOrders(db);
    byCustomer = groupBy(orders, (o) => o.customer_id);
    const products = await db.selectFrom("products").select(["id", "attributes"]).execute();
    subscriptionProducts = new Set(
      products.filter((p) => JSON.parse(p.attributes).subscription === true).map((p) => p.id),
    );
  }, 180_000);
  afterAll(async () => t?.cleanup());

  /** Each customer's subscription deliveries, oldest first. */
  function deliveriesByCustomer(): Order[][] {
    return [...byCustomer.values()]
      .map((list) => list.filter((o) => o.products.some((p) => subscriptionProducts.has(p))))
      .filter((list) => list.length > 0);
  }

  async function storefrontEvents(type: EventType, since: number) {
    return db
      .selectFrom("events")
      .select(["customer_id", "product_id", "occurred_at"])
      .where("type", "=", type)
      .where("occurred_at", ">=", new Date(since).toISOString())
      .execute();
  }

  it("sells some health food and cosmetics only as 定期便, delivered alone every 30 days", async () => {
    const offers = await db
      .selectFrom("products")
      .select(["id", "category_path", "replenishment_days", "stock"])
      .where("id", "in", [...subscriptionProducts])
      .execute();
    expect(offers.length).toBeGreaterThanOrEqual(5);
    const categories = offers.map((p) => p.category_path?.split("/")[0]);
    expect(categories).toContain("健康食品");
    expect(categories).toContain("スキンケア");
    for (const p of offers) expect(p.stock).toBeGreaterThan(0);

    const subscribers = deliveriesByCustomer();
    expect(subscribers.length / CUSTOMERS).toBeGreaterThan(0.03);
    expect(subscribers.length / CUSTOMERS).toBeLessThan(0.09);
    for (const deliveries of subscribers) {
      expect(new Set(deliveries.flatMap((o) => o.products)).size).toBe(1);
      deliveries.forEach((o, i) => {
        expect(o.products).toHaveLength(1);
        expect(o.channel).toBe("online");
        expect(["paid", "shipped", "completed"]).toContain(o.status);
        if (o.shipped_at !== null) {
          const days = (at(o.shipped_at) - at(o.ordered_at)) / DAY;
          expect(days >= 1 && days <= 3).toBe(true);
        }
        if (i > 0) {
          const gap = (at(o.ordered_at) - at(deliveries[i - 1].ordered_at)) / DAY;
          expect(gap > 29 && gap < 31).toBe(true);
        }
      });
    }
    expect(subscribers.some((d) => d.length >= 6)).toBe(true);
    // Some cancelled: their last delivery is more than a cycle ago.
    expect(subscribers.some((d) => at(d[d.length - 1].ordered_at) < NOW - 45 * DAY)).toBe(true);
  });

  it("has subscribers receiving their 3rd and their 6th delivery", () => {
    const nthInWindow = (n: number) =>
      deliveriesByCustomer().filter((d) => d.length >= n && inWindow(at(d[n - 1].ordered_at))).length;
    expect(deliveriesByCustomer().filter((d) => d.length >= 3).length).toBeGreaterThan(20);
    expect(nthInWindow(3)).toBeGreaterThanOrEqual(5);
    expect(nthInWindow(6)).toBeGreaterThanOrEqual(4);
  });

  it("has members leaving carts behind, and others checking out within 3 days", async () => {
    const carts = (await storefrontEvents("cart_add", WINDOW_START)).filter((e) => e.customer_id !== null);
    const orderedWithin3Days = (e: (typeof carts)[number]) =>
      (byCustomer.get(e.customer_id) ?? []).some(
        (o) => at(o.ordered_at) >= at(e.occurred_at) && at(o.ordered_at) - at(e.occurred_at) <= 3 * DAY,
      );
    expect(carts.filter((e) => !orderedWithin3Days(e)).length).toBeGreaterThanOrEqual(20);
    expect(carts.filter(orderedWithin3Days).length).toBeGreaterThanOrEqual(20);
  });

  it("has members viewing products without adding anything to the cart", async () => {
    const carts = groupBy(
      (await storefrontEvents("cart_add", WINDOW_START)).filter((e) => e.customer_id !== null),
      (e) => e.customer_id,
    );
    const views = (await storefrontEvents("product_view", WINDOW_START)).filter(
      (e) =>
        e.customer_id !== null &&
        !(carts.get(e.customer_id) ?? []).some(
          (c) => at(c.occurred_at) >= at(e.occurred_at) && at(c.occurred_at) - at(e.occurred_at) < DAY,
        ),
    );
    expect(new Set(views.map((e) => e.customer_id)).size).toBeGreaterThanOrEqual(50);
  });

  it("restocks products that members viewed, favourited or asked about while they were gone", async () => {
    const restocks = await storefrontEvents("restock", WINDOW_START);
    const interest = (
      await Promise.all(
        (["product_view", "favourite", "restock_request"] as const).map((type) =>
          storefrontEvents(type, WINDOW_START - 60 * DAY),
        ),
      )
    ).flat();
    const interested = restocks.map(
      (r) =>
        new Set(
          interest
            .filter(
              (e) =>
                e.customer_id !== null &&
                e.product_id === r.product_id &&
                at(e.occurred_at) < at(r.occurred_at) &&
                at(e.occurred_at) >= at(r.occurred_at) - 60 * DAY,
            )
            .map((e) => e.customer_id),
        ).size,
    );
    expect(interested.filter((n) => n > 0).length).toBeGreaterThanOrEqual(5);
    expect(interested.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(50);
  });

  it("has members buying in the stores", () => {
    const storeOrders = orders.filter(
      (o) => o.channel === "store" && o.customer_id !== null && inWindow(at(o.ordered_at)),
    );
    expect(storeOrders.length).toBeGreaterThanOrEqual(5);
  });

  it("has new members, membership anniversaries and birthdays", async () => {
    const customers = await db.selectFrom("customers").select(["created_at", "birthday"]).execute();
    expect(customers.filter((c) => inWindow(at(c.created_at))).length).toBeGreaterThanOrEqual(20);
    const anniversaries = customers.filter(
      (c) =>
        at(c.created_at) < WINDOW_START - 330 * DAY && windowMonthDays.has(tokyoMonthDay(at(c.created_at))),
    );
    expect(anniversaries.length).toBeGreaterThanOrEqual(20);
    const birthdays = customers.filter(
      (c) => c.birthday !== null && windowMonthDays.has(c.birthday.slice(5)),
    );
    expect(birthdays.length).toBeGreaterThanOrEqual(20);
  });

  it("has first orders shipping, and customers whose last order was 180 days before a day of the window", () => {
    let firstShipped = 0;
    let lapsed = 0;
    for (const [customer, list] of byCustomer) {
      if (customer === null) continue;
      const first = list.find((o) => o.status !== "cancelled");
      if (first && live(first) && first.shipped_at && inWindow(at(first.shipped_at))) firstShipped++;
      const last = list.filter(live).at(-1);
      if (last && inWindow(at(last.ordered_at) + 180 * DAY)) lapsed++;
    }
    expect(firstShipped).toBeGreaterThanOrEqual(20);
    expect(lapsed).toBeGreaterThanOrEqual(20);
  });

  it("has consumables due for replenishment and warranties about to end", async () => {
    const products = new Map(
      (await db.selectFrom("products").select(["id", "replenishment_days", "warranty_months"]).execute()).map(
        (p) => [p.id, p],
      ),
    );
    let due = 0;
    let warrantyEnding = 0;
    for (const o of orders) {
      if (!live(o) || o.customer_id === null) continue;
      const delivered = at(o.shipped_at ?? o.ordered_at);
      for (const id of o.products) {
        const { replenishment_days: days, warranty_months: months } = products.get(id) ?? {};
        if (days && inWindow(delivered + days * DAY)) {
          const rebought = (byCustomer.get(o.customer_id) ?? []).some(
            (later) => at(later.ordered_at) > at(o.ordered_at) && later.products.includes(id),
          );
          if (!rebought) due++;
        }
        if (months) {
          const end = new Date(delivered);
          end.setUTCMonth(end.getUTCMonth() + months);
          if (inWindow(end.getTime() - 30 * DAY)) warrantyEnding++;
        }
      }
    }
    expect(due).toBeGreaterThanOrEqual(50);
    expect(warrantyEnding).toBeGreaterThanOrEqual(3);
  });

  it("has points expiring within 60 days", async () => {
    const expiring = await db
      .selectFrom("point_balances")
      .select("customer_id")
      .where("balance", ">", 0)
      .where("next_expiry_points", ">", 0)
      .where("next_expiry_at", ">", new Date(NOW).toISOString())
      .where("next_expiry_at", "<=", new Date(NOW + 60 * DAY).toISOString())
      .execute();
    expect(expiring.length).toBeGreaterThanOrEqual(20);
  });

  it("can reach most members: by e-mail when they gave one, by LINE when they linked it", async () => {
    const consents = await db
      .selectFrom("consents")
      .innerJoin("customers", "customers.id", "consents.customer_id")
      .select(["consents.channel", "consents.granted", "customers.email", "customers.line_user_id"])
      .where("consents.channel", "in", ["email", "line"])
      .execute();
    const share = (channel: string) => {
      const rows = consents.filter((c) => c.channel === channel);
      return rows.filter((c) => c.granted === 1).length / rows.length;
    };
    expect(share("email")).toBeGreaterThan(0.5);
    expect(share("line")).toBeGreaterThan(0.8);
    expect(consents.filter((c) => c.channel === "email" && c.email === null)).toEqual([]);
    expect(consents.filter((c) => c.channel === "line" && c.line_user_id === null)).toEqual([]);
  });
});
