// Given two identical shops, when one receives a batch of orders through upsertOrders and the other the
// same orders one by one through upsertOrder, then both answer the same and store the same rows: new
// and re-sent orders, changed items and statuses, members new, known and merged, inline buyer profiles,
// coupons, repeated order numbers in one batch and SKUs the catalogue has never seen.
import type { KyselyPlugin } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/core/clock.js";
import { type Db, inTransaction } from "../../src/db/index.js";
import { type OrderInput, upsertOrder, upsertOrders } from "../../src/orders/index.js";
import { createShop } from "../../src/shops/index.js";
import { createTestDb, type TestDb } from "../support/db.js";

interface World {
  testDb: TestDb;
  clock: ManualClock;
  shopId: number;
}

async function createWorld(): Promise<World> {
  const testDb = await createTestDb();
  const clock = new ManualClock("2026-05-01T00:00:00.000Z");
  const { shop } = await createShop(testDb.db, clock, { name: "Batch shop", currency: "JPY" });
  const { db } = testDb;
  const at = "2026-04-01T00:00:00.000Z";
  // A known member, a member whose profile was merged into another, a guest known by email.
  const survivor = await db
    .insertInto("customers")
    .values({ shop_id: shop.id, external_id: "M-SURV", attributes: "{}", created_at: at, updated_at: at })
    .returning("id")
    .executeTakeFirstOrThrow();
  await db
    .insertInto("customers")
    .values([
      { shop_id: shop.id, external_id: "M-KNOWN", attributes: "{}", created_at: at, updated_at: at },
      {
        shop_id: shop.id,
        external_id: "M-OLD",
        merged_into_id: survivor.id,
        attributes: "{}",
        created_at: at,
        updated_at: at,
      },
      { shop_id: shop.id, email: "guest@example.jp", attributes: "{}", created_at: at, updated_at: at },
    ])
    .execute();
  await db
    .insertInto("products")
    .values({
      shop_id: shop.id,
      sku: "LOTION",
      name: "化粧水",
      price: 1280,
      currency: "JPY",
      attributes: "{}",
      created_at: at,
      updated_at: at,
    })
    .execute();
  await db
    .insertInto("coupons")
    .values(
      ["WELCOME", "SUMMER", "ONCE"].map((code) => ({
        shop_id: shop.id,
        code,
        kind: "amount" as const,
        value: 100,
        currency: "JPY",
        min_order: 0,
        created_at: at,
      })),
    )
    .execute();
  return { testDb, clock, shopId: shop.id };
}

const order = (externalId: string, extra: Partial<OrderInput> = {}): OrderInput => ({
  externalId,
  customerId: "M-KNOWN",
  orderedAt: "2026-05-20T10:00:00+09:00",
  items: [
    { sku: "LOTION", name: "化粧水", quantity: 1, unitPrice: 1280 },
    { sku: "MASK", name: "シートマスク", quantity: 3, unitPrice: 330 },
  ],
  ...extra,
});

/** What the shop already holds before the batch arrives. */
const history: OrderInput[] = [
  order("O-SAME"),
  order("O-ITEMS"),
  order("O-CANCEL", { couponCode: "WELCOME", discount: 100 }),
  order("O-SWAP", { couponCode: "SUMMER", discount: 100 }),
  order("O-DROP", { couponCode: "ONCE", discount: 100 }),
  order("O-GUEST", { customerId: undefined, customer: { email: "guest@example.jp" } }),
];

/** The batch: every kind of input, in an order where sequence matters. */
const batch: OrderInput[] = [
  order("O-SAME"), // unchanged
  order("O-ITEMS", { items: [{ sku: "LOTION", name: "化粧水", quantity: 2, unitPrice: 1280 }] }),
  order("O-CANCEL", { couponCode: "WELCOME", discount: 100, status: "cancelled" }),
  order("O-SWAP", { couponCode: "ONCE", discount: 100 }), // ONCE still held by O-DROP: not redeemed
  order("O-DROP", { status: "shipped", shippedAt: "2026-05-21T10:00:00+09:00" }), // releases ONCE
  order("N-1", {
    customerId: "M-NEW-1",
    items: [{ sku: "SERUM", name: "美容液", quantity: 1, unitPrice: 4800 }],
  }),
  order("N-2", { customerId: "M-NEW-1", couponCode: "WELCOME", discount: 100 }), // released by O-CANCEL
  order("N-3", { customerId: "M-OLD" }), // a merged profile: the survivor buys
  order("N-4", { customerId: undefined }), // no buyer at all
  order("N-5", { customerId: undefined, customer: { email: "guest@example.jp", lastName: "山田" } }),
  order("N-6", { customerId: "M-NEW-2", customer: { email: "new@example.jp" } }), // a member with a profile
  order("N-7", { customerId: "M-NEW-2" }), // named by the member id the previous order created
  order("N-DUP", { customerId: "M-NEW-3", items: [{ sku: "CREAM", quantity: 1, unitPrice: 2000 }] }),
  order("N-8", { customerId: "M-NEW-3", couponCode: "SUMMER", discount: 100 }), // SUMMER was swapped away
  order("N-DUP", { customerId: "M-NEW-3", items: [{ sku: "CREAM", quantity: 2, unitPrice: 2000 }] }),
  order("N-DUP", { customerId: "M-NEW-3", items: [{ sku: "CREAM", quantity: 2, unitPrice: 2000 }] }),
  order("N-USD", {
    currency: "USD",
    items: [{ sku: "IMPORTED", name: "Imported", quantity: 1, unitPrice: 999 }],
  }),
  order("N-9", { items: [{ sku: "IMPORTED", quantity: 1, unitPrice: 1500 }] }), // first mention was USD
  order("O-SAME"), // a repeat of an unchanged order
];

async function dump(db: Db) {
  const all = (table: "orders" | "order_items" | "customers" | "products" | "coupons") =>
    db.selectFrom(table).selectAll().orderBy("id").execute();
  return {
    orders: await all("orders"),
    items: await all("order_items"),
    customers: await all("customers"),
    products: await all("products"),
    coupons: await all("coupons"),
  };
}

/** Counts the statements a handle runs. */
function counting(db: Db): { db: Db; queries: () => number } {
  let n = 0;
  const plugin: KyselyPlugin = {
    transformQuery: (args) => {
      n++;
      return args.node;
    },
    transformResult: async (args) => args.result,
  };
  return { db: db.withPlugin(plugin), queries: () => n };
}

describe("orders: upsertOrders is upsertOrder in bulk", () => {
  let batched: World;
  let sequential: World;
  beforeEach(async () => {
    batched = await createWorld();
    sequential = await createWorld();
    for (const w of [batched, sequential]) {
      await inTransaction(w.testDb.db, async (trx) => {
        for (const o of history) await upsertOrder(trx, w.clock, w.shopId, "JPY", o, "test");
      });
      w.clock.advance(60 * 60 * 1000);
    }
  });
  afterEach(async () => {
    await batched.testDb.cleanup();
    await sequential.testDb.cleanup();
  });

  const oneByOne = (w: World, inputs: OrderInput[]) =>
    inTransaction(w.testDb.db, async (trx) => {
      const results = [];
      for (const o of inputs) results.push(await upsertOrder(trx, w.clock, w.shopId, "JPY", o, "test"));
      return results;
    });
  const together = (w: World, inputs: OrderInput[]) =>
    inTransaction(w.testDb.db, (trx) => upsertOrders(trx, w.clock, w.shopId, "JPY", inputs, "test"));

  it("answers and stores exactly what one upsert after another does", async () => {
    const expected = await oneByOne(sequential, batch);
    const got = await together(batched, batch);
    expect(got).toEqual(expected);
    expect(await dump(batched.testDb.db)).toEqual(await dump(sequential.testDb.db));

    // The story the batch tells, checked once in plain terms.
    const outcome = got.map((r) => (r.created ? "created" : r.changed ? "updated" : "unchanged"));
    expect(outcome).toEqual([
      "unchanged",
      "updated",
      "updated",
      "updated",
      "updated",
      "created",
      "created",
      "created",
      "created",
      "created",
      "created",
      "created",
      "created",
      "created",
      "updated",
      "unchanged",
      "created",
      "created",
      "unchanged",
    ]);
    const coupons = await batched.testDb.db
      .selectFrom("coupons")
      .select(["code", "redeemed_order_external_id"])
      .orderBy("code")
      .execute();
    expect(coupons).toEqual([
      { code: "ONCE", redeemed_order_external_id: null },
      { code: "SUMMER", redeemed_order_external_id: "N-8" },
      { code: "WELCOME", redeemed_order_external_id: "N-2" },
    ]);
  });

  it("re-sent unchanged, writes nothing and answers unchanged", async () => {
    await oneByOne(sequential, batch);
    await together(batched, batch);
    const before = await dump(batched.testDb.db);
    batched.clock.advance(60 * 60 * 1000);
    sequential.clock.advance(60 * 60 * 1000);
    const again = batch.filter((o, i) => batch.findLastIndex((p) => p.externalId === o.externalId) === i);
    const got = await together(batched, again);
    expect(got).toEqual(await oneByOne(sequential, again));
    expect(got.every((r) => !r.created && !r.changed)).toBe(true);
    expect(await dump(batched.testDb.db)).toEqual(before);
  });

  it("takes a constant number of statements for many member orders", async () => {
    const many = (n: number, round: number) =>
      Array.from({ length: n }, (_, i) =>
        order(`BULK-${i}`, {
          customerId: `M-BULK-${i % 37}`,
          status: round === 0 ? "completed" : i % 3 === 0 ? "shipped" : "completed",
          items: [{ sku: `SKU-${i % 11}`, quantity: 1 + (i % 4), unitPrice: 100 + i }],
        }),
      );
    const { db, queries } = counting(batched.testDb.db);
    await inTransaction(db, (trx) =>
      upsertOrders(trx, batched.clock, batched.shopId, "JPY", many(300, 0), "t"),
    );
    // Members, orders, items, products (select + 11 new SKUs), new members, new orders, new items.
    expect(queries()).toBeLessThanOrEqual(8 + 11);
    const first = queries();
    await inTransaction(db, (trx) =>
      upsertOrders(trx, batched.clock, batched.shopId, "JPY", many(300, 1), "t"),
    );
    // Re-sent: members, orders, items, then one UPDATE per order that really changed (every third).
    expect(queries() - first).toBe(3 + 100);
    await oneByOne(sequential, many(300, 0));
    await oneByOne(sequential, many(300, 1));
    expect(await dump(batched.testDb.db)).toEqual(await dump(sequential.testDb.db));
  });

  it("splits statements at the engine's bound-parameter limit", async () => {
    const many = Array.from({ length: 4000 }, (_, i) =>
      order(`BIG-${i}`, {
        customerId: `M-BIG-${i}`,
        items: [1, 2].map((n) => ({ sku: `SKU-${(i + n) % 50}`, quantity: n, unitPrice: 100 * n })),
      }),
    );
    const got = await together(batched, many);
    expect(got.filter((r) => r.created)).toHaveLength(4000);
    await oneByOne(sequential, many);
    expect(await dump(batched.testDb.db)).toEqual(await dump(sequential.testDb.db));
  }, 120_000);
});
