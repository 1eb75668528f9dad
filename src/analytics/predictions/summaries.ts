// Each buyer as the purchase models see them, read from customer_metrics a page at a time (keyset on
// customer_id), so a shop of a million customers never sits in memory at once.
import { sql } from "kysely";
import type { Db } from "../../db/index.js";
import { NOT_PURCHASES } from "../metrics.js";
import { epochDays, localDate } from "../sql.js";

const DAY_MS = 86_400_000;
const PAGE_SIZE = 5_000;

/** One buyer's history in days, as of the moment asked for. */
export interface CustomerSummary {
  customerId: number;
  /** Repeat purchases: distinct days with an order, less the first. */
  x: number;
  /** Days from the first purchase to the last. */
  tx: number;
  /** Days from the first purchase to the as-of moment (never less than tx). */
  T: number;
  ordersCount: number;
  /** All counted orders, in minor units. */
  revenue: number;
  /**
   * Average value of a repeat purchase day in minor units: the revenue after the first day, divided by
   * x; null without a repeat purchase. The first day is left out, as Fader and Hardie do, because a
   * first order is systematically unlike the ones that follow (welcome offers, a first big basket).
   */
  repeatAverage: number | null;
}

export interface SummaryOptions {
  /** Keep one customer in `every` (customer_id % every = 0): a systematic sample for fitting. */
  every?: number;
  pageSize?: number;
}

interface SummaryRow {
  customer_id: number;
  purchase_days: number;
  orders_count: number;
  revenue: number;
  first_day: number;
  last_day: number;
  first_day_revenue: number | null;
}

/**
 * Pages of customer summaries for every customer with a counted order on or before `asOf`.
 * x, tx and T come from customer_metrics; the first day's revenue is the first order's total, unless
 * the second order fell on the same day (in the shop's zone, as purchase_days counts days), when that
 * day's orders are summed: only for those few customers does the query read more of their orders.
 */
export async function* customerSummaries(
  db: Db,
  shopId: number,
  asOf: Date,
  options: SummaryOptions = {},
): AsyncGenerator<CustomerSummary[]> {
  const { every = 1, pageSize = PAGE_SIZE } = options;
  const asOfIso = asOf.toISOString();
  const asOfDay = asOf.getTime() / DAY_MS;
  const shop = await db
    .selectFrom("shops")
    .select("timezone")
    .where("id", "=", shopId)
    .executeTakeFirstOrThrow();
  const zone = shop.timezone;
  const firstDay = localDate(db, "cm.first_order_at", zone);
  const notPurchases = sql.join(NOT_PURCHASES.map((s) => sql.lit(s)));
  const sample = every > 1 ? sql`and cm.customer_id % ${every} = 0` : sql``;
  let after = -1;
  for (;;) {
    const { rows } = await sql<SummaryRow>`
      select cm.customer_id, cm.purchase_days, cm.orders_count, cm.revenue,
        ${epochDays(db, "cm.first_order_at")} as first_day,
        ${epochDays(db, "cm.last_order_at")} as last_day,
        case
          when cm.purchase_days < 2 then null
          when ${localDate(db, "cm.second_order_at", zone)} = ${firstDay} then (
            select sum(o.total) from orders o
            where o.shop_id = cm.shop_id and o.customer_id = cm.customer_id
              and o.status not in (${notPurchases})
              and o.ordered_at >= cm.first_order_at and o.ordered_at <= ${asOfIso}
              and ${localDate(db, "o.ordered_at", zone)} = ${firstDay})
          else (select f.total from orders f where f.id = cm.first_order_id and f.shop_id = cm.shop_id)
        end as first_day_revenue
      from customer_metrics cm
      where cm.shop_id = ${shopId} and cm.orders_count > 0 and cm.first_order_at is not null
        and cm.first_order_at <= ${asOfIso} and cm.customer_id > ${after} ${sample}
      order by cm.customer_id
      limit ${pageSize}
    `.execute(db);
    if (rows.length === 0) return;
    yield rows.map((row) => summaryOf(row, asOfDay));
    after = Number(rows[rows.length - 1].customer_id);
    if (rows.length < pageSize) return;
  }
}

function summaryOf(row: SummaryRow, asOfDay: number): CustomerSummary {
  const x = Math.max(Number(row.purchase_days) - 1, 0);
  const first = Number(row.first_day);
  const tx = x > 0 ? Math.max(Number(row.last_day) - first, 0) : 0;
  const revenue = Number(row.revenue);
  const firstDayRevenue = row.first_day_revenue === null ? null : Number(row.first_day_revenue);
  return {
    customerId: Number(row.customer_id),
    x,
    tx,
    T: Math.max(asOfDay - first, tx),
    ordersCount: Number(row.orders_count),
    revenue,
    repeatAverage: x > 0 && firstDayRevenue !== null ? (revenue - firstDayRevenue) / x : null,
  };
}

/** How many customers have a counted order on or before `asOf`. */
export async function countBuyers(db: Db, shopId: number, asOf: Date): Promise<number> {
  const row = await db
    .selectFrom("customer_metrics")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("shop_id", "=", shopId)
    .where("orders_count", ">", 0)
    .where("first_order_at", "is not", null)
    .where("first_order_at", "<=", asOf.toISOString())
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
