// Writes simulated data: the catalogue once, then customers chunk by chunk, each chunk in one transaction
// with multi-row INSERTs sized to the engine's bound-parameter limit. Generated ids come back through
// RETURNING and are matched on external ids, so nothing assumes the order in which rows come back.
import { type InsertObject, type Kysely, sql } from "kysely";
import { chunk, engineOf, maxParams, type Schema } from "../db/index.js";
import { type DemoProduct, productImageUrl, productUrl } from "./catalog.js";
import type { SimulatedCustomer } from "./simulate.js";
import type { SimEvent, SimVisitor } from "./storefront.js";
import { DAY, iso } from "./time.js";

type Table = keyof Schema & string;
type Row<T extends Table> = InsertObject<Schema, T>;

export const DEMO_TABLES = [
  "products",
  "customers",
  "consents",
  "consent_log",
  "orders",
  "order_items",
  "events",
  "visitors",
  "point_ledger",
  "point_balances",
  "coupons",
] as const;

// SQLite settings while the demo is written. Every chunk touches index pages all over the events
// indexes (a chunk's events span two years); a 128 MB page cache keeps them in memory until the commit
// instead of spilling and rewriting them, and checkpointing every ~200 MB of WAL rather than every 4 MB
// copies a page rewritten by several chunks to the database once. Measured at 60,000 customers: a third
// less written to disk and system time. Both are restored afterwards; PostgreSQL needs nothing.
const BULK_CACHE_KIB = 131_072;
const BULK_CHECKPOINT_PAGES = 50_000;

async function pragma(db: Kysely<Schema>, name: string, value?: number): Promise<number> {
  const statement = value === undefined ? `pragma ${name}` : `pragma ${name} = ${Math.trunc(value)}`;
  const result = await sql.raw<Record<string, number>>(statement).execute(db);
  return Number(Object.values(result.rows[0] ?? {})[0] ?? value);
}

/** Runs a bulk write with the SQLite settings above, then restores them and checkpoints the WAL. */
export async function withBulkWriteSettings<T>(db: Kysely<Schema>, body: () => Promise<T>): Promise<T> {
  if (engineOf(db) !== "sqlite") return body();
  const cacheSize = await pragma(db, "cache_size");
  const autoCheckpoint = await pragma(db, "wal_autocheckpoint");
  await pragma(db, "cache_size", -BULK_CACHE_KIB);
  await pragma(db, "wal_autocheckpoint", BULK_CHECKPOINT_PAGES);
  try {
    return await body();
  } finally {
    await pragma(db, "cache_size", cacheSize);
    await pragma(db, "wal_autocheckpoint", autoCheckpoint);
    await sql`pragma wal_checkpoint(TRUNCATE)`.execute(db);
  }
}

// Statements of ~5,000 bound parameters (500 event rows), well under the engines' limits: a prepared
// SQLite statement holds native memory until the garbage collector finalises it, and statements near the
// 32,000-parameter limit took the process to ~1.3 GB at a million customers against ~0.4 GB, at the
// same speed (measured at 40,000 customers: 2,000 to 10,000 parameters all ran alike).
const PARAMS_PER_STATEMENT = 5_000;

function rowsPerStatement(db: Kysely<Schema>, columns: number): number {
  return Math.max(1, Math.floor(Math.min(PARAMS_PER_STATEMENT, maxParams(db)) / columns));
}

async function insertAll<T extends Table>(db: Kysely<Schema>, table: T, rows: Row<T>[]): Promise<void> {
  if (rows.length === 0) return;
  const size = rowsPerStatement(db, Object.keys(rows[0]).length);
  for (const part of chunk(rows, size)) await db.insertInto(table).values(part).execute();
}

/** Inserts and returns external id → generated id. */
async function insertWithIds<T extends "customers" | "orders">(
  db: Kysely<Schema>,
  table: T,
  rows: Row<T>[],
): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  if (rows.length === 0) return ids;
  const size = rowsPerStatement(db, Object.keys(rows[0]).length);
  for (const part of chunk(rows, size)) {
    const returned = await db
      .insertInto(table as "customers")
      .values(part as Row<"customers">[])
      .returning(["id", "external_id"])
      .execute();
    for (const r of returned) ids.set(r.external_id as string, r.id);
  }
  return ids;
}

/** Server-side arrival a little after the browser sent the event; fixed by the time so runs repeat. */
const receivedAt = (at: number) => iso(at + 40 + (at % 1_500));

export class DemoWriter {
  readonly counts: Record<string, number> = Object.fromEntries(DEMO_TABLES.map((t) => [t, 0]));

  constructor(
    private readonly db: Kysely<Schema>,
    private readonly shopId: number,
    private readonly currency: string,
    private readonly now: number,
  ) {}

  private count(table: string, n: number): void {
    this.counts[table] = (this.counts[table] ?? 0) + n;
  }

  /** Writes the products (setting their ids) and the restock events of products that came back. */
  async writeCatalog(products: DemoProduct[]): Promise<void> {
    const shop_id = this.shopId;
    await this.db.transaction().execute(async (trx) => {
      const rows: Row<"products">[] = products.map((p) => {
        const changes = [p.launchedAt, ...p.outages.flatMap((o) => [o.from, o.to])].filter(
          (t) => t <= this.now,
        );
        const attributes: Record<string, unknown> = { brand: p.brand, tax_rate: p.taxRate };
        if (p.size) attributes.size = p.size;
        if (p.subscription) attributes.subscription = true;
        if (p.launchedAt > this.now - 90 * DAY) attributes.tags = ["新商品"];
        return {
          shop_id,
          sku: p.sku,
          name: p.name,
          category_path: p.categoryPath,
          price: p.price,
          currency: this.currency,
          stock: p.stock,
          url: productUrl(p.sku),
          image_url: productImageUrl(p.sku),
          replenishment_days: p.replenishmentDays,
          warranty_months: p.warrantyMonths,
          consumable: p.consumable ? 1 : 0,
          attributes: JSON.stringify(attributes),
          created_at: iso(p.launchedAt),
          updated_at: iso(Math.max(...changes)),
        };
      });
      const ids = new Map<string, number>();
      for (const part of chunk(rows, rowsPerStatement(trx, Object.keys(rows[0]).length))) {
        const returned = await trx.insertInto("products").values(part).returning(["id", "sku"]).execute();
        for (const r of returned) ids.set(r.sku, r.id);
      }
      for (const p of products) p.id = ids.get(p.sku) as number;
      this.count("products", rows.length);

      const restocks: Row<"events">[] = [];
      for (const p of products) {
        for (const o of p.outages) {
          if (o.to > this.now) continue;
          restocks.push({
            shop_id,
            customer_id: null,
            visitor_id: null,
            type: "restock",
            product_id: p.id,
            sku: p.sku,
            // The same shape the catalogue records when an inventory feed brings stock back.
            properties: JSON.stringify({ stockBefore: 0, stockAfter: p.stock }),
            occurred_at: iso(o.to),
            received_at: iso(o.to),
            event_key: null,
          });
        }
      }
      restocks.sort((a, b) => String(a.occurred_at).localeCompare(String(b.occurred_at)));
      await insertAll(trx, "events", restocks);
      this.count("events", restocks.length);
    });
  }

  /**
   * Rows go in customer order (each customer's passer-by right after them), so ids come out the same
   * whatever the chunk size.
   */
  async writeChunk(customers: SimulatedCustomer[]): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const customerIds = await insertWithIds(
        trx,
        "customers",
        customers.map((c) => this.customerRow(c)),
      );
      this.count("customers", customers.length);
      const idOf = (c: SimulatedCustomer) => customerIds.get(c.persona.externalId) as number;

      const consents: Row<"consents">[] = [];
      const consentLog: Row<"consent_log">[] = [];
      const orders: Row<"orders">[] = [];
      const ledger: Row<"point_ledger">[] = [];
      const balances: Row<"point_balances">[] = [];
      const coupons: Row<"coupons">[] = [];
      for (const c of customers) {
        const customer_id = idOf(c);
        this.consentRows(c, customer_id, consents, consentLog);
        for (const o of c.history.orders) orders.push(this.orderRow(o, customer_id));
        for (const e of c.history.purse.ledger) {
          ledger.push({
            shop_id: this.shopId,
            customer_id,
            kind: e.kind,
            points: e.points,
            expires_at: e.expiresAt === null ? null : iso(e.expiresAt),
            reason: e.reason,
            order_external_id: e.orderExternalId,
            external_id: null,
            occurred_at: iso(e.at),
          });
        }
        if (c.balance) {
          balances.push({
            shop_id: this.shopId,
            customer_id,
            balance: c.balance.balance,
            next_expiry_at: c.balance.nextExpiryAt === null ? null : iso(c.balance.nextExpiryAt),
            next_expiry_points: c.balance.nextExpiryPoints,
            updated_at: iso(c.balance.updatedAt),
          });
        }
        for (const k of c.history.coupons) {
          coupons.push({
            shop_id: this.shopId,
            code: k.code,
            customer_id,
            kind: k.kind,
            value: k.value,
            currency: this.currency,
            min_order: k.minOrder,
            expires_at: iso(k.expiresAt),
            redeemed_at: k.redeemedAt === null ? null : iso(k.redeemedAt),
            redeemed_order_external_id: k.redeemedOrderExternalId,
            created_at: iso(k.createdAt),
          });
        }
      }
      await insertAll(trx, "consents", consents);
      await insertAll(trx, "consent_log", consentLog);

      const orderIds = await insertWithIds(trx, "orders", orders);
      const items: Row<"order_items">[] = [];
      for (const c of customers) {
        for (const o of c.history.orders) {
          const order_id = orderIds.get(o.externalId) as number;
          o.items.forEach((item, i) => {
            items.push({
              shop_id: this.shopId,
              order_id,
              line_no: i + 1,
              product_id: item.product.id,
              sku: item.product.sku,
              name: item.product.name,
              quantity: item.quantity,
              unit_price: item.unitPrice,
              line_total: item.lineTotal,
            });
          });
        }
      }
      await insertAll(trx, "order_items", items);

      const events: Row<"events">[] = [];
      const visitors: Row<"visitors">[] = [];
      for (const c of customers) {
        const customer_id = idOf(c);
        const linked = new Set(c.visitors.filter((v) => v.linkedAt !== null).map((v) => v.visitorId));
        for (const e of c.events) events.push(this.eventRow(e, linked.has(e.visitorId) ? customer_id : null));
        for (const v of c.visitors) visitors.push(this.visitorRow(v, customer_id));
        if (c.passerby) {
          for (const e of c.passerby.events) events.push(this.eventRow(e, null));
          visitors.push(this.visitorRow(c.passerby.visitor, null));
        }
      }
      await insertAll(trx, "events", events);
      await insertAll(trx, "visitors", visitors);
      await insertAll(trx, "point_ledger", ledger);
      await insertAll(trx, "point_balances", balances);
      await insertAll(trx, "coupons", coupons);

      this.count("consents", consents.length);
      this.count("consent_log", consentLog.length);
      this.count("orders", orders.length);
      this.count("order_items", items.length);
      this.count("events", events.length);
      this.count("visitors", visitors.length);
      this.count("point_ledger", ledger.length);
      this.count("point_balances", balances.length);
      this.count("coupons", coupons.length);
    });
  }

  private customerRow(c: SimulatedCustomer): Row<"customers"> {
    const p = c.persona;
    const b = p.birthday;
    return {
      shop_id: this.shopId,
      external_id: p.externalId,
      email: p.email,
      phone: p.phone,
      line_user_id: p.lineUserId,
      first_name: p.firstName.kanji,
      last_name: p.lastName.kanji,
      first_name_kana: p.firstName.kana,
      last_name_kana: p.lastName.kana,
      birthday: b ? `${b.year}-${String(b.month).padStart(2, "0")}-${String(b.day).padStart(2, "0")}` : null,
      gender: p.gender,
      postal_code: p.postalCode,
      prefecture: p.prefecture.name,
      address: p.address,
      member_rank: c.memberRank,
      attributes: JSON.stringify(p.attributes),
      merged_into_id: null,
      created_at: iso(p.createdAt),
      updated_at: iso(c.updatedAt),
    };
  }

  private consentRows(
    c: SimulatedCustomer,
    customer_id: number,
    consents: Row<"consents">[],
    log: Row<"consent_log">[],
  ): void {
    const latest = new Map<string, Row<"consents">>();
    for (const change of c.persona.consentLog) {
      const granted = change.granted ? 1 : 0;
      const at = iso(change.at);
      log.push({
        shop_id: this.shopId,
        customer_id,
        channel: change.channel,
        granted,
        source: change.source,
        recorded_at: at,
      });
      latest.set(change.channel, {
        shop_id: this.shopId,
        customer_id,
        channel: change.channel,
        granted,
        source: change.source,
        updated_at: at,
      });
    }
    consents.push(...latest.values());
  }

  private orderRow(o: SimulatedCustomer["history"]["orders"][number], customer_id: number): Row<"orders"> {
    return {
      shop_id: this.shopId,
      external_id: o.externalId,
      customer_id,
      channel: o.channel,
      store_id: o.storeId,
      status: o.status,
      ordered_at: iso(o.orderedAt),
      shipped_at: o.shippedAt === null ? null : iso(o.shippedAt),
      currency: this.currency,
      subtotal: o.subtotal,
      discount: o.discount,
      shipping: o.shipping,
      tax: o.tax,
      total: o.total,
      coupon_code: o.couponCode,
      points_used: o.pointsUsed,
      created_at: iso(o.orderedAt),
      updated_at: iso(o.updatedAt),
    };
  }

  private eventRow(e: SimEvent, customerId: number | null): Row<"events"> {
    return {
      shop_id: this.shopId,
      customer_id: customerId,
      visitor_id: e.visitorId,
      type: e.type,
      product_id: e.product?.id ?? null,
      sku: e.product?.sku ?? null,
      properties: JSON.stringify(e.properties),
      occurred_at: iso(e.at),
      received_at: receivedAt(e.at),
      event_key: null,
    };
  }

  private visitorRow(v: SimVisitor, customerId: number | null): Row<"visitors"> {
    return {
      shop_id: this.shopId,
      visitor_id: v.visitorId,
      customer_id: v.linkedAt === null ? null : customerId,
      first_seen_at: iso(v.firstSeenAt),
      linked_at: v.linkedAt === null ? null : iso(v.linkedAt),
    };
  }
}
