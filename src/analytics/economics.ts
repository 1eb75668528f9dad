// Acquisition economics: does the advertising pay back? The shop enters what it spent per acquisition
// channel and month (ad_costs); the report sets it against the leads and first orders that channel
// brought that month, and against everything those customers bought since — the first order (front
// end) plus the repeat orders (back end) — as Japanese mail-order consultants judge a channel: CPA and
// CPO, first-order and lifetime ROAS, the marketing ratio, and the month the cohort paid its cost back.
//
// Definitions (a channel-month is a channel and a calendar month in the shop's time zone):
// - new customers: customers whose first order (customer_metrics.first_order_at) fell in the month,
//   with that acquisition channel (customer_metrics.acquisition_channel: the profile's
//   acquisition_channel attribute, else the first order's channel);
// - leads: customer profiles created (customers.created_at) in the month with that acquisition
//   channel, whether or not they ordered; merged duplicates are not counted;
// - CPA = ad cost ÷ leads; CPO = ad cost ÷ new customers;
// - revenue: order totals of orders that count (not cancelled or returned) up to the report's moment;
//   first-order revenue is the new customers' first orders, back end everything after;
// - first-order ROAS = first-order revenue ÷ ad cost; lifetime ROAS = lifetime revenue to date ÷ ad cost;
//   marketing ratio = ad cost ÷ lifetime revenue to date (the share of sales spent acquiring them);
// - 12-month revenue: the cohort's orders in its first-order month and the 11 months after it, shown
//   once those months are over;
// - payback month: the first month after acquisition (0 = the first-order month) by whose end the
//   cohort's cumulative revenue reached the ad cost; empty while it has not.
// Revenue is sales, not gross profit: a shop judging on margin multiplies the ROAS by its margin rate.
import { type RawBuilder, type SqlBool, sql } from "kysely";
import { DateTime } from "luxon";
import { z } from "zod";
import { toIso } from "../core/clock.js";
import { NotFoundError, ValidationError } from "../core/errors.js";
import { parseOrThrow } from "../core/zod-errors.js";
import { type Db, jsonTextOf } from "../db/index.js";
import type { Report, ReportColumn, ReportContext, ReportRow, ReportTable } from "./report.js";
import { localMonth, monthsBetween, unindexed } from "./sql.js";

// ---- Ad costs -------------------------------------------------------------------------------------

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const monthSchema = z.string().regex(MONTH, "must be a month written YYYY-MM");

export const adCostInputSchema = z
  .object({
    channel: z
      .string({ error: "must be the acquisition channel's name" })
      .trim()
      .min(1, "must not be empty")
      .max(64, "must be at most 64 characters"),
    month: monthSchema,
    amount: z
      .number({ error: "must be a number of minor units" })
      .int("must be a whole number of minor units")
      .min(0, "must not be negative")
      .max(Number.MAX_SAFE_INTEGER, "is too large"),
    currency: z.string({ error: "must be an ISO 4217 code" }).regex(/^[A-Z]{3}$/, "must be an ISO 4217 code"),
  })
  .strict();
export type AdCostInput = z.input<typeof adCostInputSchema>;

export interface AdCost {
  channel: string;
  month: string;
  amount: number;
  currency: string;
  updatedAt: string;
}

/** Records what the shop spent on a channel in a month, replacing an earlier figure for it. */
export async function setAdCost(db: Db, shopId: number, input: unknown, now: Date): Promise<AdCost> {
  const cost = parseOrThrow(adCostInputSchema, input);
  const shop = await db.selectFrom("shops").select("currency").where("id", "=", shopId).executeTakeFirst();
  if (!shop) throw new NotFoundError(`shop ${shopId}`);
  // Ratios of sales in one currency to costs in another mean nothing.
  if (cost.currency !== shop.currency) {
    throw ValidationError.field("currency", `must be the shop's currency, ${shop.currency}`);
  }
  const updatedAt = toIso(now);
  await db
    .insertInto("ad_costs")
    .values({ shop_id: shopId, ...cost, updated_at: updatedAt })
    .onConflict((oc) =>
      oc
        .columns(["shop_id", "channel", "month"])
        .doUpdateSet({ amount: cost.amount, currency: cost.currency, updated_at: updatedAt }),
    )
    .execute();
  return { ...cost, updatedAt };
}

const listSchema = z
  .object({ from: monthSchema.optional(), to: monthSchema.optional(), channel: z.string().optional() })
  .strict();

/** The shop's ad costs, by month then channel; `from` and `to` are months (inclusive). */
export async function listAdCosts(
  db: Db,
  shopId: number,
  filter: { from?: string; to?: string; channel?: string } = {},
): Promise<AdCost[]> {
  const f = parseOrThrow(listSchema, filter);
  let q = db
    .selectFrom("ad_costs")
    .select(["channel", "month", "amount", "currency", "updated_at"])
    .where("shop_id", "=", shopId);
  if (f.from) q = q.where("month", ">=", f.from);
  if (f.to) q = q.where("month", "<=", f.to);
  if (f.channel) q = q.where("channel", "=", f.channel);
  const rows = await q.orderBy("month").orderBy("channel").execute();
  return rows.map((r) => ({
    channel: r.channel,
    month: r.month,
    amount: Number(r.amount),
    currency: r.currency,
    updatedAt: r.updated_at,
  }));
}

// ---- Reading the figures --------------------------------------------------------------------------

export interface EconomicsOptions {
  /** First month, "YYYY-MM" in the shop's zone (inclusive). */
  from?: string;
  /** Last month (inclusive). */
  to?: string;
}

/** The label of customers with no acquisition channel at all (no attribute and no order). */
const UNKNOWN = "(unknown)";

interface Range {
  from: string | null;
  to: string | null;
  /** UTC instants bounding the months, for the indexed timestamp columns. */
  start: string | null;
  end: string | null;
}

function monthRange(zone: string, options: EconomicsOptions): Range {
  const f = parseOrThrow(z.object({ from: monthSchema.optional(), to: monthSchema.optional() }), options);
  const at = (month: string) => DateTime.fromISO(`${month}-01`, { zone });
  return {
    from: f.from ?? null,
    to: f.to ?? null,
    start: f.from ? toIso(at(f.from).toJSDate()) : null,
    end: f.to ? toIso(at(f.to).plus({ months: 1 }).toJSDate()) : null,
  };
}

/** The range's bounds on a timestamp column (unindexed: these passes read most of the table). */
function within(db: Db, column: string, r: Range): RawBuilder<SqlBool> {
  const parts = [
    ...(r.start ? [sql`${unindexed(db, column)} >= ${r.start}`] : []),
    ...(r.end ? [sql`${unindexed(db, column)} < ${r.end}`] : []),
  ];
  return parts.length ? sql<SqlBool>`(${sql.join(parts, sql` and `)})` : sql<SqlBool>`1 = 1`;
}

// The queries below group by position: the zone is a bound parameter, so PostgreSQL would not see a
// grouped expression as the selected one.

/** Leads: profiles created per channel and month (one pass over customers). */
async function leadsByMonth(db: Db, ctx: ReportContext, r: Range) {
  const attribute = jsonTextOf(db, "c.attributes", "acquisition_channel");
  const month = localMonth(db, "c.created_at", ctx.timezone);
  // A buyer's channel is the one the metrics row settled on, so leads and customers agree. An erased
  // customer (a tombstone merged into itself, privacy/erase-steps.ts) was still a lead; a merged
  // duplicate is counted in its survivor.
  const channel = sql<string | null>`coalesce(cm.acquisition_channel, nullif(${attribute}, ''))`;
  const rows = await sql<{ channel: string | null; month: string; leads: number }>`
    select ${channel} as channel, ${month} as month, count(*) as leads
    from customers c
    left join customer_metrics cm on cm.shop_id = c.shop_id and cm.customer_id = c.id
    where ${unindexed(db, "c.shop_id")} = ${ctx.shopId}
      and (c.merged_into_id is null or c.merged_into_id = c.id)
      and ${unindexed(db, "c.created_at")} <= ${toIso(ctx.asOf)} and ${within(db, "c.created_at", r)}
    group by 1, 2
  `.execute(db);
  return rows.rows;
}

/** New customers per cohort and their first orders' revenue, from the metrics rows alone. */
async function newCustomers(db: Db, ctx: ReportContext, r: Range) {
  const rows = await sql<{
    channel: string | null;
    month: string;
    customers: number;
    first_order_revenue: number;
  }>`
    select cm.acquisition_channel as channel, cm.first_order_month as month, count(*) as customers,
      sum(cm.first_order_total) as first_order_revenue
    from customer_metrics cm
    where ${unindexed(db, "cm.shop_id")} = ${ctx.shopId} and cm.first_order_at is not null
      and ${unindexed(db, "cm.first_order_at")} <= ${toIso(ctx.asOf)} and ${within(db, "cm.first_order_at", r)}
    group by 1, 2
  `.execute(db);
  return rows.rows;
}

interface CohortMonth {
  channel: string | null;
  cohort: string;
  month: string;
  revenue: number;
}

/**
 * What each cohort (channel × first-order month) bought in each calendar month, from the cohort sales
 * months the analytics pass keeps; months since acquisition are worked out from the two months.
 */
async function cohortRevenue(db: Db, ctx: ReportContext, r: Range): Promise<CohortMonth[]> {
  let q = db
    .selectFrom("cohort_sales_months")
    .select(["channel", "cohort", "month", "revenue"])
    .where("shop_id", "=", ctx.shopId);
  if (r.from) q = q.where("cohort", ">=", r.from);
  if (r.to) q = q.where("cohort", "<=", r.to);
  const rows = await q.execute();
  return rows.map((row) => ({
    channel: row.channel === "" ? null : row.channel,
    cohort: row.cohort,
    month: row.month,
    revenue: Number(row.revenue),
  }));
}

// ---- Putting it together --------------------------------------------------------------------------

interface Cohort {
  channel: string;
  month: string;
  /** Null when the shop entered no cost for it (organic, or not yet entered): no ratio then. */
  cost: number | null;
  leads: number;
  newCustomers: number;
  firstOrderRevenue: number;
  /** Revenue by months since the first-order month. */
  byAge: Map<number, number>;
}

const newCohort = (channel: string, month: string): Cohort => ({
  channel,
  month,
  cost: null,
  leads: 0,
  newCustomers: 0,
  firstOrderRevenue: 0,
  byAge: new Map(),
});

interface Figures {
  cost: number | null;
  leads: number;
  newCustomers: number;
  firstOrderRevenue: number;
  lifetimeRevenue: number;
  /** Null while some of the 12 months are still to come. */
  revenue12m: number | null;
  customers12m: number;
  paybackMonth: number | null;
}

const div = (a: number | null, b: number | null): number | null =>
  a === null || b === null || b <= 0 ? null : a / b;
const money = (v: number | null) => (v === null ? null : Math.round(v));

function paybackMonth(byAge: Map<number, number>, cost: number | null): number | null {
  if (cost === null || cost <= 0) return null;
  let cumulative = 0;
  for (const age of [...byAge.keys()].sort((a, b) => a - b)) {
    cumulative += byAge.get(age) ?? 0;
    if (cumulative >= cost) return age;
  }
  return null;
}

function figuresOf(c: Cohort, asOfMonth: string): Figures {
  const ages = [...c.byAge];
  const complete = monthsBetween(c.month, asOfMonth) > 11;
  const revenue12m = ages.filter(([age]) => age <= 11).reduce((s, [, v]) => s + v, 0);
  return {
    cost: c.cost,
    leads: c.leads,
    newCustomers: c.newCustomers,
    firstOrderRevenue: c.firstOrderRevenue,
    lifetimeRevenue: ages.reduce((s, [, v]) => s + v, 0),
    revenue12m: complete ? revenue12m : null,
    customers12m: complete ? c.newCustomers : 0,
    paybackMonth: paybackMonth(c.byAge, c.cost),
  };
}

function figureValues(f: Figures): ReportRow {
  return {
    ad_cost: f.cost,
    leads: f.leads,
    new_customers: f.newCustomers,
    cpa: money(div(f.cost, f.leads)),
    cpo: money(div(f.cost, f.newCustomers)),
    first_order_revenue: f.firstOrderRevenue,
    first_order_roas: div(f.firstOrderRevenue, f.cost),
    back_end_revenue: f.lifetimeRevenue - f.firstOrderRevenue,
    lifetime_revenue: f.lifetimeRevenue,
    ltv_to_date: money(div(f.lifetimeRevenue, f.newCustomers)),
    revenue_12m: f.revenue12m,
    ltv_12m: f.revenue12m === null ? null : money(div(f.revenue12m, f.customers12m)),
    lifetime_roas: div(f.lifetimeRevenue, f.cost),
    marketing_ratio: div(f.cost, f.lifetimeRevenue),
    payback_month: f.paybackMonth,
  };
}

const FIGURE_COLUMNS: ReportColumn[] = [
  { key: "ad_cost", label: "Ad cost", kind: "money" },
  { key: "leads", label: "Leads (profiles created)", kind: "integer" },
  { key: "new_customers", label: "New customers (first orders)", kind: "integer" },
  { key: "cpa", label: "CPA (ad cost ÷ leads)", kind: "money" },
  { key: "cpo", label: "CPO (ad cost ÷ first orders)", kind: "money" },
  { key: "first_order_revenue", label: "First-order revenue (front end)", kind: "money" },
  { key: "first_order_roas", label: "First-order ROAS (first-order revenue ÷ ad cost)", kind: "ratio" },
  { key: "back_end_revenue", label: "Repeat-order revenue to date (back end)", kind: "money" },
  { key: "lifetime_revenue", label: "Lifetime revenue to date (front + back end)", kind: "money" },
  { key: "ltv_to_date", label: "Lifetime revenue per new customer", kind: "money" },
  { key: "revenue_12m", label: "12-month revenue (first-order month + 11)", kind: "money" },
  { key: "ltv_12m", label: "12-month revenue per new customer", kind: "money" },
  { key: "lifetime_roas", label: "Lifetime ROAS (lifetime revenue ÷ ad cost)", kind: "ratio" },
  { key: "marketing_ratio", label: "Marketing ratio (ad cost ÷ lifetime revenue)", kind: "ratio" },
  { key: "payback_month", label: "Payback month (0 = first-order month)", kind: "integer" },
];

/** A channel's cohorts added up; its payback lines the cohorts up by months since acquisition. */
function channelTotal(cohorts: Cohort[], asOfMonth: string): Figures {
  const byAge = new Map<number, number>();
  const figures = cohorts.map((c) => figuresOf(c, asOfMonth));
  for (const c of cohorts) for (const [age, v] of c.byAge) byAge.set(age, (byAge.get(age) ?? 0) + v);
  const sum = (pick: (f: Figures) => number) => figures.reduce((s, f) => s + pick(f), 0);
  const entered = figures.filter((f) => f.cost !== null);
  const cost = entered.length ? entered.reduce((s, f) => s + (f.cost ?? 0), 0) : null;
  const complete = figures.filter((f) => f.revenue12m !== null);
  return {
    cost,
    leads: sum((f) => f.leads),
    newCustomers: sum((f) => f.newCustomers),
    firstOrderRevenue: sum((f) => f.firstOrderRevenue),
    lifetimeRevenue: sum((f) => f.lifetimeRevenue),
    revenue12m: complete.length ? complete.reduce((s, f) => s + (f.revenue12m ?? 0), 0) : null,
    customers12m: complete.reduce((s, f) => s + f.customers12m, 0),
    paybackMonth: paybackMonth(byAge, cost),
  };
}

export async function economicsReport(
  db: Db,
  ctx: ReportContext,
  options: EconomicsOptions = {},
): Promise<Report> {
  const range = monthRange(ctx.timezone, options);
  const asOfMonth = DateTime.fromJSDate(ctx.asOf, { zone: ctx.timezone }).toFormat("yyyy-MM");
  const cohorts = new Map<string, Cohort>();
  const inRange = (month: string) => (!range.from || month >= range.from) && (!range.to || month <= range.to);
  const cohortOf = (channel: string | null, month: string) => {
    const name = channel ?? UNKNOWN;
    const key = JSON.stringify([name, month]);
    let c = cohorts.get(key);
    if (!c) {
      c = newCohort(name, month);
      cohorts.set(key, c);
    }
    return c;
  };

  const costs = await listAdCosts(db, ctx.shopId, {
    ...(range.from ? { from: range.from } : {}),
    ...(range.to ? { to: range.to } : {}),
  });
  const foreign = costs.filter((c) => c.currency !== ctx.currency);
  for (const c of costs) {
    if (c.currency === ctx.currency) cohortOf(c.channel, c.month).cost = c.amount;
  }
  // SQLite shifts by the zone's current offset; a month edge near a DST change may stray outside.
  for (const l of await leadsByMonth(db, ctx, range)) {
    if (inRange(l.month)) cohortOf(l.channel, l.month).leads += Number(l.leads);
  }
  for (const n of await newCustomers(db, ctx, range)) {
    if (!inRange(n.month)) continue;
    const c = cohortOf(n.channel, n.month);
    c.newCustomers += Number(n.customers);
    c.firstOrderRevenue += Number(n.first_order_revenue ?? 0);
  }
  for (const o of await cohortRevenue(db, ctx, range)) {
    if (!inRange(o.cohort)) continue;
    const c = cohortOf(o.channel, o.cohort);
    const age = monthsBetween(o.cohort, o.month);
    c.byAge.set(age, (c.byAge.get(age) ?? 0) + Number(o.revenue));
  }

  const ordered = [...cohorts.values()].sort((a, b) =>
    a.channel === b.channel ? a.month.localeCompare(b.month) : a.channel.localeCompare(b.channel),
  );
  const channels = new Map<string, Cohort[]>();
  for (const c of ordered) channels.set(c.channel, [...(channels.get(c.channel) ?? []), c]);

  const channelMonths: ReportTable = {
    title: "Per acquisition channel and month",
    columns: [
      { key: "channel", label: "Acquisition channel", kind: "text" },
      { key: "month", label: "Month", kind: "month" },
      ...FIGURE_COLUMNS,
    ],
    rows: ordered.map((c) => ({
      channel: c.channel,
      month: c.month,
      ...figureValues(figuresOf(c, asOfMonth)),
    })),
    chart: { type: "line", x: "month", y: ["cpo", "cpa"], series: "channel" },
  };
  const totals = [...channels].map(([channel, list]) => ({
    channel,
    months: list.length,
    ...figureValues(channelTotal(list, asOfMonth)),
  }));
  const channelTotals: ReportTable = {
    title: "Per acquisition channel, all months",
    columns: [
      { key: "channel", label: "Acquisition channel", kind: "text" },
      { key: "months", label: "Months", kind: "integer" },
      ...FIGURE_COLUMNS,
    ],
    rows: totals,
    chart: { type: "bar", x: "channel", y: ["first_order_roas", "lifetime_roas"] },
  };
  const curve: ReportRow[] = [];
  for (const [channel, list] of channels) {
    const cost = channelTotal(list, asOfMonth).cost;
    const byAge = new Map<number, number>();
    for (const c of list) for (const [age, v] of c.byAge) byAge.set(age, (byAge.get(age) ?? 0) + v);
    let cumulative = 0;
    for (const age of [...byAge.keys()].sort((a, b) => a - b)) {
      cumulative += byAge.get(age) ?? 0;
      curve.push({
        channel,
        months_after: age,
        ad_cost: cost,
        cumulative_revenue: cumulative,
        roas: div(cumulative, cost),
      });
    }
  }
  const paybackCurve: ReportTable = {
    title: "Cumulative revenue of each channel's cohorts by months since the first order",
    columns: [
      { key: "channel", label: "Acquisition channel", kind: "text" },
      { key: "months_after", label: "Months after the first order", kind: "integer" },
      { key: "ad_cost", label: "Ad cost", kind: "money" },
      { key: "cumulative_revenue", label: "Cumulative revenue", kind: "money" },
      { key: "roas", label: "Cumulative ROAS", kind: "ratio" },
    ],
    rows: curve,
    chart: { type: "line", x: "months_after", y: ["roas"], series: "channel" },
  };

  const all = channelTotal(ordered, asOfMonth);
  return {
    name: "economics",
    title: "Acquisition economics",
    shopId: ctx.shopId,
    asOf: toIso(ctx.asOf),
    timezone: ctx.timezone,
    currency: ctx.currency,
    tables: { channelMonths, channels: channelTotals, paybackCurve },
    summary: {
      from: range.from,
      to: range.to,
      ad_cost: all.cost,
      new_customers: all.newCustomers,
      lifetime_revenue: all.lifetimeRevenue,
      lifetime_roas: div(all.lifetimeRevenue, all.cost),
      marketing_ratio: div(all.cost, all.lifetimeRevenue),
      ...(foreign.length
        ? { note: `${foreign.length} ad cost(s) in another currency than ${ctx.currency} were left out` }
        : {}),
    },
  };
}
