// The demo shop: given a seed and a clock, the generator fills a fresh shop with two years of believable,
// internally consistent data, and does so identically every time.
import { createHash } from "node:crypto";
import { type Kysely, sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/core/clock.js";
import { ValidationError } from "../../src/core/errors.js";
import { balanceFromLedger, PREFECTURE_NAMES } from "../../src/customers/index.js";
import { CHANNELS, type Db, type Schema } from "../../src/db/index.js";
import { type DemoResult, generateDemoShop } from "../../src/demo/index.js";
import { DEMO_TABLES } from "../../src/demo/writer.js";
import { createTestDb, type TestDb } from "../support/db.js";

const NOW = "2026-06-01T00:00:00.000Z";
const DAY = 86_400_000;
const CUSTOMERS = 600;

/** A fingerprint of the rows that matter most, ids included. */
async function digest(db: Db): Promise<string> {
  const hash = createHash("sha256");
  for (const table of ["customers", "orders", "order_items", "point_ledger", "coupons"] as const) {
    const rows = await db.selectFrom(table).selectAll().orderBy("id").execute();
    hash.update(JSON.stringify(rows));
  }
  const events = await db
    .selectFrom("events")
    .select(["id", "customer_id", "visitor_id", "type", "sku", "occurred_at"])
    .orderBy("id")
    .execute();
  hash.update(JSON.stringify(events));
  return hash.digest("hex");
}

/** SQLite only: the connection settings the generator raises for bulk writing. */
async function sqliteSettings(db: Db, engine: string): Promise<string> {
  if (engine !== "sqlite") return "";
  const values = [];
  for (const name of ["cache_size", "wal_autocheckpoint"]) {
    values.push(JSON.stringify((await sql.raw(`pragma ${name}`).execute(db)).rows));
  }
  return values.join(" ");
}

const iso = (ms: number) => new Date(ms).toISOString();
const later = (a: string, b: string) => Date.parse(a) > Date.parse(b);

describe("demo shop generator", () => {
  let t: TestDb;
  let demo: DemoResult;
  let db: Kysely<Schema>;
  let shopId: number;
  const progress: Array<[number, number, string]> = [];

  let settingsBefore: string;

  beforeAll(async () => {
    t = await createTestDb();
    db = t.db;
    settingsBefore = await sqliteSettings(db, t.engine);
    demo = await generateDemoShop(db, new ManualClock(NOW), {
      customers: CUSTOMERS,
      seed: 7,
      chunkSize: 250,
      onProgress: (done, total, phase) => progress.push([done, total, phase]),
    });
    shopId = demo.shop.id;
  }, 120_000);
  afterAll(async () => t?.cleanup());

  it("creates the shop with its keys and reports counts that match the tables", async () => {
    expect(demo.shop.name).toBe("デモショップ Kizuna Beauty & Health");
    expect(demo.secretKey).toMatch(/^kz_sk_/);
    expect(demo.publicKey).toMatch(/^kz_pk_/);
    expect(demo.counts.customers).toBe(CUSTOMERS);
    for (const table of DEMO_TABLES) {
      const row = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(db);
      expect(Number(row.rows[0].n), table).toBe(demo.counts[table]);
      expect(demo.counts[table], table).toBeGreaterThan(0);
    }
    // Last, the starter segments over fresh customer metrics.
    expect(progress.at(-1)).toEqual([CUSTOMERS, CUSTOMERS, "segments"]);
    expect(demo.counts.segments).toBe(7);
  });

  it("leaves the connection's settings as it found them", async () => {
    expect(await sqliteSettings(db, t.engine)).toBe(settingsBefore);
  });

  it("writes every row with the shop's id", async () => {
    for (const table of [...DEMO_TABLES, "api_keys"]) {
      const row = await sql<{
        n: number;
      }>`select count(*) as n from ${sql.table(table)} where shop_id <> ${shopId}`.execute(db);
      expect(Number(row.rows[0].n), table).toBe(0);
    }
  });

  it("reports progress chunk by chunk", () => {
    expect(progress).toEqual([
      [0, CUSTOMERS, "catalogue"],
      [250, CUSTOMERS, "customers"],
      [500, CUSTOMERS, "customers"],
      [CUSTOMERS, CUSTOMERS, "customers"],
      [CUSTOMERS, CUSTOMERS, "segments"],
    ]);
  });

  it("is deterministic: the same seed and clock give identical rows (whatever the chunk size), another seed different ones", async () => {
    const twin = await createTestDb();
    const other = await createTestDb();
    try {
      const again = await generateDemoShop(twin.db, new ManualClock(NOW), { customers: CUSTOMERS, seed: 7 });
      const changed = await generateDemoShop(other.db, new ManualClock(NOW), {
        customers: CUSTOMERS,
        seed: 8,
      });
      expect(again.counts).toEqual(demo.counts);
      const expected = await digest(db);
      expect(await digest(twin.db)).toBe(expected);
      expect(await digest(other.db)).not.toBe(expected);
      expect(changed.counts).not.toEqual(demo.counts);
    } finally {
      await twin.cleanup();
      await other.cleanup();
    }
  }, 120_000);

  it("sells a Japanese beauty and health catalogue, some of it sold out", async () => {
    const products = await db.selectFrom("products").selectAll().execute();
    expect(products.length).toBeGreaterThanOrEqual(150);
    expect(products.length).toBeLessThanOrEqual(300);
    for (const p of products) {
      expect(p.url).toBe(`https://demo.kizuna.example/products/${p.sku}`);
      expect(p.currency).toBe("JPY");
      expect(Number.isInteger(p.price) && p.price > 0).toBe(true);
      expect(p.category_path).toMatch(/^[^/]+\/[^/]+$/);
    }
    const paths = new Set(products.map((p) => p.category_path));
    expect(paths).toContain("スキンケア/化粧水");
    expect(paths).toContain("健康食品/サプリメント");
    expect(products.some((p) => p.stock === 0)).toBe(true);
    const cycles = new Set(products.map((p) => p.replenishment_days).filter((d) => d !== null));
    for (const d of [30, 45, 60, 90]) expect(cycles).toContain(d);
    const durable = products.filter((p) => p.warranty_months !== null);
    expect(durable.length).toBeGreaterThan(3);
    expect(durable.every((p) => p.consumable === 0)).toBe(true);
    expect(durable.map((p) => p.category_path)).toContain("美容家電/ヘアドライヤー");
  });

  it("records a restock for products that came back, and restock requests for sold-out ones", async () => {
    const restocks = await db
      .selectFrom("events")
      .innerJoin("products", "products.id", "events.product_id")
      .select(["events.sku", "events.properties", "products.sku as productSku", "products.stock"])
      .where("events.type", "=", "restock")
      .execute();
    expect(restocks.length).toBeGreaterThan(0);
    for (const r of restocks) {
      expect(r.sku).toBe(r.productSku);
      expect(r.stock).toBeGreaterThan(0);
      expect(JSON.parse(r.properties)).toMatchObject({ stockBefore: 0 });
    }
    const requests = await db
      .selectFrom("events")
      .innerJoin("products", "products.id", "events.product_id")
      .select(["products.stock"])
      .where("events.type", "=", "restock_request")
      .execute();
    expect(requests.some((r) => r.stock === 0)).toBe(true);
  });

  it("gives customers Japanese names, reachable-looking contacts and spread-out birthdays", async () => {
    const customers = await db.selectFrom("customers").selectAll().orderBy("id").execute();
    const prefectures = new Set(PREFECTURE_NAMES);
    for (const c of customers) {
      expect(c.external_id).toMatch(/^M\d{6}$/);
      expect(c.last_name_kana).toMatch(/^[ァ-ヴー]+$/);
      expect(c.first_name_kana).toMatch(/^[ァ-ヴー]+$/);
      if (c.email !== null) expect(c.email).toMatch(/^[a-z0-9._]+@example\.(com|jp|net|org)$/);
      if (c.phone !== null) expect(c.phone).toMatch(/^\+81[789]0\d{8}$/);
      if (c.line_user_id !== null) expect(c.line_user_id).toMatch(/^U[0-9a-f]{32}$/);
      expect(c.postal_code).toMatch(/^\d{7}$/);
      expect(prefectures.has(c.prefecture ?? "")).toBe(true);
      expect(["レギュラー", "シルバー", "ゴールド", "プラチナ"]).toContain(c.member_rank);
      expect(JSON.parse(c.attributes)).toHaveProperty("acquisition");
      expect(c.created_at >= iso(Date.parse(NOW) - 731 * DAY) && c.created_at <= NOW).toBe(true);
    }
    // Member numbers follow sign-up order.
    const created = customers.map((c) => c.created_at);
    expect(created[0] < created[created.length - 1]).toBe(true);
    expect(customers[0].external_id).toBe("M000001");

    const female = customers.filter((c) => c.gender === "female").length / customers.length;
    expect(female).toBeGreaterThan(0.7);
    const birthdays = customers.map((c) => c.birthday).filter((b) => b !== null);
    expect(birthdays.length).toBeLessThan(customers.length);
    expect(new Set(birthdays.map((b) => b.slice(5, 7))).size).toBe(12);
    const line = customers.filter((c) => c.line_user_id !== null).length / customers.length;
    expect(line).toBeGreaterThan(0.25);
    expect(line).toBeLessThan(0.45);
  });

  it("keeps each consent equal to the last entry of its log", async () => {
    const consents = await db.selectFrom("consents").selectAll().execute();
    const log = await db.selectFrom("consent_log").selectAll().orderBy("recorded_at").orderBy("id").execute();
    const last = new Map<string, (typeof log)[number]>();
    for (const entry of log) last.set(`${entry.customer_id}/${entry.channel}`, entry);
    expect(consents.length).toBe(last.size);
    for (const c of consents) {
      expect(CHANNELS).toContain(c.channel);
      const entry = last.get(`${c.customer_id}/${c.channel}`);
      expect(entry, `${c.customer_id}/${c.channel}`).toBeDefined();
      expect([c.granted, c.source, c.updated_at]).toEqual([
        entry?.granted,
        entry?.source,
        entry?.recorded_at,
      ]);
    }
    // LINE consent only for LINE-linked customers.
    const unlinkedLine = await db
      .selectFrom("consents")
      .innerJoin("customers", "customers.id", "consents.customer_id")
      .select("consents.customer_id")
      .where("consents.channel", "=", "line")
      .where("customers.line_user_id", "is", null)
      .execute();
    expect(unlinkedLine).toEqual([]);
  });

  it("keeps order totals equal to their items: total = subtotal - discount + shipping + tax", async () => {
    const orders = await db.selectFrom("orders").selectAll().execute();
    const items = await db
      .selectFrom("order_items")
      .selectAll()
      .orderBy("order_id")
      .orderBy("line_no")
      .execute();
    const byOrder = new Map<number, typeof items>();
    for (const item of items) byOrder.set(item.order_id, [...(byOrder.get(item.order_id) ?? []), item]);
    for (const o of orders) {
      const lines = byOrder.get(o.id) ?? [];
      expect(lines.length, o.external_id).toBeGreaterThan(0);
      expect(lines.map((l) => l.line_no)).toEqual(lines.map((_, i) => i + 1));
      for (const l of lines) expect(l.line_total).toBe(l.unit_price * l.quantity);
      expect(o.subtotal, o.external_id).toBe(lines.reduce((s, l) => s + l.line_total, 0));
      expect(o.total, o.external_id).toBe(o.subtotal - o.discount + o.shipping + o.tax);
      expect(o.points_used).toBeLessThanOrEqual(o.total);
      expect(o.ordered_at <= NOW).toBe(true);
      if (o.shipped_at !== null) expect(later(o.shipped_at, o.ordered_at)).toBe(true);
      if (o.discount > 0) expect(o.coupon_code).not.toBeNull();
    }
  });

  it("sells mostly online, some in stores, a few on marketplaces; most orders complete", async () => {
    const orders = await db.selectFrom("orders").selectAll().execute();
    const share = (pred: (o: (typeof orders)[number]) => boolean) =>
      orders.filter(pred).length / orders.length;
    expect(share((o) => o.channel === "online")).toBeGreaterThan(0.6);
    expect(share((o) => o.channel === "store")).toBeGreaterThan(0.03);
    expect(share((o) => o.channel === "marketplace")).toBeGreaterThan(0);
    expect(share((o) => o.status === "completed")).toBeGreaterThan(0.85);
    expect(share((o) => o.status === "cancelled" || o.status === "returned")).toBeGreaterThan(0);
    for (const o of orders) {
      if (o.channel === "store") {
        expect(o.store_id).toMatch(/^STORE-[A-Z]+$/);
        expect(o.shipped_at).toBeNull();
      } else {
        expect(o.store_id).toBeNull();
        if (o.status === "completed" || o.status === "shipped") expect(o.shipped_at).not.toBeNull();
      }
    }
    expect(share((o) => o.coupon_code !== null)).toBeGreaterThan(0);
  });

  it("has repeat buyers at a believable F2 rate, and dormant customers", async () => {
    const orders = await db
      .selectFrom("orders")
      .select(["customer_id", "ordered_at"])
      .where("status", "<>", "cancelled")
      .execute();
    const byCustomer = new Map<number, string[]>();
    for (const o of orders)
      byCustomer.set(o.customer_id as number, [
        ...(byCustomer.get(o.customer_id as number) ?? []),
        o.ordered_at,
      ]);
    const buyers = [...byCustomer.values()];
    const f2 = buyers.filter((dates) => dates.length >= 2).length / buyers.length;
    expect(f2).toBeGreaterThan(0.25);
    expect(f2).toBeLessThan(0.5);
    const dormantBefore = iso(Date.parse(NOW) - 180 * DAY);
    const dormant = buyers.filter((dates) => dates.every((d) => d < dormantBefore)).length;
    expect(dormant / buyers.length).toBeGreaterThan(0.2);
    expect(buyers.some((dates) => dates.length >= 4)).toBe(true);
  });

  it("repurchases consumables near their replenishment cycle", async () => {
    const rows = await db
      .selectFrom("order_items")
      .innerJoin("orders", "orders.id", "order_items.order_id")
      .innerJoin("products", "products.id", "order_items.product_id")
      .select([
        "orders.customer_id",
        "order_items.sku",
        "order_items.quantity",
        "orders.ordered_at",
        "products.replenishment_days",
      ])
      .where("products.replenishment_days", "is not", null)
      .orderBy("orders.customer_id")
      .orderBy("orders.ordered_at")
      .execute();
    const last = new Map<string, (typeof rows)[number]>();
    const ratios: number[] = [];
    for (const r of rows) {
      const key = `${r.customer_id}/${r.sku}`;
      const before = last.get(key);
      if (before) {
        const days = (Date.parse(r.ordered_at) - Date.parse(before.ordered_at)) / DAY;
        ratios.push(days / ((before.replenishment_days as number) * before.quantity));
      }
      last.set(key, r);
    }
    expect(ratios.length).toBeGreaterThan(50);
    ratios.sort((a, b) => a - b);
    const median = ratios[Math.floor(ratios.length / 2)];
    expect(median).toBeGreaterThan(0.8);
    expect(median).toBeLessThan(1.6);
  });

  it("keeps point balances equal to the ledger, with the next expiry a year after earning", async () => {
    const ledger = await db.selectFrom("point_ledger").selectAll().orderBy("id").execute();
    const balances = await db.selectFrom("point_balances").selectAll().execute();
    const byCustomer = new Map<number, typeof ledger>();
    for (const e of ledger) byCustomer.set(e.customer_id, [...(byCustomer.get(e.customer_id) ?? []), e]);
    expect(balances.length).toBe(byCustomer.size);
    for (const b of balances) {
      const entries = byCustomer.get(b.customer_id) ?? [];
      expect(b.balance, `customer ${b.customer_id}`).toBe(entries.reduce((s, e) => s + e.points, 0));
      expect(b.balance).toBeGreaterThanOrEqual(0);
      // The points module, replaying the same ledger, agrees on balance and next expiry.
      expect(balanceFromLedger(entries, new Date(NOW))).toEqual({
        balance: b.balance,
        nextExpiryAt: b.next_expiry_at,
        nextExpiryPoints: b.next_expiry_points,
      });
      if (b.balance > 0) expect(later(b.next_expiry_at as string, NOW)).toBe(true);
    }
    for (const e of ledger) {
      if (e.kind === "earn") {
        expect(e.points).toBeGreaterThan(0);
        expect(Date.parse(e.expires_at as string) - Date.parse(e.occurred_at)).toBe(365 * DAY);
      }
      if (e.kind === "spend" || e.kind === "expire") expect(e.points).toBeLessThan(0);
      if (e.kind === "expire") expect(e.occurred_at <= NOW).toBe(true);
    }
    const kinds = new Set(ledger.map((e) => e.kind));
    for (const kind of ["earn", "spend", "expire"]) expect(kinds).toContain(kind);

    // Earned points are about 1% of what the order cost after points.
    // Marketplace orders earn the marketplace's points, not the shop's.
    const orders = await db
      .selectFrom("orders")
      .select(["external_id", "total", "points_used", "channel"])
      .execute();
    const byExternalId = new Map(orders.map((o) => [o.external_id, o]));
    for (const e of ledger.filter((x) => x.kind === "earn" && x.order_external_id !== null)) {
      const o = byExternalId.get(e.order_external_id as string);
      expect(o?.channel).not.toBe("marketplace");
      expect(e.points).toBe(Math.floor(((o?.total ?? 0) - (o?.points_used ?? 0)) / 100));
    }
  });

  it("redeems some coupons, on the orders that name them", async () => {
    const coupons = await db.selectFrom("coupons").selectAll().execute();
    const redeemed = coupons.filter((c) => c.redeemed_at !== null);
    expect(redeemed.length).toBeGreaterThan(0);
    expect(redeemed.length).toBeLessThan(coupons.length);
    const orders = await db
      .selectFrom("orders")
      .select(["external_id", "coupon_code", "ordered_at"])
      .execute();
    const byExternalId = new Map(orders.map((o) => [o.external_id, o]));
    for (const c of redeemed) {
      const order = byExternalId.get(c.redeemed_order_external_id as string);
      expect(order?.coupon_code).toBe(c.code);
      expect(order?.ordered_at).toBe(c.redeemed_at);
      expect(
        c.created_at <= (c.redeemed_at as string) && (c.redeemed_at as string) < (c.expires_at as string),
      ).toBe(true);
    }
  });

  it("records storefront events, abandoned carts and anonymous visitors linked to customers", async () => {
    const events = await db
      .selectFrom("events")
      .select(["customer_id", "visitor_id", "type", "properties", "occurred_at", "received_at"])
      .where("type", "<>", "restock")
      .execute();
    const types = new Set(events.map((e) => e.type));
    for (const type of [
      "product_view",
      "cart_add",
      "cart_remove",
      "checkout_start",
      "favourite",
      "restock_request",
      "search",
      "login",
      "page_view",
    ]) {
      expect(types, type).toContain(type);
    }
    for (const e of events) {
      expect(e.visitor_id).toMatch(/^[0-9a-f]{32}$/);
      expect(e.occurred_at <= NOW).toBe(true);
      expect(later(e.received_at, e.occurred_at)).toBe(true);
      if (e.type === "search") expect(JSON.parse(e.properties).query).toEqual(expect.any(String));
    }
    expect(events.some((e) => e.customer_id === null)).toBe(true);

    // Abandoned carts: a customer added to the cart and placed no order in the next day.
    const orders = await db.selectFrom("orders").select(["customer_id", "ordered_at"]).execute();
    const orderTimes = new Map<number, number[]>();
    for (const o of orders) {
      orderTimes.set(o.customer_id as number, [
        ...(orderTimes.get(o.customer_id as number) ?? []),
        Date.parse(o.ordered_at),
      ]);
    }
    const abandoned = events.filter((e) => {
      if (e.type !== "cart_add" || e.customer_id === null) return false;
      const at = Date.parse(e.occurred_at);
      return !(orderTimes.get(e.customer_id) ?? []).some((t) => t >= at && t - at < DAY);
    });
    expect(abandoned.length).toBeGreaterThan(20);

    // Visitors: identified ones are linked to their customer, whose events they carry.
    const visitors = await db.selectFrom("visitors").selectAll().execute();
    const owner = new Map(visitors.map((v) => [v.visitor_id, v.customer_id]));
    expect(visitors.some((v) => v.customer_id !== null)).toBe(true);
    expect(visitors.some((v) => v.customer_id === null)).toBe(true);
    for (const e of events) {
      expect(owner.has(e.visitor_id as string)).toBe(true);
      expect(e.customer_id).toBe(owner.get(e.visitor_id as string));
    }
    for (const v of visitors) {
      if (v.linked_at !== null) expect(v.first_seen_at <= v.linked_at).toBe(true);
    }
  });

  it("rejects a customer count that is not a positive whole number", async () => {
    for (const customers of [0, -5, 1.5, Number.NaN]) {
      await expect(generateDemoShop(db, new ManualClock(NOW), { customers, seed: 1 })).rejects.toThrow(
        ValidationError,
      );
    }
  });
});
