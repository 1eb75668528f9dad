// Messaging performance. First a shop whose journey split its customers into two arms and a holdout, and
// whose newsletter went out, with every send, open, click, unsubscribe, complaint, LINE block and
// credited order laid down so each figure of the report can be worked out by hand. Then a campaign run
// end to end — real sends over SMTP, clicks through the tracking links, an unsubscribe through the
// recipient page, an order through the API, the worker's attribution — read back by this report and by
// the campaign's own report, which must agree.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { performanceReport } from "../../src/analytics/performance.js";
import type { ReportRow } from "../../src/analytics/report.js";
import { meanDifference, normalCdf, twoProportionTest } from "../../src/analytics/significance.js";
import { inKeyRanges } from "../../src/analytics/sql.js";
import {
  campaignReport,
  createCampaign,
  scheduleCampaign,
  startDueCampaigns,
} from "../../src/campaigns/index.js";
import type { Channel, MessageStatus } from "../../src/db/index.js";
import { saveChannelSettings } from "../../src/messaging/channels/settings.js";
import { DeliveryWorker } from "../../src/messaging/delivery/worker.js";
import { linkBuilder } from "../../src/messaging/links.js";
import { createScenario, ensureTemplates } from "../../src/scenarios/index.js";
import { saveShopProfile } from "../../src/shops/profile.js";
import { drainJobs } from "../../src/worker/index.js";
import { DAY, HOUR, placeOrder, templatesFor, upsertCustomer } from "../scenarios/support.js";
import { createTestApp, type TestApp } from "../support/app.js";
import { type SmtpSink, startSmtpSink } from "../support/smtp.js";

const START = "2026-06-01T01:00:00.000Z"; // 10:00 in Tokyo
const at = (ms: number) => new Date(Date.parse(START) + ms).toISOString();

describe("significance", () => {
  it("computes the normal distribution to double precision", () => {
    // Reference values: mpmath's ncdf at 30 digits.
    expect(normalCdf(0)).toBe(0.5);
    expect(normalCdf(1.96)).toBeCloseTo(0.9750021048517795, 15);
    expect(normalCdf(-1)).toBeCloseTo(0.15865525393145705, 15);
    expect(normalCdf(-3)).toBeCloseTo(0.0013498980316300946, 15);
    expect(normalCdf(-5)).toBeCloseTo(2.866515718791939e-7, 15);
    expect(normalCdf(9)).toBe(1);
  });

  it("reproduces a textbook two-proportion test", () => {
    // Walpole, Myers, Myers & Ye, Probability and Statistics for Engineers and Scientists, the
    // chemical plant vote: 120 of 200 town voters and 240 of 500 county voters in favour. The book
    // rounds the pooled proportion to 0.51 and gets z = 2.9; unrounded, p̂ = 360/700 and
    // z = 0.12 / √(p̂(1 − p̂)(1/200 + 1/500)) = 2.8697, two-sided p = 2(1 − Φ(2.8697)) = 0.0041.
    const test = twoProportionTest(240, 500, 120, 200)!;
    expect(test.difference).toBeCloseTo(0.12, 12);
    expect(test.z).toBeCloseTo(2.869720215917757, 12);
    expect(test.p).toBeCloseTo(0.004108351424299424, 12);
    expect(test.significant).toBe(true);
    // z² is Pearson's chi-square of the 2×2 table (no continuity correction): 8.2353.
    expect(test.z ** 2).toBeCloseTo(8.235294117647058, 9);
    // Equal rates: nothing to see. No trials or no variation: no test.
    expect(twoProportionTest(1, 10, 4, 40)).toMatchObject({ z: 0, p: 1, significant: false });
    expect(twoProportionTest(0, 0, 1, 10)).toBeNull();
    expect(twoProportionTest(0, 10, 0, 10)).toBeNull();
  });

  it("puts a 95 % interval around a difference of means", () => {
    // Two samples: {3, 0 ×9} and {5, 5, 4, 6, 0 ×36} (thousands of yen). Means 0.3 and 0.5; variances
    // (9 − 0.9)/9 = 0.9 and (102 − 10)/39 = 2.3590; SE = √(0.9/10 + 2.3590/40) = 0.38597.
    const holdout = { n: 10, sum: 3, sumOfSquares: 9 };
    const treated = { n: 40, sum: 20, sumOfSquares: 102 };
    const d = meanDifference(holdout, treated)!;
    expect(d.difference).toBeCloseTo(0.2, 12);
    expect(d.standardError).toBeCloseTo(0.3859719665653957, 12);
    expect(d.low).toBeCloseTo(0.2 - 1.959963984540054 * 0.3859719665653957, 12);
    expect(d.p).toBeCloseTo(0.6043380262908175, 12);
    expect(meanDifference({ n: 1, sum: 1, sumOfSquares: 1 }, treated)).toBeNull();
  });
});

describe("messaging performance, worked out by hand", () => {
  let t: TestApp;
  let shopId: number;
  let cart: number;
  let newsletter: { id: number; scenarioId: number };
  const customers: number[] = [];
  const asOf = new Date(at(10 * DAY));
  const report = (options = {}) =>
    performanceReport(t.ctx.db, { shopId, asOf, timezone: "Asia/Tokyo", currency: "JPY" }, options);

  beforeEach(async () => {
    t = await createTestApp(START);
    shopId = t.shop.shop.id;
    await templatesFor(t, ["cart.plain", "cart.coupon", "news"], ["email", "line"]);
    // The newsletter starts before anyone is a customer, so the engine enters nobody; its runs and
    // messages are laid down below like the journey's.
    const draft = await createCampaign(t.ctx.db, t.clock, shopId, {
      name: "June newsletter",
      channels: ["email"],
      variants: [{ name: "A", template: "news" }],
    });
    await scheduleCampaign(t.ctx.db, t.clock, shopId, draft.id);
    await startDueCampaigns(t.ctx.db, t.clock);
    const started = await t.ctx.db
      .selectFrom("campaigns")
      .select(["id", "scenario_id"])
      .where("id", "=", draft.id)
      .executeTakeFirstOrThrow();
    newsletter = { id: started.id, scenarioId: started.scenario_id! };
    const journey = await createScenario(t.ctx.db, t.clock, shopId, {
      key: "cart",
      definition: {
        name: "Cart reminder",
        trigger: { type: "event", eventTypes: ["cart_add"] },
        start: "split",
        steps: [
          {
            id: "split",
            type: "split",
            // Listed plain first: the control, although "coupon" sorts before it.
            arms: [
              { name: "plain", weight: 2, next: "mail-plain" },
              { name: "coupon", weight: 2, next: "mail-coupon" },
              { name: "holdout", weight: 1, holdout: true, next: "end" },
            ],
          },
          {
            id: "mail-plain",
            type: "send",
            template: "cart.plain",
            channels: ["email", "line"],
            next: "end",
          },
          {
            id: "mail-coupon",
            type: "send",
            template: "cart.coupon",
            channels: ["email", "line"],
            next: "end",
          },
          { id: "end", type: "end" },
        ],
        exitGoals: [{ type: "order_placed" }],
      },
    });
    cart = journey.id;
    customers.length = 0;
    for (let i = 0; i < 10; i++)
      customers.push(await upsertCustomer(t, { externalId: `C${i}`, email: `c${i}@example.jp` }));
    await layDownTheJourneyAndTheNewsletter();
  });
  afterEach(async () => t.close());

  // ---- The fixture: rows as the engine, the delivery worker, tracking and attribution write them. The
  // engine's split is a hash of the run id, so hand-chosen arms cannot come from it; rows are inserted.

  let seq = 0;
  async function run(scenarioId: number, arm: string | null, holdout = false): Promise<number> {
    const row = await t.ctx.db
      .insertInto("scenario_runs")
      .values({
        shop_id: shopId,
        scenario_id: scenarioId,
        version: 1,
        customer_id: customers[seq % customers.length],
        entry_key: `entry-${++seq}`,
        status: "completed",
        step_id: null,
        step_seq: 3,
        next_at: null,
        waiting_for: null,
        arm,
        holdout: holdout ? 1 : 0,
        context: "{}",
        entered_at: START,
        ended_at: at(3 * DAY), // the run, and with it the conversion window, ends after 3 days
        end_reason: null,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    return row.id;
  }

  interface Send {
    channel: Channel;
    status: MessageStatus;
    delivered?: boolean;
    opened?: boolean;
    clicked?: boolean;
  }
  async function message(runId: number, scenarioId: number, step: string, variant: string | null, s: Send) {
    const sent = s.status === "suppressed" ? null : at(HOUR);
    const row = await t.ctx.db
      .insertInto("messages")
      .values({
        shop_id: shopId,
        customer_id: customers[0],
        channel: s.channel,
        template_key: step,
        message_class: "promotional",
        status: s.status,
        status_reason: null,
        idempotency_key: `fixture:${++seq}`,
        scenario_id: scenarioId,
        scenario_version: 1,
        run_id: runId,
        step_id: step,
        campaign_id: scenarioId === newsletter.scenarioId ? newsletter.id : null,
        variant,
        payload: "{}",
        queued_at: at(HOUR),
        sent_at: sent,
        opened_at: s.opened ? at(2 * HOUR) : null,
        clicked_at: s.clicked ? at(2 * HOUR) : null,
        updated_at: at(HOUR),
        due_at: null,
        address: null,
        provider_id: null,
        delivered_at: s.delivered ? at(HOUR + 60_000) : null,
        converted_at: null,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    return row.id;
  }

  async function event(messageId: number, type: string, reason: string | null) {
    await t.ctx.db
      .insertInto("message_events")
      .values({ shop_id: shopId, message_id: messageId, type, reason, detail: null, at: at(DAY) })
      .execute();
  }

  /** An order credited to a run (and its message, if any), `days` after entry; order ids are made up. */
  async function credit(
    runId: number,
    message: { id: number; step: string } | null,
    revenue: number,
    days: number,
    scenarioId = cart,
  ) {
    await t.ctx.db
      .insertInto("conversions")
      .values({
        shop_id: shopId,
        customer_id: customers[0],
        order_id: 1000 + ++seq,
        scenario_id: scenarioId,
        scenario_version: 1,
        run_id: runId,
        step_id: message?.step ?? null,
        message_id: message?.id ?? null,
        campaign_id: scenarioId === newsletter.scenarioId ? newsletter.id : null,
        revenue,
        currency: "JPY",
        converted_at: at(days * DAY),
      })
      .execute();
  }

  type Sent = { run: number; message: number; step: string };
  const plain: Sent[] = [];
  const coupon: Sent[] = [];
  const credited = (s: Sent) => ({ id: s.message, step: s.step });

  async function layDownTheJourneyAndTheNewsletter() {
    plain.length = 0;
    coupon.length = 0;
    // 20 runs per arm, one message each: 15 by email, 5 by LINE, the last LINE one suppressed.
    for (let i = 0; i < 20; i++) {
      const channel: Channel = i < 15 ? "email" : "line";
      const p = await run(cart, "plain");
      plain.push({
        run: p,
        step: "mail-plain",
        message: await message(p, cart, "mail-plain", "plain", {
          channel,
          // plain: #0 bounced, #1–10 delivered, opened #1–8, clicked #1–2
          status: i === 19 ? "suppressed" : i === 0 ? "bounced" : i <= 10 ? "delivered" : "sent",
          delivered: i >= 1 && i <= 10,
          opened: i >= 1 && i <= 8,
          clicked: i === 1 || i === 2,
        }),
      });
      const c = await run(cart, "coupon");
      coupon.push({
        run: c,
        step: "mail-coupon",
        message: await message(c, cart, "mail-coupon", "coupon", {
          channel,
          // coupon: #0–11 delivered, opened #0–9, clicked #0–7
          status: i === 19 ? "suppressed" : i <= 11 ? "delivered" : "sent",
          delivered: i <= 11,
          opened: i <= 9,
          clicked: i <= 7,
        }),
      });
    }
    const held: number[] = [];
    for (let i = 0; i < 10; i++) held.push(await run(cart, "holdout", true));
    // Two runs ended before the split: neither treated nor held out.
    await run(cart, null);
    await run(cart, null);

    // Orders. plain #1: 5,000 on day 1. coupon #0: 3,000 and 2,000; #1: 4,000; #2: 6,000, all within
    // the 3-day window; coupon #3: 1,000 on day 5, credited by attribution after its run ended.
    // A holdout customer buys for 3,000 on day 1: the exit goal records it, with no message.
    await credit(plain[1].run, credited(plain[1]), 5_000, 1);
    await credit(coupon[0].run, credited(coupon[0]), 3_000, 1);
    await credit(coupon[0].run, credited(coupon[0]), 2_000, 2);
    await credit(coupon[1].run, credited(coupon[1]), 4_000, 1);
    await credit(coupon[2].run, credited(coupon[2]), 6_000, 2);
    await credit(coupon[3].run, credited(coupon[3]), 1_000, 5);
    await credit(held[0], null, 3_000, 1);

    // plain #5 unsubscribes (twice: the link page, then the mailbox's one-click; one message).
    await event(plain[5].message, "unsubscribe", "unsubscribe-link");
    await event(plain[5].message, "unsubscribe", "one-click");
    // coupon #4 unsubscribes by mailto and complains; coupon #16 (LINE) blocks the account.
    await event(coupon[4].message, "unsubscribe", "mailto-unsubscribe");
    await event(coupon[4].message, "complaint", "abuse");
    await event(coupon[16].message, "unsubscribe", "line:unfollow");
    // Events that are not unsubscribes, complaints or blocks.
    await event(coupon[5].message, "open", null);
    await event(coupon[5].message, "soft_bounce", "delayed 4.2.2");

    // The newsletter: 5 runs (no split), 5 mails sent, 2 opened, 1 clicked and bought for 10,000.
    for (let j = 0; j < 5; j++) {
      const r = await run(newsletter.scenarioId, null);
      const m = await message(r, newsletter.scenarioId, "variant-1", null, {
        channel: "email",
        status: "sent",
        opened: j <= 1,
        clicked: j === 0,
      });
      if (j === 0) await credit(r, { id: m, step: "variant-1" }, 10_000, 1, newsletter.scenarioId);
    }
  }

  const only = (rows: ReportRow[], match: Record<string, unknown>) => {
    const found = rows.filter((r) => Object.entries(match).every(([k, v]) => r[k] === v));
    expect(found, JSON.stringify(match)).toHaveLength(1);
    return found[0];
  };

  it("counts sends, engagement, credited orders and opt-outs per scenario, step, campaign, variant and channel", async () => {
    const r = await report();
    expect(r.tables.scenarios.rows).toHaveLength(1); // the newsletter's scenario is a campaign's
    expect(r.tables.scenarios.rows[0]).toEqual({
      scenario_id: cart,
      scenario: "Cart reminder",
      sent: 38, // 19 + 19 (the bounced one was sent)
      suppressed: 2,
      delivered: 22, // 10 + 12
      bounced: 1,
      opened: 18, // 8 + 10
      clicked: 10, // 2 + 8
      converted: 6, // 1 + 5; the holdout's order has no message
      revenue: 21_000, // 5,000 + (3,000 + 2,000 + 4,000 + 6,000 + 1,000)
      unsubscribes: 2, // plain #5 (once), coupon #4
      complaints: 1,
      blocks: 1,
      delivery_rate: 22 / 38,
      open_rate: 18 / 38,
      click_rate: 10 / 38,
      conversion_rate: 6 / 38,
      revenue_per_sent: 553, // 21,000 ÷ 38 = 552.6
      unsubscribe_rate: 2 / 38,
      complaint_rate: 1 / 38,
      block_rate: 1 / 38,
    });

    const steps = r.tables.steps.rows;
    // By scenario id (the newsletter's scenario was made first), then in the definition's order.
    expect(steps.map((s) => [s.scenario, s.step])).toEqual([
      ["June newsletter", "variant-1"],
      ["Cart reminder", "mail-plain"],
      ["Cart reminder", "mail-coupon"],
    ]);
    expect(steps[0]).toMatchObject({ campaign_id: newsletter.id, campaign: "June newsletter", sent: 5 });
    expect(steps[1]).toMatchObject({
      sent: 19,
      suppressed: 1,
      delivered: 10,
      bounced: 1,
      opened: 8,
      clicked: 2,
    });
    expect(steps[1]).toMatchObject({
      converted: 1,
      revenue: 5_000,
      unsubscribes: 1,
      complaints: 0,
      blocks: 0,
    });
    expect(steps[2]).toMatchObject({
      sent: 19,
      suppressed: 1,
      delivered: 12,
      bounced: 0,
      opened: 10,
      clicked: 8,
    });
    expect(steps[2]).toMatchObject({
      converted: 5,
      revenue: 16_000,
      unsubscribes: 1,
      complaints: 1,
      blocks: 1,
    });

    expect(r.tables.campaigns.rows).toEqual([
      expect.objectContaining({
        campaign_id: newsletter.id,
        campaign: "June newsletter",
        sent: 5,
        opened: 2,
        clicked: 1,
        converted: 1,
        revenue: 10_000,
        click_rate: 0.2,
        revenue_per_sent: 2_000,
      }),
    ]);
    expect(r.tables.variants.rows.map((v) => [v.scenario, v.variant, v.sent, v.clicked])).toEqual([
      ["Cart reminder", "coupon", 19, 8],
      ["Cart reminder", "plain", 19, 2],
    ]);

    const email = only(r.tables.channels.rows, { channel: "email" });
    // plain #0–14 and coupon #0–14 (30) and the newsletter's 5.
    expect(email).toMatchObject({
      sent: 35,
      suppressed: 0,
      delivered: 22,
      bounced: 1,
      opened: 20,
      clicked: 11,
    });
    expect(email).toMatchObject({ converted: 7, revenue: 31_000, unsubscribes: 2, complaints: 1, blocks: 0 });
    const line = only(r.tables.channels.rows, { channel: "line" });
    expect(line).toMatchObject({
      sent: 8,
      suppressed: 2,
      opened: 0,
      converted: 0,
      unsubscribes: 0,
      blocks: 1,
    });
    expect(r.summary).toMatchObject({ sent: 43, converted: 7, revenue: 31_000 });
  });

  it("compares the arms with the first arm of the split", async () => {
    const rows = (await report()).tables.abTests.rows;
    expect(rows).toEqual([
      {
        scenario_id: cart,
        campaign_id: null,
        name: "Cart reminder",
        arm: "plain",
        role: "control",
        runs: 20,
        sent: 19,
        clicked: 2,
        click_rate: 2 / 19,
        click_p_value: null,
        clicks_significant: null,
        converted: 1,
        conversion_rate: 0.05,
        conversion_p_value: null,
        conversions_significant: null,
        orders: 1,
        revenue: 5_000,
        revenue_per_run: 250,
      },
      {
        scenario_id: cart,
        campaign_id: null,
        name: "Cart reminder",
        arm: "coupon",
        role: "variant",
        runs: 20,
        sent: 19,
        clicked: 8,
        click_rate: 8 / 19,
        // p̂ = 10/38, z = (8/19 − 2/19) / √(p̂(1 − p̂)(2/19)) = 2.2104, p = 0.0271
        click_p_value: expect.closeTo(0.027079827449526032, 12),
        clicks_significant: "yes",
        converted: 4, // coupon #0–3, the late order of #3 included (as the campaign report counts)
        conversion_rate: 0.2,
        // p̂ = 5/40, z = (0.2 − 0.05) / √(p̂(1 − p̂)(2/20)) = 1.4343, p = 0.1515
        conversion_p_value: expect.closeTo(0.1514939924042201, 12),
        conversions_significant: "no",
        orders: 5,
        revenue: 16_000,
        revenue_per_run: 800,
      },
    ]);
  });

  it("turns the holdout into lift and incremental revenue within the conversion window", async () => {
    const rows = (await report()).tables.holdouts.rows;
    expect(rows).toEqual([
      {
        scenario_id: cart,
        campaign_id: null,
        name: "Cart reminder",
        treated_runs: 40,
        holdout_runs: 10,
        treated_converted: 4, // plain #1, coupon #0, #1, #2 (coupon #3 bought after its run ended)
        holdout_converted: 1,
        treated_conversion_rate: 0.1,
        holdout_conversion_rate: 0.1,
        conversion_lift: 0,
        conversion_p_value: 1,
        treated_revenue: 20_000, // 5,000 + 5,000 + 4,000 + 6,000
        holdout_revenue: 3_000,
        revenue_per_treated: 500,
        revenue_per_holdout: 300,
        revenue_lift: expect.closeTo(500 / 300 - 1, 12),
        incremental_revenue: 8_000, // (500 − 300) × 40
        // Per-run revenue: treated {5,000, 5,000, 4,000, 6,000, 0 ×36}, holdout {3,000, 0 ×9}; the
        // difference of means 200 ± 1.96 × 385.97 (see the significance test above), times 40.
        incremental_low: -22_260,
        incremental_high: 38_260,
        revenue_p_value: expect.closeTo(0.6043380262908175, 12),
        significant: "no",
      },
    ]);
  });

  it("narrows to a campaign, a scenario or a period", async () => {
    const campaign = await report({ campaignId: newsletter.id });
    expect(campaign.tables.scenarios.rows).toEqual([]);
    expect(campaign.tables.campaigns.rows.map((c) => c.sent)).toEqual([5]);
    expect(campaign.tables.abTests.rows).toEqual([]);
    expect(campaign.tables.holdouts.rows).toEqual([]);

    const journey = await report({ scenarioId: cart });
    expect(journey.tables.campaigns.rows).toEqual([]);
    expect(journey.tables.scenarios.rows.map((s) => s.sent)).toEqual([38]);
    expect(journey.tables.abTests.rows).toHaveLength(2);

    const later = await report({ from: new Date(at(2 * HOUR)) });
    expect(later.tables.channels.rows).toEqual([]);
    expect(later.tables.abTests.rows).toEqual([]);
    const before = await report({ to: new Date(at(HOUR)) }); // the end is exclusive
    expect(before.tables.channels.rows).toEqual([]);
    const during = await report({ from: new Date(START), to: new Date(at(DAY)) });
    expect(during.summary).toMatchObject({ sent: 43 });
    await expect(report({ campaignId: 999 })).rejects.toThrow("campaign 999 not found");
    await expect(report({ scenarioId: 999 })).rejects.toThrow("scenario 999 not found");
  });

  it("adds up groups counted over ranges of message ids to the groups of the whole table", async () => {
    const db = t.ctx.db;
    const perChannel = (range?: { from: number; to: number }) => {
      let q = db.selectFrom("messages").select(["channel", (eb) => eb.fn.countAll<number>().as("n")]);
      if (range) q = q.where("id", ">=", range.from).where("id", "<", range.to);
      return q.groupBy("channel").execute();
    };
    const sum = (rows: Array<{ channel: string; n: number }>) => {
      const out: Record<string, number> = {};
      for (const r of rows) out[r.channel] = (out[r.channel] ?? 0) + Number(r.n);
      return out;
    };
    const parts = await inKeyRanges(db, "messages", perChannel, 3);
    const whole = sum(await perChannel());
    expect(Object.values(whole).reduce((n, x) => n + x, 0)).toBeGreaterThan(30);
    expect(sum(parts)).toEqual(whole);
    // SQLite: many ranges of three ids; PostgreSQL: one statement over everything.
    if (t.testDb.engine === "sqlite") expect(parts.length).toBeGreaterThan(10);
  });
});

describe("a campaign end to end, as the campaign's own report sees it", () => {
  const PUBLIC_URL = "https://crm.kizuna-sabo.jp";
  let t: TestApp;
  let sink: SmtpSink;
  let delivery: DeliveryWorker;
  const api = (method: "GET" | "POST", url: string, payload?: unknown) =>
    t.app.inject({ method, url, headers: t.secret, ...(payload ? { payload } : {}) });

  beforeEach(async () => {
    t = await createTestApp(START);
    sink = await startSmtpSink();
    const shopId = t.shop.shop.id;
    await saveShopProfile(t.ctx.db, shopId, {
      url: "https://kizuna-sabo.jp",
      address: "〒150-0001 東京都渋谷区神宮前1-2-3",
      email: "info@kizuna-sabo.jp",
      phone: "03-1234-5678",
    });
    await saveChannelSettings(t.ctx.db, t.clock, t.ctx.secret, shopId, "email", {
      provider: "smtp",
      settings: {
        host: "127.0.0.1",
        port: sink.port,
        fromAddress: "news@kizuna-sabo.jp",
        fromName: "きずな茶房",
        bounceAddress: "bounces@mail.kizuna-sabo.jp",
        unsubscribeAddress: "unsubscribe@mail.kizuna-sabo.jp",
        maxConnections: 3,
      },
      secrets: {},
    });
    // Mails that may go out: the sender's identity and the opt-out link, as 特定電子メール法 asks.
    await ensureTemplates(
      t.ctx.db,
      t.clock,
      shopId,
      ["sale.a", "sale.b"].map((key) => ({
        key,
        channel: "email" as const,
        locale: "ja",
        messageClass: "promotional" as const,
        subject: `${key} 夏のセール`,
        body: `<p>夏のセール <a href="https://kizuna-sabo.jp/sale">${key}</a></p>
<p>{{ shop.name }} {{ shop.address }} <a href="{{ unsubscribeUrl }}">配信停止</a></p>`,
      })),
    );
    delivery = new DeliveryWorker({
      db: t.ctx.db,
      clock: t.clock,
      secret: t.ctx.secret,
      publicUrl: PUBLIC_URL,
    });
  });
  afterEach(async () => {
    await delivery.close();
    await sink.close();
    await t.close();
  });

  it("agrees with the campaign report on arms, conversions and lift", async () => {
    const shopId = t.shop.shop.id;
    for (let i = 0; i < 60; i++) {
      await upsertCustomer(t, { externalId: `M${i}`, email: `m${i}@example.jp` }, { email: true });
    }
    const created = await api("POST", "/v1/campaigns", {
      name: "Summer sale",
      channels: ["email"],
      variants: [
        { name: "A", template: "sale.a" },
        { name: "B", template: "sale.b" },
      ],
      abTest: { testPercent: 50, winnerAfterHours: 4, metric: "clicks" },
      holdoutPercent: 20,
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id;
    await api("POST", `/v1/campaigns/${id}/schedule`, {});
    await drainJobs(t.ctx.db, t.clock);
    const tested = await delivery.drain();
    await sink.waitFor(tested);

    const sentTo = async (template: string) =>
      t.ctx.db
        .selectFrom("messages")
        .select(["id", "customer_id"])
        .where("shop_id", "=", shopId)
        .where("template_key", "=", template)
        .where("status", "=", "sent")
        .orderBy("id")
        .execute();
    const a = await sentTo("sale.a");
    const b = await sentTo("sale.b");
    const links = linkBuilder(t.ctx.secret, PUBLIC_URL);
    const path = (url: string) => new URL(url).pathname;
    // Five B recipients click (a click also counts as an open); two A recipients open.
    t.clock.advance(HOUR);
    for (const m of b.slice(0, 5)) {
      const res = await t.app.inject({
        method: "GET",
        url: path(links.clickUrl(shopId, m.id, "https://kizuna-sabo.jp/sale")),
      });
      expect(res.statusCode).toBe(302);
    }
    for (const m of a.slice(0, 2)) {
      await t.app.inject({ method: "GET", url: path(links.openPixelUrl(shopId, m.id)) });
    }
    // One A recipient unsubscribes with the mailbox's one-click button.
    const leaving = { shopId, customerId: a[2].customer_id, channel: "email", messageId: a[2].id };
    const unsub = await t.app.inject({
      method: "POST",
      url: path(links.unsubscribeUrl(leaving)),
      headers: { "content-type": "application/x-www-form-urlencoded" },
      payload: "List-Unsubscribe=One-Click",
    });
    expect(unsub.statusCode, unsub.body).toBe(200);
    // The first B clicker buys.
    t.clock.advance(HOUR);
    const buyer = await t.ctx.db
      .selectFrom("customers")
      .select("external_id")
      .where("id", "=", b[0].customer_id)
      .executeTakeFirstOrThrow();
    await placeOrder(t, {
      externalId: "O-1",
      customerId: buyer.external_id,
      orderedAt: t.clock.now().toISOString(),
      items: [{ sku: "SKU-1", quantity: 1, unitPrice: 5000 }],
    });
    // The winner goes to the rest; the attribution job credits the order.
    t.clock.advance(2 * HOUR + 60_000);
    await drainJobs(t.ctx.db, t.clock);
    const rest = await delivery.drain();
    await sink.waitFor(tested + rest);

    const own = await campaignReport(t.ctx.db, shopId, id);
    const mine = await performanceReport(t.ctx.db, {
      shopId,
      asOf: t.clock.now(),
      timezone: "Asia/Tokyo",
      currency: "JPY",
    });
    expect(own.winner).toBe("B");

    const arms = mine.tables.abTests.rows;
    expect(arms.map((r) => r.arm)).toEqual(["A", "B", "rest"]);
    for (const row of arms) {
      const theirs = own.arms.find((x) => x.arm === row.arm)!;
      expect(row).toMatchObject({ campaign_id: id, name: "Summer sale", runs: theirs.runs });
      expect(row).toMatchObject({ converted: theirs.converted, revenue: theirs.revenue });
      // Everything queued was delivered to the SMTP server.
      expect(row.sent).toBe(theirs.sent);
    }
    expect(arms.find((r) => r.arm === "B")).toMatchObject({ clicked: 5, converted: 1, revenue: 5_000 });

    const holdout = own.arms.find((x) => x.arm === "holdout")!;
    expect(mine.tables.holdouts.rows).toEqual([
      expect.objectContaining({
        campaign_id: id,
        treated_runs: own.entered - holdout.runs,
        holdout_runs: holdout.runs,
        treated_converted: 1,
        holdout_converted: 0,
        incremental_revenue: own.lift!.incrementalRevenue, // 5,000
      }),
    ]);
    expect(own.lift!.incrementalRevenue).toBe(5_000);

    expect(mine.tables.campaigns.rows).toEqual([
      expect.objectContaining({
        campaign_id: id,
        sent: tested + rest,
        opened: 7, // five clickers and two openers
        clicked: 5,
        converted: 1,
        revenue: 5_000,
        unsubscribes: 1,
        complaints: 0,
      }),
    ]);
    expect(mine.tables.variants.rows.map((v) => v.variant)).toEqual(["A", "B"]);
  });
});
