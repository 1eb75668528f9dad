// The product axis: what sells, when, with what, and which first purchases bring customers back.
// Over the last `months` months (in the shop's time zone, the month holding the report's moment last):
// sales by product (the top `top` by revenue) and by top-level category per month, orders and revenue
// by weekday, and pairs of products bought in the same order; over every first-time buyer: the
// products of first orders, with the share of their buyers who ordered again and what they spent after.
//
// Definitions: units and revenue are the order lines' quantities and line totals (before order-level
// discounts, shipping and tax); a product's orders are the orders with it on at least one line, a
// category's the orders with at least one of its products; the weekday table counts whole orders and
// their totals. Cancelled and returned orders are not sales.
//
// Sales, categories, weekdays and pairs are read from the months the analytics pass keeps
// (sales-months.ts), first products from first_order_products.
import { sql } from "kysely";
import { toIso } from "../core/clock.js";
import { ValidationError } from "../core/errors.js";
import type { Db } from "../db/index.js";
import type { Report, ReportColumn, ReportContext, ReportRow, ReportTable } from "./report.js";
import { asReport, lastMonths, type ProductNames, productNames, topCategory, unindexed } from "./sql.js";

export interface ProductOptions {
  /** Months covered, the current one included (default 12). */
  months?: number;
  /** Products kept in the product, pair and first-product tables (default 50). */
  top?: number;
}

const MAX_MONTHS = 120;
const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const NO_CATEGORY = "(none)";

interface Sales {
  units: number;
  orders: number;
  revenue: number;
}

export async function productReport(
  db: Db,
  ctx: ReportContext,
  options: ProductOptions = {},
): Promise<Report> {
  const months = options.months ?? 12;
  const top = options.top ?? 50;
  if (!Number.isInteger(months) || months < 1 || months > MAX_MONTHS) {
    throw ValidationError.field("months", `must be a whole number from 1 to ${MAX_MONTHS}`);
  }
  const window = lastMonths(ctx.timezone, ctx.asOf, months);
  const data = await asReport(db, async (q) => {
    const sales = await monthlySales(q, ctx, window.months, top);
    const topIds = topProducts(sales.products);
    return {
      sales,
      topIds,
      categoryOrders: await categoryOrders(q, ctx, window.months),
      names: await productNames(q, ctx.shopId, topIds),
      weekdays: await weekdaySales(q, ctx, window.months),
      pairs: await pairsOf(q, ctx, window.months, topIds, ordersOf(sales.products), top),
      firsts: await firstProducts(q, ctx, top),
    };
  });
  const firstNames = await productNames(
    db,
    ctx.shopId,
    data.firsts.map((f) => f.productId),
  );
  const orders = data.weekdays.reduce((n, w) => n + w.orders, 0);

  return {
    name: "products",
    title: "Products: sales, seasonality, baskets and first purchases",
    shopId: ctx.shopId,
    asOf: toIso(ctx.asOf),
    timezone: ctx.timezone,
    currency: ctx.currency,
    tables: {
      products: productsTable(data.sales, data.topIds, data.names, top),
      productMonths: productMonthsTable(data.sales.products, data.topIds, data.names, window.months),
      categoryMonths: categoryMonthsTable(data.sales.categories, data.categoryOrders, window.months),
      weekdays: weekdayTable(data.weekdays),
      pairs: pairsTable(data.pairs, data.names, orders, top),
      firstProducts: firstProductsTable(data.firsts, firstNames, top),
    },
    summary: {
      from: window.months[0],
      to: window.months[window.months.length - 1],
      months,
      orders,
      note:
        "Units and revenue are order lines (before order discounts, shipping and tax); a product's or " +
        "category's orders are the orders with at least one of its lines. Pairs are among the top " +
        `${top} products by revenue. First products: every product of a buyer's first order, over all ` +
        "first-time buyers up to the report's moment.",
    },
  };
}

// ---- Sales by product and month ------------------------------------------------------------------

interface ProductMonth extends Sales {
  productId: number;
  month: number;
}

interface CategoryMonth extends Sales {
  category: string;
  month: number;
}

interface MonthlySales {
  /** The top products' months. */
  products: ProductMonth[];
  categories: CategoryMonth[];
  /** Line revenue of every product over the window. */
  revenue: number;
}

/**
 * Units, revenue and orders per product and month (product_sales_months, kept by the analytics pass),
 * and from them: the top products' months, the categories' units and revenue per month (by each
 * product's category now), and the total. An order counts once for a product however many of its
 * lines hold it.
 */
async function monthlySales(
  db: Db,
  ctx: ReportContext,
  months: string[],
  top: number,
): Promise<MonthlySales> {
  const result = await sql<{
    kind: "product" | "category" | "total";
    product_id: number | null;
    category: string | null;
    month: string | null;
    units: number;
    revenue: number;
    orders: number;
  }>`
    with product_months as (
      select product_id, month, units, revenue, orders from product_sales_months
      where shop_id = ${ctx.shopId} and month in (${sql.join(months)})
    ),
    top_products as (
      select product_id from product_months group by product_id
      order by sum(revenue) desc, product_id limit ${sql.lit(top)}
    )
    select 'product' as kind, product_id, null as category, month, units, revenue, orders
    from product_months where product_id in (select product_id from top_products)
    union all
    select 'category', null, ${topCategory(db, "p.category_path")}, m.month, sum(m.units), sum(m.revenue), 0
    from product_months m join products p on p.id = m.product_id
    group by 3, 4
    union all
    select 'total', null, null, null, sum(units), sum(revenue), 0 from product_months`.execute(db);
  const monthIndex = new Map(months.map((m, index) => [m, index]));
  const out: MonthlySales = { products: [], categories: [], revenue: 0 };
  for (const r of result.rows) {
    const s = { units: Number(r.units ?? 0), revenue: Number(r.revenue ?? 0), orders: Number(r.orders ?? 0) };
    if (r.kind === "product")
      out.products.push({ productId: Number(r.product_id), month: monthIndex.get(r.month!)!, ...s });
    else if (r.kind === "category")
      out.categories.push({ category: r.category ?? NO_CATEGORY, month: monthIndex.get(r.month!)!, ...s });
    else out.revenue = s.revenue;
  }
  return out;
}

/** Orders per top-level category and month: an order once however many of its lines are in it. */
async function categoryOrders(db: Db, ctx: ReportContext, months: string[]): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom("category_sales_months")
    .select(["category", "month", "orders"])
    .where("shop_id", "=", ctx.shopId)
    .where("month", "in", months)
    .execute();
  return new Map(
    rows.map((r) => [`${r.category || NO_CATEGORY}\u0000${months.indexOf(r.month)}`, Number(r.orders)]),
  );
}

/** The top products' ids, by revenue over the window (ties by id, as the SQL ranked them). */
function topProducts(sales: ProductMonth[]): number[] {
  const revenue = new Map<number, number>();
  for (const s of sales) revenue.set(s.productId, (revenue.get(s.productId) ?? 0) + s.revenue);
  return [...revenue].sort(([a, x], [b, y]) => y - x || a - b).map(([id]) => id);
}

/** Orders per product over the window: an order falls in one month, so the months add up. */
function ordersOf(sales: ProductMonth[]): Map<number, number> {
  const orders = new Map<number, number>();
  for (const s of sales) orders.set(s.productId, (orders.get(s.productId) ?? 0) + s.orders);
  return orders;
}

const salesColumns: ReportColumn[] = [
  { key: "units", label: "Units", kind: "integer" },
  { key: "orders", label: "Orders", kind: "integer" },
  { key: "revenue", label: "Revenue (lines)", kind: "money" },
];

function productsTable(sales: MonthlySales, ids: number[], names: ProductNames, top: number): ReportTable {
  const totals = new Map<number, Sales>(ids.map((id) => [id, { units: 0, orders: 0, revenue: 0 }]));
  for (const s of sales.products) {
    const t = totals.get(s.productId)!;
    t.units += s.units;
    t.orders += s.orders;
    t.revenue += s.revenue;
  }
  return {
    title: `Top ${top} products by revenue`,
    columns: [
      { key: "sku", label: "SKU", kind: "text" },
      { key: "name", label: "Product", kind: "text" },
      { key: "category", label: "Category", kind: "text" },
      ...salesColumns,
      { key: "share", label: "Share of revenue", kind: "ratio" },
    ],
    rows: ids.map((id) => {
      const t = totals.get(id)!;
      return {
        ...nameRow(id, names),
        category: names.get(id)?.category ?? null,
        ...t,
        share: sales.revenue > 0 ? t.revenue / sales.revenue : 0,
      };
    }),
    chart: { type: "bar", x: "sku", y: ["revenue"] },
  };
}

const nameRow = (id: number, names: ProductNames) => ({
  sku: names.get(id)?.sku ?? String(id),
  name: names.get(id)?.name ?? null,
});

function productMonthsTable(
  sales: ProductMonth[],
  ids: number[],
  names: ProductNames,
  months: string[],
): ReportTable {
  const cells = new Map(sales.map((s) => [`${s.productId}:${s.month}`, s]));
  const rows: ReportRow[] = [];
  for (const id of ids) {
    months.forEach((month, m) => {
      const s = cells.get(`${id}:${m}`);
      rows.push({
        ...nameRow(id, names),
        month,
        units: s?.units ?? 0,
        orders: s?.orders ?? 0,
        revenue: s?.revenue ?? 0,
      });
    });
  }
  return {
    title: "Top products by month",
    columns: [
      { key: "sku", label: "SKU", kind: "text" },
      { key: "name", label: "Product", kind: "text" },
      { key: "month", label: "Month", kind: "month" },
      ...salesColumns,
    ],
    rows,
    chart: { type: "line", x: "month", y: ["revenue"], series: "sku" },
  };
}

function categoryMonthsTable(
  sales: CategoryMonth[],
  orders: Map<string, number>,
  months: string[],
): ReportTable {
  const cells = new Map(sales.map((s) => [`${s.category}\u0000${s.month}`, s]));
  const categories = [...new Set(sales.map((s) => s.category))].sort();
  return {
    title: "Top-level categories by month",
    columns: [
      { key: "category", label: "Category", kind: "text" },
      { key: "month", label: "Month", kind: "month" },
      ...salesColumns,
    ],
    rows: categories.flatMap((category) =>
      months.map((month, m) => {
        const key = `${category}\u0000${m}`;
        const s = cells.get(key);
        return {
          category,
          month,
          units: s?.units ?? 0,
          orders: orders.get(key) ?? 0,
          revenue: s?.revenue ?? 0,
        };
      }),
    ),
    chart: { type: "stacked-bar", x: "month", y: ["revenue"], series: "category" },
  };
}

// ---- Weekdays -------------------------------------------------------------------------------------

interface WeekdaySales {
  weekday: number;
  orders: number;
  revenue: number;
}

/** Orders and order totals per weekday in the shop's zone, over the window. */
async function weekdaySales(db: Db, ctx: ReportContext, months: string[]): Promise<WeekdaySales[]> {
  const rows = await db
    .selectFrom("weekday_sales_months")
    .select(["weekday", sql<number>`sum(orders)`.as("orders"), sql<number>`sum(revenue)`.as("revenue")])
    .where("shop_id", "=", ctx.shopId)
    .where("month", "in", months)
    .groupBy("weekday")
    .execute();
  const byDay = new Map(rows.map((r) => [Number(r.weekday), r]));
  return WEEKDAYS.map((_, weekday) => ({
    weekday,
    orders: Number(byDay.get(weekday)?.orders ?? 0),
    revenue: Number(byDay.get(weekday)?.revenue ?? 0),
  }));
}

function weekdayTable(days: WeekdaySales[]): ReportTable {
  const orders = days.reduce((n, d) => n + d.orders, 0);
  return {
    title: "Orders by weekday",
    columns: [
      { key: "weekday", label: "Weekday", kind: "text" },
      { key: "orders", label: "Orders", kind: "integer" },
      { key: "share", label: "Share of orders", kind: "ratio" },
      { key: "revenue", label: "Revenue (order totals)", kind: "money" },
      { key: "average_order", label: "Average order", kind: "money" },
    ],
    rows: days.map((d) => ({
      weekday: WEEKDAYS[d.weekday],
      orders: d.orders,
      share: orders > 0 ? d.orders / orders : 0,
      revenue: d.revenue,
      average_order: d.orders > 0 ? Math.round(d.revenue / d.orders) : null,
    })),
    chart: { type: "bar", x: "weekday", y: ["orders"] },
  };
}

// ---- Products bought together ---------------------------------------------------------------------

interface Pair {
  a: number;
  b: number;
  together: number;
  ordersA: number;
  ordersB: number;
}

/**
 * Pairs of the top products bought in the same order in the window's months, by orders with both
 * (product_pair_months, kept by the analytics pass); orders with each come from the monthly sales (for
 * confidence and lift).
 */
async function pairsOf(
  db: Db,
  ctx: ReportContext,
  months: string[],
  ids: number[],
  orders: Map<number, number>,
  top: number,
): Promise<Pair[]> {
  if (ids.length < 2) return [];
  const rows = await db
    .selectFrom("product_pair_months")
    .select(["product_a as a", "product_b as b", (eb) => eb.fn.sum<number>("orders").as("together")])
    .where("shop_id", "=", ctx.shopId)
    .where("month", ">=", months[0]!)
    .where("month", "<=", months[months.length - 1]!)
    .where("product_a", "in", ids)
    .where("product_b", "in", ids)
    .groupBy(["product_a", "product_b"])
    .orderBy("together", "desc")
    .orderBy("product_a")
    .orderBy("product_b")
    .limit(top)
    .execute();
  return rows.map((r) => ({
    a: Number(r.a),
    b: Number(r.b),
    together: Number(r.together),
    ordersA: orders.get(Number(r.a)) ?? 0,
    ordersB: orders.get(Number(r.b)) ?? 0,
  }));
}

function pairsTable(pairs: Pair[], names: ProductNames, orders: number, top: number): ReportTable {
  return {
    title: `Products bought together (top ${top} pairs among the top products)`,
    columns: [
      { key: "sku_a", label: "SKU A", kind: "text" },
      { key: "name_a", label: "Product A", kind: "text" },
      { key: "sku_b", label: "SKU B", kind: "text" },
      { key: "name_b", label: "Product B", kind: "text" },
      { key: "orders", label: "Orders with both", kind: "integer" },
      { key: "support", label: "Support (share of orders)", kind: "ratio" },
      { key: "confidence_ab", label: "Confidence A → B", kind: "ratio" },
      { key: "confidence_ba", label: "Confidence B → A", kind: "ratio" },
      { key: "lift", label: "Lift", kind: "number" },
    ],
    rows: pairs.map((p) => ({
      sku_a: names.get(p.a)?.sku ?? String(p.a),
      name_a: names.get(p.a)?.name ?? null,
      sku_b: names.get(p.b)?.sku ?? String(p.b),
      name_b: names.get(p.b)?.name ?? null,
      orders: p.together,
      support: orders > 0 ? p.together / orders : 0,
      confidence_ab: p.ordersA > 0 ? p.together / p.ordersA : 0,
      confidence_ba: p.ordersB > 0 ? p.together / p.ordersB : 0,
      lift: p.ordersA > 0 && p.ordersB > 0 ? (p.together * orders) / (p.ordersA * p.ordersB) : null,
    })),
    chart: { type: "bar", x: "sku_a", y: ["lift"], series: "sku_b" },
  };
}

// ---- First products -------------------------------------------------------------------------------

interface FirstProduct {
  productId: number;
  buyers: number;
  repeaters: number;
  laterRevenue: number;
}

/**
 * Per product of first orders: buyers, those with a second order by asOf, and what they spent after
 * the first order (revenue to date less the first order's total). Each buyer once per product.
 */
async function firstProducts(db: Db, ctx: ReportContext, top: number): Promise<FirstProduct[]> {
  const asOf = toIso(ctx.asOf);
  const rows = await db
    .selectFrom("customer_metrics as m")
    .innerJoin("first_order_products as f", (j) =>
      j.onRef("f.shop_id", "=", "m.shop_id").onRef("f.customer_id", "=", "m.customer_id"),
    )
    .select([
      "f.product_id",
      sql<number>`count(*)`.as("buyers"),
      sql<number>`sum(case when m.second_order_at <= ${asOf} then 1 else 0 end)`.as("repeaters"),
      sql<number>`sum(m.revenue - coalesce(m.first_order_total, 0))`.as("later_revenue"),
    ])
    .where("m.shop_id", "=", ctx.shopId)
    .where(unindexed(db, "m.first_order_at"), "<=", asOf)
    .groupBy("f.product_id")
    .orderBy("buyers", "desc")
    .orderBy("f.product_id")
    .limit(top)
    .execute();
  return rows.map((r) => ({
    productId: Number(r.product_id),
    buyers: Number(r.buyers),
    repeaters: Number(r.repeaters),
    laterRevenue: Number(r.later_revenue),
  }));
}

function firstProductsTable(firsts: FirstProduct[], names: ProductNames, top: number): ReportTable {
  return {
    title: `Products in first orders and the buyers they bring back (top ${top} by buyers)`,
    columns: [
      { key: "sku", label: "SKU", kind: "text" },
      { key: "name", label: "Product", kind: "text" },
      { key: "buyers", label: "First-time buyers", kind: "integer" },
      { key: "repeat_buyers", label: "Ordered again", kind: "integer" },
      { key: "repeat_share", label: "Share who ordered again", kind: "ratio" },
      { key: "later_revenue_per_buyer", label: "Later revenue per buyer", kind: "money" },
    ],
    rows: firsts.map((f) => ({
      ...nameRow(f.productId, names),
      buyers: f.buyers,
      repeat_buyers: f.repeaters,
      repeat_share: f.buyers > 0 ? f.repeaters / f.buyers : 0,
      later_revenue_per_buyer: f.buyers > 0 ? Math.round(f.laterRevenue / f.buyers) : null,
    })),
    chart: { type: "bar", x: "sku", y: ["repeat_share"] },
  };
}
