// From an order input to the rows stored for it, and the comparisons and coupon bookkeeping that the
// single upsert (orders.ts) and the batch upsert (batch.ts) share, so both write exactly the same rows.
import { toIso } from "../core/clock.js";
import { ValidationError } from "../core/errors.js";
import { parseOrThrow } from "../core/zod-errors.js";
import type { Db, Order, OrderItem } from "../db/index.js";
import { type OrderInput, orderInputSchema, type ParsedOrderInput } from "./schema.js";

export interface OrderUpsertResult {
  order: Order;
  created: boolean;
  changed: boolean;
}

export interface ItemRow {
  line_no: number;
  sku: string;
  name: string | null;
  quantity: number;
  unit_price: number;
  line_total: number;
}

/** An order input checked and worked out, all but the buyer (which needs the database) and the total. */
export interface PreparedOrder {
  input: ParsedOrderInput;
  items: ItemRow[];
  currency: string;
  subtotal: number;
  /** Names the order inside a larger body in errors, e.g. "orders[3].". */
  fieldPrefix: string;
}

function itemRows(input: ParsedOrderInput): ItemRow[] {
  return input.items.map((item, i) => ({
    line_no: i + 1,
    sku: item.sku,
    name: item.name ?? null,
    quantity: item.quantity,
    unit_price: item.unitPrice,
    line_total: item.lineTotal ?? item.quantity * item.unitPrice,
  }));
}

function derivedTotal(subtotal: number, input: ParsedOrderInput, fieldPrefix: string): number {
  const total = subtotal - input.discount + input.shipping + input.tax;
  if (total < 0) {
    throw ValidationError.field(
      `${fieldPrefix}discount`,
      `exceeds what the order costs (${total + input.discount})`,
    );
  }
  return total;
}

/** Parses raw input (validated input passes through unchanged) and works out its items. */
export function prepareOrder(
  raw: OrderInput | ParsedOrderInput,
  shopCurrency: string,
  fieldPrefix: string,
): PreparedOrder {
  const input = parseOrThrow(orderInputSchema, raw, fieldPrefix);
  const items = itemRows(input);
  const subtotal = input.subtotal ?? items.reduce((sum, i) => sum + i.line_total, 0);
  return {
    input,
    items,
    currency: input.currency ?? shopCurrency,
    subtotal,
    fieldPrefix,
  };
}

/**
 * The order's own columns as stored (no ids, no timestamps). Checked after the buyer, as upsertOrder
 * always has, so an order with two faults reports the buyer's first.
 */
export function orderColumns(prepared: PreparedOrder, customerId: number | null) {
  const { input, subtotal, fieldPrefix } = prepared;
  return {
    customer_id: customerId,
    channel: input.channel,
    store_id: input.storeId ?? null,
    status: input.status,
    ordered_at: toIso(input.orderedAt),
    shipped_at: input.shippedAt ? toIso(input.shippedAt) : null,
    currency: prepared.currency,
    subtotal,
    discount: input.discount,
    shipping: input.shipping,
    tax: input.tax,
    total: input.total ?? derivedTotal(subtotal, input, fieldPrefix),
    coupon_code: input.couponCode ?? null,
    points_used: input.pointsUsed,
  };
}

export type OrderColumns = ReturnType<typeof orderColumns>;

export function headerChanged(stored: Order, wanted: OrderColumns): boolean {
  return Object.entries(wanted).some(([k, v]) => stored[k as keyof Order] !== v);
}

/**
 * The order_moves row for a write that changes when the order was placed (null when it does not): the
 * analytics pass must rebuild the month it leaves as well as the one it enters.
 */
export function moveOf(stored: Order, wanted: OrderColumns, movedAt: string) {
  if (Date.parse(String(stored.ordered_at)) === Date.parse(wanted.ordered_at)) return null;
  return {
    shop_id: stored.shop_id,
    ordered_at_before: toIso(new Date(stored.ordered_at)),
    moved_at: movedAt,
  };
}

export function sameItems(stored: OrderItem[], wanted: ItemRow[]): boolean {
  if (stored.length !== wanted.length) return false;
  const sorted = [...stored].sort((a, b) => a.line_no - b.line_no);
  return wanted.every((w, i) => {
    const s = sorted[i];
    return (
      s.line_no === w.line_no &&
      s.sku === w.sku &&
      s.name === w.name &&
      s.quantity === w.quantity &&
      s.unit_price === w.unit_price &&
      s.line_total === w.line_total
    );
  });
}

/** What ensureProducts needs to add a product an order mentions for the first time. */
export function productMentions(
  items: ItemRow[],
): Array<{ sku: string; name: string | null; unitPrice: number }> {
  return items.map((i) => ({ sku: i.sku, name: i.name, unitPrice: i.unit_price }));
}

/**
 * Only an order that holds a coupon code now, or held one before this write, can have a coupon to
 * redeem or release (coupons are marked with the order number only when the order carries the code).
 */
export function touchesCoupons(order: Order, before: Order | undefined): boolean {
  return order.coupon_code !== null || (before?.coupon_code ?? null) !== null;
}

/**
 * A coupon used on a live order is marked redeemed; cancelling or returning the order releases it, and
 * so does swapping it for another code or removing it from the order.
 */
export async function redeemCoupon(trx: Db, shopId: number, order: Order): Promise<void> {
  const live = order.status !== "cancelled" && order.status !== "returned";
  const inUse = live ? order.coupon_code : null;
  let release = trx
    .updateTable("coupons")
    .set({ redeemed_at: null, redeemed_order_external_id: null })
    .where("shop_id", "=", shopId)
    .where("redeemed_order_external_id", "=", order.external_id);
  if (inUse) release = release.where("code", "!=", inUse);
  await release.execute();
  if (inUse) {
    await trx
      .updateTable("coupons")
      .set({ redeemed_at: order.ordered_at, redeemed_order_external_id: order.external_id })
      .where("shop_id", "=", shopId)
      .where("code", "=", inUse)
      .where("redeemed_at", "is", null)
      .execute();
  }
}
