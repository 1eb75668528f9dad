// F2 conversion: the share of first-time buyers who come back for a second order within 30, 60, 90, 180
// and 365 days, by first-order month, acquisition channel, first product and first category, and how
// long the second order took. Read from customer_metrics (each buyer's first and second order), so a
// million buyers cost a pass over that narrow table plus one over their first orders' items.
//
// Definitions: days to the second order are whole days elapsed (24-hour periods) between the first and
// the second order; "again within N days" is at most N of them. Only buyers whose first order lies at
// least N days before the report's moment count towards the N-day rate: the others have not had N days
// to come back yet. A product (category) counts every buyer with it in the first order, once.
import { sql } from "kysely";
import { toIso } from "../core/clock.js";
import type { Db } from "../db/index.js";
import type { Report, ReportColumn, ReportContext, ReportRow, ReportTable } from "./report.js";
import { asReport, epochDays, productNames, unindexed } from "./sql.js";

export const F2_WINDOWS = [30, 60, 90, 180, 365] as const;

/** Whole days from the first order to the second: each bucket is [from, to], both included. */
export const DAYS_TO_SECOND_BUCKETS = [
  { from: 0, to: 7 },
  { from: 8, to: 14 },
  { from: 15, to: 30 },
  { from: 31, to: 60 },
  { from: 61, to: 90 },
  { from: 91, to: 180 },
  { from: 181, to: 365 },
  { from: 366, to: null },
] as const;
/** The bucket of buyers without a second order. */
const NO_SECOND = DAYS_TO_SECOND_BUCKETS.length;

export interface F2Options {
  /** Rows in the product and category tables, by first-time buyers (default 50). */
  top?: number;
}

/** First-time buyers, and per window those old enough to count and those back within it. */
interface Counts {
  buyers: number;
  eligible: number[];
  repeated: number[];
}

const emptyCounts = (): Counts => ({
  buyers: 0,
  eligible: F2_WINDOWS.map(() => 0),
  repeated: F2_WINDOWS.map(() => 0),
});

function add(into: Counts, from: Counts): void {
  into.buyers += from.buyers;
  F2_WINDOWS.forEach((_, i) => {
    into.eligible[i] += from.eligible[i];
    into.repeated[i] += from.repeated[i];
  });
}

function tally<K>(map: Map<K, Counts>, key: K, counts: Counts): void {
  if (!map.has(key)) map.set(key, emptyCounts());
  add(map.get(key)!, counts);
}

export async function f2Report(db: Db, ctx: ReportContext, options: F2Options = {}): Promise<Report> {
  const top = options.top ?? 50;
  const byMonth = new Map<string, Counts>();
  const byChannel = new Map<string, Counts>();
  const all = emptyCounts();
  const days = DAYS_TO_SECOND_BUCKETS.map(() => 0);
  const products = new Map<number, Counts>();
  const categories = new Map<string, Counts>();
  for (const r of await asReport(db, (q) => f2Rows(q, ctx))) {
    const buyers = Number(r.buyers);
    if (r.product_id === null) {
      const bucket = Number(r.bucket);
      const counts = countsOfClass(Number(r.level), bucket, buyers);
      tally(byMonth, r.month ?? "", counts);
      tally(byChannel, r.channel ?? "(unknown)", counts);
      add(all, counts);
      if (bucket < NO_SECOND) days[bucket] += buyers;
      continue;
    }
    const counts: Counts = {
      buyers,
      eligible: F2_WINDOWS.map((_, w) => Number(r[`e${w}`] ?? 0)),
      repeated: F2_WINDOWS.map((_, w) => Number(r[`r${w}`] ?? 0)),
    };
    tally(products, Number(r.product_id), counts);
    if (Number(r.first_of_category) === 1) tally(categories, r.category_path ?? "(none)", counts);
  }
  const repeaters = days.reduce((a, b) => a + b, 0);
  const topProducts = byBuyers(products).slice(0, top);
  const names = await productNames(
    db,
    ctx.shopId,
    topProducts.map(([id]) => id),
  );

  return {
    name: "f2",
    title: "F2 conversion: first-time buyers who order again",
    shopId: ctx.shopId,
    asOf: toIso(ctx.asOf),
    timezone: ctx.timezone,
    currency: ctx.currency,
    tables: {
      windows: windowsTable(all),
      byMonth: countsTable(
        "F2 rate by first-order month",
        { key: "month", label: "First order", kind: "month" },
        [...byMonth]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([month, counts]) => ({ row: { month }, counts })),
        "line",
      ),
      byChannel: countsTable(
        "F2 rate by acquisition channel",
        { key: "channel", label: "Acquisition channel", kind: "text" },
        byBuyers(byChannel).map(([channel, counts]) => ({ row: { channel }, counts })),
        "bar",
      ),
      byProduct: countsTable(
        `F2 rate by product in the first order (top ${top} by first-time buyers)`,
        { key: "sku", label: "SKU", kind: "text" },
        topProducts.map(([id, counts]) => ({
          row: { sku: names.get(id)?.sku ?? String(id), name: names.get(id)?.name ?? null },
          counts,
        })),
        "bar",
        [{ key: "name", label: "Product", kind: "text" }],
      ),
      byCategory: countsTable(
        `F2 rate by category in the first order (top ${top} by first-time buyers)`,
        { key: "category", label: "Category", kind: "text" },
        byBuyers(categories)
          .slice(0, top)
          .map(([category, counts]) => ({ row: { category }, counts })),
        "bar",
      ),
      daysToSecond: {
        title: "Days from the first order to the second",
        columns: [
          { key: "days", label: "Days", kind: "text" },
          { key: "from_days", label: "From (days)", kind: "integer" },
          { key: "customers", label: "Customers", kind: "integer" },
          { key: "share", label: "Share of repeat buyers", kind: "ratio" },
        ],
        rows: DAYS_TO_SECOND_BUCKETS.map((b, i) => ({
          days: b.to === null ? `${b.from}+` : `${b.from}–${b.to}`,
          from_days: b.from,
          customers: days[i],
          share: ratio(days[i], repeaters),
        })),
        chart: { type: "histogram", x: "days", y: ["customers"] },
      },
    },
    summary: {
      first_time_buyers: all.buyers,
      repeat_buyers: repeaters,
      repeat_share: ratio(repeaters, all.buyers),
      note:
        "Only buyers whose first order is at least N days before the report's moment count towards the " +
        "N-day rate; days are whole days elapsed between the first and the second order. Orders cancelled " +
        "or returned are not orders. A product (category) counts each buyer with it in the first order once.",
    },
  };
}

const ratio = (part: number, whole: number) => (whole > 0 ? part / whole : 0);
const byBuyers = <K>(map: Map<K, Counts>) => [...map].sort(([, a], [, b]) => b.buyers - a.buyers);

/** The largest bucket still within each window: 30 days is buckets 0–2, 60 days 0–3, and so on. */
const LAST_BUCKET_WITHIN = F2_WINDOWS.map((d) => DAYS_TO_SECOND_BUCKETS.findIndex((b) => b.to === d));

/**
 * Counts of `buyers` of one class: `level` windows they are old enough for (the windows nest, so
 * level k means the k shortest), `bucket` the days to their second order.
 */
function countsOfClass(level: number, bucket: number, buyers: number): Counts {
  return {
    buyers,
    eligible: F2_WINDOWS.map((_, i) => (level > i ? buyers : 0)),
    repeated: F2_WINDOWS.map((_, i) => (level > i && bucket <= LAST_BUCKET_WITHIN[i] ? buyers : 0)),
  };
}

function windowsTable(all: Counts): ReportTable {
  return {
    title: "Share of first-time buyers who ordered again within N days",
    columns: [
      { key: "window", label: "Within", kind: "text" },
      { key: "days", label: "Days", kind: "integer" },
      { key: "eligible", label: "Buyers with a first order ≥ N days ago", kind: "integer" },
      { key: "repeated", label: "Of them, ordered again within N days", kind: "integer" },
      { key: "rate", label: "F2 rate", kind: "ratio" },
    ],
    rows: F2_WINDOWS.map((d, i) => ({
      window: `${d} days`,
      days: d,
      eligible: all.eligible[i],
      repeated: all.repeated[i],
      rate: all.eligible[i] > 0 ? all.repeated[i] / all.eligible[i] : null,
    })),
    chart: { type: "bar", x: "window", y: ["rate"] },
  };
}

function countsTable(
  title: string,
  keyColumn: ReportColumn,
  groups: Array<{ row: ReportRow; counts: Counts }>,
  chart: "line" | "bar",
  extra: ReportColumn[] = [],
): ReportTable {
  const rates = F2_WINDOWS.map(
    (d): ReportColumn => ({
      key: `f2_${d}`,
      label: `Again ≤ ${d} d (of buyers ≥ ${d} d ago)`,
      kind: "ratio",
    }),
  );
  return {
    title,
    columns: [keyColumn, ...extra, { key: "buyers", label: "First-time buyers", kind: "integer" }, ...rates],
    rows: groups.map(({ row, counts }) => {
      const out: ReportRow = { ...row, buyers: counts.buyers };
      F2_WINDOWS.forEach((d, i) => {
        out[`f2_${d}`] = counts.eligible[i] > 0 ? counts.repeated[i] / counts.eligible[i] : null;
      });
      return out;
    }),
    chart: { type: chart, x: keyColumn.key, y: rates.map((r) => r.key) },
  };
}

interface F2Row {
  /** Set on the class rows, null on the product rows. */
  month: string | null;
  channel: string | null;
  level: number | null;
  bucket: number | null;
  /** Set on the product rows. */
  product_id: number | null;
  category_path: string | null;
  first_of_category: number | null;
  buyers: number;
  [window: `${"e" | "r"}${number}`]: number | null;
}

/**
 * One statement. The shop's first-time buyers, each once, with their class — first-order month and
 * acquisition channel, how many windows they are old enough for (`level`), and the gap to their second
 * order — are materialised, so the date arithmetic runs once per buyer; then grouped twice: by class
 * (the rows with a month), and by product of the first order (the rows with a product, from
 * first_order_products: each product of the order once, and `first_of_category` on one product per
 * category, so a category's counts are sums over its products' rows).
 */
async function f2Rows(db: Db, ctx: ReportContext): Promise<F2Row[]> {
  const asOf = toIso(ctx.asOf);
  const cutoff = (days: number) => toIso(new Date(ctx.asOf.getTime() - days * 86_400_000));
  const level = sql.join(
    [...F2_WINDOWS]
      .reverse()
      .map((d, i) => sql`when m.first_order_at <= ${cutoff(d)} then ${sql.lit(F2_WINDOWS.length - i)}`),
    sql` `,
  );
  const bucket = sql.join(
    DAYS_TO_SECOND_BUCKETS.slice(0, -1).map(
      (b, i) => sql`when gap < ${sql.lit((b.to ?? 0) + 1)} then ${sql.lit(i)}`,
    ),
    sql` `,
  );
  const windowSums = sql.join(
    F2_WINDOWS.flatMap((_, w) => {
      const within = sql`b.gap < ${sql.lit((DAYS_TO_SECOND_BUCKETS[LAST_BUCKET_WITHIN[w]].to ?? 0) + 1)}`;
      return [
        sql`sum(case when b.level > ${sql.lit(w)} then 1 else 0 end) as ${sql.ref(`e${w}`)}`,
        sql`sum(case when b.level > ${sql.lit(w)} and ${within} then 1 else 0 end) as ${sql.ref(`r${w}`)}`,
      ];
    }),
  );
  const noWindowSums = sql.join(
    F2_WINDOWS.flatMap((_, w) => [sql`null as ${sql.ref(`e${w}`)}`, sql`null as ${sql.ref(`r${w}`)}`]),
  );
  const result = await sql<F2Row>`
    with buyers as materialized (
      select m.customer_id, m.first_order_month as month,
        coalesce(m.acquisition_channel, '(unknown)') as channel,
        case ${level} else 0 end as level,
        case when m.second_order_at <= ${asOf}
          then ${epochDays(db, "m.second_order_at")} - ${epochDays(db, "m.first_order_at")} end as gap
      from customer_metrics m
      where m.shop_id = ${ctx.shopId} and ${unindexed(db, "m.first_order_at")} <= ${asOf}
    )
    select month, channel, level,
      case when gap is null then ${sql.lit(NO_SECOND)} ${bucket} else ${sql.lit(NO_SECOND - 1)} end as bucket,
      null as product_id, null as category_path, null as first_of_category, count(*) as buyers, ${noWindowSums}
    from buyers
    group by 1, 2, 3, 4
    union all
    select null, null, null, null, f.product_id, p.category_path, f.first_of_category, count(*), ${windowSums}
    from buyers b
    join first_order_products f on f.shop_id = ${ctx.shopId} and f.customer_id = b.customer_id
    join products p on p.id = f.product_id
    group by 5, 6, 7`.execute(db);
  return result.rows;
}
