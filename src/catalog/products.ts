// The catalogue: upsert by SKU, and restock detection (stock 0 → positive is recorded as a "restock"
// event, which back-in-stock scenarios fan out from).
import { isDeepStrictEqual } from "node:util";
import type { Updateable } from "kysely";
import type { Clock } from "../core/clock.js";
import { toIso } from "../core/clock.js";
import { ConflictError, NotFoundError } from "../core/errors.js";
import { type Db, fromJson, type Product, type ProductTable, selectIn, toJson } from "../db/index.js";
import type { ProductInput, ProductOutput } from "./schema.js";

export interface ProductUpsertResult {
  product: Product;
  created: boolean;
  changed: boolean;
  restocked: boolean;
}

export function productToOutput(p: Product): ProductOutput {
  return {
    id: p.id,
    sku: p.sku,
    name: p.name,
    categoryPath: p.category_path,
    price: p.price,
    currency: p.currency,
    stock: p.stock,
    url: p.url,
    imageUrl: p.image_url,
    replenishmentDays: p.replenishment_days,
    warrantyMonths: p.warranty_months,
    consumable: p.consumable === 1,
    attributes: fromJson(p.attributes),
    createdAt: p.created_at,
    updatedAt: p.updated_at,
  };
}

export async function findProductBySku(db: Db, shopId: number, sku: string): Promise<Product | undefined> {
  return db
    .selectFrom("products")
    .selectAll()
    .where("shop_id", "=", shopId)
    .where("sku", "=", sku)
    .executeTakeFirst();
}

export async function getProduct(db: Db, shopId: number, sku: string): Promise<Product> {
  const product = await findProductBySku(db, shopId, sku);
  if (!product) throw new NotFoundError(`product ${sku}`);
  return product;
}

/** A stock change from none to some; a product first seen with stock is not a restock. */
function isRestock(before: number | null, after: number | null | undefined): boolean {
  return before === 0 && after !== undefined && after !== null && after > 0;
}

async function recordRestock(trx: Db, clock: Clock, product: Product, stockBefore: number): Promise<void> {
  const now = toIso(clock.now());
  await trx
    .insertInto("events")
    .values({
      shop_id: product.shop_id,
      type: "restock",
      product_id: product.id,
      sku: product.sku,
      properties: toJson({ stockBefore, stockAfter: product.stock }),
      occurred_at: now,
      received_at: now,
    })
    .execute();
}

// Two feeds writing one product at once (webhook retries, parallel inventory updates) must not both
// see 0 → positive: a write goes through only if the stock is still what was read, else it is decided
// again on the fresh row. PostgreSQL re-checks the condition after waiting for the other writer.
const STOCK_RACE_ATTEMPTS = 5;

async function updateIfStockUnchanged(
  trx: Db,
  existing: Product,
  set: Updateable<ProductTable>,
): Promise<Product | undefined> {
  return trx
    .updateTable("products")
    .set(set)
    .where("id", "=", existing.id)
    .where("stock", existing.stock === null ? "is" : "=", existing.stock)
    .returningAll()
    .executeTakeFirst();
}

async function untilStockSettles(
  attempt: () => Promise<ProductUpsertResult | undefined>,
): Promise<ProductUpsertResult> {
  for (let i = 0; i < STOCK_RACE_ATTEMPTS; i++) {
    const result = await attempt();
    if (result) return result;
  }
  throw new ConflictError("the product's stock kept changing while being written; try again");
}

/** Must run inside a transaction. `shopCurrency` fills in a missing currency. */
export async function upsertProduct(
  trx: Db,
  clock: Clock,
  shopId: number,
  input: ProductInput,
  shopCurrency: string,
): Promise<ProductUpsertResult> {
  return untilStockSettles(() => attemptUpsertProduct(trx, clock, shopId, input, shopCurrency));
}

async function attemptUpsertProduct(
  trx: Db,
  clock: Clock,
  shopId: number,
  input: ProductInput,
  shopCurrency: string,
): Promise<ProductUpsertResult | undefined> {
  const now = toIso(clock.now());
  const existing = await findProductBySku(trx, shopId, input.sku);
  const columns = {
    name: input.name,
    price: input.price,
    currency: input.currency ?? existing?.currency ?? shopCurrency,
    ...(input.categoryPath !== undefined && { category_path: input.categoryPath }),
    ...(input.stock !== undefined && { stock: input.stock }),
    ...(input.url !== undefined && { url: input.url }),
    ...(input.imageUrl !== undefined && { image_url: input.imageUrl }),
    ...(input.replenishmentDays !== undefined && { replenishment_days: input.replenishmentDays }),
    ...(input.warrantyMonths !== undefined && { warranty_months: input.warrantyMonths }),
    ...(input.consumable !== undefined && { consumable: input.consumable ? 1 : 0 }),
  };

  if (!existing) {
    const product = await trx
      .insertInto("products")
      .values({
        shop_id: shopId,
        sku: input.sku,
        ...columns,
        attributes: toJson(input.attributes ?? {}),
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return { product, created: true, changed: true, restocked: false };
  }

  const attributes = input.attributes
    ? toJson({ ...fromJson<Record<string, unknown>>(existing.attributes), ...input.attributes })
    : existing.attributes;
  const changes = { ...columns, attributes };
  const changed =
    Object.entries(columns).some(([k, v]) => existing[k as keyof Product] !== v) ||
    // Compared as values: PostgreSQL hands jsonb back in its own spacing and key order.
    !isDeepStrictEqual(fromJson(existing.attributes), fromJson(attributes));
  if (!changed) return { product: existing, created: false, changed: false, restocked: false };

  const product = await updateIfStockUnchanged(trx, existing, { ...changes, updated_at: now });
  if (!product) return undefined;
  const restocked = isRestock(existing.stock, input.stock);
  if (restocked) await recordRestock(trx, clock, product, existing.stock ?? 0);
  return { product, created: false, changed: true, restocked };
}

/** Sets the stock of one product (inventory feeds send only this). Must run inside a transaction. */
export async function setStock(
  trx: Db,
  clock: Clock,
  shopId: number,
  sku: string,
  stock: number,
): Promise<ProductUpsertResult> {
  return untilStockSettles(async () => {
    const existing = await getProduct(trx, shopId, sku);
    if (existing.stock === stock)
      return { product: existing, created: false, changed: false, restocked: false };
    const product = await updateIfStockUnchanged(trx, existing, { stock, updated_at: toIso(clock.now()) });
    if (!product) return undefined;
    const restocked = isRestock(existing.stock, stock);
    if (restocked) await recordRestock(trx, clock, product, existing.stock ?? 0);
    return { product, created: false, changed: true, restocked };
  });
}

/** SKU → product id for the SKUs the catalogue knows. */
export async function productIdsBySku(db: Db, shopId: number, skus: string[]): Promise<Map<string, number>> {
  const found = await selectIn(db, skus, (slice) =>
    db
      .selectFrom("products")
      .select(["id", "sku"])
      .where("shop_id", "=", shopId)
      .where("sku", "in", slice)
      .execute(),
  );
  return new Map(found.map((p) => [p.sku, p.id]));
}

/**
 * Products an order mentions that the catalogue does not know yet are added with what the order says
 * (SKU, name, price), so every sold item has a product row for reports and recommendations. A later
 * product upsert fills in the rest.
 */
export async function ensureProducts(
  trx: Db,
  clock: Clock,
  shopId: number,
  items: Array<{ sku: string; name?: string | null; unitPrice: number }>,
  currency: string,
): Promise<Map<string, number>> {
  const skus = [...new Set(items.map((i) => i.sku))];
  const ids = await productIdsBySku(trx, shopId, skus);
  const now = toIso(clock.now());
  for (const sku of skus) {
    if (ids.has(sku)) continue;
    const item = items.find((i) => i.sku === sku)!;
    const created = await trx
      .insertInto("products")
      .values({
        shop_id: shopId,
        sku,
        name: item.name || sku,
        price: item.unitPrice,
        currency,
        attributes: toJson({ createdFrom: "order" }),
        created_at: now,
        updated_at: now,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    ids.set(sku, created.id);
  }
  return ids;
}
