// Orders from the web shop, physical stores and marketplaces: idempotent on the shop's order number.
// Re-sending an order with changes (shipped, cancelled, returned) updates it; re-sending it unchanged
// changes nothing.
import { ensureProducts } from "../catalog/index.js";
import type { Clock } from "../core/clock.js";
import { toIso } from "../core/clock.js";
import { NotFoundError, ValidationError } from "../core/errors.js";
import { parseOrThrow } from "../core/zod-errors.js";
import { ensureCustomerByExternalId, normalizeCustomerInput, upsertCustomer } from "../customers/index.js";
import type { Db, Order, OrderItem } from "../db/index.js";
import { type OrderInput, type OrderOutput, orderInputSchema, type ParsedOrderInput } from "./schema.js";

export interface OrderUpsertResult {
  order: Order;
  created: boolean;
  changed: boolean;
}

interface ItemRow {
  line_no: number;
  sku: string;
  name: string | null;
  quantity: number;
  unit_price: number;
  line_total: number;
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

function sameItems(stored: OrderItem[], wanted: ItemRow[]): boolean {
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

async function resolveBuyer(
  trx: Db,
  clock: Clock,
  shopId: number,
  input: ParsedOrderInput,
  source: string,
  fieldPrefix: string,
): Promise<number | null> {
  if (input.customer) {
    const { externalId } = input.customer;
    if (externalId !== undefined && input.customerId !== undefined && externalId !== input.customerId) {
      // Two member ids for one buyer: attaching the order to either could credit the wrong member.
      throw ValidationError.field(
        `${fieldPrefix}customer.externalId`,
        `"${externalId}" differs from customerId "${input.customerId}"`,
      );
    }
    const profile = normalizeCustomerInput(
      { ...input.customer, externalId: input.customer.externalId ?? input.customerId },
      clock,
      `${fieldPrefix}customer.`,
    );
    return (await upsertCustomer(trx, clock, shopId, profile, source)).customer.id;
  }
  if (input.customerId) return (await ensureCustomerByExternalId(trx, clock, shopId, input.customerId)).id;
  return null;
}

/**
 * Must run inside a transaction. Takes input already validated by orderInputSchema (the HTTP layer
 * does it), or raw input, which is parsed here. `fieldPrefix` names the order inside a larger body.
 */
export async function upsertOrder(
  trx: Db,
  clock: Clock,
  shopId: number,
  shopCurrency: string,
  raw: OrderInput | ParsedOrderInput,
  source: string,
  fieldPrefix = "",
): Promise<OrderUpsertResult> {
  const input = parseOrThrow(orderInputSchema, raw, fieldPrefix);
  const now = toIso(clock.now());
  const items = itemRows(input);
  const currency = input.currency ?? shopCurrency;
  const subtotal = input.subtotal ?? items.reduce((sum, i) => sum + i.line_total, 0);
  const customerId = await resolveBuyer(trx, clock, shopId, input, source, fieldPrefix);
  const columns = {
    customer_id: customerId,
    channel: input.channel,
    store_id: input.storeId ?? null,
    status: input.status,
    ordered_at: toIso(input.orderedAt),
    shipped_at: input.shippedAt ? toIso(input.shippedAt) : null,
    currency,
    subtotal,
    discount: input.discount,
    shipping: input.shipping,
    tax: input.tax,
    total: input.total ?? derivedTotal(subtotal, input, fieldPrefix),
    coupon_code: input.couponCode ?? null,
    points_used: input.pointsUsed,
  };

  const existing = await trx
    .selectFrom("orders")
    .selectAll()
    .where("shop_id", "=", shopId)
    .where("external_id", "=", input.externalId)
    .executeTakeFirst();

  let order: Order;
  let created = false;
  if (!existing) {
    order = await trx
      .insertInto("orders")
      .values({
        shop_id: shopId,
        external_id: input.externalId,
        ...columns,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    created = true;
  } else {
    const storedItems = await trx
      .selectFrom("order_items")
      .selectAll()
      .where("order_id", "=", existing.id)
      .execute();
    const headerChanged = Object.entries(columns).some(([k, v]) => existing[k as keyof Order] !== v);
    const itemsChanged = !sameItems(storedItems, items);
    if (!headerChanged && !itemsChanged) return { order: existing, created: false, changed: false };
    order = await trx
      .updateTable("orders")
      .set({ ...columns, updated_at: now })
      .where("id", "=", existing.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    if (!itemsChanged) {
      await redeemCoupon(trx, shopId, order);
      return { order, created: false, changed: true };
    }
    await trx.deleteFrom("order_items").where("order_id", "=", existing.id).execute();
  }

  const productIds = await ensureProducts(
    trx,
    clock,
    shopId,
    items.map((i) => ({ sku: i.sku, name: i.name, unitPrice: i.unit_price })),
    currency,
  );
  await trx
    .insertInto("order_items")
    .values(
      items.map((i) => ({
        shop_id: shopId,
        order_id: order.id,
        product_id: productIds.get(i.sku) ?? null,
        ...i,
      })),
    )
    .execute();
  await redeemCoupon(trx, shopId, order);
  return { order, created, changed: true };
}

/**
 * A coupon used on a live order is marked redeemed; cancelling or returning the order releases it, and
 * so does swapping it for another code or removing it from the order.
 */
async function redeemCoupon(trx: Db, shopId: number, order: Order): Promise<void> {
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

export async function getOrder(db: Db, shopId: number, externalId: string): Promise<OrderOutput> {
  const order = await db
    .selectFrom("orders")
    .leftJoin("customers", "customers.id", "orders.customer_id")
    .selectAll("orders")
    .select("customers.external_id as customer_external_id")
    .where("orders.shop_id", "=", shopId)
    .where("orders.external_id", "=", externalId)
    .executeTakeFirst();
  if (!order) throw new NotFoundError(`order ${externalId}`);
  const items = await db
    .selectFrom("order_items")
    .selectAll()
    .where("order_id", "=", order.id)
    .orderBy("line_no")
    .execute();
  return {
    id: order.id,
    externalId: order.external_id,
    customerId: order.customer_external_id,
    channel: order.channel,
    storeId: order.store_id,
    status: order.status,
    orderedAt: order.ordered_at,
    shippedAt: order.shipped_at,
    currency: order.currency,
    subtotal: order.subtotal,
    discount: order.discount,
    shipping: order.shipping,
    tax: order.tax,
    total: order.total,
    couponCode: order.coupon_code,
    pointsUsed: order.points_used,
    items: items.map((i) => ({
      sku: i.sku,
      name: i.name,
      quantity: i.quantity,
      unitPrice: i.unit_price,
      lineTotal: i.line_total,
    })),
    createdAt: order.created_at,
    updatedAt: order.updated_at,
  };
}
