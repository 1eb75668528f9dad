// The per-customer metrics row (customer_metrics): order aggregates, RFM scores and groups. Segments and
// reports over a million customers read one narrow row per customer from it instead of aggregating ten
// million orders each time; the analytics job keeps it current.
//
// Two passes:
// - incremental: the customers whose orders changed since the last pass (orders.updated_at) are
//   re-aggregated and scored against the stored quintile boundaries — cheap, run every worker round;
// - daily: every customer re-aggregated, the boundaries recomputed and every score rewritten — recency
//   moves with the calendar, so this runs once a day.
// The tables kept with it follow the same passes: first_order_products (the products of each buyer's
// first order) with the customers, and the sales months (sales-months.ts) month by month: the daily
// pass rebuilds whole only the tables that follow more than orders, the rest keep their untouched
// months (a full rebuild, on demand, redoes them all).
import { type RawBuilder, sql } from "kysely";
import { toIso } from "../core/clock.js";
import {
  anyOf,
  type Db,
  fromJson,
  inTransaction,
  jsonParam,
  jsonTextOf,
  tidyAfterRewrite,
} from "../db/index.js";
import {
  cohortKeys,
  EVERY_DAY_TABLES,
  monthsOfCustomers,
  ORDER_ONLY_TABLES,
  rebuildSalesMonths,
  SALES_MONTH_TABLES,
} from "./sales-months.js";
import { localDate, localMonth, monthsFrom, plusDays } from "./sql.js";

export const RFM_GROUPS = [
  "champions",
  "loyal",
  "potential",
  "new",
  "needs_attention",
  "at_risk",
  "dormant",
] as const;
export type RfmGroup = (typeof RFM_GROUPS)[number];

/** Orders in these states are not purchases for analytics. */
export const NOT_PURCHASES = ["cancelled", "returned"] as const;

const STATE_KIND = "metrics";
/** The first year of a customer, for 12-month LTV: 365 days from the first order. */
export const YEAR_DAYS = 365;
const FULL_EVERY_MS = 24 * 3_600_000;

/** Quintile boundaries: a value above the k-th boundary scores at least k + 1. */
interface Boundaries {
  recency: string[];
  frequency: number[];
  monetary: number[];
}

interface MetricsState {
  /** orders.updated_at of the newest change already aggregated. */
  ordersUpdatedAt: string | null;
  fullAt: string | null;
  boundaries: Boundaries | null;
  /** The zone and cutoff the sales months were last built for by a daily or full pass. */
  sales?: { zone: string; asOf: string } | null;
}

export interface MetricsRefresh {
  mode: "full" | "incremental";
  /** Customers whose row was rewritten. */
  customers: number;
}

/**
 * Brings customer_metrics up to date for one shop as of `now`. Without options, the daily pass runs
 * when the last one is a day old, else only changed customers and months are redone; `daily` runs the
 * daily pass now; `full` rebuilds everything, the order-only sales months too (a report as of another
 * moment does; so does the first pass, and one after a change of the shop's time zone).
 */
export async function refreshCustomerMetrics(
  db: Db,
  shopId: number,
  options: {
    now: Date;
    full?: boolean;
    daily?: boolean;
    /** false: leave the daily rebuild to the worker (a request should not wait for it). */
    fullWhenDue?: boolean;
  },
): Promise<MetricsRefresh> {
  const state = await readState(db, shopId);
  const nowIso = toIso(options.now);
  const due =
    options.fullWhenDue !== false &&
    (!state.fullAt || options.now.getTime() - Date.parse(state.fullAt) >= FULL_EVERY_MS);
  const shop = await db
    .selectFrom("shops")
    .select("timezone")
    .where("id", "=", shopId)
    .executeTakeFirstOrThrow();
  // Changes are read up to a mark taken before aggregating, so an order written meanwhile is seen next time.
  const mark = await newestOrderChange(db, shopId);

  if (options.full || options.daily || due || !state.boundaries) {
    const zone = shop.timezone;
    const customers = await inTransaction(db, async (trx) => {
      await trx.deleteFrom("customer_metrics").where("shop_id", "=", shopId).execute();
      await trx.deleteFrom("first_order_products").where("shop_id", "=", shopId).execute();
      const n = await aggregate(trx, shopId, zone, nowIso, null);
      await firstOrderProducts(trx, shopId, null);
      const kept = options.full ? null : await monthsToRedo(trx, shopId, zone, state, mark, nowIso);
      if (kept === null) {
        await rebuildSalesMonths(trx, shopId, zone, options.now, null);
      } else {
        await rebuildSalesMonths(trx, shopId, zone, options.now, kept, ORDER_ONLY_TABLES);
        await rebuildSalesMonths(trx, shopId, zone, options.now, null, EVERY_DAY_TABLES);
      }
      const boundaries = await computeBoundaries(trx, shopId);
      await score(trx, shopId, boundaries, null);
      await forgetMoves(trx, shopId, mark);
      await writeState(
        trx,
        shopId,
        { ordersUpdatedAt: mark, fullAt: nowIso, boundaries, sales: { zone, asOf: nowIso } },
        nowIso,
      );
      return n;
    });
    // consents too: not rewritten here, but segment counts join it, and nothing else analyses it daily.
    await tidyAfterRewrite(
      db,
      ["customer_metrics", "first_order_products", "customers", "consents", ...SALES_MONTH_TABLES],
      { rows: customers },
    );
    return { mode: "full", customers };
  }

  if (mark === null || mark === state.ordersUpdatedAt) return { mode: "incremental", customers: 0 };
  const { customers: changed, months: changedMonths } = await changedOrders(
    db,
    shopId,
    shop.timezone,
    state.ordersUpdatedAt,
    mark,
  );
  let customers = 0;
  // Customers whose cohort or acquisition channel moved: every month they bought in is regrouped.
  const moved: number[] = [];
  for (let i = 0; i < changed.length; i += CHANGED_BATCH) {
    const ids = changed.slice(i, i + CHANGED_BATCH);
    customers += await inTransaction(db, async (trx) => {
      const before = await cohortKeys(trx, shopId, ids);
      await trx
        .deleteFrom("customer_metrics")
        .where("shop_id", "=", shopId)
        .where(anyOf(trx, "customer_id", ids))
        .execute();
      await trx
        .deleteFrom("first_order_products")
        .where("shop_id", "=", shopId)
        .where(anyOf(trx, "customer_id", ids))
        .execute();
      const n = await aggregate(trx, shopId, shop.timezone, nowIso, ids);
      await firstOrderProducts(trx, shopId, ids);
      await score(trx, shopId, state.boundaries!, ids);
      const after = await cohortKeys(trx, shopId, ids);
      for (const [id, key] of before) if (after.get(id) !== key) moved.push(id);
      return n;
    });
  }
  const months = [
    ...new Set([...changedMonths, ...(await monthsOfCustomers(db, shopId, shop.timezone, moved))]),
  ].sort();
  await inTransaction(db, async (trx) => {
    await rebuildSalesMonths(trx, shopId, shop.timezone, options.now, months);
    await forgetMoves(trx, shopId, mark);
    await writeState(trx, shopId, { ...state, ordersUpdatedAt: mark }, nowIso);
  });
  return { mode: "incremental", customers };
}

const CHANGED_BATCH = 5_000;

/**
 * The months of the order-only sales tables the daily pass must rebuild: those with orders written or
 * moved since the last pass, and those between the cutoff they were built for and `now` (orders placed
 * in between count now; a cutoff moved back uncounts them). Null when they must all be rebuilt: never
 * built, or built in another zone.
 */
async function monthsToRedo(
  db: Db,
  shopId: number,
  zone: string,
  state: MetricsState,
  mark: string | null,
  nowIso: string,
): Promise<string[] | null> {
  if (!state.sales || state.sales.zone !== zone || state.ordersUpdatedAt === null) return null;
  const changed =
    mark === null ? [] : (await changedOrders(db, shopId, zone, state.ordersUpdatedAt, mark)).months;
  const [from, to] = [state.sales.asOf, nowIso].sort();
  return [...new Set([...changed, ...monthsFrom(new Date(from!), new Date(to!), zone).months])].sort();
}

/** Moves up to `mark` are in the months just rebuilt. */
async function forgetMoves(db: Db, shopId: number, mark: string | null): Promise<void> {
  if (mark === null) return;
  await db.deleteFrom("order_moves").where("shop_id", "=", shopId).where("moved_at", "<=", mark).execute();
}

async function newestOrderChange(db: Db, shopId: number): Promise<string | null> {
  const row = await db
    .selectFrom("orders")
    .select((eb) => eb.fn.max("updated_at").as("at"))
    .where("shop_id", "=", shopId)
    .executeTakeFirst();
  return (row?.at as string | null | undefined) ?? null;
}

/**
 * The orders written after `since` (all when null) up to `until`: their customers, and the local months
 * they fall in (guest orders included: they are sales too) or left (order_moves). One pass over the
 * (shop, updated_at) index.
 */
async function changedOrders(
  db: Db,
  shopId: number,
  zone: string,
  since: string | null,
  until: string,
): Promise<{ customers: number[]; months: string[] }> {
  const after = since ? sql`and updated_at > ${since}` : sql``;
  const sinceMoved = since ? sql`and moved_at > ${since}` : sql``;
  const rows = await sql<{ customer_id: number | null; month: string }>`
    select distinct customer_id, ${localMonth(db, "ordered_at", zone)} as month from orders
    where shop_id = ${shopId} and updated_at <= ${until} ${after}
    union
    select null, ${localMonth(db, "ordered_at_before", zone)} from order_moves
    where shop_id = ${shopId} and moved_at <= ${until} ${sinceMoved}`.execute(db);
  const customers = new Set<number>();
  const months = new Set<string>();
  for (const r of rows.rows) {
    if (r.customer_id !== null) customers.add(Number(r.customer_id));
    months.add(r.month);
  }
  return { customers: [...customers].sort((a, b) => a - b), months: [...months] };
}

/**
 * Rewrites the aggregates of `ids` (or of every customer) from their orders, in one pass: a window
 * numbers each customer's orders so the first order's id and channel and the second order's time come
 * out of the same GROUP BY as the counts.
 */
async function aggregate(
  db: Db,
  shopId: number,
  zone: string,
  nowIso: string,
  ids: number[] | null,
): Promise<number> {
  const day = localDate(db, "ordered_at", zone);
  const only = ids ? sql`and ${anyOf(db, "customer_id", ids)}` : sql``;
  const acquisition = jsonTextOf(db, "c.attributes", "acquisition_channel");
  const notPurchases = sql.join(NOT_PURCHASES.map((s) => sql.lit(s)));
  const result = await sql`
    insert into customer_metrics (
      shop_id, customer_id, orders_count, revenue, first_order_id, first_order_at, second_order_at,
      last_order_at, purchase_days, first_order_channel, acquisition_channel, online_orders, store_orders,
      coupon_orders, first_order_month, first_order_total, revenue_first_year, refreshed_at)
    select ${shopId}, a.customer_id, a.orders_count, a.revenue, a.first_order_id, a.first_order_at,
      a.second_order_at, a.last_order_at, a.purchase_days, a.first_order_channel,
      coalesce(nullif(${acquisition}, ''), a.first_order_channel), a.online_orders, a.store_orders,
      a.coupon_orders, ${localMonth(db, "a.first_order_at", zone)}, a.first_order_total,
      a.revenue_first_year, ${nowIso}
    from (
      select customer_id,
        count(*) as orders_count,
        sum(total) as revenue,
        min(case when seq = 1 then id end) as first_order_id,
        min(case when seq = 1 then total end) as first_order_total,
        sum(case when ordered_at < ${plusDays(db, "first_at", YEAR_DAYS)} then total else 0 end)
          as revenue_first_year,
        min(ordered_at) as first_order_at,
        min(case when seq = 2 then ordered_at end) as second_order_at,
        max(ordered_at) as last_order_at,
        count(distinct day) as purchase_days,
        min(case when seq = 1 then channel end) as first_order_channel,
        sum(case when channel = 'online' then 1 else 0 end) as online_orders,
        sum(case when channel = 'store' then 1 else 0 end) as store_orders,
        sum(case when coupon_code is not null then 1 else 0 end) as coupon_orders
      from (
        select customer_id, id, ordered_at, total, channel, coupon_code, ${day} as day,
          row_number() over (partition by customer_id order by ordered_at, id) as seq,
          first_value(ordered_at) over (partition by customer_id order by ordered_at, id) as first_at
        from orders
        where shop_id = ${shopId} and customer_id is not null and status not in (${notPurchases})
          and ordered_at <= ${nowIso} ${only}
      ) numbered
      group by customer_id
    ) a
    join customers c on c.id = a.customer_id and c.shop_id = ${shopId}
  `.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

/**
 * The distinct products of the first order of `ids` (or of every buyer), from their fresh metrics rows.
 * A product on several lines is one row; of the products sharing a category (no category counts as
 * one), the one on the earliest line gets first_of_category = 1.
 */
async function firstOrderProducts(db: Db, shopId: number, ids: number[] | null): Promise<void> {
  const only = ids ? sql`and ${anyOf(db, "m.customer_id", ids)}` : sql``;
  await sql`
    insert into first_order_products (shop_id, customer_id, product_id, first_of_category)
    select ${shopId}, customer_id, product_id,
      case when row_number() over (partition by customer_id, category_path order by line_no) = 1
        then 1 else 0 end
    from (
      select m.customer_id, i.product_id, p.category_path, min(i.line_no) as line_no
      from customer_metrics m
      join order_items i on i.order_id = m.first_order_id
      join products p on p.id = i.product_id
      where m.shop_id = ${shopId} and i.product_id is not null ${only}
      group by m.customer_id, i.product_id, p.category_path
    ) lines`.execute(db);
}

/** The value at each fifth of the buyers, per dimension: 4 boundaries each. */
async function computeBoundaries(db: Db, shopId: number): Promise<Boundaries> {
  const row = await db
    .selectFrom("customer_metrics")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("shop_id", "=", shopId)
    .executeTakeFirstOrThrow();
  const n = Number(row.n);
  const at = async <T>(column: "last_order_at" | "orders_count" | "revenue"): Promise<T[]> => {
    const values: T[] = [];
    for (const k of [1, 2, 3, 4]) {
      const offset = Math.max(0, Math.ceil((n * k) / 5) - 1);
      const r = await db
        .selectFrom("customer_metrics")
        .select(column)
        .where("shop_id", "=", shopId)
        .orderBy(column)
        .limit(1)
        .offset(offset)
        .executeTakeFirst();
      if (r) values.push(r[column] as T);
    }
    return values;
  };
  return {
    recency: await at<string>("last_order_at"),
    frequency: (await at<number>("orders_count")).map(Number),
    monetary: (await at<number>("revenue")).map(Number),
  };
}

/** 1 + how many boundaries the value is above: ties at a boundary take the lower score. */
function scoreOf(column: string, boundaries: ReadonlyArray<string | number>): RawBuilder<number> {
  if (boundaries.length === 0) return sql<number>`3`;
  const above = boundaries.map((b) => sql`case when ${sql.ref(column)} > ${b} then 1 else 0 end`);
  return sql<number>`(1 + ${sql.join(above, sql` + `)})`;
}

async function score(db: Db, shopId: number, b: Boundaries, ids: number[] | null): Promise<void> {
  const r = scoreOf("last_order_at", b.recency);
  const f = scoreOf("orders_count", b.frequency);
  const m = scoreOf("revenue", b.monetary);
  // The named groups of the RFM report; the order of the cases decides overlaps.
  const group = sql<string>`case
    when ${r} >= 4 and ${f} >= 4 then 'champions'
    when ${r} >= 4 and orders_count = 1 then 'new'
    when ${r} >= 3 and ${f} >= 3 then 'loyal'
    when ${r} >= 4 then 'potential'
    when ${r} <= 2 and ${f} >= 3 then 'at_risk'
    when ${r} <= 2 then 'dormant'
    else 'needs_attention' end`;
  let q = db
    .updateTable("customer_metrics")
    .set({ recency_score: r, frequency_score: f, monetary_score: m, rfm_group: group })
    .where("shop_id", "=", shopId);
  if (ids) q = q.where(anyOf(db, "customer_id", ids));
  await q.execute();
}

async function readState(db: Db, shopId: number): Promise<MetricsState> {
  const row = await db
    .selectFrom("analytics_models")
    .select("params")
    .where("shop_id", "=", shopId)
    .where("kind", "=", STATE_KIND)
    .executeTakeFirst();
  return {
    ordersUpdatedAt: null,
    fullAt: null,
    boundaries: null,
    ...fromJson<Partial<MetricsState>>(row?.params),
  };
}

async function writeState(db: Db, shopId: number, state: MetricsState, nowIso: string): Promise<void> {
  const params = jsonParam(db, state);
  await db
    .insertInto("analytics_models")
    .values({ shop_id: shopId, kind: STATE_KIND, params, fitted_at: nowIso })
    .onConflict((oc) => oc.columns(["shop_id", "kind"]).doUpdateSet({ params, fitted_at: nowIso }))
    .execute();
}
