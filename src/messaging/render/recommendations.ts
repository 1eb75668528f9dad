// Products to suggest in a message until the recommendation engine (its own issue) provides
// per-customer lists: the shop's best sellers of the last 90 days that are in stock — the popularity
// fallback the engine keeps for new customers anyway.
import { sql } from "kysely";
import { anyOf, type Db, selectIn } from "../../db/index.js";

export interface ProductCard {
  id: number;
  sku: string;
  name: string;
  price: number;
  currency: string;
  url: string | null;
  image_url: string | null;
}

const WINDOW_DAYS = 90;

export async function popularProducts(
  db: Db,
  shopId: number,
  now: Date,
  limit: number,
): Promise<ProductCard[]> {
  const since = new Date(now.getTime() - WINDOW_DAYS * 86_400_000).toISOString();
  return db
    .selectFrom("order_items")
    .innerJoin("orders", "orders.id", "order_items.order_id")
    .innerJoin("products", "products.id", "order_items.product_id")
    .select([
      "products.id",
      "products.sku",
      "products.name",
      "products.price",
      "products.currency",
      "products.url",
      "products.image_url",
    ])
    .where("orders.shop_id", "=", shopId)
    .where("orders.ordered_at", ">=", since)
    .where((eb) => eb.or([eb("products.stock", "is", null), eb("products.stock", ">", 0)]))
    .groupBy([
      "products.id",
      "products.sku",
      "products.name",
      "products.price",
      "products.currency",
      "products.url",
      "products.image_url",
    ])
    .orderBy(sql`count(*)`, "desc")
    .orderBy("products.id")
    .limit(limit)
    .execute();
}

/**
 * Best sellers change over days, not seconds: each shop's list is read at most every ten minutes, not
 * for every batch the worker renders (the query aggregates 90 days of order lines).
 */
export class PopularProductsCache {
  private readonly entries = new Map<number, { at: number; products: Promise<ProductCard[]> }>();

  constructor(private readonly ttlMs = 10 * 60_000) {}

  get(db: Db, shopId: number, now: Date, limit: number): Promise<ProductCard[]> {
    const hit = this.entries.get(shopId);
    if (hit && now.getTime() - hit.at < this.ttlMs && hit.at <= now.getTime()) return hit.products;
    const products = popularProducts(db, shopId, now, limit);
    products.catch(() => this.entries.delete(shopId));
    this.entries.set(shopId, { at: now.getTime(), products });
    return products;
  }
}

/** The cards of these products (`inStockOnly`: leaving out those with no stock left), by id. */
export async function productCards(
  db: Db,
  shopId: number,
  ids: number[],
  options: { inStockOnly?: boolean } = {},
): Promise<Map<number, ProductCard>> {
  const rows = await selectIn(db, [...new Set(ids)], (slice) =>
    db
      .selectFrom("products")
      .select(["id", "sku", "name", "price", "currency", "url", "image_url"])
      .where("shop_id", "=", shopId)
      .where(anyOf(db, "id", slice))
      .$if(options.inStockOnly === true, (qb) =>
        qb.where((eb) => eb.or([eb("stock", "is", null), eb("stock", ">", 0)])),
      )
      .execute(),
  );
  return new Map(rows.map((r) => [Number(r.id), r]));
}
