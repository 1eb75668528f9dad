// Customer lifetime value: what buyers spent in the 12 months (365 days) from their first order, and
// everything they spent up to the report's moment, averaged per buyer by first-order month, by product
// in the first order, and by acquisition and first-order channel. The 12-month figure only counts buyers
// whose first order is at least 365 days old, so it is never a part-year; how many qualified is shown.
//
// Revenue to date is customer_metrics.revenue (kept up to the report's moment); the 12-month revenue is
// read from the qualified buyers' orders in their first year, one index range per buyer, in a single
// statement that every table of the report is grouped from.
import { sql } from "kysely";
import { toIso } from "../core/clock.js";
import type { Db } from "../db/index.js";
import { YEAR_DAYS } from "./metrics.js";
import type { Report, ReportColumn, ReportContext, ReportRow, ReportTable } from "./report.js";
import { asReport, productNames, unindexed } from "./sql.js";

export interface LtvOptions {
  /** Rows in the first-product table, by buyers (default 50). */
  top?: number;
}

interface Totals {
  customers: number;
  qualified: number;
  revenue12: number;
  revenueToDate: number;
}

const emptyTotals = (): Totals => ({ customers: 0, qualified: 0, revenue12: 0, revenueToDate: 0 });

function add(into: Totals, from: Totals): void {
  into.customers += from.customers;
  into.qualified += from.qualified;
  into.revenue12 += from.revenue12;
  into.revenueToDate += from.revenueToDate;
}

function tally<K>(map: Map<K, Totals>, key: K, totals: Totals): void {
  if (!map.has(key)) map.set(key, emptyTotals());
  add(map.get(key)!, totals);
}

export async function ltvReport(db: Db, ctx: ReportContext, options: LtvOptions = {}): Promise<Report> {
  const top = options.top ?? 50;
  const rows = await asReport(db, (q) => ltvRows(q, ctx, top));
  const byCohort = new Map<string, Totals>();
  const byAcquisition = new Map<string, Totals>();
  const byFirstChannel = new Map<string, Totals>();
  const products: Array<{ productId: number; totals: Totals }> = [];
  const all = emptyTotals();
  for (const r of rows) {
    const totals: Totals = {
      customers: Number(r.customers),
      qualified: Number(r.qualified),
      revenue12: Number(r.revenue_12m),
      revenueToDate: Number(r.revenue_to_date),
    };
    if (r.product_id !== null) {
      products.push({ productId: Number(r.product_id), totals });
      continue;
    }
    tally(byCohort, r.month ?? "", totals);
    tally(byAcquisition, r.acquisition ?? "(unknown)", totals);
    tally(byFirstChannel, r.first_channel ?? "(unknown)", totals);
    add(all, totals);
  }
  products.sort((a, b) => b.totals.customers - a.totals.customers || a.productId - b.productId);
  const names = await productNames(
    db,
    ctx.shopId,
    products.map((p) => p.productId),
  );
  const sortedByCustomers = (map: Map<string, Totals>) =>
    [...map].sort(([, a], [, b]) => b.customers - a.customers);

  return {
    name: "ltv",
    title: "Customer lifetime value: 12 months from the first order, and to date",
    shopId: ctx.shopId,
    asOf: toIso(ctx.asOf),
    timezone: ctx.timezone,
    currency: ctx.currency,
    tables: {
      byCohort: ltvTable(
        "LTV by first-order month",
        [{ key: "cohort", label: "First order", kind: "month" }],
        [...byCohort]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([cohort, t]) => ({ row: { cohort }, totals: t })),
        "line",
      ),
      byFirstProduct: ltvTable(
        `LTV by product in the first order (top ${top} by buyers)`,
        [
          { key: "sku", label: "SKU", kind: "text" },
          { key: "name", label: "Product", kind: "text" },
        ],
        products.map((p) => ({
          row: {
            sku: names.get(p.productId)?.sku ?? String(p.productId),
            name: names.get(p.productId)?.name ?? null,
          },
          totals: p.totals,
        })),
        "bar",
      ),
      byAcquisitionChannel: ltvTable(
        "LTV by acquisition channel",
        [{ key: "channel", label: "Acquisition channel", kind: "text" }],
        sortedByCustomers(byAcquisition).map(([channel, t]) => ({ row: { channel }, totals: t })),
        "bar",
      ),
      byFirstOrderChannel: ltvTable(
        "LTV by channel of the first order",
        [{ key: "channel", label: "First order channel", kind: "text" }],
        sortedByCustomers(byFirstChannel).map(([channel, t]) => ({ row: { channel }, totals: t })),
        "bar",
      ),
    },
    summary: {
      customers: all.customers,
      qualified_for_12_months: all.qualified,
      ltv_12m: all.qualified > 0 ? Math.round(all.revenue12 / all.qualified) : null,
      ltv_to_date: all.customers > 0 ? Math.round(all.revenueToDate / all.customers) : null,
      note:
        `12-month LTV: revenue in the ${YEAR_DAYS} days from the first order, per buyer whose first order ` +
        `is at least ${YEAR_DAYS} days before the report's moment (the "qualified" column); LTV to date: ` +
        "all revenue up to the report's moment per buyer. Orders cancelled or returned are not revenue. " +
        "A product counts each buyer with it in the first order once.",
    },
  };
}

function ltvTable(
  title: string,
  keys: ReportColumn[],
  groups: Array<{ row: ReportRow; totals: Totals }>,
  chart: "line" | "bar",
): ReportTable {
  return {
    title,
    columns: [
      ...keys,
      { key: "customers", label: "Buyers", kind: "integer" },
      { key: "qualified", label: `Buyers ≥ ${YEAR_DAYS} days since first order`, kind: "integer" },
      { key: "ltv_12m", label: "12-month LTV (qualified buyers)", kind: "money" },
      { key: "ltv_to_date", label: "LTV to date", kind: "money" },
      { key: "revenue_to_date", label: "Revenue to date", kind: "money" },
    ],
    rows: groups.map(({ row, totals: t }) => ({
      ...row,
      customers: t.customers,
      qualified: t.qualified,
      ltv_12m: t.qualified > 0 ? Math.round(t.revenue12 / t.qualified) : null,
      ltv_to_date: t.customers > 0 ? Math.round(t.revenueToDate / t.customers) : null,
      revenue_to_date: t.revenueToDate,
    })),
    chart: { type: chart, x: keys[0].key, y: ["ltv_12m", "ltv_to_date"] },
  };
}

interface LtvRow {
  product_id: number | null;
  month: string | null;
  acquisition: string | null;
  first_channel: string | null;
  customers: number;
  qualified: number;
  revenue_12m: number;
  revenue_to_date: number;
}

/**
 * One statement over the metrics rows (each buyer's first-year revenue and cohort are kept there),
 * grouped twice — by first-order month and channels (rows with no product), and by product of the
 * first order (first_order_products: each product of the order once), top `top` by buyers.
 */
async function ltvRows(db: Db, ctx: ReportContext, top: number): Promise<LtvRow[]> {
  const asOf = toIso(ctx.asOf);
  const cutoff = toIso(new Date(ctx.asOf.getTime() - YEAR_DAYS * 86_400_000));
  const perBuyer = sql`
    select m.customer_id, m.revenue, m.first_order_month as month,
      m.acquisition_channel as acquisition, m.first_order_channel as first_channel,
      case when m.first_order_at <= ${cutoff} then 1 else 0 end as qualified,
      coalesce(m.revenue_first_year, 0) as revenue_12m
    from customer_metrics m
    where m.shop_id = ${ctx.shopId} and ${unindexed(db, "m.first_order_at")} <= ${asOf}`;
  const result = await sql<LtvRow>`
    with buyers as materialized (${perBuyer})
    select null as product_id, month, acquisition, first_channel, count(*) as customers,
      sum(qualified) as qualified, sum(qualified * revenue_12m) as revenue_12m, sum(revenue) as revenue_to_date
    from buyers
    group by month, acquisition, first_channel
    union all
    select * from (
      select f.product_id, null as month, null as acquisition, null as first_channel, count(*) as customers,
        sum(b.qualified) as qualified, sum(b.qualified * b.revenue_12m) as revenue_12m,
        sum(b.revenue) as revenue_to_date
      from buyers b
      join first_order_products f on f.shop_id = ${ctx.shopId} and f.customer_id = b.customer_id
      group by f.product_id
      order by count(*) desc, f.product_id
      limit ${sql.lit(top)}
    ) first_products`.execute(db);
  return result.rows;
}
