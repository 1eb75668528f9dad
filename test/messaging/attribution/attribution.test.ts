// Attribution: a customer gets some newsletters, opens one, clicks another, and then buys through the
// API. The worker's attribution job credits the order to the message that earned it — the last one
// clicked within a week, else the last one opened within a day — once, and only for real sales.
// Opens and clicks come in through the tracking routes, as a mail client would send them.
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { toJson } from "../../../src/db/index.js";
import {
  attributeConversions,
  attributionWindows,
  DEFAULT_ATTRIBUTION_WINDOWS,
} from "../../../src/messaging/attribution/index.js";
import { type LinkBuilder, linkBuilder } from "../../../src/messaging/links.js";
import { createScenario } from "../../../src/scenarios/index.js";
import { drainJobs } from "../../../src/worker/index.js";
import {
  closeFileDatabase,
  DAY,
  HOUR,
  MINUTE,
  MONDAY_10AM,
  openShop,
  placeOrder,
  sendEvents,
  type TestApp,
  upsertCustomer,
} from "../../scenarios/library/support.js";
import { templatesFor } from "../../scenarios/support.js";

afterAll(closeFileDatabase);

/** Past the feed's settle delay: the job reads an order only once it is a few seconds old. */
const SETTLED = 10_000;

describe("attribution windows from the shop's settings", () => {
  it("defaults to a 7-day click and 1-day open window", () => {
    expect(attributionWindows("{}")).toEqual({ clickDays: 7, openDays: 1 });
    expect(attributionWindows(undefined)).toEqual(DEFAULT_ATTRIBUTION_WINDOWS);
  });

  it("takes the shop's own windows, and falls back field by field on nonsense", () => {
    expect(attributionWindows(toJson({ attribution: { clickDays: 14, openDays: 2 } }))).toEqual({
      clickDays: 14,
      openDays: 2,
    });
    expect(attributionWindows(toJson({ attribution: { clickDays: "a week", openDays: 3 } }))).toEqual({
      clickDays: 7,
      openDays: 3,
    });
    expect(attributionWindows(toJson({ attribution: { clickDays: -1 } }))).toEqual({
      clickDays: 7,
      openDays: 1,
    });
    expect(attributionWindows(toJson({ attribution: "on" }))).toEqual({ clickDays: 7, openDays: 1 });
    expect(attributionWindows("not json")).toEqual({ clickDays: 7, openDays: 1 });
  });
});

describe("crediting orders to messages", () => {
  let t: TestApp;
  let shopId: number;
  let links: LinkBuilder;

  beforeEach(async () => {
    t = await openShop(MONDAY_10AM);
    shopId = t.shop.shop.id;
    links = linkBuilder(t.ctx.secret, "https://crm.example.jp");
  });
  afterEach(async () => t.close());

  let sequence = 0;
  /** A newsletter of campaign `campaignId` sent to the customer now. */
  async function newsletter(customerId: number, campaignId: number): Promise<number> {
    const now = t.clock.now().toISOString();
    const row = await t.ctx.db
      .insertInto("messages")
      .values({
        shop_id: shopId,
        customer_id: customerId,
        channel: "email",
        template_key: `newsletter-${campaignId}`,
        message_class: "promotional",
        status: "sent",
        status_reason: null,
        idempotency_key: `campaign:${campaignId}:${customerId}:${++sequence}`,
        scenario_id: null,
        scenario_version: null,
        run_id: null,
        step_id: null,
        campaign_id: campaignId,
        variant: null,
        payload: "{}",
        queued_at: now,
        sent_at: now,
        opened_at: null,
        clicked_at: null,
        updated_at: now,
        due_at: null,
        address: "hanako@example.jp",
        provider_id: null,
        delivered_at: now,
        converted_at: null,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    return row.id;
  }

  /** The mail client loads the open pixel. */
  async function opens(messageId: number): Promise<void> {
    const res = await t.app.inject({
      method: "GET",
      url: new URL(links.openPixelUrl(shopId, messageId)).pathname,
    });
    expect(res.statusCode).toBe(200);
  }

  /** The customer clicks a link in the mail. */
  async function clicks(messageId: number): Promise<void> {
    const url = new URL(links.clickUrl(shopId, messageId, "https://kizuna-sabo.jp/p/matcha")).pathname;
    const res = await t.app.inject({ method: "GET", url });
    expect(res.statusCode).toBe(302);
  }

  async function buys(member: string, order: string, extra: Record<string, unknown> = {}): Promise<void> {
    await placeOrder(t, {
      externalId: order,
      customerId: member,
      orderedAt: t.clock.now().toISOString(),
      items: [{ sku: "MATCHA-100", quantity: 2, unitPrice: 2480 }],
      ...extra,
    });
  }

  /** The worker's attribution job, once the orders have settled. */
  async function attribute(): Promise<void> {
    t.clock.advance(SETTLED);
    while ((await attributeConversions(t.ctx.db, t.clock, { shopId })) > 0);
  }

  async function conversions() {
    return t.ctx.db
      .selectFrom("conversions")
      .innerJoin("orders", "orders.id", "conversions.order_id")
      .select([
        "orders.external_id as order",
        "conversions.message_id",
        "conversions.campaign_id",
        "conversions.run_id",
        "conversions.step_id",
        "conversions.revenue",
        "conversions.currency",
        "conversions.converted_at",
      ])
      .where("conversions.shop_id", "=", shopId)
      .orderBy("conversions.id")
      .execute();
  }

  async function convertedEvents() {
    const rows = await t.ctx.db
      .selectFrom("message_events")
      .select(["message_id", "detail", "at"])
      .where("shop_id", "=", shopId)
      .where("type", "=", "converted")
      .orderBy("id")
      .execute();
    return rows.map((r) => ({ messageId: r.message_id, detail: JSON.parse(r.detail ?? "null"), at: r.at }));
  }

  async function convertedAt(messageId: number) {
    const row = await t.ctx.db
      .selectFrom("messages")
      .select("converted_at")
      .where("id", "=", messageId)
      .executeTakeFirstOrThrow();
    return row.converted_at;
  }

  async function orderId(externalId: string): Promise<number> {
    const row = await t.ctx.db
      .selectFrom("orders")
      .select("id")
      .where("shop_id", "=", shopId)
      .where("external_id", "=", externalId)
      .executeTakeFirstOrThrow();
    return row.id;
  }

  it("credits the message clicked within the week over one opened later", async () => {
    const hanako = await upsertCustomer(
      t,
      { externalId: "hanako", email: "hanako@example.jp" },
      { email: true },
    );
    const spring = await newsletter(hanako, 11);
    const summer = await newsletter(hanako, 12);
    t.clock.advance(DAY);
    await clicks(spring);
    t.clock.advance(3 * DAY);
    await opens(summer);
    t.clock.advance(2 * HOUR);
    const orderedAt = t.clock.now().toISOString();
    await buys("hanako", "O-1");
    await attribute();

    expect(await conversions()).toEqual([
      {
        order: "O-1",
        message_id: spring,
        campaign_id: 11,
        run_id: null,
        step_id: null,
        revenue: 4960,
        currency: "JPY",
        converted_at: orderedAt,
      },
    ]);
    expect(await convertedAt(spring)).toBe(orderedAt);
    expect(await convertedAt(summer)).toBeNull();
    expect(await convertedEvents()).toEqual([
      { messageId: spring, detail: { orderId: await orderId("O-1") }, at: orderedAt },
    ]);
  });

  it("credits the last message opened within a day when nothing was clicked", async () => {
    const hanako = await upsertCustomer(t, { externalId: "hanako", email: "hanako@example.jp" });
    const older = await newsletter(hanako, 21);
    const newer = await newsletter(hanako, 22);
    t.clock.advance(2 * HOUR);
    await opens(newer);
    t.clock.advance(HOUR);
    await opens(older);
    t.clock.advance(20 * HOUR);
    await buys("hanako", "O-2");
    await attribute();

    expect((await conversions()).map((c) => [c.order, c.message_id])).toEqual([["O-2", older]]);
  });

  it("a repeat click on an older mail is the last touch", async () => {
    const hanako = await upsertCustomer(t, { externalId: "hanako", email: "hanako@example.jp" });
    const first = await newsletter(hanako, 31);
    t.clock.advance(HOUR);
    await clicks(first);
    t.clock.advance(DAY);
    const second = await newsletter(hanako, 32);
    t.clock.advance(HOUR);
    await clicks(second);
    t.clock.advance(DAY);
    await clicks(first);
    t.clock.advance(HOUR);
    await buys("hanako", "O-3");
    await attribute();

    expect((await conversions()).map((c) => c.message_id)).toEqual([first]);
  });

  it("credits nothing outside the windows", async () => {
    const hanako = await upsertCustomer(t, { externalId: "hanako", email: "hanako@example.jp" });
    const clicked = await newsletter(hanako, 41);
    const opened = await newsletter(hanako, 42);
    t.clock.advance(HOUR);
    await clicks(clicked);
    t.clock.advance(6 * DAY);
    await opens(opened);
    // 8 days after the click, 2 days after the open.
    t.clock.advance(2 * DAY - HOUR);
    await buys("hanako", "O-4");
    await attribute();

    expect(await conversions()).toEqual([]);
    expect(await convertedEvents()).toEqual([]);
  });

  it("uses the windows the shop set through the API", async () => {
    const set = await t.app.inject({
      method: "PATCH",
      url: "/v1/shop/policies",
      headers: t.secret,
      payload: { attribution: { clickDays: 10 } },
    });
    expect(set.statusCode, set.body).toBe(200);
    const hanako = await upsertCustomer(t, { externalId: "hanako", email: "hanako@example.jp" });
    const clicked = await newsletter(hanako, 51);
    t.clock.advance(HOUR);
    await clicks(clicked);
    t.clock.advance(8 * DAY);
    await buys("hanako", "O-5");
    await attribute();

    expect((await conversions()).map((c) => c.message_id)).toEqual([clicked]);
  });

  it("does not credit cancelled or returned orders, nor guests", async () => {
    const hanako = await upsertCustomer(t, { externalId: "hanako", email: "hanako@example.jp" });
    const clicked = await newsletter(hanako, 61);
    t.clock.advance(HOUR);
    await clicks(clicked);
    t.clock.advance(HOUR);
    await buys("hanako", "O-6a", { status: "cancelled" });
    await buys("hanako", "O-6b", { status: "returned" });
    await placeOrder(t, {
      externalId: "O-6c",
      orderedAt: t.clock.now().toISOString(),
      items: [{ sku: "MATCHA-100", quantity: 1, unitPrice: 2480 }],
    });
    await attribute();

    expect(await conversions()).toEqual([]);
    expect(await convertedAt(clicked)).toBeNull();
  });

  it("does not credit a transactional mail sent outside any campaign or scenario", async () => {
    const hanako = await upsertCustomer(t, { externalId: "hanako", email: "hanako@example.jp" });
    const confirmation = await newsletter(hanako, 71);
    await t.ctx.db
      .updateTable("messages")
      .set({ campaign_id: null, message_class: "transactional", template_key: "opt-in.confirm" })
      .where("id", "=", confirmation)
      .execute();
    t.clock.advance(HOUR);
    await clicks(confirmation);
    t.clock.advance(HOUR);
    await buys("hanako", "O-7");
    await attribute();

    expect(await conversions()).toEqual([]);
  });

  it("waits until an order has settled, then credits it once however often it runs", async () => {
    const hanako = await upsertCustomer(t, { externalId: "hanako", email: "hanako@example.jp" });
    const clicked = await newsletter(hanako, 81);
    t.clock.advance(HOUR);
    await clicks(clicked);
    t.clock.advance(HOUR);
    await buys("hanako", "O-8");

    // Just written: on PostgreSQL a lower id may still be committing, so the feed does not read it yet.
    await attributeConversions(t.ctx.db, t.clock, { shopId });
    expect(await conversions()).toEqual([]);

    await attribute();
    await attribute();
    expect((await conversions()).map((c) => c.order)).toEqual(["O-8"]);

    // Even read again from the start (a cursor lost in a restore), nothing is credited twice.
    await t.ctx.db
      .updateTable("scenario_cursors")
      .set({ position: "0" })
      .where("source", "=", `attribution:${shopId}`)
      .execute();
    await attribute();
    expect((await conversions()).map((c) => c.order)).toEqual(["O-8"]);
    expect(await convertedEvents()).toHaveLength(1);
  });

  it("does not add a second conversion for an order a scenario goal already credited to the run", async () => {
    await templatesFor(t, ["cart.reminder"], ["email"]);
    await createScenario(t.ctx.db, t.clock, shopId, {
      key: "cart",
      activate: true,
      definition: {
        name: "Cart reminder",
        trigger: { type: "event", eventTypes: ["cart_add"] },
        start: "remind",
        steps: [
          { id: "remind", type: "send", template: "cart.reminder", channels: ["email"], next: "wait" },
          { id: "wait", type: "wait", duration: { days: 3 } },
        ],
        exitGoals: [{ type: "order_placed" }],
        guardrails: { frequencyCaps: [{ max: 100, perDays: 1 }] },
      },
    });
    await upsertCustomer(t, { externalId: "hanako", email: "hanako@example.jp" }, { email: true });
    await drainWorker();
    t.clock.advance(MINUTE);
    await sendEvents(t, [{ type: "cart_add", customerId: "hanako", sku: "MATCHA-100" }]);
    t.clock.advance(SETTLED);
    await drainWorker();
    const [reminder] = await t.ctx.db
      .selectFrom("messages")
      .select(["id", "run_id"])
      .where("shop_id", "=", shopId)
      .execute();
    expect(reminder.run_id).not.toBeNull();

    t.clock.advance(HOUR);
    await clicks(reminder.id);
    t.clock.advance(HOUR);
    await buys("hanako", "O-9");
    // The run's exit goal records the conversion (credited to the run's latest message) ...
    t.clock.advance(SETTLED);
    await drainWorker();
    expect((await conversions()).map((c) => [c.order, c.message_id, c.run_id])).toEqual([
      ["O-9", reminder.id, reminder.run_id],
    ]);
    // ... and attribution, choosing the same run's message, keeps that one row and stamps the message.
    await attribute();
    expect((await conversions()).map((c) => [c.order, c.message_id, c.step_id])).toEqual([
      ["O-9", reminder.id, "remind"],
    ]);
    expect(await convertedAt(reminder.id)).not.toBeNull();
    expect(await convertedEvents()).toHaveLength(1);
  });

  it("names the message on a goal's conversion that had none", async () => {
    const hanako = await upsertCustomer(t, { externalId: "hanako", email: "hanako@example.jp" });
    const reminder = await newsletter(hanako, 91);
    await t.ctx.db
      .updateTable("messages")
      .set({ campaign_id: null, scenario_id: 5, scenario_version: 1, run_id: 9001, step_id: "remind" })
      .where("id", "=", reminder)
      .execute();
    t.clock.advance(HOUR);
    await clicks(reminder);
    t.clock.advance(HOUR);
    await buys("hanako", "O-10");
    // A goal's row for that run and order, written before the run had a message to credit.
    await t.ctx.db
      .insertInto("conversions")
      .values({
        shop_id: shopId,
        customer_id: hanako,
        order_id: await orderId("O-10"),
        scenario_id: 5,
        scenario_version: 1,
        run_id: 9001,
        step_id: "wait",
        message_id: null,
        campaign_id: null,
        revenue: 4960,
        currency: "JPY",
        converted_at: t.clock.now().toISOString(),
      })
      .execute();
    await attribute();

    expect((await conversions()).map((c) => [c.order, c.message_id, c.run_id, c.step_id])).toEqual([
      ["O-10", reminder, 9001, "remind"],
    ]);
    expect(await convertedEvents()).toHaveLength(1);
  });

  /** The worker's jobs (triggers, wake-ups, steps), as `kizuna worker` runs them. */
  async function drainWorker(): Promise<void> {
    await drainJobs(t.ctx.db, t.clock);
  }
});
