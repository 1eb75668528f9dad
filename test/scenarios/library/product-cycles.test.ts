// The library scenarios timed by a product's own cycle after delivery: replenishment reminders for
// consumables and warranty expiry notices. Each scenario is its own story below, on its own shop.
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  closeFileDatabase,
  jst,
  lineUser,
  MONDAY_10AM,
  openShop,
  outbox,
  payloadOf,
  placeOrder,
  putProduct,
  queued,
  switchOn,
  type TestApp,
  upsertCustomer,
  workerAt,
  workerDailyUntil,
} from "./support.js";

afterAll(closeFileDatabase);

// The replenishment reminder from the library: when a consumable should be running low (its
// replenishment days after delivery), a reminder at 10:00, LINE first, else email. Not to members who
// have bought it again since.
const REMINDER = "replenishment.reminder";

async function delivered(
  t: TestApp,
  member: string,
  number: string,
  sku: string,
  local: string,
  status = "shipped",
) {
  await placeOrder(t, {
    externalId: number,
    customerId: member,
    orderedAt: jst(local),
    shippedAt: jst(local),
    status,
    items: [{ sku, quantity: 1, unitPrice: 1800 }],
  });
}

describe("library: replenishment reminder", () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await openShop(MONDAY_10AM);
    // A 30-day pack of tea bags, and a teapot that is never used up.
    await putProduct(t, {
      sku: "TEABAG-30",
      name: "ティーバッグ 30日分",
      price: 1800,
      consumable: true,
      replenishmentDays: 30,
    });
    await putProduct(t, { sku: "TEAPOT-1", name: "急須", price: 5500 });
  });
  afterEach(async () => t.close());

  it("reminds 30 days after delivery, unless the member has re-bought", async () => {
    // Given Aoi, who received tea bags on 3 May; Ken, who received them on 3 May and again on 25 May;
    // Sora, who received a teapot on 3 May; and Mei, who returned her tea bags…
    await upsertCustomer(
      t,
      { externalId: "aoi", email: "aoi@example.jp", lineUserId: lineUser(1) },
      { email: true, line: true },
    );
    await delivered(t, "aoi", "KZ-9001", "TEABAG-30", "2026-05-03 15:00");
    await upsertCustomer(t, { externalId: "ken", email: "ken@example.jp" }, { email: true });
    await delivered(t, "ken", "KZ-9002", "TEABAG-30", "2026-05-03 15:00");
    await delivered(t, "ken", "KZ-9003", "TEABAG-30", "2026-05-25 15:00");
    await upsertCustomer(t, { externalId: "sora", email: "sora@example.jp" }, { email: true });
    await delivered(t, "sora", "KZ-9004", "TEAPOT-1", "2026-05-03 15:00");
    await upsertCustomer(t, { externalId: "mei", email: "mei@example.jp" }, { email: true });
    await delivered(t, "mei", "KZ-9005", "TEABAG-30", "2026-05-03 15:00", "returned");

    // …when the shop switches the reminder on on 1 June and the worker runs every day…
    await switchOn(t, "replenishment");
    await workerAt(t, "2026-06-01 10:00:10");
    await workerDailyUntil(t, "2026-06-30 10:00:10");

    // …then Aoi is reminded on 2 June; Ken not for his first pack, but 30 days after his second.
    expect(await queued(t)).toEqual([
      ["aoi", "line", REMINDER, jst("2026-06-02 10:00:10")],
      ["ken", "email", REMINDER, jst("2026-06-24 10:00:10")],
    ]);
    expect(await payloadOf(t, "aoi", REMINDER)).toMatchObject({
      product: { sku: "TEABAG-30" },
      order: { externalId: "KZ-9001" },
    });
    expect(await payloadOf(t, "ken", REMINDER)).toMatchObject({ order: { externalId: "KZ-9003" } });
  });

  it("knows a member re-bought even when their order history arrived newest first", async () => {
    // Given Ren's history imported newest first: the 25 May pack, then the 3 May one…
    await upsertCustomer(t, { externalId: "ren", email: "ren@example.jp" }, { email: true });
    await delivered(t, "ren", "KZ-9102", "TEABAG-30", "2026-05-25 15:00");
    await delivered(t, "ren", "KZ-9101", "TEABAG-30", "2026-05-03 15:00");
    await switchOn(t, "replenishment");

    // …when 2 June (30 days after the older pack) comes…
    await workerAt(t, "2026-06-01 10:00:10");
    await workerDailyUntil(t, "2026-06-03 10:00:10");

    // …then he is not reminded: he bought more on 25 May.
    expect(await queued(t)).toEqual([]);
  });
});

// The warranty expiry notice from the library: 30 days before a product's warranty ends (delivery plus
// its warranty months), a service message by email, else LINE, at 10:00. It is transactional: it needs
// an address that is not suppressed, not marketing consent.
const NOTICE = "warranty-expiry.notice";

async function bought(
  t: TestApp,
  member: string,
  number: string,
  sku: string,
  fields: Record<string, unknown>,
) {
  await placeOrder(t, {
    externalId: number,
    customerId: member,
    items: [{ sku, quantity: 1, unitPrice: 24800 }],
    ...fields,
  });
}

describe("library: warranty expiry notice", () => {
  let t: TestApp;
  afterEach(async () => t.close());

  it("notifies 30 days before a one-year warranty ends, without needing marketing consent", async () => {
    t = await openShop(MONDAY_10AM);
    await putProduct(t, { sku: "RICECOOKER-5", name: "炊飯器 5合", price: 24800, warrantyMonths: 12 });
    await putProduct(t, { sku: "SENCHA-100", name: "煎茶 100g", price: 980 });
    // Given Aoi (email, no marketing consent) whose rice cooker shipped on 1 July 2025, Kai who bought
    // one in a store that day, Ken (LINE only) whose shipped on 2 July…
    await upsertCustomer(t, { externalId: "aoi", email: "aoi@example.jp" });
    await bought(t, "aoi", "KZ-1101", "RICECOOKER-5", {
      orderedAt: jst("2025-06-29 20:00"),
      shippedAt: jst("2025-07-01 14:00"),
      status: "shipped",
    });
    await upsertCustomer(t, { externalId: "kai", email: "kai@example.jp" });
    await bought(t, "kai", "KZ-1102", "RICECOOKER-5", {
      channel: "store",
      orderedAt: jst("2025-07-01 17:00"),
    });
    await upsertCustomer(t, { externalId: "ken", lineUserId: lineUser(2) });
    await bought(t, "ken", "KZ-1103", "RICECOOKER-5", {
      orderedAt: jst("2025-06-30 09:00"),
      shippedAt: jst("2025-07-02 11:00"),
      status: "shipped",
    });
    // …Sora, who returned hers; Mei, who bought tea that day; and Ren, whose address bounced…
    await upsertCustomer(t, { externalId: "sora", email: "sora@example.jp" });
    await bought(t, "sora", "KZ-1104", "RICECOOKER-5", {
      orderedAt: jst("2025-06-29 20:00"),
      shippedAt: jst("2025-07-01 14:00"),
      status: "returned",
    });
    await upsertCustomer(t, { externalId: "mei", email: "mei@example.jp" });
    await bought(t, "mei", "KZ-1105", "SENCHA-100", {
      orderedAt: jst("2025-06-29 20:00"),
      shippedAt: jst("2025-07-01 14:00"),
      status: "shipped",
    });
    await upsertCustomer(t, { externalId: "ren", email: "ren@example.jp" });
    await bought(t, "ren", "KZ-1106", "RICECOOKER-5", {
      orderedAt: jst("2025-06-29 20:00"),
      shippedAt: jst("2025-07-01 14:00"),
      status: "shipped",
    });
    // (No endpoint records bounces yet: the delivery pipeline will write this row.)
    await t.ctx.db
      .insertInto("suppressions")
      .values({
        shop_id: t.shop.shop.id,
        channel: "email",
        address: "ren@example.jp",
        reason: "hard_bounce",
        created_at: t.clock.now().toISOString(),
      })
      .execute();

    // …when the shop switches the notice on on 1 June 2026 and the worker runs every day…
    await switchOn(t, "warranty-expiry");
    await workerAt(t, "2026-06-01 10:00:10");
    await workerDailyUntil(t, "2026-06-05 10:00:10");

    // …then Aoi and Kai are told on 1 June, Ken on 2 June; Ren's notice has nowhere to go.
    expect(await queued(t)).toEqual([
      ["aoi", "email", NOTICE, jst("2026-06-01 10:00:10")],
      ["kai", "email", NOTICE, jst("2026-06-01 10:00:10")],
      ["ken", "line", NOTICE, jst("2026-06-02 10:00:10")],
    ]);
    expect((await outbox(t)).filter((m) => m.status !== "queued").map((m) => [m.to, m.reason])).toEqual([
      ["ren", "unreachable"],
    ]);
    expect((await outbox(t)).every((m) => m.template === NOTICE)).toBe(true);
    expect(await payloadOf(t, "aoi", NOTICE)).toMatchObject({
      warranty: { endsAt: "2026-07-01" },
      product: { sku: "RICECOOKER-5" },
      order: { externalId: "KZ-1101" },
    });
  });

  it("notifies for an item delivered on the 31st whose warranty ends on a shorter month's last day", async () => {
    // Given a hair dryer with a 6-month warranty, delivered on 31 August 2025: the warranty ends on
    // 28 February 2026, so the notice is due on 29 January…
    t = await openShop(jst("2026-01-28 10:00"));
    await putProduct(t, { sku: "DRYER-1", name: "ヘアドライヤー", price: 9800, warrantyMonths: 6 });
    await upsertCustomer(t, { externalId: "aoi", email: "aoi@example.jp" });
    await bought(t, "aoi", "KZ-1201", "DRYER-1", {
      orderedAt: jst("2025-08-29 20:00"),
      shippedAt: jst("2025-08-31 14:00"),
      status: "shipped",
    });
    await switchOn(t, "warranty-expiry");

    // …when the worker runs through to February…
    await workerAt(t, "2026-01-28 10:00:10");
    await workerDailyUntil(t, "2026-02-03 10:00:10");

    // …then Aoi is told on 29 January.
    expect(await queued(t)).toEqual([["aoi", "email", NOTICE, jst("2026-01-29 10:00:10")]]);
    expect(await payloadOf(t, "aoi", NOTICE)).toMatchObject({ warranty: { endsAt: "2026-02-28" } });
  });
});
