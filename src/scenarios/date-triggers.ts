// Date triggers: who is due on a given local day. Each source names a date on the profile or derived
// from data (a birthday, points expiring, a warranty ending, N days since the last order…); the
// trigger's offset moves it (offsetDays −30: thirty days before). Queries read the shop's local day as
// a UTC range, so they use the time indexes on both engines.
import { anyOf, type Db, jsonTextOf, monthDayOf, selectIn } from "../db/index.js";
import type { DateSource, Trigger } from "./definition.js";
import type { EntryCandidate } from "./entry.js";
import { addDays, addMonths, localDayBounds } from "./local-time.js";

type DateTrigger = Extract<Trigger, { type: "date" }>;

/** How many past years the membership anniversary looks back. */
const ANNIVERSARY_YEARS = 30;

export async function dateTriggerCandidates(
  db: Db,
  shopId: number,
  zone: string,
  trigger: DateTrigger,
  day: string,
): Promise<EntryCandidate[]> {
  const target = addDays(day, -trigger.offsetDays);
  const found = await candidatesFor(db, shopId, zone, trigger.source, target);
  return found.map((c) => ({
    ...c,
    entryKey: c.entryKey ?? `date:${day}`,
    context: { ...c.context, date: target },
  }));
}

type Found = Omit<EntryCandidate, "entryKey"> & { entryKey?: string };

/**
 * The UTC bounds of the local days whose date `months` later is `target`: one day, or, when `target` is
 * the last day of its month, that day and the rest of its month, which adding months clamps onto
 * `target` (31 August + 6 months is 28 February; 29 February + 12 months is 28 February).
 */
function daysMonthsBefore(target: string, months: number, zone: string): { start: string; end: string } {
  const from = addMonths(target, -months);
  const targetIsMonthEnd = addDays(target, 1).endsWith("-01");
  const to = targetIsMonthEnd ? addDays(addMonths(`${from.slice(0, 8)}01`, 1), -1) : from;
  return { start: localDayBounds(from, zone).start, end: localDayBounds(to, zone).end };
}

async function candidatesFor(
  db: Db,
  shopId: number,
  zone: string,
  source: DateSource,
  target: string,
): Promise<Found[]> {
  const bounds = localDayBounds(target, zone);
  switch (source.kind) {
    case "birthday": {
      const monthDay = target.slice(5);
      // Born on 29 February: celebrated on the 28th when the year has no 29th.
      const leap = Number(target.slice(0, 4)) % 4 === 0;
      const days = monthDay === "02-28" && !leap ? ["02-28", "02-29"] : [monthDay];
      const rows = await db
        .selectFrom("customers")
        .select("id")
        .where("shop_id", "=", shopId)
        .where("merged_into_id", "is", null)
        .where("birthday", "is not", null)
        .where(monthDayOf(db, "birthday"), "in", days)
        .execute();
      return rows.map((r) => ({ customerId: r.id, context: {} }));
    }
    case "attribute": {
      const rows = await db
        .selectFrom("customers")
        .select("id")
        .where("shop_id", "=", shopId)
        .where("merged_into_id", "is", null)
        .where(jsonTextOf(db, "attributes", source.attribute), "=", target)
        .execute();
      return rows.map((r) => ({ customerId: r.id, context: {} }));
    }
    case "member_since": {
      const years = Array.from({ length: ANNIVERSARY_YEARS }, (_, i) => i + 1);
      const ranges = years.map((y) => ({ y, ...daysMonthsBefore(target, 12 * y, zone) }));
      const rows = await db
        .selectFrom("customers")
        .select(["id", "created_at"])
        .where("shop_id", "=", shopId)
        .where("merged_into_id", "is", null)
        .where((eb) =>
          eb.or(ranges.map((r) => eb.and([eb("created_at", ">=", r.start), eb("created_at", "<", r.end)]))),
        )
        .execute();
      return rows.map((r) => {
        const years = ranges.find((x) => r.created_at >= x.start && r.created_at < x.end)!.y;
        return { customerId: r.id, context: { anniversary: { years } } };
      });
    }
    case "points_expiry": {
      const rows = await db
        .selectFrom("point_balances")
        .select(["customer_id", "next_expiry_at", "next_expiry_points", "balance"])
        .where("shop_id", "=", shopId)
        .where("next_expiry_at", ">=", bounds.start)
        .where("next_expiry_at", "<", bounds.end)
        .where("next_expiry_points", ">", 0)
        .where("balance", ">", 0)
        .execute();
      return rows.map((r) => ({
        customerId: r.customer_id,
        context: {
          points: { balance: r.balance, expiringAmount: r.next_expiry_points, expiresAt: r.next_expiry_at },
        },
      }));
    }
    case "warranty_end":
    case "replenishment":
      return productCycleCandidates(db, shopId, zone, source.kind, target);
    case "shipped": {
      const rows = await db
        .selectFrom("orders")
        .select(["id", "customer_id", "external_id", "ordered_at"])
        .where("shop_id", "=", shopId)
        .where("customer_id", "is not", null)
        .where("status", "not in", ["cancelled", "returned"])
        .where((eb) =>
          eb.or([
            eb.and([eb("shipped_at", ">=", bounds.start), eb("shipped_at", "<", bounds.end)]),
            eb.and([
              eb("channel", "=", "store"),
              eb("ordered_at", ">=", bounds.start),
              eb("ordered_at", "<", bounds.end),
            ]),
          ]),
        )
        .execute();
      let orders = rows;
      if (source.firstOnly) {
        const first = await firstOrderTimes(db, shopId, rows);
        orders = rows.filter((r) => first.get(r.customer_id!) === r.ordered_at);
      }
      return orders.map((r) => ({
        customerId: r.customer_id!,
        entryKey: `shipped:${r.id}`,
        context: { order: { id: r.id, externalId: r.external_id } },
      }));
    }
    case "last_order": {
      // Customers with an order that day and none after it: their latest order is that day.
      const rows = await db
        .selectFrom("orders")
        .select(["customer_id", (eb) => eb.fn.max("ordered_at").as("last")])
        .where("shop_id", "=", shopId)
        .where("customer_id", "is not", null)
        .where("ordered_at", ">=", bounds.start)
        .where("status", "not in", ["cancelled", "returned"])
        .groupBy("customer_id")
        .having((eb) => eb.fn.max("ordered_at"), "<", bounds.end)
        .execute();
      return rows.map((r) => ({ customerId: r.customer_id!, context: { lastOrderAt: r.last } }));
    }
  }
}

/**
 * Warranty ends and replenishment dates: an order item's delivery (shipped, or ordered for store
 * sales) plus the product's warranty months or replenishment days. One query per distinct period in
 * the catalogue.
 */
async function productCycleCandidates(
  db: Db,
  shopId: number,
  zone: string,
  kind: "warranty_end" | "replenishment",
  target: string,
): Promise<Found[]> {
  const column = kind === "warranty_end" ? "warranty_months" : "replenishment_days";
  const periods = await db
    .selectFrom("products")
    .select(column)
    .distinct()
    .where("shop_id", "=", shopId)
    .where(column, "is not", null)
    .where(column, ">", 0)
    .execute();
  const out: Found[] = [];
  for (const p of periods) {
    const period = p[column] as number;
    const bounds =
      kind === "warranty_end"
        ? daysMonthsBefore(target, period, zone)
        : localDayBounds(addDays(target, -period), zone);
    const rows = await db
      .selectFrom("order_items")
      .innerJoin("orders", "orders.id", "order_items.order_id")
      .innerJoin("products", "products.id", "order_items.product_id")
      .select([
        "order_items.id as item_id",
        "orders.id as order_id",
        "orders.external_id",
        "orders.customer_id",
        "orders.ordered_at",
        "products.id as product_id",
        "products.sku",
      ])
      .where("orders.shop_id", "=", shopId)
      .where("orders.customer_id", "is not", null)
      .where("orders.status", "not in", ["cancelled", "returned"])
      .where(`products.${column}`, "=", period)
      .where((eb) =>
        eb.or([
          eb.and([eb("orders.shipped_at", ">=", bounds.start), eb("orders.shipped_at", "<", bounds.end)]),
          eb.and([
            eb("orders.shipped_at", "is", null),
            eb("orders.ordered_at", ">=", bounds.start),
            eb("orders.ordered_at", "<", bounds.end),
          ]),
        ]),
      )
      .execute();
    for (const r of rows) {
      out.push({
        customerId: r.customer_id!,
        entryKey: `${kind}:${r.item_id}`,
        context: {
          product: { id: r.product_id, sku: r.sku },
          order: { id: r.order_id, externalId: r.external_id },
          ...(kind === "warranty_end" ? { warranty: { endsAt: target } } : {}),
        },
      });
    }
  }
  if (kind === "replenishment" && out.length > 0) return withoutRebought(db, shopId, out);
  return out;
}

/** A reminder to re-buy is pointless once the customer has bought the product again. */
async function withoutRebought(db: Db, shopId: number, found: Found[]): Promise<Found[]> {
  const customerIds = [...new Set(found.map((f) => f.customerId))];
  const later = await selectIn(db, customerIds, (ids) =>
    db
      .selectFrom("order_items")
      .innerJoin("orders", "orders.id", "order_items.order_id")
      .select(["orders.customer_id", "order_items.product_id", "orders.id as order_id", "orders.ordered_at"])
      .where("orders.shop_id", "=", shopId)
      .where(anyOf(db, "orders.customer_id", ids))
      .where("orders.status", "not in", ["cancelled", "returned"])
      .execute(),
  );
  // By when the orders were placed, not by id: history imported newest first has the older order last.
  const orderedAt = new Map(later.map((l) => [l.order_id, l.ordered_at]));
  const latestOrder = new Map<string, string>();
  for (const l of later) {
    const key = `${l.customer_id}:${l.product_id}`;
    if ((latestOrder.get(key) ?? "") < l.ordered_at) latestOrder.set(key, l.ordered_at);
  }
  const rebought = new Set<string>();
  for (const f of found) {
    const ctx = f.context as { order: { id: number }; product: { id: number } };
    const key = `${f.customerId}:${ctx.product.id}`;
    if ((latestOrder.get(key) ?? "") > (orderedAt.get(ctx.order.id) ?? "")) rebought.add(key);
  }
  return found.filter((f) => {
    const ctx = f.context as { product: { id: number } };
    return !rebought.has(`${f.customerId}:${ctx.product.id}`);
  });
}

/** When each of these orders' customers placed their first order (cancelled ones not counted). */
export async function firstOrderTimes(
  db: Db,
  shopId: number,
  orders: Array<{ customer_id: number | null }>,
): Promise<Map<number, string>> {
  const customerIds = [...new Set(orders.flatMap((o) => (o.customer_id === null ? [] : [o.customer_id])))];
  const rows = await selectIn(db, customerIds, (ids) =>
    db
      .selectFrom("orders")
      .select(["customer_id", (eb) => eb.fn.min("ordered_at").as("first")])
      .where("shop_id", "=", shopId)
      .where(anyOf(db, "customer_id", ids))
      .where("status", "not in", ["cancelled"])
      .groupBy("customer_id")
      .execute(),
  );
  return new Map(rows.map((r) => [r.customer_id!, r.first as string]));
}
