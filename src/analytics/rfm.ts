// RFM: the buyers on a 5×5 grid of recency × frequency scores with customers and revenue per cell, the
// monetary quintiles, and the named groups a planner acts on (champions … dormant). Scores and groups
// are the ones the analytics job wrote into customer_metrics (metrics.ts explains how they are cut),
// so the report is three GROUP BYs over one narrow row per buyer.
import { toIso } from "../core/clock.js";
import type { Db } from "../db/index.js";
import { RFM_GROUPS } from "./metrics.js";
import type { Report, ReportContext, ReportRow } from "./report.js";

const SCORES = [1, 2, 3, 4, 5] as const;

/** What each group means, in the planner's words (the rules are in metrics.ts). */
const GROUP_LABELS: Record<(typeof RFM_GROUPS)[number], string> = {
  champions: "Champions: recent and frequent",
  loyal: "Loyal: fairly recent, frequent",
  potential: "Potential: recent, few orders",
  new: "New: one recent order",
  needs_attention: "Needs attention: middling recency, few orders",
  at_risk: "At risk: frequent once, not lately",
  dormant: "Dormant: not lately, few orders",
};

export async function rfmReport(db: Db, ctx: ReportContext): Promise<Report> {
  const scored = db
    .selectFrom("customer_metrics")
    .where("shop_id", "=", ctx.shopId)
    .where("recency_score", "is not", null);
  const cells = await scored
    .select((eb) => [
      "recency_score",
      "frequency_score",
      eb.fn.countAll<number>().as("customers"),
      eb.fn.sum<number>("revenue").as("revenue"),
    ])
    .groupBy(["recency_score", "frequency_score"])
    .execute();
  const monetary = await scored
    .select((eb) => [
      "monetary_score",
      eb.fn.countAll<number>().as("customers"),
      eb.fn.sum<number>("revenue").as("revenue"),
      eb.fn.min<number>("revenue").as("min_revenue"),
      eb.fn.max<number>("revenue").as("max_revenue"),
    ])
    .groupBy("monetary_score")
    .execute();
  const groups = await scored
    .select((eb) => [
      "rfm_group",
      eb.fn.countAll<number>().as("customers"),
      eb.fn.sum<number>("revenue").as("revenue"),
      eb.fn.sum<number>("orders_count").as("orders"),
    ])
    .groupBy("rfm_group")
    .execute();

  const buyers = groups.reduce((sum, g) => sum + Number(g.customers), 0);
  const totalRevenue = groups.reduce((sum, g) => sum + Number(g.revenue ?? 0), 0);
  const cell = new Map(cells.map((c) => [`${c.recency_score}:${c.frequency_score}`, c]));

  // Rows are recency 5 (most recent) down to 1, as the grid is usually drawn.
  const gridRows: ReportRow[] = [...SCORES].reverse().flatMap((r) =>
    SCORES.map((f) => {
      const c = cell.get(`${r}:${f}`);
      const customers = Number(c?.customers ?? 0);
      return {
        recency: r,
        frequency: f,
        customers,
        share: buyers === 0 ? 0 : customers / buyers,
        revenue: Number(c?.revenue ?? 0),
      };
    }),
  );
  const byScore = new Map(monetary.map((m) => [Number(m.monetary_score), m]));
  const byGroup = new Map(groups.map((g) => [g.rfm_group, g]));

  return {
    name: "rfm",
    title: "RFM: recency × frequency, monetary quintiles, groups",
    shopId: ctx.shopId,
    asOf: toIso(ctx.asOf),
    timezone: ctx.timezone,
    currency: ctx.currency,
    summary: { buyers, revenue: totalRevenue },
    tables: {
      grid: {
        title: "Customers and revenue per recency × frequency cell (5 = most recent / most orders)",
        columns: [
          { key: "recency", label: "R", kind: "integer" },
          { key: "frequency", label: "F", kind: "integer" },
          { key: "customers", label: "Customers", kind: "integer" },
          { key: "share", label: "Share", kind: "ratio" },
          { key: "revenue", label: "Revenue", kind: "money" },
        ],
        rows: gridRows,
        chart: { type: "heatmap", x: "frequency", y: ["customers"], series: "recency" },
      },
      monetary: {
        title: "Monetary quintiles (5 = highest spend)",
        columns: [
          { key: "score", label: "M", kind: "integer" },
          { key: "customers", label: "Customers", kind: "integer" },
          { key: "revenue", label: "Revenue", kind: "money" },
          { key: "share_of_revenue", label: "Share of revenue", kind: "ratio" },
          { key: "min_revenue", label: "From", kind: "money" },
          { key: "max_revenue", label: "To", kind: "money" },
        ],
        rows: [...SCORES].reverse().map((score) => {
          const m = byScore.get(score);
          const revenue = Number(m?.revenue ?? 0);
          return {
            score,
            customers: Number(m?.customers ?? 0),
            revenue,
            share_of_revenue: totalRevenue === 0 ? 0 : revenue / totalRevenue,
            min_revenue: m ? Number(m.min_revenue) : null,
            max_revenue: m ? Number(m.max_revenue) : null,
          };
        }),
        chart: { type: "bar", x: "score", y: ["revenue"] },
      },
      groups: {
        title: "Named groups",
        columns: [
          { key: "group", label: "Group", kind: "text" },
          { key: "description", label: "Who", kind: "text" },
          { key: "customers", label: "Customers", kind: "integer" },
          { key: "share", label: "Share", kind: "ratio" },
          { key: "revenue", label: "Revenue", kind: "money" },
          { key: "average_order_value", label: "Average order", kind: "money" },
        ],
        rows: RFM_GROUPS.map((group) => {
          const g = byGroup.get(group);
          const customers = Number(g?.customers ?? 0);
          const revenue = Number(g?.revenue ?? 0);
          const orders = Number(g?.orders ?? 0);
          return {
            group,
            description: GROUP_LABELS[group],
            customers,
            share: buyers === 0 ? 0 : customers / buyers,
            revenue,
            average_order_value: orders === 0 ? null : Math.round(revenue / orders),
          };
        }),
        chart: { type: "bar", x: "group", y: ["customers"] },
      },
    },
  };
}
