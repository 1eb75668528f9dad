// Shopify products → Kizuna catalogue. Each variant is one Kizuna product keyed by its SKU (variants
// without a SKU by their variant id, as order lines name them). Product webhooks also teach the
// inventory item → SKU map that inventory webhooks need, since those name only the inventory item.
import {
  findProductBySku,
  type ProductInput,
  productInputSchema,
  setStock,
  upsertProduct,
} from "../../catalog/index.js";
import type { Clock } from "../../core/clock.js";
import { toIso } from "../../core/clock.js";
import { type Db, fromJson, toJson } from "../../db/index.js";
import { toMinorUnits } from "../money.js";
import { advanceResourceVersion } from "../receipts.js";
import { lineSku } from "./orders.js";
import {
  parsePayload,
  type ShopifyInventoryLevel,
  type ShopifyProduct,
  type ShopifyVariant,
  tagList,
} from "./payloads.js";
import { SHOPIFY } from "./provider.js";
import type { TopicOutcome } from "./topics.js";

function variantName(product: ShopifyProduct, variant: ShopifyVariant): string {
  const title = variant.title?.trim();
  const name = title && title !== "Default Title" ? `${product.title} - ${title}` : product.title;
  return name.trim().slice(0, 500) || lineSku({ sku: variant.sku, variant_id: variant.id });
}

/** Units on hand, or null where Shopify does not track this variant's stock. Oversold counts as 0. */
function stockOf(variant: ShopifyVariant): number | null {
  if (variant.inventory_management === null) return null;
  if (variant.inventory_quantity === null || variant.inventory_quantity === undefined) return null;
  return Math.max(0, variant.inventory_quantity);
}

function imageOf(product: ShopifyProduct, variant: ShopifyVariant): string | null {
  const own = variant.image_id ? product.images?.find((i) => i.id === variant.image_id) : undefined;
  const src = own?.src ?? product.image?.src ?? product.images?.[0]?.src;
  // Very old payloads carry protocol-relative addresses ("//cdn.shopify.com/…").
  const absolute = src?.startsWith("//") ? `https:${src}` : src;
  return absolute && /^https?:\/\//.test(absolute) ? absolute : null;
}

export function productInputsFrom(
  product: ShopifyProduct,
  shopDomain: string,
  currency: string,
): ProductInput[] {
  const url = product.handle ? `https://${shopDomain}/products/${encodeURIComponent(product.handle)}` : null;
  return product.variants.map((variant, i) =>
    parsePayload(productInputSchema, {
      sku: lineSku({ sku: variant.sku, variant_id: variant.id }),
      name: variantName(product, variant),
      categoryPath: product.product_type?.trim() || null,
      price: toMinorUnits(variant.price, currency, `variants[${i}].price`),
      currency,
      stock: stockOf(variant),
      url,
      imageUrl: imageOf(product, variant),
      attributes: {
        shopifyProductId: product.id,
        shopifyVariantId: variant.id,
        ...(product.status && { shopifyStatus: product.status }),
        ...(product.vendor && { vendor: product.vendor }),
        tags: tagList(product.tags),
      },
    }),
  );
}

async function rememberInventoryItem(
  trx: Db,
  clock: Clock,
  shopId: number,
  inventoryItemId: string,
  sku: string,
): Promise<void> {
  const now = toIso(clock.now());
  await trx
    .insertInto("shopify_inventory_items")
    .values({ shop_id: shopId, inventory_item_id: inventoryItemId, sku, levels: "{}", updated_at: now })
    .onConflict((oc) => oc.columns(["shop_id", "inventory_item_id"]).doUpdateSet({ sku, updated_at: now }))
    .execute();
}

/** products/create, products/update. A stock change from 0 records a restock (upsertProduct does). */
export async function syncShopifyProduct(
  trx: Db,
  clock: Clock,
  shopId: number,
  shop: { domain: string; currency: string },
  product: ShopifyProduct,
): Promise<TopicOutcome> {
  const inputs = productInputsFrom(product, shop.domain, shop.currency);
  if (inputs.length === 0) return "ignored";
  if (product.updated_at) {
    const fresh = await advanceResourceVersion(trx, {
      shopId,
      provider: SHOPIFY,
      resource: "product",
      resourceId: product.id,
      version: product.updated_at,
    });
    if (!fresh) return "stale";
  }
  for (const [i, input] of inputs.entries()) {
    await upsertProduct(trx, clock, shopId, input, shop.currency);
    const inventoryItemId = product.variants[i].inventory_item_id;
    if (inventoryItemId) await rememberInventoryItem(trx, clock, shopId, inventoryItemId, input.sku);
  }
  return "processed";
}

/**
 * inventory_levels/update: units available at one location. The product's stock is the sum over the
 * locations reported so far; a shop with one location (most) gets exactly Shopify's number.
 */
export async function syncShopifyInventoryLevel(
  trx: Db,
  clock: Clock,
  shopId: number,
  level: ShopifyInventoryLevel,
): Promise<TopicOutcome> {
  if (level.available === null || level.available === undefined) return "ignored";
  const item = await trx
    .selectFrom("shopify_inventory_items")
    .selectAll()
    .where("shop_id", "=", shopId)
    .where("inventory_item_id", "=", level.inventory_item_id)
    .executeTakeFirst();
  // An item no product webhook has named yet: the next products/update brings its stock anyway.
  if (!item || !(await findProductBySku(trx, shopId, item.sku))) return "ignored";
  if (level.updated_at) {
    const fresh = await advanceResourceVersion(trx, {
      shopId,
      provider: SHOPIFY,
      resource: "inventory_level",
      resourceId: `${level.inventory_item_id}@${level.location_id}`,
      version: level.updated_at,
    });
    if (!fresh) return "stale";
  }
  const levels = { ...fromJson<Record<string, number>>(item.levels), [level.location_id]: level.available };
  await trx
    .updateTable("shopify_inventory_items")
    .set({ levels: toJson(levels), updated_at: toIso(clock.now()) })
    .where("shop_id", "=", shopId)
    .where("inventory_item_id", "=", item.inventory_item_id)
    .execute();
  const stock = Math.max(
    0,
    Object.values(levels).reduce((sum, n) => sum + n, 0),
  );
  await setStock(trx, clock, shopId, item.sku, stock);
  return "processed";
}
