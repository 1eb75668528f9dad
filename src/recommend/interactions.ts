// What the recommender learns from: each customer's purchases (from orders that stood: not cancelled
// or returned) and storefront signals about products (views, cart adds, favourites), in time order.
// Here: some customers' interactions as objects (the incremental pass); histories.ts reads a whole
// shop's into columns for training.
import { type Db, selectIn } from "../db/index.js";

export const INTERACTION_KINDS = ["purchase", "cart", "favourite", "view"] as const;
export type InteractionKind = (typeof INTERACTION_KINDS)[number];

export interface Interaction {
  customerId: number;
  productId: number;
  /** Epoch ms. */
  at: number;
  kind: InteractionKind;
}

/** Storefront event types that are product signals, and the kind of interaction each is. */
export const EVENT_KINDS: Record<string, InteractionKind> = {
  product_view: "view",
  cart_add: "cart",
  favourite: "favourite",
};

/**
 * The interactions of some customers, oldest first; `before` (epoch ms) leaves out everything from then
 * on. A whole shop's history is read by loadShopHistories (histories.ts) instead.
 */
export async function loadInteractions(
  db: Db,
  shopId: number,
  customerIds: number[],
  before?: number,
): Promise<Interaction[]> {
  const rows = await selectIn(db, customerIds, (ids) => loadSome(db, shopId, ids, before));
  return rows.sort((a, b) => a.at - b.at);
}

async function loadSome(db: Db, shopId: number, only: number[], beforeMs?: number): Promise<Interaction[]> {
  const before = beforeMs === undefined ? null : new Date(beforeMs).toISOString();
  const purchases = await db
    .selectFrom("orders")
    .innerJoin("order_items", "order_items.order_id", "orders.id")
    .select(["orders.customer_id", "order_items.product_id", "orders.ordered_at"])
    .where("orders.shop_id", "=", shopId)
    .where("orders.customer_id", "is not", null)
    .where("order_items.product_id", "is not", null)
    .where("orders.status", "not in", ["cancelled", "returned"])
    .where("orders.customer_id", "in", only)
    .$if(before !== null, (qb) => qb.where("orders.ordered_at", "<", before!))
    .execute();
  const rows: Interaction[] = purchases.map((p) => ({
    customerId: Number(p.customer_id),
    productId: Number(p.product_id),
    at: Date.parse(String(p.ordered_at)),
    kind: "purchase",
  }));
  const events = await db
    .selectFrom("events")
    .select(["customer_id", "product_id", "type", "occurred_at"])
    .where("shop_id", "=", shopId)
    .where("type", "in", Object.keys(EVENT_KINDS) as Array<"product_view" | "cart_add" | "favourite">)
    .where("customer_id", "is not", null)
    .where("product_id", "is not", null)
    .where("customer_id", "in", only)
    .$if(before !== null, (qb) => qb.where("occurred_at", "<", before!))
    .execute();
  for (const e of events) {
    rows.push({
      customerId: Number(e.customer_id),
      productId: Number(e.product_id),
      at: Date.parse(String(e.occurred_at)),
      kind: EVENT_KINDS[e.type],
    });
  }
  return rows;
}

/** The first and last purchase times of the shop, for choosing a cut. */
export async function purchaseSpan(db: Db, shopId: number): Promise<{ first: number; last: number } | null> {
  // Each end read off the (shop, ordered_at) index: min() and max() together over "customer_id is not
  // null" made SQLite walk the (shop, customer) index instead, 1.3 s at 10 M orders on the server's thread.
  const end = (direction: "asc" | "desc") =>
    db
      .selectFrom("orders")
      .select("ordered_at")
      .where("shop_id", "=", shopId)
      .where("customer_id", "is not", null)
      .orderBy("ordered_at", direction)
      .limit(1)
      .executeTakeFirst();
  const first = await end("asc");
  const last = await end("desc");
  if (!first || !last) return null;
  return { first: Date.parse(String(first.ordered_at)), last: Date.parse(String(last.ordered_at)) };
}

/** Interactions grouped by customer, each customer's in time order. */
export function byCustomer(rows: Interaction[]): Map<number, Interaction[]> {
  const grouped = new Map<number, Interaction[]>();
  for (const r of rows) {
    const list = grouped.get(r.customerId);
    if (list) list.push(r);
    else grouped.set(r.customerId, [r]);
  }
  return grouped;
}

/** Product → its top-level category ("スキンケア" of "スキンケア/化粧水"), for products that have one. */
export async function productCategories(db: Db, shopId: number): Promise<Map<number, string>> {
  const rows = await db
    .selectFrom("products")
    .select(["id", "category_path"])
    .where("shop_id", "=", shopId)
    .where("category_path", "is not", null)
    .execute();
  const out = new Map<number, string>();
  for (const r of rows) {
    const top = String(r.category_path).split(/\s*[/>]\s*/)[0];
    if (top) out.set(Number(r.id), top);
  }
  return out;
}
