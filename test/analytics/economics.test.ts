// Acquisition economics: a shop enters what it spent per channel and month, customers sign up and buy
// through the API, the metrics job aggregates their orders, and the report sets cost against leads,
// first orders and everything the cohorts bought since. Every figure below is worked out by hand.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { economicsReport, listAdCosts, setAdCost } from "../../src/analytics/economics.js";
import { refreshCustomerMetrics } from "../../src/analytics/metrics.js";
import type { ReportRow } from "../../src/analytics/report.js";
import { ValidationError } from "../../src/core/errors.js";
import { placeOrder, upsertCustomer } from "../scenarios/support.js";
import { createTestApp, type TestApp } from "../support/app.js";

// 2026-06-15 12:00 in Tokyo: the report's moment.
const AS_OF = new Date("2026-06-15T03:00:00.000Z");

/** A JST wall-clock time as the UTC instant the API takes. */
const jst = (local: string) => new Date(`${local}+09:00`).toISOString();

describe("economics", () => {
  let t: TestApp;
  let shopId: number;
  const ctx = () => ({ shopId, asOf: AS_OF, timezone: "Asia/Tokyo", currency: "JPY" });

  // Order numbers restart with every test's shop, so "O-1" is always G1's first order.
  let orderNo = 0;

  beforeEach(async () => {
    t = await createTestApp("2024-12-01T00:00:00.000Z");
    shopId = t.shop.shop.id;
    orderNo = 0;
  });
  afterEach(async () => t.close());

  async function member(id: string, createdAt: string, channel?: string) {
    await upsertCustomer(t, {
      externalId: id,
      email: `${id.toLowerCase()}@example.jp`,
      createdAt: jst(createdAt),
      ...(channel ? { attributes: { acquisition_channel: channel } } : {}),
    });
  }

  async function buys(id: string, at: string, yen: number, extra: Record<string, unknown> = {}) {
    await placeOrder(t, {
      externalId: `O-${++orderNo}`,
      customerId: id,
      orderedAt: jst(at),
      items: [{ sku: "TEA-1", quantity: 1, unitPrice: yen }],
      ...extra,
    });
  }

  async function givenAShopWithCohorts() {
    for (const [channel, month, amount] of [
      ["google", "2025-01", 30_000],
      ["google", "2025-02", 20_000],
      ["meta", "2025-01", 10_000],
      ["line_ads", "2025-02", 5_000],
    ] as const) {
      await setAdCost(t.ctx.db, shopId, { channel, month, amount, currency: "JPY" }, AS_OF);
    }
    // google, January: three leads (G1, G2, G3) and three first orders (G1, G2, and G4, a December lead).
    await member("G1", "2025-01-05T10:00:00", "google");
    await buys("G1", "2025-01-10T12:00:00", 10_000); // first order, month 0
    await buys("G1", "2025-03-03T12:00:00", 8_000); // month 2
    await buys("G1", "2026-02-10T12:00:00", 5_000); // month 13: lifetime, not 12-month
    await member("G2", "2025-01-20T10:00:00", "google");
    await buys("G2", "2025-01-31T23:30:00", 6_000); // still January in Tokyo (14:30 UTC)
    await buys("G2", "2025-02-14T12:00:00", 4_000, { status: "cancelled" }); // does not count
    await buys("G2", "2025-06-01T12:00:00", 7_000); // month 5
    await member("G3", "2025-01-25T10:00:00", "google"); // a lead who never orders
    await member("G4", "2024-12-28T10:00:00", "google"); // December lead…
    await buys("G4", "2025-01-03T12:00:00", 3_000); // …January customer
    // google, February: G5 signs up and orders just after midnight on 1 February in Tokyo (still
    // 31 January in UTC): a February lead and customer.
    await member("G5", "2025-02-01T00:10:00", "google");
    await buys("G5", "2025-02-01T00:30:00", 12_000);
    await buys("G5", "2025-02-20T12:00:00", 2_000); // repeat order in month 0: back end
    // meta, January: two leads, one customer.
    await member("M1", "2025-01-10T10:00:00", "meta");
    await buys("M1", "2025-01-12T12:00:00", 4_000);
    await buys("M1", "2025-04-01T12:00:00", 4_000); // month 3
    await member("M2", "2025-01-11T10:00:00", "meta");
    // No attribute: the metrics job takes the first order's channel (store) as the acquisition channel.
    await member("U1", "2025-01-15T10:00:00");
    await buys("U1", "2025-01-16T12:00:00", 5_000, { channel: "store" });

    await refreshCustomerMetrics(t.ctx.db, shopId, { now: AS_OF, full: true });
  }

  const row = (rows: ReportRow[], channel: string, month?: string) =>
    rows.find((r) => r.channel === channel && (month === undefined || r.month === month));

  it("sets cost against leads, first orders and the cohorts' lifetime revenue", async () => {
    await givenAShopWithCohorts();
    const report = await economicsReport(t.ctx.db, ctx());
    const months = report.tables.channelMonths.rows;
    expect(months.map((r) => [r.channel, r.month])).toEqual([
      ["google", "2024-12"],
      ["google", "2025-01"],
      ["google", "2025-02"],
      ["line_ads", "2025-02"],
      ["meta", "2025-01"],
      ["store", "2025-01"],
    ]);

    expect(row(months, "google", "2025-01")).toEqual({
      channel: "google",
      month: "2025-01",
      ad_cost: 30_000,
      leads: 3, // G1, G2, G3 (G4 signed up in December)
      new_customers: 3, // G1, G2, G4
      cpa: 10_000, // 30,000 ÷ 3
      cpo: 10_000, // 30,000 ÷ 3
      first_order_revenue: 19_000, // 10,000 + 6,000 + 3,000
      first_order_roas: 19_000 / 30_000,
      back_end_revenue: 20_000, // 8,000 + 5,000 + 7,000 (the cancelled 4,000 does not count)
      lifetime_revenue: 39_000,
      ltv_to_date: 13_000, // 39,000 ÷ 3
      revenue_12m: 34_000, // months 0–11: 19,000 + 8,000 + 7,000; month 13's 5,000 is later
      ltv_12m: 11_333, // 34,000 ÷ 3 = 11,333.3
      lifetime_roas: 1.3, // 39,000 ÷ 30,000
      marketing_ratio: 30_000 / 39_000,
      payback_month: 5, // cumulative 19,000 (m0), 27,000 (m2), 34,000 (m5) ≥ 30,000
    });
    expect(row(months, "google", "2025-02")).toEqual({
      channel: "google",
      month: "2025-02",
      ad_cost: 20_000,
      leads: 1,
      new_customers: 1,
      cpa: 20_000,
      cpo: 20_000,
      first_order_revenue: 12_000,
      first_order_roas: 0.6,
      back_end_revenue: 2_000,
      lifetime_revenue: 14_000,
      ltv_to_date: 14_000,
      revenue_12m: 14_000,
      ltv_12m: 14_000,
      lifetime_roas: 0.7,
      marketing_ratio: 20_000 / 14_000,
      payback_month: null, // 14,000 < 20,000 so far
    });
    expect(row(months, "meta", "2025-01")).toMatchObject({
      ad_cost: 10_000,
      leads: 2,
      new_customers: 1,
      cpa: 5_000, // 10,000 ÷ 2
      cpo: 10_000, // 10,000 ÷ 1
      first_order_revenue: 4_000,
      first_order_roas: 0.4,
      lifetime_revenue: 8_000,
      lifetime_roas: 0.8,
      marketing_ratio: 1.25,
      payback_month: null,
    });
    // Money spent with nothing to show: ratios over nothing stay empty.
    expect(row(months, "line_ads", "2025-02")).toMatchObject({
      ad_cost: 5_000,
      leads: 0,
      new_customers: 0,
      cpa: null,
      cpo: null,
      first_order_roas: 0,
      lifetime_roas: 0,
      marketing_ratio: null,
      payback_month: null,
    });
    // No cost entered (organic): counts, but no cost ratios.
    expect(row(months, "store", "2025-01")).toMatchObject({
      ad_cost: null,
      leads: 1,
      new_customers: 1,
      cpa: null,
      cpo: null,
      first_order_revenue: 5_000,
      first_order_roas: null,
      lifetime_revenue: 5_000,
    });
    expect(row(months, "google", "2024-12")).toMatchObject({ ad_cost: null, leads: 1, new_customers: 0 });

    const google = row(report.tables.channels.rows, "google");
    expect(google).toEqual({
      channel: "google",
      months: 3,
      ad_cost: 50_000,
      leads: 5,
      new_customers: 4,
      cpa: 10_000, // 50,000 ÷ 5
      cpo: 12_500, // 50,000 ÷ 4
      first_order_revenue: 31_000, // 19,000 + 12,000
      first_order_roas: 0.62,
      back_end_revenue: 22_000,
      lifetime_revenue: 53_000,
      ltv_to_date: 13_250, // 53,000 ÷ 4
      revenue_12m: 48_000, // 34,000 + 14,000
      ltv_12m: 12_000, // 48,000 ÷ 4
      lifetime_roas: 1.06,
      marketing_ratio: 50_000 / 53_000,
      // Cohorts lined up by months since acquisition: 33,000, 41,000, 48,000, then 53,000 at 13.
      payback_month: 13,
    });
    expect(report.tables.paybackCurve.rows.filter((r) => r.channel === "google")).toEqual([
      { channel: "google", months_after: 0, ad_cost: 50_000, cumulative_revenue: 33_000, roas: 0.66 },
      { channel: "google", months_after: 2, ad_cost: 50_000, cumulative_revenue: 41_000, roas: 0.82 },
      { channel: "google", months_after: 5, ad_cost: 50_000, cumulative_revenue: 48_000, roas: 0.96 },
      { channel: "google", months_after: 13, ad_cost: 50_000, cumulative_revenue: 53_000, roas: 1.06 },
    ]);
    // 30,000 + 20,000 + 10,000 + 5,000 spent; 53,000 (google) + 8,000 (meta) + 5,000 (store) bought.
    expect(report.summary).toMatchObject({ ad_cost: 65_000, new_customers: 6, lifetime_revenue: 66_000 });
  });

  it("moves a customer's later orders with them when a cancelled first order changes their cohort", async () => {
    await givenAShopWithCohorts();
    // G1's January order is cancelled: G1 becomes a March customer, and their February 2026 order (a
    // month no order changed in) moves with them, through the incremental pass.
    t.clock.advance(60_000);
    await buys("G1", "2025-01-10T12:00:00", 10_000, { externalId: "O-1", status: "cancelled" });
    expect((await refreshCustomerMetrics(t.ctx.db, shopId, { now: AS_OF })).mode).toBe("incremental");
    const months = (await economicsReport(t.ctx.db, ctx())).tables.channelMonths.rows;
    expect(row(months, "google", "2025-03")).toMatchObject({
      new_customers: 1,
      first_order_revenue: 8_000,
      lifetime_revenue: 13_000, // 8,000 + the 5,000 of February 2026
    });
    expect(row(months, "google", "2025-01")).toMatchObject({
      new_customers: 2, // G2, G4
      lifetime_revenue: 16_000, // 6,000 + 7,000 + 3,000
    });
  });

  it("limits the channel-months to a range but keeps the cohorts' later orders", async () => {
    await givenAShopWithCohorts();
    const report = await economicsReport(t.ctx.db, ctx(), { from: "2025-01", to: "2025-01" });
    expect(report.tables.channelMonths.rows.map((r) => `${r.channel} ${r.month}`)).toEqual([
      "google 2025-01",
      "meta 2025-01",
      "store 2025-01",
    ]);
    // G1's order in February 2026 belongs to the January cohort.
    expect(row(report.tables.channelMonths.rows, "google", "2025-01")?.lifetime_revenue).toBe(39_000);
  });

  it("shows 12-month revenue only once the twelve months are over", async () => {
    await setAdCost(
      t.ctx.db,
      shopId,
      { channel: "google", month: "2025-08", amount: 1_000, currency: "JPY" },
      AS_OF,
    );
    await member("N1", "2025-08-01T10:00:00", "google");
    await buys("N1", "2025-08-02T12:00:00", 1_500);
    await refreshCustomerMetrics(t.ctx.db, shopId, { now: AS_OF, full: true });
    const report = await economicsReport(t.ctx.db, ctx());
    // August 2025 + 11 = July 2026, after June 2026.
    expect(row(report.tables.channelMonths.rows, "google", "2025-08")).toMatchObject({
      revenue_12m: null,
      ltv_12m: null,
      lifetime_revenue: 1_500,
      payback_month: 0,
    });
  });

  it("keeps one cost per channel and month, the latest entered", async () => {
    const input = { channel: "google", month: "2025-01", amount: 25_000, currency: "JPY" };
    await setAdCost(t.ctx.db, shopId, input, new Date("2025-02-01T00:00:00Z"));
    const saved = await setAdCost(t.ctx.db, shopId, { ...input, amount: 30_000 }, AS_OF);
    expect(saved).toEqual({ ...input, amount: 30_000, updatedAt: AS_OF.toISOString() });
    await setAdCost(t.ctx.db, shopId, { ...input, channel: "meta", month: "2025-03" }, AS_OF);
    expect(await listAdCosts(t.ctx.db, shopId)).toEqual([
      {
        channel: "google",
        month: "2025-01",
        amount: 30_000,
        currency: "JPY",
        updatedAt: AS_OF.toISOString(),
      },
      { channel: "meta", month: "2025-03", amount: 25_000, currency: "JPY", updatedAt: AS_OF.toISOString() },
    ]);
    expect(await listAdCosts(t.ctx.db, shopId, { from: "2025-02" })).toHaveLength(1);
    expect(await listAdCosts(t.ctx.db, shopId, { channel: "google" })).toHaveLength(1);
  });

  it("refuses bad ad-cost input, naming the field", async () => {
    const good = { channel: "google", month: "2025-01", amount: 1_000, currency: "JPY" };
    const fieldOf = async (input: Record<string, unknown>) => {
      const err = await setAdCost(t.ctx.db, shopId, input, AS_OF).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ValidationError);
      return (err as ValidationError).issues.map((i) => i.field);
    };
    expect(await fieldOf({ ...good, month: "2025-13" })).toEqual(["month"]);
    expect(await fieldOf({ ...good, month: "January" })).toEqual(["month"]);
    expect(await fieldOf({ ...good, amount: -5 })).toEqual(["amount"]);
    expect(await fieldOf({ ...good, amount: 10.5 })).toEqual(["amount"]);
    expect(await fieldOf({ ...good, amount: "1000" })).toEqual(["amount"]);
    expect(await fieldOf({ ...good, channel: "  " })).toEqual(["channel"]);
    expect(await fieldOf({ ...good, currency: "yen" })).toEqual(["currency"]);
    // A valid code, but not the shop's: sales in yen over costs in dollars mean nothing.
    const usd = await setAdCost(t.ctx.db, shopId, { ...good, currency: "USD" }, AS_OF).catch(
      (e: unknown) => e,
    );
    expect((usd as ValidationError).issues).toEqual([
      { field: "currency", message: "must be the shop's currency, JPY" },
    ]);
    await expect(setAdCost(t.ctx.db, shopId, { ...good, amount: -1 }, AS_OF)).rejects.toThrow(
      "amount: must not be negative",
    );
    expect(await listAdCosts(t.ctx.db, shopId)).toEqual([]);
    await expect(economicsReport(t.ctx.db, ctx(), { from: "2025/01" })).rejects.toThrow(/from/);
  });
});
