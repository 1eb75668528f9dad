// Orders from the web shop, physical stores and marketplaces: idempotent on the shop's order number.
// Re-sending an order with changes (shipped, cancelled, returned) updates it; re-sending it unchanged
// changes nothing.
import { ensureProducts } from "../catalog/index.js";
import type { Clock } from "../core/clock.js";
import { toIso } from "../core/clock.js";
import { NotFoundError, ValidationError } from "../core/errors.js";
import { ensureCustomerByExternalId, normalizeCustomerInput, upsertCustomer } from "../customers/index.js";
import type { Db, Order } from "../db/index.js";
import {
  headerChanged,
  moveOf,
  type OrderUpsertResult,
  orderColumns,
  prepareOrder,
  productMentions,
  redeemCoupon,
  sameItems,
  touchesCoupons,
} from "./rows.js";
import type { OrderInput, OrderOutput, ParsedOrderInput } from "./schema.js";

export type { OrderUpsertResult } from "./rows.js";

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
 * For many orders at once, upsertOrders (batch.ts) does the same in a few queries per batch.
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
  const prepared = prepareOrder(raw, shopCurrency, fieldPrefix);
  const now = toIso(clock.now());
  const { items } = prepared;
  const customerId = await resolveBuyer(trx, clock, shopId, prepared.input, source, fieldPrefix);
  const columns = orderColumns(prepared, customerId);

  const existing = await trx
    .selectFrom("orders")
    .selectAll()
    .where("shop_id", "=", shopId)
    .where("external_id", "=", prepared.input.externalId)
    .executeTakeFirst();

  let order: Order;
  let created = false;
  if (!existing) {
    order = await trx
      .insertInto("orders")
      .values({
        shop_id: shopId,
        external_id: prepared.input.externalId,
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
    const itemsChanged = !sameItems(storedItems, items);
    if (!headerChanged(existing, columns) && !itemsChanged) {
      return { order: existing, created: false, changed: false };
    }
    order = await trx
      .updateTable("orders")
      .set({ ...columns, updated_at: now })
      .where("id", "=", existing.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const move = moveOf(existing, columns, now);
    if (move) await trx.insertInto("order_moves").values(move).execute();
    if (!itemsChanged) {
      if (touchesCoupons(order, existing)) await redeemCoupon(trx, shopId, order);
      return { order, created: false, changed: true };
    }
    await trx.deleteFrom("order_items").where("order_id", "=", existing.id).execute();
  }

  const productIds = await ensureProducts(trx, clock, shopId, productMentions(items), prepared.currency);
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
  if (touchesCoupons(order, existing)) await redeemCoupon(trx, shopId, order);
  return { order, created, changed: true };
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
