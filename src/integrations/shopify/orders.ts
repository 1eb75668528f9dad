// Shopify orders → Kizuna orders. The order name ("#1001") is the external id: it is what the shop
// and its customers see, and what Shopify's order CSV export keys rows by, so a history imported from
// that export and later webhooks land on the same orders. Amounts are shop-currency decimal strings,
// turned into integer minor units by the currency's exponent.
import { type Clock, toIso } from "../../core/clock.js";
import type { Db, OrderChannel, OrderStatus } from "../../db/index.js";
import { type OrderInput, orderInputSchema, upsertOrder } from "../../orders/index.js";
import { toMinorUnits } from "../money.js";
import { advanceResourceVersion } from "../receipts.js";
import { syncShopifyCustomer, usableEmail } from "./customers.js";
import { parsePayload, type ShopifyLineItem, type ShopifyOrder } from "./payloads.js";
import { SHOPIFY } from "./provider.js";
import type { TopicOutcome } from "./topics.js";

export function orderExternalId(order: ShopifyOrder): string {
  return order.name?.trim() || order.id;
}

function channelOf(order: ShopifyOrder): OrderChannel {
  return order.source_name === "pos" ? "store" : "online";
}

/** Cancellation and full refund win over shipping, shipping over payment. */
export function orderStatus(order: ShopifyOrder): OrderStatus {
  if (order.cancelled_at || order.financial_status === "voided") return "cancelled";
  if (order.financial_status === "refunded") return "returned";
  if (order.fulfillment_status === "fulfilled") return channelOf(order) === "store" ? "completed" : "shipped";
  if (order.financial_status === "paid" || order.financial_status === "partially_refunded") return "paid";
  return "pending";
}

/** A line's SKU; variants without one are named by their variant id, custom lines by their title. */
export function lineSku(line: {
  sku?: string | null;
  variant_id?: string | null;
  title?: string | null;
}): string {
  const sku = line.sku?.trim();
  if (sku) return sku;
  if (line.variant_id) return line.variant_id;
  return `custom:${line.title?.trim() || "item"}`.slice(0, 128);
}

function shippedAt(order: ShopifyOrder): string | null {
  const times = (order.fulfillments ?? []).map((f) => f.created_at).filter((t): t is string => Boolean(t));
  if (times.length === 0) return null;
  return toIso(Math.min(...times.map((t) => Date.parse(t))));
}

function lineInput(line: ShopifyLineItem, currency: string, index: number) {
  const price = line.price_set?.shop_money.amount ?? line.price;
  return {
    sku: lineSku(line),
    name: (line.name ?? line.title)?.slice(0, 500) || null,
    quantity: line.quantity,
    unitPrice: toMinorUnits(price, currency, `line_items[${index}].price`),
  };
}

export function orderInputFrom(order: ShopifyOrder): Omit<OrderInput, "customerId" | "customer"> {
  const currency = order.currency.toUpperCase();
  const money = (value: string | number | null | undefined, field: string) =>
    value === null || value === undefined ? 0 : toMinorUnits(value, currency, field);
  const items = order.line_items
    .map((line, i) => lineInput(line, currency, i))
    .filter((line) => line.quantity > 0);
  const shippingAmount = order.total_shipping_price_set?.shop_money.amount;
  const shipping =
    shippingAmount !== undefined
      ? money(shippingAmount, "total_shipping_price_set")
      : (order.shipping_lines ?? []).reduce(
          (sum, l, i) => sum + money(l.price, `shipping_lines[${i}].price`),
          0,
        );
  const channel = channelOf(order);
  return {
    externalId: orderExternalId(order),
    channel,
    storeId: channel === "store" && order.location_id ? order.location_id : null,
    status: orderStatus(order),
    orderedAt: toIso(order.processed_at ?? order.created_at),
    shippedAt: channel === "online" ? shippedAt(order) : null,
    currency,
    ...(order.total_line_items_price != null && {
      subtotal: money(order.total_line_items_price, "total_line_items_price"),
    }),
    discount: money(order.total_discounts, "total_discounts"),
    shipping,
    // Where prices include tax (as in Japan) the tax is part of the prices, not added on top.
    tax: order.taxes_included ? 0 : money(order.total_tax, "total_tax"),
    total: money(order.total_price, "total_price"),
    couponCode: order.discount_codes?.[0]?.code ?? null,
    items,
  };
}

/** orders/create, orders/updated, orders/paid, orders/cancelled, orders/fulfilled: one upsert. */
export async function syncShopifyOrder(
  trx: Db,
  clock: Clock,
  shopId: number,
  shopCurrency: string,
  order: ShopifyOrder,
): Promise<TopicOutcome> {
  // Orders placed with Shopify's test gateway, and the admin's "send test notification" samples.
  if (order.test) return "ignored";
  const input = orderInputFrom(order);
  if (input.items.length === 0) return "ignored";
  if (order.updated_at) {
    const fresh = await advanceResourceVersion(trx, {
      shopId,
      provider: SHOPIFY,
      resource: "order",
      resourceId: order.id,
      version: order.updated_at,
    });
    if (!fresh) return "stale";
  }
  let buyer: Pick<OrderInput, "customerId" | "customer"> = {};
  if (order.customer) {
    const { customer } = await syncShopifyCustomer(trx, clock, shopId, order.customer, order.email);
    buyer = { customerId: customer.external_id ?? undefined };
  } else {
    // A guest checkout: the buyer is known by email only (upsertOrder files the profile).
    const email = usableEmail(order.email);
    if (email) buyer = { customer: { email } };
  }
  // Checked here so that an order Kizuna cannot take is a failed delivery, not a server error.
  const checked = parsePayload(orderInputSchema, { ...input, ...buyer });
  await upsertOrder(trx, clock, shopId, shopCurrency, checked, SHOPIFY);
  return "processed";
}
