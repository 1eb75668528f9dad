// Each customer's cart as a reminder shows it, rebuilt from what the storefront reported: products added
// and removed (cart_add, cart_remove) and checkouts started (checkout_start). A checkout that carries its
// lines (Shopify's checkouts webhooks do) is a snapshot of the whole cart, so it replaces what the events
// before it built, and its recovery link (abandoned_checkout_url) becomes the cart's link: on Shopify the
// /cart page belongs to the browser that filled it, the recovery link reopens the checkout anywhere.
// Only what happened since the customer's last order counts, within the last 30 days.
import { sql } from "kysely";
import { anyOf, type Db, fromJson, selectIn } from "../../db/index.js";

export interface CartLine {
  productId: number | null;
  sku: string;
  name: string | null;
  quantity: number;
  /** Minor units in `currency`, or null for the product's current price. */
  unitPrice: number | null;
  /** The price's currency when the storefront gave one (a checkout's), else null: the product's. */
  currency: string | null;
}

export interface Cart {
  lines: CartLine[];
  /** The link back to this cart when the storefront gave one (a checkout's recovery URL). */
  url: string | null;
}

const CART_LOOKBACK_DAYS = 30;

interface CheckoutProperties {
  items?: Array<{ sku?: unknown; name?: unknown; quantity?: unknown; price?: unknown }>;
  currency?: unknown;
  abandonedCheckoutUrl?: unknown;
  completedAt?: unknown;
}

const positiveInteger = (v: unknown): number | null =>
  Number.isInteger(v) && (v as number) > 0 ? (v as number) : null;

export async function loadCarts(
  db: Db,
  shopId: number,
  customerIds: number[],
  now: Date,
): Promise<Map<number, Cart>> {
  const since = new Date(now.getTime() - CART_LOOKBACK_DAYS * 86_400_000).toISOString();
  const lastOrders = await selectIn(db, customerIds, (slice) =>
    db
      .selectFrom("orders")
      .select(["customer_id", sql<string>`max(ordered_at)`.as("last")])
      .where("shop_id", "=", shopId)
      .where(anyOf(db, "customer_id", slice))
      .where("ordered_at", ">=", since)
      .groupBy("customer_id")
      .execute(),
  );
  const lastOrder = new Map(lastOrders.map((r) => [r.customer_id, r.last]));
  const events = await selectIn(db, customerIds, (slice) =>
    db
      .selectFrom("events")
      .select(["id", "customer_id", "type", "product_id", "sku", "properties", "occurred_at"])
      .where("shop_id", "=", shopId)
      .where(anyOf(db, "customer_id", slice))
      .where("type", "in", ["cart_add", "cart_remove", "checkout_start"])
      .where("occurred_at", ">=", since)
      .orderBy("occurred_at")
      .orderBy("id")
      .execute(),
  );

  const carts = new Map<number, { lines: Map<string, CartLine>; url: string | null }>();
  for (const e of events) {
    const customerId = e.customer_id!;
    const cutoff = lastOrder.get(customerId);
    if (cutoff && e.occurred_at <= cutoff) continue;
    let cart = carts.get(customerId);
    if (!cart) {
      cart = { lines: new Map(), url: null };
      carts.set(customerId, cart);
    }
    if (e.type === "checkout_start") {
      const checkout = fromJson<CheckoutProperties>(e.properties);
      // A completed checkout is an order on its way (the order webhook may still be in flight).
      if (checkout.completedAt) {
        cart.lines.clear();
        cart.url = null;
        continue;
      }
      // The storefront snippet's checkout_start carries a total, not lines: the events stand.
      if (!Array.isArray(checkout.items) || checkout.items.length === 0) continue;
      const currency = typeof checkout.currency === "string" ? checkout.currency : null;
      cart.lines.clear();
      for (const item of checkout.items) {
        const quantity = positiveInteger(item.quantity);
        if (typeof item.sku !== "string" || item.sku === "" || quantity === null) continue;
        const current = cart.lines.get(item.sku);
        if (current) current.quantity += quantity;
        else {
          const priced = Number.isInteger(item.price);
          cart.lines.set(item.sku, {
            productId: null,
            sku: item.sku,
            name: typeof item.name === "string" ? item.name : null,
            quantity,
            unitPrice: priced ? (item.price as number) : null,
            currency: priced ? currency : null,
          });
        }
      }
      cart.url = typeof checkout.abandonedCheckoutUrl === "string" ? checkout.abandonedCheckoutUrl : null;
      continue;
    }
    const key = e.sku ?? String(e.product_id);
    const props = fromJson<{ quantity?: number; price?: number }>(e.properties);
    const quantity = positiveInteger(props.quantity) ?? 1;
    const current = cart.lines.get(key);
    if (e.type === "cart_add") {
      if (current) current.quantity += quantity;
      else
        cart.lines.set(key, {
          productId: e.product_id,
          sku: e.sku ?? "",
          name: null,
          quantity,
          unitPrice: typeof props.price === "number" ? props.price : null,
          currency: null,
        });
    } else if (current) {
      current.quantity -= quantity;
      if (current.quantity <= 0) cart.lines.delete(key);
    }
  }
  await linkProducts(db, shopId, carts);
  return new Map([...carts].map(([id, cart]) => [id, { lines: [...cart.lines.values()], url: cart.url }]));
}

/** A checkout names its lines by SKU: the shop's product of that SKU gives the line its picture and link. */
async function linkProducts(db: Db, shopId: number, carts: Map<number, { lines: Map<string, CartLine> }>) {
  const skus = new Set<string>();
  for (const cart of carts.values())
    for (const line of cart.lines.values()) if (line.productId === null && line.sku) skus.add(line.sku);
  if (skus.size === 0) return;
  const rows = await selectIn(db, [...skus], (slice) =>
    db
      .selectFrom("products")
      .select(["id", "sku"])
      .where("shop_id", "=", shopId)
      .where(anyOf(db, "sku", slice))
      .execute(),
  );
  const bySku = new Map(rows.map((r) => [r.sku, r.id]));
  for (const cart of carts.values())
    for (const line of cart.lines.values())
      if (line.productId === null) line.productId = bySku.get(line.sku) ?? null;
}
