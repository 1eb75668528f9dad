// Cohorts: customers grouped by the month of their first order (in the shop's time zone), and how many
// of each cohort ordered in each month after it, with what they spent. Retention in month k is the
// share of the cohort with an order in the k-th calendar month after their first (month 0 is the first
// order's own month, so it is 100 %). The cohort of a customer comes from customer_metrics, so only
// the orders of customers who started in the window are read, never the whole order history.
import { sql } from "kysely";
import { toIso } from "../core/clock.js";
import { ValidationError } from "../core/errors.js";
import type { Db } from "../db/index.js";
import type { Report, ReportColumn, ReportContext, ReportRow, ReportTable } from "./report.js";
import { asReport, bucketOf, countedOrder, lastMonths, monthsBetween, unindexed } from "./sql.js";

export interface CohortOptions {
  /** Months after the first that are followed (default 12); the window holds that many cohorts plus one. */
  months?: number;
}

const MAX_MONTHS = 120;

interface CohortCell {
  customers: number;
  orders: number;
  revenue: number;
}

export async function cohortReport(db: Db, ctx: ReportContext, options: CohortOptions = {}): Promise<Report> {
  const months = options.months ?? 12;
  if (!Number.isInteger(months) || months < 1 || months > MAX_MONTHS) {
    throw ValidationError.field("months", `must be a whole number from 1 to ${MAX_MONTHS}`);
  }
  // The oldest cohort is followed for `months` months, up to the month holding asOf.
  const window = lastMonths(ctx.timezone, ctx.asOf, months + 1);
  const [sizes, cells] = await asReport(db, async (q) => [
    await cohortSizes(q, ctx, window.bounds),
    await cohortMonths(q, ctx, window.bounds),
  ]);
  const current = window.months[window.months.length - 1];
  const offsets = Array.from({ length: months + 1 }, (_, k) => k);

  const table = (
    title: string,
    kind: "ratio" | "integer" | "money",
    value: (cell: CohortCell, size: number) => number,
  ): ReportTable => {
    const columns: ReportColumn[] = [
      { key: "cohort", label: "First order", kind: "month" },
      { key: "customers", label: "Customers", kind: "integer" },
      ...offsets.map((k): ReportColumn => ({ key: `m${k}`, label: `M${k}`, kind })),
    ];
    const rows = window.months.map((cohort, index): ReportRow => {
      const size = sizes.get(index) ?? 0;
      const row: ReportRow = { cohort, customers: size };
      for (const k of offsets) {
        // Months not reached yet are empty, not zero.
        const reached = monthsBetween(cohort, current) >= k;
        const cell = cells.get(`${index}+${k}`) ?? { customers: 0, orders: 0, revenue: 0 };
        row[`m${k}`] = reached && size > 0 ? value(cell, size) : null;
      }
      return row;
    });
    return { title, columns, rows, chart: { type: "heatmap", x: "cohort", y: offsets.map((k) => `m${k}`) } };
  };

  const customers = [...sizes.values()].reduce((a, b) => a + b, 0);
  return {
    name: "cohorts",
    title: "Cohorts by first-order month",
    shopId: ctx.shopId,
    asOf: toIso(ctx.asOf),
    timezone: ctx.timezone,
    currency: ctx.currency,
    tables: {
      retention: table("Share of the cohort ordering in month k after the first", "ratio", (c, size) =>
        ratio(c.customers, size),
      ),
      active: table(
        "Customers of the cohort ordering in month k after the first",
        "integer",
        (c) => c.customers,
      ),
      revenue: table("Revenue of the cohort in month k after the first", "money", (c) => c.revenue),
      revenuePerCustomer: table(
        "Revenue per cohort customer in month k after the first",
        "money",
        (c, size) => Math.round(c.revenue / size),
      ),
    },
    summary: {
      from: window.months[0],
      to: current,
      months,
      customers,
      note:
        "Month k is the k-th calendar month after the first order's month, in the shop's time zone; " +
        `the current month (${current}) is partial and later months are empty.`,
    },
  };
}

const ratio = (part: number, whole: number) => (whole > 0 ? part / whole : 0);

/** Customers per cohort (index into the window's months): first orders in the window, one index range. */
async function cohortSizes(db: Db, ctx: ReportContext, bounds: string[]): Promise<Map<number, number>> {
  const rows = await db
    .selectFrom("customer_metrics as m")
    .select([bucketOf("m.first_order_at", bounds).as("cohort"), sql<number>`count(*)`.as("customers")])
    .where("m.shop_id", "=", ctx.shopId)
    .where("m.first_order_at", ">=", bounds[0])
    .where("m.first_order_at", "<=", toIso(ctx.asOf))
    .groupBy(sql`1`)
    .execute();
  return new Map(rows.map((r) => [Number(r.cohort), Number(r.customers)]));
}

/**
 * Customers, orders and revenue per cohort and order month (indexes into the window's months). Driven
 * from the cohort's metrics rows along the customer ids (the primary key), not by first-order time: the
 * orders index is in customer order too, so on SQLite both are read front to back, one index range of
 * orders per customer.
 */
async function cohortMonths(db: Db, ctx: ReportContext, bounds: string[]): Promise<Map<string, CohortCell>> {
  const rows = await db
    .selectFrom("customer_metrics as m")
    .crossJoin("orders as o")
    .select([
      bucketOf("m.first_order_at", bounds).as("cohort"),
      bucketOf("o.ordered_at", bounds).as("month"),
      sql<number>`count(distinct o.customer_id)`.as("customers"),
      sql<number>`count(*)`.as("orders"),
      sql<number>`sum(o.total)`.as("revenue"),
    ])
    .where("m.shop_id", "=", ctx.shopId)
    .where("m.customer_id", ">", 0)
    .where(unindexed(db, "m.first_order_at"), ">=", bounds[0])
    .where(unindexed(db, "m.first_order_at"), "<=", toIso(ctx.asOf))
    .whereRef("o.customer_id", "=", "m.customer_id")
    .where("o.ordered_at", ">=", bounds[0])
    .where(countedOrder("o", ctx.shopId, ctx.asOf))
    .groupBy([sql`1`, sql`2`])
    .execute();
  return new Map(
    rows.map((r) => [
      `${r.cohort}+${Number(r.month) - Number(r.cohort)}`,
      { customers: Number(r.customers), orders: Number(r.orders), revenue: Number(r.revenue) },
    ]),
  );
}
