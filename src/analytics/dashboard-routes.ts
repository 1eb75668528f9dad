// The admin's dashboard in one request: revenue credited to the shop's messages this month and last (shop
// time zone), the active scenarios with what they earned, email deliverability against the warning and
// pause levels, and customers per RFM group. Money is in integer minor units of the shop's currency.
import type { FastifyInstance } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { sql } from "kysely";
import { z } from "zod";
import { toIso } from "../core/clock.js";
import type { Db } from "../db/index.js";
import { shopIdOf } from "../http/auth.js";
import type { RoutePlugin } from "../http/context.js";
import { deliverabilitySettings, sendRates } from "../messaging/deliverability.js";
import { NOT_PURCHASES, RFM_GROUPS, refreshCustomerMetrics } from "./metrics.js";
import { lastMonths } from "./sql.js";

/**
 * Early-warning levels, below the shop's pause limits: mailbox providers start filtering senders about
 * here (Gmail and Yahoo's bulk-sender rules hold complaints under 0.1 %–0.3 %), long before a pause.
 */
export const DELIVERABILITY_WARNINGS = { bounce: 0.02, complaint: 0.001, unsubscribe: 0.005 } as const;
/** The deliverability figures look back this far. */
const DELIVERABILITY_DAYS = 30;

const figures = z.object({ orders: z.number().int(), revenue: z.number().int() });
const monthSchema = z.object({
  month: z.string().describe("YYYY-MM in the shop's time zone"),
  from: z.string(),
  to: z.string().describe("Exclusive"),
  attributed: figures.describe("Orders credited to a message (last touch or exit goal)"),
  scenarios: figures.describe("…of them, credited to scenario messages"),
  campaigns: figures.describe("…of them, credited to campaign messages"),
  sales: figures.describe("Every order of the shop, cancelled and returned ones aside"),
});
const levels = z.object({ bounce: z.number(), complaint: z.number(), unsubscribe: z.number() });

const dashboardSchema = z.object({
  asOf: z.string(),
  timezone: z.string(),
  currency: z.string(),
  thisMonth: monthSchema,
  lastMonth: monthSchema,
  scenarios: z.array(
    z.object({
      key: z.string(),
      name: z.string(),
      libraryKey: z.string().nullable(),
      activatedAt: z.string().nullable(),
      sentThisMonth: z.number().int(),
      thisMonth: figures,
      lastMonth: figures,
    }),
  ),
  deliverability: z.object({
    since: z.string(),
    days: z.number().int(),
    sent: z.number().int(),
    bounced: z.number().int(),
    complaints: z.number().int(),
    unsubscribes: z.number().int(),
    bounceRate: z.number(),
    complaintRate: z.number(),
    unsubscribeRate: z.number(),
    warnAbove: levels,
    pauseAbove: levels.describe("The shop's limits: email pauses itself above them over a day"),
    minSends: z.number().int(),
    emailPaused: z.object({ at: z.string(), reason: z.string().nullable() }).nullable(),
  }),
  rfm: z.object({
    buyers: z.number().int(),
    groups: z.array(
      z.object({ group: z.enum(RFM_GROUPS), customers: z.number().int(), revenue: z.number() }),
    ),
  }),
});
export type Dashboard = z.infer<typeof dashboardSchema>;

type Figures = z.infer<typeof figures>;
const none = (): Figures => ({ orders: 0, revenue: 0 });
const asFigures = (row: { orders: unknown; revenue: unknown } | undefined): Figures => ({
  orders: Number(row?.orders ?? 0),
  revenue: Number(row?.revenue ?? 0),
});

/** Orders credited to messages in [from, to), split by scenario and campaign sends, and the shop's sales. */
async function monthFigures(
  db: Db,
  shopId: number,
  currency: string,
  month: string,
  from: string,
  to: string,
) {
  const credited = await db
    .selectFrom("conversions")
    .select([
      sql<number>`case when campaign_id is null then 0 else 1 end`.as("campaign"),
      (eb) => eb.fn.countAll<number>().as("orders"),
      (eb) => eb.fn.sum<number>("revenue").as("revenue"),
    ])
    .where("shop_id", "=", shopId)
    .where("message_id", "is not", null)
    .where("currency", "=", currency)
    .where("converted_at", ">=", from)
    .where("converted_at", "<", to)
    .groupBy(sql`1`)
    .execute();
  const sales = await db
    .selectFrom("orders")
    .select([(eb) => eb.fn.countAll<number>().as("orders"), (eb) => eb.fn.sum<number>("total").as("revenue")])
    .where("shop_id", "=", shopId)
    .where("status", "not in", NOT_PURCHASES)
    .where("currency", "=", currency)
    .where("ordered_at", ">=", from)
    .where("ordered_at", "<", to)
    .executeTakeFirst();
  const scenarios = asFigures(credited.find((c) => Number(c.campaign) === 0));
  const campaigns = asFigures(credited.find((c) => Number(c.campaign) === 1));
  return {
    month,
    from,
    to,
    attributed: {
      orders: scenarios.orders + campaigns.orders,
      revenue: scenarios.revenue + campaigns.revenue,
    },
    scenarios,
    campaigns,
    sales: asFigures(sales),
  };
}

/** Conversions credited to each scenario's messages in [from, to), by scenario id. */
async function scenarioFigures(db: Db, shopId: number, currency: string, from: string, to: string) {
  const rows = await db
    .selectFrom("conversions")
    .select([
      "scenario_id",
      (eb) => eb.fn.countAll<number>().as("orders"),
      (eb) => eb.fn.sum<number>("revenue").as("revenue"),
    ])
    .where("shop_id", "=", shopId)
    .where("message_id", "is not", null)
    .where("campaign_id", "is", null)
    .where("currency", "=", currency)
    .where("converted_at", ">=", from)
    .where("converted_at", "<", to)
    .groupBy("scenario_id")
    .execute();
  return new Map(rows.map((r) => [Number(r.scenario_id), asFigures(r)]));
}

export async function dashboardFigures(db: Db, shopId: number, now: Date): Promise<Dashboard> {
  const shop = await db
    .selectFrom("shops")
    .select(["timezone", "currency", "settings"])
    .where("id", "=", shopId)
    .executeTakeFirstOrThrow();
  const { timezone, currency } = shop;
  const {
    months: [previous, current],
    bounds: [lastStart, thisStart, nextStart],
  } = lastMonths(timezone, now, 2);

  const scenarios = await db
    .selectFrom("scenarios")
    .select(["id", "key", "name", "library_key", "activated_at"])
    .where("shop_id", "=", shopId)
    .where("status", "=", "active")
    .where("kind", "=", "journey")
    .orderBy("activated_at")
    .orderBy("id")
    .execute();
  const earnedThisMonth = await scenarioFigures(db, shopId, currency, thisStart, nextStart);
  const earnedLastMonth = await scenarioFigures(db, shopId, currency, lastStart, thisStart);
  const sent = await db
    .selectFrom("messages")
    .select(["scenario_id", (eb) => eb.fn.countAll<number>().as("n")])
    .where("shop_id", "=", shopId)
    .where("campaign_id", "is", null)
    .where("sent_at", ">=", thisStart)
    .where("sent_at", "<", nextStart)
    .groupBy("scenario_id")
    .execute();
  const sentBy = new Map(sent.map((s) => [Number(s.scenario_id), Number(s.n)]));

  const since = toIso(now.getTime() - DELIVERABILITY_DAYS * 86_400_000);
  const [email] = await sendRates(db, shopId, { since, by: "all" });
  const limits = deliverabilitySettings(shop.settings);
  const pause = await db
    .selectFrom("channel_settings")
    .select(["paused_at", "paused_reason"])
    .where("shop_id", "=", shopId)
    .where("channel", "=", "email")
    .executeTakeFirst();

  // Only customers whose orders changed since the last pass; the worker does the daily rebuild.
  await refreshCustomerMetrics(db, shopId, { now, fullWhenDue: false });
  const groups = await db
    .selectFrom("customer_metrics")
    .select([
      "rfm_group",
      (eb) => eb.fn.countAll<number>().as("customers"),
      (eb) => eb.fn.sum<number>("revenue").as("revenue"),
    ])
    .where("shop_id", "=", shopId)
    .where("rfm_group", "is not", null)
    .groupBy("rfm_group")
    .execute();
  const byGroup = new Map(groups.map((g) => [g.rfm_group, g]));

  return {
    asOf: toIso(now),
    timezone,
    currency,
    thisMonth: await monthFigures(db, shopId, currency, current, thisStart, nextStart),
    lastMonth: await monthFigures(db, shopId, currency, previous, lastStart, thisStart),
    scenarios: scenarios.map((s) => ({
      key: s.key,
      name: s.name,
      libraryKey: s.library_key,
      activatedAt: s.activated_at,
      sentThisMonth: sentBy.get(Number(s.id)) ?? 0,
      thisMonth: earnedThisMonth.get(Number(s.id)) ?? none(),
      lastMonth: earnedLastMonth.get(Number(s.id)) ?? none(),
    })),
    deliverability: {
      since,
      days: DELIVERABILITY_DAYS,
      sent: email?.sent ?? 0,
      bounced: email?.bounced ?? 0,
      complaints: email?.complaints ?? 0,
      unsubscribes: email?.unsubscribes ?? 0,
      bounceRate: email?.bounceRate ?? 0,
      complaintRate: email?.complaintRate ?? 0,
      unsubscribeRate: email?.unsubscribeRate ?? 0,
      warnAbove: { ...DELIVERABILITY_WARNINGS },
      pauseAbove: {
        bounce: limits.maxBounceRate,
        complaint: limits.maxComplaintRate,
        unsubscribe: limits.maxUnsubscribeRate,
      },
      minSends: limits.minSends,
      emailPaused: pause?.paused_at ? { at: pause.paused_at, reason: pause.paused_reason } : null,
    },
    rfm: {
      buyers: groups.reduce((sum, g) => sum + Number(g.customers), 0),
      groups: RFM_GROUPS.map((group) => ({
        group,
        customers: Number(byGroup.get(group)?.customers ?? 0),
        revenue: Number(byGroup.get(group)?.revenue ?? 0),
      })),
    },
  };
}

export const dashboardRoutes: RoutePlugin = async (instance, { ctx }) => {
  const app = (instance as FastifyInstance).withTypeProvider<ZodTypeProvider>();
  app.get(
    // Under /reports: read by every role, like the reports (figures, no personal data).
    "/reports/dashboard",
    {
      config: { auth: "secret" },
      schema: {
        tags: ["reports"],
        summary: "The dashboard's figures: CRM revenue this month and last, scenarios, deliverability, RFM",
        description:
          "Months are calendar months in the shop's time zone; revenue is in integer minor units of the " +
          `shop's currency. Deliverability covers email sent in the last ${DELIVERABILITY_DAYS} days.`,
        response: { 200: dashboardSchema },
      },
    },
    async (request) => dashboardFigures(ctx.db, shopIdOf(request), ctx.clock.now()),
  );
};
