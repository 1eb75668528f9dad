// A shop for the dashboard tests (server and browser): two active scenarios and a paused one, a
// campaign, orders this month and last month (Tokyo calendar months around `now`), some credited to
// their messages, one cancelled, one a goal conversion without a message; 50 emails sent this month of
// which 2 bounced. The figures it should give are worked out by hand in DASHBOARD_EXPECTED.
import { DateTime } from "luxon";
import { createCampaign } from "../../src/campaigns/index.js";
import type { Channel } from "../../src/db/index.js";
import { createScenario, setScenarioStatus } from "../../src/scenarios/index.js";
import { placeOrder, templatesFor, upsertCustomer } from "../scenarios/support.js";
import type { TestApp } from "../support/app.js";

export const DASHBOARD_SCENARIOS = {
  cart: "カゴ落ちリマインド",
  winback: "休眠顧客の掘り起こし",
  spring: "春のセール予告",
} as const;

/** Yen. This month: O1, O2 (cart), O3 (winback), O4 (campaign) credited; O5 organic; O6 cancelled; O11 goal only. */
export const DASHBOARD_EXPECTED = {
  thisMonth: {
    attributed: { orders: 4, revenue: 12_800 + 5_400 + 3_000 + 20_000 },
    scenarios: { orders: 3, revenue: 12_800 + 5_400 + 3_000 },
    campaigns: { orders: 1, revenue: 20_000 },
    sales: { orders: 6, revenue: 12_800 + 5_400 + 3_000 + 20_000 + 7_777 + 1_500 },
  },
  // Last month: O7 (cart), O8 (winback), O10 (the paused scenario) credited; O9 organic.
  lastMonth: {
    attributed: { orders: 3, revenue: 8_000 + 4_000 + 2_500 },
    scenarios: { orders: 3, revenue: 8_000 + 4_000 + 2_500 },
    campaigns: { orders: 0, revenue: 0 },
    sales: { orders: 4, revenue: 8_000 + 4_000 + 6_000 + 2_500 },
  },
  cart: { thisMonth: { orders: 2, revenue: 18_200 }, lastMonth: { orders: 1, revenue: 8_000 } },
  winback: { thisMonth: { orders: 1, revenue: 3_000 }, lastMonth: { orders: 1, revenue: 4_000 } },
  emails: { sent: 50, bounced: 2, bounceRate: 0.04 },
  buyers: 8,
} as const;

const definition = (name: string, template: string) => ({
  name,
  trigger: { type: "event" as const, eventTypes: ["cart_add"] },
  start: "mail",
  steps: [
    {
      id: "mail",
      type: "send" as const,
      template,
      channels: ["email" as const, "line" as const],
      next: "end",
    },
    { id: "end", type: "end" as const },
  ],
});

export async function seedDashboardShop(t: TestApp, now: Date): Promise<void> {
  const shopId = t.shop.shop.id;
  const db = t.ctx.db;
  const thisStart = DateTime.fromJSDate(now, { zone: "Asia/Tokyo" }).startOf("month");
  const lastStart = thisStart.minus({ months: 1 });
  // Instants spread over this month so far (fraction 0…1 of it) and over last month.
  const thisMonth = (f: number) =>
    new Date(thisStart.toMillis() + (now.getTime() - thisStart.toMillis()) * f).toISOString();
  const lastMonth = (f: number) =>
    new Date(lastStart.toMillis() + (thisStart.toMillis() - lastStart.toMillis()) * f).toISOString();

  await templatesFor(t, ["cart.mail", "winback.mail", "spring.mail", "news"], ["email", "line"]);
  const scenarioIds: Record<keyof typeof DASHBOARD_SCENARIOS, number> = { cart: 0, winback: 0, spring: 0 };
  for (const key of ["cart", "winback", "spring"] as const) {
    const s = await createScenario(db, t.clock, shopId, {
      key,
      definition: definition(DASHBOARD_SCENARIOS[key], `${key}.mail`),
    });
    await setScenarioStatus(db, t.clock, shopId, key, key === "spring" ? "paused" : "active");
    scenarioIds[key] = s.id;
  }
  const campaign = await createCampaign(db, t.clock, shopId, {
    name: "ニュースレター",
    channels: ["email"],
    variants: [{ name: "A", template: "news" }],
  });

  const customers: number[] = [];
  for (let i = 1; i <= 8; i++)
    customers.push(await upsertCustomer(t, { externalId: `C${i}`, email: `c${i}@example.jp` }));

  let seq = 0;
  async function message(
    customer: number,
    sentAt: string,
    from: { scenario?: keyof typeof DASHBOARD_SCENARIOS; campaign?: boolean },
    channel: Channel = "email",
    bounced = false,
  ): Promise<number> {
    const row = await db
      .insertInto("messages")
      .values({
        shop_id: shopId,
        customer_id: customer,
        channel,
        template_key: from.scenario ? `${from.scenario}.mail` : "news",
        message_class: "promotional",
        status: bounced ? "bounced" : "delivered",
        status_reason: null,
        idempotency_key: `dashboard:${++seq}`,
        scenario_id: from.scenario ? scenarioIds[from.scenario] : null,
        scenario_version: from.scenario ? 1 : null,
        run_id: null,
        step_id: from.scenario ? "mail" : null,
        campaign_id: from.campaign ? campaign.id : null,
        variant: null,
        payload: "{}",
        queued_at: sentAt,
        sent_at: sentAt,
        opened_at: null,
        clicked_at: null,
        updated_at: sentAt,
        due_at: null,
        address: null,
        provider_id: null,
        delivered_at: bounced ? null : sentAt,
        converted_at: null,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    if (bounced)
      await db
        .insertInto("message_events")
        .values({
          shop_id: shopId,
          message_id: row.id,
          type: "bounced",
          reason: "550",
          detail: null,
          at: sentAt,
        })
        .execute();
    return row.id;
  }

  /** An order through the API; credited to a message (or to a scenario's run without one) when given. */
  async function order(
    id: string,
    customer: number,
    at: string,
    total: number,
    credit?: { messageId: number | null; scenario?: keyof typeof DASHBOARD_SCENARIOS; campaign?: boolean },
    status = "completed",
  ) {
    await placeOrder(t, {
      externalId: id,
      customerId: `C${customer}`,
      orderedAt: at,
      status,
      items: [{ sku: "SKU-1", quantity: 1, unitPrice: total }],
    });
    if (!credit) return;
    const row = await db
      .selectFrom("orders")
      .select("id")
      .where("shop_id", "=", shopId)
      .where("external_id", "=", id)
      .executeTakeFirstOrThrow();
    await db
      .insertInto("conversions")
      .values({
        shop_id: shopId,
        customer_id: customers[customer - 1],
        order_id: row.id,
        scenario_id: credit.scenario ? scenarioIds[credit.scenario] : null,
        scenario_version: credit.scenario ? 1 : null,
        run_id: null,
        step_id: credit.scenario ? "mail" : null,
        message_id: credit.messageId,
        campaign_id: credit.campaign ? campaign.id : null,
        revenue: total,
        currency: "JPY",
        converted_at: at,
      })
      .execute();
  }

  const c = (n: number) => customers[n - 1];
  // This month: four credited orders, each after its email.
  await order("O1", 1, thisMonth(0.2), 12_800, {
    messageId: await message(c(1), thisMonth(0.1), { scenario: "cart" }),
    scenario: "cart",
  });
  await order("O2", 2, thisMonth(0.4), 5_400, {
    messageId: await message(c(2), thisMonth(0.3), { scenario: "cart" }),
    scenario: "cart",
  });
  await order("O3", 3, thisMonth(0.5), 3_000, {
    messageId: await message(c(3), thisMonth(0.45), { scenario: "winback" }),
    scenario: "winback",
  });
  await order("O4", 4, thisMonth(0.6), 20_000, {
    messageId: await message(c(4), thisMonth(0.55), { campaign: true }),
    campaign: true,
  });
  await order("O5", 5, thisMonth(0.7), 7_777);
  await order("O6", 1, thisMonth(0.75), 9_999, undefined, "cancelled");
  // A goal conversion of a run that had no message yet: not the messages' doing.
  await order("O11", 3, thisMonth(0.8), 1_500, { messageId: null, scenario: "cart" });
  // 46 more cart emails this month, two of them bounced: 2 of 50 = 4 %.
  for (let i = 0; i < 46; i++)
    await message(c((i % 8) + 1), thisMonth(0.85), { scenario: "cart" }, "email", i < 2);

  // Last month, by LINE (outside the email figures): three credited orders, one organic.
  await order("O7", 6, lastMonth(0.9), 8_000, {
    messageId: await message(c(6), lastMonth(0.85), { scenario: "cart" }, "line"),
    scenario: "cart",
  });
  await order("O8", 7, lastMonth(0.3), 4_000, {
    messageId: await message(c(7), lastMonth(0.25), { scenario: "winback" }, "line"),
    scenario: "winback",
  });
  await order("O9", 8, lastMonth(0.5), 6_000);
  await order("O10", 2, lastMonth(0.6), 2_500, {
    messageId: await message(c(2), lastMonth(0.55), { scenario: "spring" }, "line"),
    scenario: "spring",
  });
}
