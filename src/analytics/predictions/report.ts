// The predictions report: the shop's fitted model parameters, how its buyers spread over P(alive), and
// the customers with the highest predicted 12-month value. It reads what refreshPredictions stored and
// fits nothing itself.
import { sql } from "kysely";
import type { Db } from "../../db/index.js";
import type { Report, ReportContext, ReportRow, ReportTable, ReportValue } from "../report.js";
import { meanValue } from "./gamma-gamma.js";
import { loadPredictionModel, type PredictionModel } from "./model.js";

const TOP_CUSTOMERS = 20;
/** P(alive) buckets of a tenth each; the last one holds 1 itself. */
const BUCKETS = Array.from({ length: 10 }, (_, i) => ({ from: i / 10, to: (i + 1) / 10 }));

export async function predictionsReport(db: Db, ctx: ReportContext): Promise<Report> {
  const model = await loadPredictionModel(db, ctx.shopId);
  return {
    name: "predictions",
    title: "Customer predictions (BG/NBD + Gamma–Gamma)",
    shopId: ctx.shopId,
    asOf: ctx.asOf.toISOString(),
    timezone: ctx.timezone,
    currency: ctx.currency,
    tables: {
      pAlive: await pAliveTable(db, ctx.shopId),
      topCustomers: await topCustomersTable(db, ctx.shopId),
    },
    summary: summaryOf(model),
  };
}

function summaryOf(model: PredictionModel | null): Record<string, ReportValue> {
  if (!model) return { note: "No model fitted yet: run the predictions refresh first." };
  const gg = model.gammaGamma;
  return {
    r: model.bgnbd.r,
    alpha: model.bgnbd.alpha,
    a: model.bgnbd.a,
    b: model.bgnbd.b,
    logLikelihood: model.bgnbd.logLikelihood,
    p: gg?.p ?? null,
    q: gg?.q ?? null,
    gamma: gg?.gamma ?? null,
    spendLogLikelihood: gg?.logLikelihood ?? null,
    meanRepeatValue: gg ? meanValue(gg) : null,
    customers: model.customers,
    fitCustomers: model.fitCustomers,
    repeatCustomers: gg?.customers ?? null,
    timeUnit: model.timeUnit,
    fittedAsOf: model.asOf,
    note:
      "BG/NBD (Fader, Hardie & Lee 2005) on distinct purchase days, times in days (alpha in days); " +
      "Gamma–Gamma (Fader & Hardie 2013) on the average value of repeat purchase days, gamma in minor units. " +
      "Expected orders and CLV cover the next 365 days, undiscounted; the next order date is the median wait.",
  };
}

async function pAliveTable(db: Db, shopId: number): Promise<ReportTable> {
  const bucket = sql<number>`case ${sql.join(
    BUCKETS.slice(0, -1).map((b, i) => sql`when p_alive < ${b.to} then ${i}`),
    sql` `,
  )} else ${BUCKETS.length - 1} end`;
  const rows = await db
    .selectFrom("customer_metrics")
    .select((eb) => [
      bucket.as("bucket"),
      eb.fn.countAll<number>().as("customers"),
      eb.fn.sum<number>("expected_orders_365").as("expected_orders"),
      eb.fn.sum<number>("predicted_clv_365").as("clv"),
    ])
    .where("shop_id", "=", shopId)
    .where("p_alive", "is not", null)
    .groupBy(sql`1`)
    .execute();
  const byBucket = new Map(rows.map((r) => [Number(r.bucket), r]));
  const total = rows.reduce((n, r) => n + Number(r.customers), 0);
  const out: ReportRow[] = BUCKETS.map((b, i) => {
    const r = byBucket.get(i);
    const customers = Number(r?.customers ?? 0);
    return {
      bucket: `${b.from.toFixed(1)}–${b.to.toFixed(1)}`,
      customers,
      share: total > 0 ? customers / total : 0,
      expected_orders: Number(r?.expected_orders ?? 0),
      predicted_clv: Number(r?.clv ?? 0),
    };
  });
  return {
    title: "Customers by probability of being active",
    columns: [
      { key: "bucket", label: "P(alive)", kind: "text" },
      { key: "customers", label: "Customers", kind: "integer" },
      { key: "share", label: "Share", kind: "ratio" },
      { key: "expected_orders", label: "Expected orders, next 365 days", kind: "number" },
      { key: "predicted_clv", label: "Predicted CLV, next 365 days", kind: "money" },
    ],
    rows: out,
    chart: { type: "histogram", x: "bucket", y: ["customers"] },
  };
}

async function topCustomersTable(db: Db, shopId: number): Promise<ReportTable> {
  const rows = await db
    .selectFrom("customer_metrics as m")
    .innerJoin("customers as c", (j) => j.onRef("c.id", "=", "m.customer_id").on("c.shop_id", "=", shopId))
    .select([
      "m.customer_id",
      "c.external_id",
      "m.orders_count",
      "m.p_alive",
      "m.expected_orders_365",
      "m.next_order_at",
      "m.predicted_clv_365",
    ])
    .where("m.shop_id", "=", shopId)
    .where("m.predicted_clv_365", "is not", null)
    .orderBy("m.predicted_clv_365", "desc")
    .orderBy("m.customer_id")
    .limit(TOP_CUSTOMERS)
    .execute();
  return {
    title: `Top ${TOP_CUSTOMERS} customers by predicted 12-month value`,
    columns: [
      { key: "customer_id", label: "Customer", kind: "integer" },
      { key: "external_id", label: "External id", kind: "text" },
      { key: "orders", label: "Orders", kind: "integer" },
      { key: "p_alive", label: "P(alive)", kind: "ratio" },
      { key: "expected_orders", label: "Expected orders, next 365 days", kind: "number" },
      { key: "next_order_at", label: "Next order (median)", kind: "date" },
      { key: "predicted_clv", label: "Predicted CLV, next 365 days", kind: "money" },
    ],
    rows: rows.map((r) => ({
      customer_id: Number(r.customer_id),
      external_id: r.external_id,
      orders: Number(r.orders_count),
      p_alive: r.p_alive === null ? null : Number(r.p_alive),
      expected_orders: r.expected_orders_365 === null ? null : Number(r.expected_orders_365),
      next_order_at: r.next_order_at,
      predicted_clv: Number(r.predicted_clv_365),
    })),
    chart: { type: "bar", x: "customer_id", y: ["predicted_clv"] },
  };
}
