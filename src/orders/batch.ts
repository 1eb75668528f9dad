// Many orders upserted at once (imports, feeds): the same outcome as upsertOrder on each in turn, in a
// constant number of queries per batch instead of several round trips per order.
import { ensureProducts } from "../catalog/index.js";
import type { Clock } from "../core/clock.js";
import { toIso } from "../core/clock.js";
import { ensureCustomersByExternalIds } from "../customers/index.js";
import { chunk, type Db, maxParams, type Order, type OrderItem, selectIn } from "../db/index.js";
import { upsertOrder } from "./orders.js";
import {
  headerChanged,
  moveOf,
  type OrderColumns,
  type OrderUpsertResult,
  orderColumns,
  type PreparedOrder,
  prepareOrder,
  productMentions,
  redeemCoupon,
  sameItems,
  touchesCoupons,
} from "./rows.js";
import type { OrderInput, ParsedOrderInput } from "./schema.js";

interface Scope {
  trx: Db;
  clock: Clock;
  shopId: number;
}

/** Rows in slices small enough for the bound-parameter limit (a parameter per column of each row). */
function slices<R extends object>(trx: Db, rows: R[]): R[][] {
  if (rows.length === 0) return [];
  return chunk(rows, Math.max(1, Math.floor(maxParams(trx) / Object.keys(rows[0]).length)));
}

/** Stored orders by order number, with their items. */
async function storedOrders({ trx, shopId }: Scope, externalIds: string[]) {
  const orders = await selectIn(trx, externalIds, (slice) =>
    trx
      .selectFrom("orders")
      .selectAll()
      .where("shop_id", "=", shopId)
      .where("external_id", "in", slice)
      .execute(),
  );
  const items = await selectIn(
    trx,
    orders.map((o) => o.id),
    (slice) => trx.selectFrom("order_items").selectAll().where("order_id", "in", slice).execute(),
  );
  const itemsOf = new Map<number, OrderItem[]>(orders.map((o) => [o.id, []]));
  for (const item of items) itemsOf.get(item.order_id)?.push(item);
  return new Map(orders.map((o) => [o.external_id, { order: o, items: itemsOf.get(o.id)! }]));
}

/** What becomes of one order of the batch. */
interface Plan {
  prepared: PreparedOrder;
  columns: OrderColumns;
  before?: Order;
  /** Unchanged orders keep `before`; the others get the row as written. */
  result?: OrderUpsertResult;
  writeItems: boolean;
}

/** Products for the SKUs of orders whose items are (re)written: ensureProducts per run of one currency. */
async function productsFor(scope: Scope, plans: Plan[]): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  let run: Plan[] = [];
  const flush = async () => {
    if (run.length === 0) return;
    const mentions = run.flatMap((p) => productMentions(p.prepared.items));
    const found = await ensureProducts(
      scope.trx,
      scope.clock,
      scope.shopId,
      mentions,
      run[0].prepared.currency,
    );
    for (const [sku, id] of found) ids.set(sku, id);
    run = [];
  };
  for (const plan of plans) {
    if (run.length > 0 && run[0].prepared.currency !== plan.prepared.currency) await flush();
    run.push(plan);
  }
  await flush();
  return ids;
}

/** Orders with distinct order numbers and no inline buyer profile, written together. */
async function writeSegment(scope: Scope, prepared: PreparedOrder[]): Promise<OrderUpsertResult[]> {
  const { trx, clock, shopId } = scope;
  const memberIds = [...new Set(prepared.flatMap((p) => (p.input.customerId ? [p.input.customerId] : [])))];
  const buyers = await ensureCustomersByExternalIds(scope.trx, scope.clock, scope.shopId, memberIds);
  const stored = await storedOrders(
    scope,
    prepared.map((p) => p.input.externalId),
  );
  const now = toIso(clock.now());

  const plans: Plan[] = prepared.map((p) => {
    const columns = orderColumns(p, p.input.customerId ? buyers.get(p.input.customerId)! : null);
    const before = stored.get(p.input.externalId);
    if (!before) return { prepared: p, columns, writeItems: true };
    const writeItems = !sameItems(before.items, p.items);
    if (!writeItems && !headerChanged(before.order, columns)) {
      return {
        prepared: p,
        columns,
        before: before.order,
        writeItems,
        result: { order: before.order, created: false, changed: false },
      };
    }
    return { prepared: p, columns, before: before.order, writeItems };
  });

  const inserts = plans.flatMap((p) =>
    p.before
      ? []
      : [
          {
            shop_id: shopId,
            external_id: p.prepared.input.externalId,
            ...p.columns,
            created_at: now,
            updated_at: now,
          },
        ],
  );
  const insertedByNumber = new Map<string, Order>();
  for (const slice of slices(trx, inserts)) {
    const rows = await trx.insertInto("orders").values(slice).returningAll().execute();
    for (const order of rows) insertedByNumber.set(order.external_id, order);
  }
  for (const p of plans) {
    const order = insertedByNumber.get(p.prepared.input.externalId);
    if (order) p.result = { order, created: true, changed: true };
  }
  const moves: Array<NonNullable<ReturnType<typeof moveOf>>> = [];
  for (const p of plans) {
    if (!p.before || p.result) continue;
    const order = await trx
      .updateTable("orders")
      .set({ ...p.columns, updated_at: now })
      .where("id", "=", p.before.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    const move = moveOf(p.before, p.columns, now);
    if (move) moves.push(move);
    p.result = { order, created: false, changed: true };
  }
  for (const slice of slices(trx, moves)) await trx.insertInto("order_moves").values(slice).execute();

  const replaced = plans.filter((p) => p.before && p.writeItems).map((p) => p.before!.id);
  for (const slice of chunk(replaced, maxParams(trx))) {
    await trx.deleteFrom("order_items").where("order_id", "in", slice).execute();
  }
  const withItems = plans.filter((p) => p.writeItems);
  const productIds = await productsFor(scope, withItems);
  const items = withItems.flatMap((p) =>
    p.prepared.items.map((i) => ({
      shop_id: shopId,
      order_id: p.result!.order.id,
      product_id: productIds.get(i.sku) ?? null,
      ...i,
    })),
  );
  for (const slice of slices(trx, items)) {
    await trx.insertInto("order_items").values(slice).execute();
  }

  // Coupons go first come, first served, so they are settled in input order.
  for (const p of plans) {
    const { order, changed } = p.result!;
    if (changed && touchesCoupons(order, p.before)) await redeemCoupon(trx, shopId, order);
  }
  return plans.map((p) => p.result!);
}

/**
 * Must run inside a transaction. The same results and stored rows as upsertOrder on each input in
 * turn. Orders naming their buyer by member id only are written together; an order bringing a buyer
 * profile goes through upsertOrder (identity resolution may merge profiles and re-point orders, so it
 * must see the orders before it written), and so does a repeated order number (a later version of an
 * order in the same batch updates the earlier one). `fieldPrefixes[i]` names input i in errors.
 */
export async function upsertOrders(
  trx: Db,
  clock: Clock,
  shopId: number,
  shopCurrency: string,
  inputs: Array<OrderInput | ParsedOrderInput>,
  source: string,
  fieldPrefixes: string[] = [],
): Promise<OrderUpsertResult[]> {
  const scope: Scope = { trx, clock, shopId };
  const results: OrderUpsertResult[] = [];
  let segment: PreparedOrder[] = [];
  const numbers = new Set<string>();
  const flush = async () => {
    if (segment.length > 0) results.push(...(await writeSegment(scope, segment)));
    segment = [];
    numbers.clear();
  };
  for (const [i, raw] of inputs.entries()) {
    const prefix = fieldPrefixes[i] ?? "";
    const prepared = prepareOrder(raw, shopCurrency, prefix);
    if (prepared.input.customer) {
      await flush();
      results.push(await upsertOrder(trx, clock, shopId, shopCurrency, prepared.input, source, prefix));
      continue;
    }
    if (numbers.has(prepared.input.externalId)) await flush();
    segment.push(prepared);
    numbers.add(prepared.input.externalId);
  }
  await flush();
  return results;
}
