// Sales per local month (product_sales_months, category_sales_months, weekday_sales_months,
// cohort_sales_months) and pairs bought together per month (product_pair_months), kept with
// customer_metrics by the same analytics pass: the product report sums a year of these rows instead of
// a year of order lines. A month is rebuilt whole, from its orders, whenever one of them changed since
// the last pass or one of them moved out of it (usually just the current month), so the rows are plain
// sums that cannot drift. The daily pass rebuilds whole the tables that follow more than orders (a
// product moved to another category, a customer's acquisition channel); a change of the shop's time
// zone rebuilds everything.

import { type RawBuilder, sql } from "kysely";
import { DateTime } from "luxon";
import { toIso } from "../core/clock.js";
import { anyOf, type Db } from "../db/index.js";
import { bucketOf, countedOrder, localMonth, localWeekday, monthsFrom, topCategory } from "./sql.js";

export const SALES_MONTH_TABLES = [
  "product_sales_months",
  "category_sales_months",
  "weekday_sales_months",
  "cohort_sales_months",
  "product_pair_months",
] as const;
export type SalesMonthTable = (typeof SALES_MONTH_TABLES)[number];

/**
 * The tables whose months depend only on the month's orders (and the shop's zone and the cutoff `now`),
 * so a month no order entered or left since the last pass is still right. The others follow data
 * that changes without an order: categories follow the products' category paths, cohorts the
 * customers' acquisition channel; the daily pass rebuilds those whole.
 */
export const ORDER_ONLY_TABLES: readonly SalesMonthTable[] = [
  "product_sales_months",
  "weekday_sales_months",
  "product_pair_months",
];

/** The others: the daily pass rebuilds these whole. */
export const EVERY_DAY_TABLES: readonly SalesMonthTable[] = SALES_MONTH_TABLES.filter(
  (t) => !ORDER_ONLY_TABLES.includes(t),
);

/**
 * Rebuilds one shop's sales months as of `now`: the listed local months ("YYYY-MM"), or all of them;
 * in every table, or in those listed.
 */
export async function rebuildSalesMonths(
  db: Db,
  shopId: number,
  zone: string,
  now: Date,
  months: string[] | null,
  tables: readonly SalesMonthTable[] = SALES_MONTH_TABLES,
): Promise<void> {
  if (months === null) {
    for (const table of tables) {
      await db.deleteFrom(table).where("shop_id", "=", shopId).execute();
    }
    const first = await db
      .selectFrom("orders")
      .select((eb) => eb.fn.min("ordered_at").as("at"))
      .where("shop_id", "=", shopId)
      .executeTakeFirst();
    if (first?.at) {
      const all = monthsFrom(new Date(first.at as string), now, zone);
      await insertMonths(db, shopId, zone, now, all, new Set(tables));
    }
    return;
  }
  for (const month of months) {
    for (const table of tables) {
      await db.deleteFrom(table).where("shop_id", "=", shopId).where("month", "=", month).execute();
    }
    await insertMonths(db, shopId, zone, now, month, new Set(tables));
  }
}

/**
 * One month's rows (by a range of the indexed ordered_at, the month a constant) or those of a run of
 * months (each order's month found among their UTC bounds: a few comparisons, where converting every
 * timestamp to the shop's zone costs minutes at ten million orders).
 */
async function insertMonths(
  db: Db,
  shopId: number,
  zone: string,
  now: Date,
  months: string | { months: string[]; bounds: string[] },
  tables: Set<SalesMonthTable>,
) {
  let monthOf: RawBuilder<string>;
  let within = sql``;
  if (typeof months === "string") {
    const start = DateTime.fromISO(`${months}-01`, { zone });
    monthOf = sql<string>`cast(${months} as text)`;
    within = sql`and o.ordered_at >= ${toIso(start.toJSDate())} and o.ordered_at < ${toIso(start.plus({ months: 1 }).toJSDate())}`;
  } else {
    monthOf = bucketOf("o.ordered_at", months.bounds, months.months);
  }
  const q: MonthQuery = { db, shopId, zone, monthOf, within, counted: countedOrder("o", shopId, now) };
  for (const table of SALES_MONTH_TABLES) if (tables.has(table)) await MONTH_INSERTS[table](q).execute(db);
}

/** What every month statement needs: the month of `o`, its range and the counted orders' filter. */
interface MonthQuery {
  db: Db;
  shopId: number;
  zone: string;
  monthOf: RawBuilder<string>;
  within: RawBuilder<unknown>;
  counted: RawBuilder<unknown>;
}

/** The statement that fills each table for the months of `monthOf` (in the order the tables are listed). */
const MONTH_INSERTS: Record<SalesMonthTable, (q: MonthQuery) => RawBuilder<unknown>> = {
  product_sales_months: ({ shopId, monthOf, within, counted }) => sql`
    insert into product_sales_months (shop_id, month, product_id, units, revenue, orders)
    select ${shopId}, month, product_id, sum(quantity), sum(line_total), count(distinct order_id)
    from (
      select ${monthOf} as month, i.product_id, i.quantity, i.line_total, o.id as order_id
      from orders o join order_items i on i.order_id = o.id
      where ${counted} ${within} and i.product_id is not null
    ) lines
    group by month, product_id`,
  category_sales_months: ({ db, shopId, monthOf, within, counted }) => sql`
    insert into category_sales_months (shop_id, month, category, orders)
    select ${shopId}, month, category, count(distinct order_id)
    from (
      select ${monthOf} as month, coalesce(${topCategory(db, "p.category_path")}, '') as category,
        o.id as order_id
      from orders o join order_items i on i.order_id = o.id join products p on p.id = i.product_id
      where ${counted} ${within}
    ) lines
    group by month, category`,
  weekday_sales_months: ({ db, shopId, zone, monthOf, within, counted }) => sql`
    insert into weekday_sales_months (shop_id, month, weekday, orders, revenue)
    select ${shopId}, month, weekday, count(*), sum(total)
    from (
      select ${monthOf} as month, ${localWeekday(db, "o.ordered_at", zone)} as weekday, o.total
      from orders o
      where ${counted} ${within}
    ) counted
    group by month, weekday`,
  // By the buyers' metrics rows as they are now: the caller rebuilds every month of a customer whose
  // cohort or channel moved (see cohortMoves).
  cohort_sales_months: ({ shopId, monthOf, within, counted }) => sql`
    insert into cohort_sales_months (shop_id, month, cohort, channel, customers, orders, revenue)
    select ${shopId}, month, cohort, channel, count(distinct customer_id), count(*), sum(total)
    from (
      select ${monthOf} as month, m.first_order_month as cohort,
        coalesce(m.acquisition_channel, '') as channel, o.customer_id, o.total
      from orders o
      join customer_metrics m on m.shop_id = o.shop_id and m.customer_id = o.customer_id
      where ${counted} ${within} and m.first_order_month is not null
    ) counted
    group by month, cohort, channel`,
  // Each pair of lines once (the earlier line with a later one), so only the orders with more than one
  // line are joined to themselves; an order counts once for a pair however many lines repeat it. In
  // key order, so the primary key is appended to rather than inserted into at random (several times
  // faster at millions of pairs).
  product_pair_months: ({ shopId, monthOf, within, counted }) => sql`
    insert into product_pair_months (shop_id, month, product_a, product_b, orders)
    select ${shopId}, month, product_a, product_b, count(distinct order_id)
    from (
      select ${monthOf} as month, o.id as order_id,
        case when i.product_id < k.product_id then i.product_id else k.product_id end as product_a,
        case when i.product_id < k.product_id then k.product_id else i.product_id end as product_b
      from order_items k
      join order_items i on i.order_id = k.order_id and i.line_no < k.line_no
      join orders o on o.id = k.order_id
      where ${counted} ${within} and k.line_no > 1 and i.product_id <> k.product_id
    ) pairs
    group by month, product_a, product_b
    order by month, product_a, product_b`,
};

/** The cohort (first-order month) and acquisition channel of each of `ids` with a metrics row. */
export async function cohortKeys(db: Db, shopId: number, ids: number[]): Promise<Map<number, string>> {
  const rows = await db
    .selectFrom("customer_metrics")
    .select(["customer_id", "first_order_month", "acquisition_channel"])
    .where("shop_id", "=", shopId)
    .where(anyOf(db, "customer_id", ids))
    .execute();
  return new Map(
    rows.map((r) => [
      Number(r.customer_id),
      `${r.first_order_month ?? ""}\u0000${r.acquisition_channel ?? ""}`,
    ]),
  );
}

/** The local months in which these customers have orders. */
export async function monthsOfCustomers(
  db: Db,
  shopId: number,
  zone: string,
  ids: number[],
): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await sql<{ month: string }>`
    select distinct ${localMonth(db, "ordered_at", zone)} as month from orders
    where shop_id = ${shopId} and ${anyOf(db, "customer_id", ids)}`.execute(db);
  return rows.rows.map((r) => r.month);
}
