// Shopify checkouts (checkouts/create, checkouts/update) → one "checkout_start" storefront event per
// checkout, for abandoned-cart scenarios. The event is keyed by the checkout token: an update rewrites
// the event's properties (latest cart, total, recovery URL) instead of adding another event, so a
// reminder always shows what is in the cart now and one checkout never triggers twice.
import { isDeepStrictEqual } from "node:util";
import type { Clock } from "../../core/clock.js";
import { toIso } from "../../core/clock.js";
import type { Customer, Db } from "../../db/index.js";
import { fromJson, toJson } from "../../db/index.js";
import { toMinorUnits } from "../money.js";
import { advanceResourceVersion } from "../receipts.js";
import { syncGuest, syncShopifyCustomer } from "./customers.js";
import { lineSku } from "./orders.js";
import type { ShopifyCheckout } from "./payloads.js";
import { SHOPIFY } from "./provider.js";
import type { TopicOutcome } from "./topics.js";

export function checkoutEventKey(token: string): string {
  return `shopify:checkout:${token}`;
}

export function checkoutProperties(checkout: ShopifyCheckout, shopCurrency: string) {
  // Checkout amounts are in the customer's (presentment) currency.
  const currency = (checkout.presentment_currency || checkout.currency || shopCurrency).toUpperCase();
  const items = checkout.line_items
    .filter((line) => line.quantity > 0)
    .map((line, i) => ({
      sku: lineSku(line),
      name: [line.title, line.variant_title].filter(Boolean).join(" - ") || null,
      quantity: line.quantity,
      price: toMinorUnits(line.price, currency, `line_items[${i}].price`),
    }));
  return {
    checkoutToken: checkout.token,
    abandonedCheckoutUrl: checkout.abandoned_checkout_url ?? null,
    items,
    total:
      checkout.total_price === null || checkout.total_price === undefined
        ? items.reduce((sum, i) => sum + i.price * i.quantity, 0)
        : toMinorUnits(checkout.total_price, currency, "total_price"),
    currency,
    completedAt: checkout.completed_at ? toIso(checkout.completed_at) : null,
  };
}

async function buyerOf(trx: Db, clock: Clock, shopId: number, checkout: ShopifyCheckout) {
  if (checkout.customer) {
    return (await syncShopifyCustomer(trx, clock, shopId, checkout.customer, checkout.email)).customer;
  }
  return syncGuest(trx, clock, shopId, checkout.email);
}

export async function syncShopifyCheckout(
  trx: Db,
  clock: Clock,
  shopId: number,
  shopCurrency: string,
  checkout: ShopifyCheckout,
): Promise<TopicOutcome> {
  const properties = checkoutProperties(checkout, shopCurrency);
  if (properties.items.length === 0) return "ignored";
  if (checkout.updated_at) {
    const fresh = await advanceResourceVersion(trx, {
      shopId,
      provider: SHOPIFY,
      resource: "checkout",
      resourceId: checkout.token,
      version: checkout.updated_at,
    });
    if (!fresh) return "stale";
  }
  // Nobody to remind yet (no email entered): a later checkouts/update brings one.
  const buyer: Customer | undefined = await buyerOf(trx, clock, shopId, checkout);
  if (!buyer) return "ignored";

  const eventKey = checkoutEventKey(checkout.token);
  const existing = await trx
    .selectFrom("events")
    .select(["id", "customer_id", "properties"])
    .where("shop_id", "=", shopId)
    .where("event_key", "=", eventKey)
    .executeTakeFirst();
  if (!existing) {
    await trx
      .insertInto("events")
      .values({
        shop_id: shopId,
        customer_id: buyer.id,
        type: "checkout_start",
        properties: toJson(properties),
        occurred_at: toIso(checkout.created_at),
        received_at: toIso(clock.now()),
        event_key: eventKey,
      })
      .execute();
    return "processed";
  }
  const unchanged =
    existing.customer_id === buyer.id &&
    // Compared as values: PostgreSQL hands jsonb back in its own key order.
    isDeepStrictEqual(fromJson(existing.properties), JSON.parse(toJson(properties)));
  if (!unchanged) {
    await trx
      .updateTable("events")
      .set({ customer_id: buyer.id, properties: toJson(properties) })
      .where("id", "=", existing.id)
      .execute();
  }
  return "processed";
}
