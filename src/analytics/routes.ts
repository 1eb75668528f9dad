// Report endpoints (JSON shaped for charts, or one table as CSV), advertising costs, and a customer's
// metrics and predictions for the profile page.
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { NotFoundError, ValidationError } from "../core/errors.js";
import { findByExternalId } from "../customers/index.js";
import { shopIdOf } from "../http/auth.js";
import type { RoutePlugin } from "../http/context.js";
import { adCostInputSchema, listAdCosts, setAdCost } from "./economics.js";
import { reportTableCsv } from "./format.js";
import { REPORT_NAMES, runReport } from "./index.js";

const tags = ["reports"];

export const analyticsRoutes: RoutePlugin = async (instance, { ctx }) => {
  const app = (instance as FastifyInstance).withTypeProvider<ZodTypeProvider>();
  const { db, clock } = ctx;

  app.get(
    "/reports/:name",
    {
      config: { auth: "secret" },
      schema: {
        tags,
        summary: "A report: named tables of typed columns, each with a chart hint; or one table as CSV",
        params: z.object({ name: z.enum(REPORT_NAMES) }),
        querystring: z
          .object({
            asOf: z.iso.datetime({ offset: true }).optional().describe("The report's moment (default now)"),
            from: z
              .string()
              .optional()
              .describe("performance, economics: from this date (YYYY-MM-DD) or month"),
            to: z.string().optional(),
            months: z.coerce.number().int().min(1).max(120).optional(),
            scenarioId: z.coerce.number().int().positive().optional(),
            campaignId: z.coerce.number().int().positive().optional(),
            format: z.enum(["json", "csv"]).default("json"),
            table: z.string().optional().describe("With format=csv: which table (default the first)"),
          })
          .strict(),
      },
    },
    async (request, reply) => {
      const q = request.query;
      const report = await runReport(db, shopIdOf(request), request.params.name, {
        ...q,
        asOf: q.asOf === undefined ? undefined : new Date(q.asOf),
        now: clock.now(),
      });
      if (q.format === "json") return report;
      const name = q.table ?? Object.keys(report.tables)[0];
      const table = report.tables[name];
      if (!table) throw ValidationError.field("table", `no table "${name}" in ${request.params.name}`);
      return reply
        .type("text/csv; charset=utf-8")
        .header("content-disposition", `attachment; filename="${request.params.name}-${name}.csv"`)
        .send(`\uFEFF${reportTableCsv(table)}`);
    },
  );

  const adCostSchema = z.object({
    channel: z.string(),
    month: z.string(),
    amount: z.number(),
    currency: z.string(),
    updatedAt: z.string(),
  });

  app.get(
    "/ad-costs",
    {
      config: { auth: "secret" },
      schema: {
        tags,
        summary: "Advertising spend per acquisition channel and month",
        querystring: z.object({
          from: z.string().optional(),
          to: z.string().optional(),
          channel: z.string().optional(),
        }),
        response: { 200: z.object({ costs: z.array(adCostSchema) }) },
      },
    },
    async (request) => ({ costs: await listAdCosts(db, shopIdOf(request), request.query) }),
  );

  app.put(
    "/ad-costs/:channel/:month",
    {
      config: { auth: "secret" },
      schema: {
        tags,
        summary: "Record (or correct) what was spent on a channel in a month (YYYY-MM, shop time zone)",
        params: z.object({ channel: z.string(), month: z.string() }),
        body: adCostInputSchema.pick({ amount: true, currency: true }),
        response: { 200: adCostSchema },
      },
    },
    async (request) => setAdCost(db, shopIdOf(request), { ...request.params, ...request.body }, clock.now()),
  );

  app.get(
    "/customers/:externalId/metrics",
    {
      config: { auth: "secret" },
      schema: {
        tags,
        summary: "A customer's order aggregates, RFM scores and group, and predictions",
        params: z.object({ externalId: z.string().min(1) }),
      },
    },
    async (request) => {
      const shopId = shopIdOf(request);
      const customer = await findByExternalId(db, shopId, request.params.externalId);
      if (!customer) throw new NotFoundError(`customer ${request.params.externalId}`);
      const m = await db
        .selectFrom("customer_metrics")
        .selectAll()
        .where("shop_id", "=", shopId)
        .where("customer_id", "=", customer.id)
        .executeTakeFirst();
      if (!m) return { orders: 0, revenue: 0, rfm: null, predictions: null };
      return {
        orders: m.orders_count,
        revenue: m.revenue,
        firstOrderAt: m.first_order_at,
        lastOrderAt: m.last_order_at,
        acquisitionChannel: m.acquisition_channel,
        rfm: {
          recency: m.recency_score,
          frequency: m.frequency_score,
          monetary: m.monetary_score,
          group: m.rfm_group,
        },
        predictions:
          m.p_alive === null
            ? null
            : {
                pAlive: m.p_alive,
                expectedOrders365: m.expected_orders_365,
                nextOrderAt: m.next_order_at,
                clv365: m.predicted_clv_365,
              },
        refreshedAt: m.refreshed_at,
      };
    },
  );
};
