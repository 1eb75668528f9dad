// The reports a shop reads, by name, for the CLI (`kizuna report <name>`) and the API
// (`GET /v1/reports/<name>`), and what every report needs first: the shop's zone and currency and
// customer metrics brought up to the report's moment.
import { NotFoundError, ValidationError } from "../core/errors.js";
import type { Db } from "../db/index.js";
import { cohortReport } from "./cohorts.js";
import { economicsReport } from "./economics.js";
import { f2Report } from "./f2.js";
import { ltvReport } from "./ltv.js";
import { refreshCustomerMetrics } from "./metrics.js";
import { performanceReport } from "./performance.js";
import { predictionsReport, refreshPredictions } from "./predictions/index.js";
import { productReport } from "./products.js";
import type { Report, ReportContext } from "./report.js";
import { rfmReport } from "./rfm.js";

export { type AdCost, adCostInputSchema, listAdCosts, setAdCost } from "./economics.js";
export { renderReport, reportTableCsv } from "./format.js";
export { refreshAnalytics } from "./job.js";
export { type MetricsRefresh, NOT_PURCHASES, RFM_GROUPS, refreshCustomerMetrics } from "./metrics.js";
export { fitPredictionModel, loadPredictionModel, refreshPredictions } from "./predictions/index.js";
export type { ChartHint, Report, ReportColumn, ReportContext, ReportTable } from "./report.js";

/** Options a report may take; each report reads the ones it knows. */
export interface ReportOptions {
  /** "YYYY-MM-DD" or an ISO time (economics reads its month). */
  from?: string;
  to?: string;
  months?: number;
  scenarioId?: number;
  campaignId?: number;
}

export const REPORT_NAMES = [
  "rfm",
  "f2",
  "cohorts",
  "ltv",
  "products",
  "performance",
  "economics",
  "predictions",
] as const;
export type ReportName = (typeof REPORT_NAMES)[number];

export const REPORT_RUNNERS: Record<
  ReportName,
  (db: Db, ctx: ReportContext, options: ReportOptions) => Promise<Report>
> = {
  rfm: (db, ctx) => rfmReport(db, ctx),
  f2: (db, ctx) => f2Report(db, ctx),
  cohorts: (db, ctx, o) => cohortReport(db, ctx, { months: o.months }),
  ltv: (db, ctx) => ltvReport(db, ctx),
  products: (db, ctx, o) => productReport(db, ctx, { months: o.months }),
  performance: (db, ctx, o) =>
    performanceReport(db, ctx, {
      from: o.from === undefined ? undefined : new Date(o.from),
      to: o.to === undefined ? undefined : new Date(o.to),
      scenarioId: o.scenarioId,
      campaignId: o.campaignId,
    }),
  economics: (db, ctx, o) => economicsReport(db, ctx, { from: o.from?.slice(0, 7), to: o.to?.slice(0, 7) }),
  predictions: (db, ctx) => predictionsReport(db, ctx),
};

export function isReportName(name: string): name is ReportName {
  return (REPORT_NAMES as readonly string[]).includes(name);
}

export async function reportContext(db: Db, shopId: number, asOf: Date): Promise<ReportContext> {
  const shop = await db
    .selectFrom("shops")
    .select(["timezone", "currency"])
    .where("id", "=", shopId)
    .executeTakeFirst();
  if (!shop) throw new NotFoundError(`shop ${shopId}`);
  return { shopId, asOf, timezone: shop.timezone, currency: shop.currency };
}

/**
 * Runs a report as of `asOf`. Customer metrics are first brought up to that moment: only what changed
 * when it is now, a full rebuild when a past moment is asked for (the worker's next daily pass puts
 * them back to the present).
 */
export async function runReport(
  db: Db,
  shopId: number,
  name: string,
  options: ReportOptions & { asOf?: Date; now: Date },
): Promise<Report> {
  if (!isReportName(name)) {
    throw ValidationError.field("report", `unknown report "${name}"; one of ${REPORT_NAMES.join(", ")}`);
  }
  const asOf = options.asOf ?? options.now;
  const historical = Math.abs(asOf.getTime() - options.now.getTime()) > 60_000;
  for (const [field, value] of [
    ["from", options.from],
    ["to", options.to],
  ] as const) {
    if (value !== undefined && Number.isNaN(Date.parse(value))) {
      throw ValidationError.field(field, `not a date: "${value}"`);
    }
  }
  await refreshCustomerMetrics(db, shopId, { now: asOf, full: historical });
  if (name === "predictions") await refreshPredictions(db, shopId, asOf, { refit: historical });
  const ctx = await reportContext(db, shopId, asOf);
  return REPORT_RUNNERS[name](db, ctx, options);
}
