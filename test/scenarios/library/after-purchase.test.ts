// The library scenarios that follow a purchase: post-purchase step mails toward the second order, the
// in-store follow-up, and subscription milestones. Each scenario is its own story below, on its own shop.
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  closeFileDatabase,
  conversions,
  couponHolders,
  couponsOf,
  entrants,
  jst,
  lineUser,
  MONDAY_10AM,
  openShop,
  payloadOf,
  placeOrder,
  putProduct,
  queued,
  runEnds,
  setClock,
  switchOn,
  type TestApp,
  upsertCustomer,
  workerAt,
  workerDailyUntil,
} from "./support.js";

afterAll(closeFileDatabase);

// Post-purchase step mails (F2) from the library: from the day after a member's first order ships, five
// messages (trust, reassurance, opportunity, effect, then a 10% offer) by email, else LINE, at 10:00.
// A second order ends it.
const postPurchase = (id: string) => `post-purchase.${id}`;

async function purchase(t: TestApp, member: string, number: string, fields: Record<string, unknown>) {
  await placeOrder(t, {
    externalId: number,
    customerId: member,
    items: [{ sku: "SENCHA-100", quantity: 2, unitPrice: 980 }],
    ...fields,
  });
}

describe("library: post-purchase step mails", () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await openShop(MONDAY_10AM);
  });
  afterEach(async () => t.close());

  it("walks first-time buyers through five mails from the day after shipping, until they buy again", async () => {
    // Given Aoi and Ken, first-time buyers, Sora, a returning customer, and Ren, whose first order is
    // cancelled after shipping…
    await upsertCustomer(t, { externalId: "aoi", email: "aoi@example.jp" }, { email: true });
    await upsertCustomer(
      t,
      { externalId: "ken", email: "ken@example.jp", lineUserId: lineUser(2) },
      { line: true },
    );
    await upsertCustomer(t, { externalId: "sora", email: "sora@example.jp" }, { email: true });
    await purchase(t, "sora", "KZ-8000", {
      orderedAt: jst("2026-01-10 12:00"),
      shippedAt: jst("2026-01-11 12:00"),
    });
    await upsertCustomer(t, { externalId: "ren", email: "ren@example.jp" }, { email: true });
    await switchOn(t, "post-purchase");
    await workerAt(t, "2026-06-01 10:00:10");

    // …who all order on Monday morning; the warehouse ships in the afternoon…
    setClock(t, "2026-06-01 10:30");
    const mondayOrders = [
      ["aoi", "KZ-8001", "shipped"],
      ["ken", "KZ-8002", "shipped"],
      ["sora", "KZ-8003", "shipped"],
      ["ren", "KZ-8004", "cancelled"],
    ];
    for (const [member, number] of mondayOrders) {
      await purchase(t, member, number, { orderedAt: jst("2026-06-01 10:30"), status: "paid" });
    }
    setClock(t, "2026-06-01 16:00");
    for (const [member, number, status] of mondayOrders) {
      await purchase(t, member, number, {
        orderedAt: jst("2026-06-01 10:30"),
        shippedAt: jst("2026-06-01 16:00"),
        status,
      });
    }

    // …Ken orders again on Saturday, and the worker runs every day at 10:00 for a month…
    await workerDailyUntil(t, "2026-06-06 10:00:10");
    await purchase(t, "ken", "KZ-8005", {
      orderedAt: jst("2026-06-06 20:00"),
      items: [{ sku: "MATCHA-100", quantity: 2, unitPrice: 2700 }],
    });
    await workerDailyUntil(t, "2026-07-01 10:00:10");

    // …then Aoi gets all five mails, Ken (by LINE) only the first two, Sora and Ren nothing.
    expect(await entrants(t)).toEqual(["aoi", "ken"]);
    expect(await queued(t)).toEqual([
      ["aoi", "email", postPurchase("trust"), jst("2026-06-02 10:00:10")],
      ["ken", "line", postPurchase("trust"), jst("2026-06-02 10:00:10")],
      ["aoi", "email", postPurchase("reassurance"), jst("2026-06-04 10:00:10")],
      ["ken", "line", postPurchase("reassurance"), jst("2026-06-04 10:00:10")],
      ["aoi", "email", postPurchase("opportunity"), jst("2026-06-08 10:00:10")],
      ["aoi", "email", postPurchase("effect"), jst("2026-06-15 10:00:10")],
      ["aoi", "email", postPurchase("offer"), jst("2026-06-22 10:00:10")],
    ]);

    // The offer carries Aoi's own 10% coupon, valid for 14 days.
    const [coupon] = await couponsOf(t, "aoi");
    expect(coupon).toMatchObject({ kind: "percent", value: 10, expires_at: jst("2026-07-06 10:00:10") });
    expect(coupon.code).toMatch(/^F2-[A-Z2-9]{8}$/);
    expect(await payloadOf(t, "aoi", postPurchase("offer"))).toMatchObject({ coupon: { code: coupon.code } });
    expect(await couponHolders(t)).toEqual(["aoi"]);

    // Ken's second order is the conversion, credited to the last mail he got.
    expect(await conversions(t)).toEqual([
      { member: "ken", order: "KZ-8005", revenue: 5400, step: "reassurance" },
    ]);
    expect(await runEnds(t)).toEqual([
      ["aoi", "completed"],
      ["ken", "goal:order_placed"],
    ]);
  });
});

// The in-store follow-up from the library: an hour after a purchase in a physical store, thanks and
// recommendations, LINE first, else email. At most once a week per member.
const THANKS = "store-follow-up.thanks";

async function storePurchase(t: TestApp, member: string, number: string, local: string, fields = {}) {
  setClock(t, local);
  await placeOrder(t, {
    externalId: number,
    customerId: member,
    channel: "store",
    storeId: "shibuya",
    orderedAt: jst(local),
    items: [{ sku: "YUNOMI-2", quantity: 2, unitPrice: 2200 }],
    ...fields,
  });
}

describe("library: in-store purchase follow-up", () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await openShop(MONDAY_10AM);
    await switchOn(t, "store-follow-up");
  });
  afterEach(async () => t.close());

  it("thanks store buyers an hour later, holds LINE overnight, and only once a week", async () => {
    // Given Aoi (LINE), Ken (email only), Sora and Mei…
    await upsertCustomer(
      t,
      { externalId: "aoi", email: "aoi@example.jp", lineUserId: lineUser(1) },
      { email: true, line: true },
    );
    await upsertCustomer(t, { externalId: "ken", email: "ken@example.jp" }, { email: true });
    await upsertCustomer(t, { externalId: "sora", email: "sora@example.jp" }, { email: true });
    await upsertCustomer(t, { externalId: "mei", email: "mei@example.jp" }, { email: true });
    await upsertCustomer(
      t,
      { externalId: "ren", email: "ren@example.jp", lineUserId: lineUser(5) },
      { line: true },
    );

    // …when Aoi and Ken buy in the Shibuya store at 10:01, Sora buys online, and Mei's store sale is
    // voided at the till…
    await storePurchase(t, "aoi", "ST-0001", "2026-06-01 10:01");
    await storePurchase(t, "ken", "ST-0002", "2026-06-01 10:01");
    await storePurchase(t, "sora", "KZ-0003", "2026-06-01 10:01", { channel: "online", storeId: null });
    await storePurchase(t, "mei", "ST-0004", "2026-06-01 10:01", { status: "cancelled" });
    await workerAt(t, "2026-06-01 10:01:10");
    await workerAt(t, "2026-06-01 11:01:10");

    // …then an hour later Aoi is thanked on LINE and Ken by email.
    const at = jst("2026-06-01 11:01:10");
    expect(await queued(t)).toEqual([
      ["aoi", "line", THANKS, at],
      ["ken", "email", THANKS, at],
    ]);
    expect(await payloadOf(t, "aoi", THANKS)).toMatchObject({
      order: { externalId: "ST-0001", channel: "store", total: 4400 },
    });

    // When Ren buys at 20:30, the LINE thanks falls in quiet hours and goes at 08:00 the next morning.
    await storePurchase(t, "ren", "ST-0005", "2026-06-01 20:30");
    await workerAt(t, "2026-06-01 20:30:10");
    await workerAt(t, "2026-06-01 21:30:10");
    await workerAt(t, "2026-06-02 07:59");
    await workerAt(t, "2026-06-02 08:00");
    expect((await queued(t)).slice(2)).toEqual([["ren", "line", THANKS, jst("2026-06-02 08:00")]]);

    // When Aoi comes back to the store two days later, she is not thanked again that week; the week
    // after, she is.
    await storePurchase(t, "aoi", "ST-0006", "2026-06-03 12:00");
    await workerAt(t, "2026-06-03 12:00:10");
    await workerAt(t, "2026-06-03 13:00:10");
    await storePurchase(t, "aoi", "ST-0007", "2026-06-09 12:00");
    await workerAt(t, "2026-06-09 12:00:10");
    await workerAt(t, "2026-06-09 13:00:10");
    expect((await queued(t)).slice(3)).toEqual([["aoi", "line", THANKS, jst("2026-06-09 13:00:10")]]);
    expect(await entrants(t)).toEqual(["aoi", "aoi", "ken", "ren"]);
  });
});

// Subscription milestones from the library: two days after a member's 3rd and 6th subscription
// delivery (an order holding a product whose attributes say `subscription: true`), a 5% thank-you
// coupon and the message for that milestone, by email, else LINE.
const milestone = (id: string) => `subscription-milestone.${id}`;
const MONTHS = ["2026-01-01", "2026-02-01", "2026-03-01", "2026-04-01", "2026-05-01"];

async function delivery(t: TestApp, member: string, number: string, local: string, sku = "TEIKI-SENCHA") {
  await placeOrder(t, {
    externalId: number,
    customerId: member,
    orderedAt: jst(local),
    items: [{ sku, quantity: 1, unitPrice: 2980 }],
  });
}

describe("library: subscription milestones", () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await openShop(MONDAY_10AM);
    await putProduct(t, {
      sku: "TEIKI-SENCHA",
      name: "煎茶 定期便",
      price: 2980,
      consumable: true,
      attributes: { subscription: true },
    });
    await putProduct(t, { sku: "SENCHA-100", name: "煎茶 100g", price: 980 });
    await upsertCustomer(t, { externalId: "aoi", email: "aoi@example.jp" }, { email: true });
    await upsertCustomer(
      t,
      { externalId: "ken", email: "ken@example.jp", lineUserId: lineUser(2) },
      { line: true },
    );
    await upsertCustomer(t, { externalId: "sora", email: "sora@example.jp" }, { email: true });
    await upsertCustomer(t, { externalId: "mei", email: "mei@example.jp" }, { email: true });
  });
  afterEach(async () => t.close());

  it("thanks members two days after their 3rd and 6th deliveries, each with its own message and a coupon", async () => {
    // Given Aoi with two deliveries so far and Ken with five…
    for (const [i, month] of MONTHS.slice(3).entries())
      await delivery(t, "aoi", `A-${i + 1}`, `${month} 09:00`);
    for (const [i, month] of MONTHS.entries()) await delivery(t, "ken", `K-${i + 1}`, `${month} 09:00`);
    await switchOn(t, "subscription-milestone");

    // …when June's deliveries are ordered at 10:01 (Aoi's 3rd, Ken's 6th)…
    setClock(t, "2026-06-01 10:01");
    await delivery(t, "aoi", "A-3", "2026-06-01 10:01");
    await delivery(t, "ken", "K-6", "2026-06-01 10:01");
    await workerAt(t, "2026-06-01 10:01:10");
    expect(await entrants(t)).toEqual(["aoi", "ken"]);

    // …then two days later each gets the message for their milestone, with a 5% coupon.
    await workerAt(t, "2026-06-03 10:01:10");
    const at = jst("2026-06-03 10:01:10");
    expect(await queued(t)).toEqual([
      ["aoi", "email", milestone("delivery-3"), at],
      ["ken", "line", milestone("delivery-6"), at],
    ]);
    for (const [member, template, count] of [
      ["aoi", milestone("delivery-3"), 3],
      ["ken", milestone("delivery-6"), 6],
    ] as const) {
      const coupons = await couponsOf(t, member);
      expect(coupons).toHaveLength(1);
      expect(coupons[0]).toMatchObject({ kind: "percent", value: 5, expires_at: jst("2026-07-03 10:01:10") });
      expect(coupons[0].code).toMatch(/^THANKS-[A-Z2-9]{8}$/);
      expect(await payloadOf(t, member, template)).toMatchObject({
        coupon: { code: coupons[0].code },
        subscription: { deliveryCount: count },
        order: { externalId: member === "aoi" ? "A-3" : "K-6" },
      });
    }
  });

  it("marks nothing for a 4th delivery, one-off purchases, or a one-off order between deliveries", async () => {
    // Given Aoi on her 3rd delivery in May, Sora who buys tea one-off every month, and Mei with two
    // deliveries…
    for (const [i, month] of MONTHS.slice(2).entries())
      await delivery(t, "aoi", `A-${i + 1}`, `${month} 09:00`);
    for (const [i, month] of MONTHS.slice(3).entries()) {
      await delivery(t, "sora", `S-${i + 1}`, `${month} 09:00`, "SENCHA-100");
      await delivery(t, "mei", `M-${i + 1}`, `${month} 09:00`);
    }
    await switchOn(t, "subscription-milestone");

    // …when Aoi's 4th delivery, Sora's 3rd one-off order and a one-off order from Mei come in…
    setClock(t, "2026-06-01 10:01");
    await delivery(t, "aoi", "A-4", "2026-06-01 10:01");
    await delivery(t, "sora", "S-3", "2026-06-01 10:01", "SENCHA-100");
    await delivery(t, "mei", "M-X", "2026-06-01 10:01", "SENCHA-100");
    await workerAt(t, "2026-06-01 10:01:10");
    await workerAt(t, "2026-06-03 10:01:10");

    // …then nobody enters, nobody gets a coupon or a message.
    expect(await entrants(t)).toEqual([]);
    expect(await couponHolders(t)).toEqual([]);
    expect(await queued(t)).toEqual([]);
  });
});
