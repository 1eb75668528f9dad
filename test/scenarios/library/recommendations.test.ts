// The library's recommendation scenarios: the weekly one for active members, and the one three days
// after a visit. Each scenario is its own story below, on its own shop.
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { drainJobs } from "../../../src/worker/index.js";
import {
  closeFileDatabase,
  conversions,
  entrants,
  HOUR,
  jst,
  lineUser,
  MONDAY_10AM,
  openShop,
  payloadOf,
  placeOrder,
  queued,
  runEnds,
  sendEvents,
  setClock,
  switchOn,
  type TestApp,
  upsertCustomer,
  workerAt,
} from "./support.js";

afterAll(closeFileDatabase);

// Weekly recommendations from the library: every Friday, members with an order in the last six months
// get their recommended products (LINE first, else email), each at their own usual hour.
const WEEKLY = "recommendations.weekly";

/** The worker's rounds through a Friday: at 10:00:10, then on every hour until 23:00. */
async function workerThroughFriday(t: TestApp, date: string): Promise<void> {
  await workerAt(t, `${date} 10:00:10`);
  for (let hour = 11; hour <= 23; hour++) {
    setClock(t, `${date} ${hour}:00`);
    await drainJobs(t.ctx.db, t.clock);
  }
}

async function orderAt(t: TestApp, member: string, number: string, local: string): Promise<void> {
  await placeOrder(t, {
    externalId: number,
    customerId: member,
    orderedAt: jst(local),
    items: [{ sku: "SENCHA-100", quantity: 1, unitPrice: 980 }],
  });
}

describe("library: weekly recommendations", () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await openShop(MONDAY_10AM);
  });
  afterEach(async () => t.close());

  it("sends active members their recommendations every Friday at their usual hour", async () => {
    // Given Aoi, who shops in the evening, and Ken, who shops at lunch…
    await upsertCustomer(
      t,
      { externalId: "aoi", email: "aoi@example.jp", lineUserId: lineUser(1) },
      { email: true, line: true },
    );
    await orderAt(t, "aoi", "KZ-5001", "2026-05-10 19:40");
    await orderAt(t, "aoi", "KZ-5002", "2026-05-24 19:05");
    await upsertCustomer(t, { externalId: "ken", email: "ken@example.jp" }, { email: true });
    await orderAt(t, "ken", "KZ-5003", "2026-05-15 12:20");
    // …Mei, whose last order is seven months old, Ren, who never ordered, and Sora, who ordered but
    // agreed to no messages…
    await upsertCustomer(t, { externalId: "mei", email: "mei@example.jp" }, { email: true });
    await orderAt(t, "mei", "KZ-5004", "2025-11-01 12:00");
    await upsertCustomer(t, { externalId: "ren", email: "ren@example.jp" }, { email: true });
    await upsertCustomer(t, { externalId: "sora", email: "sora@example.jp" });
    await orderAt(t, "sora", "KZ-5005", "2026-05-20 15:10");

    // …when the shop switches weekly recommendations on on Monday…
    await switchOn(t, "recommendations");
    await workerAt(t, "2026-06-01 10:00:10");
    await workerAt(t, "2026-06-04 10:00:10");
    expect(await entrants(t)).toEqual([]);

    // …then on Friday the active members enter at 10:00 and each is written to at their usual hour.
    await workerThroughFriday(t, "2026-06-05");
    expect(await entrants(t)).toEqual(["aoi", "ken", "sora"]);
    expect(await queued(t)).toEqual([
      ["ken", "email", WEEKLY, jst("2026-06-05 12:00")],
      ["aoi", "line", WEEKLY, jst("2026-06-05 19:00")],
    ]);
    expect(await payloadOf(t, "aoi", WEEKLY)).toMatchObject({ slot: jst("2026-06-05 10:00") });

    // And again the next Friday.
    await workerThroughFriday(t, "2026-06-12");
    expect((await queued(t)).slice(2)).toEqual([
      ["ken", "email", WEEKLY, jst("2026-06-12 12:00")],
      ["aoi", "line", WEEKLY, jst("2026-06-12 19:00")],
    ]);
  });

  it("writes at once to a member whose usual hour is the schedule's own hour, not a day late", async () => {
    // Given Hana, who always orders around 10 in the morning…
    await upsertCustomer(t, { externalId: "hana", email: "hana@example.jp" }, { email: true });
    await orderAt(t, "hana", "KZ-5101", "2026-05-08 10:15");
    await orderAt(t, "hana", "KZ-5102", "2026-05-22 10:40");
    await switchOn(t, "recommendations");

    // …when Friday's 10:00 schedule is picked up a few seconds after the hour…
    await workerAt(t, "2026-06-05 10:00:10");
    t.clock.advance(HOUR);
    await drainJobs(t.ctx.db, t.clock);

    // …then she gets her recommendations that Friday morning, not on Saturday.
    expect(await queued(t)).toEqual([["hana", "email", WEEKLY, jst("2026-06-05 10:00:10")]]);
  });
});

// Recommendations after a visit, from the library: three days after a member visits (a login or a page
// view), their recommended products by email (else LINE), unless they have bought in between.
const AFTER_VISIT = "recommendations.after-visit";

describe("library: recommendations after a visit", () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await openShop(MONDAY_10AM);
    await switchOn(t, "recommendations-after-visit");
  });
  afterEach(async () => t.close());

  it("recommends three days after a visit, once per visit window, and not to those who bought", async () => {
    // Given members who visit on Monday morning…
    await upsertCustomer(t, { externalId: "aoi", email: "aoi@example.jp" }, { email: true });
    await upsertCustomer(
      t,
      { externalId: "ken", email: "ken@example.jp", lineUserId: lineUser(2) },
      { line: true },
    );
    await upsertCustomer(t, { externalId: "yui", email: "yui@example.jp" }, { email: true });
    await upsertCustomer(t, { externalId: "mei", email: "mei@example.jp" }); // no consent
    setClock(t, "2026-06-01 10:01");
    await sendEvents(t, [
      { type: "page_view", customerId: "aoi", properties: { path: "/" } },
      { type: "login", customerId: "ken" },
      { type: "page_view", customerId: "yui", properties: { path: "/teas" } },
      { type: "page_view", customerId: "mei", properties: { path: "/" } },
      { type: "page_view", visitorId: "v-guest", properties: { path: "/" } },
    ]);
    await workerAt(t, "2026-06-01 10:01:10");

    // …Ken comes back in the afternoon (his run is under way: no second one), Yui buys on Tuesday…
    setClock(t, "2026-06-01 15:00");
    await sendEvents(t, [{ type: "page_view", customerId: "ken", properties: { path: "/sale" } }]);
    await workerAt(t, "2026-06-01 15:00:10");
    setClock(t, "2026-06-02 12:00");
    await placeOrder(t, {
      externalId: "KZ-4001",
      customerId: "yui",
      orderedAt: jst("2026-06-02 12:00"),
      items: [{ sku: "SENCHA-100", quantity: 3, unitPrice: 980 }],
    });

    // …then on Thursday Aoi gets recommendations by email and Ken by LINE; Yui, who bought, does not.
    await workerAt(t, "2026-06-04 10:01:10");
    await workerAt(t, "2026-06-04 15:00:10");
    const thursday = jst("2026-06-04 10:01:10");
    expect(await queued(t)).toEqual([
      ["aoi", "email", AFTER_VISIT, thursday],
      ["ken", "line", AFTER_VISIT, thursday],
    ]);
    expect(await conversions(t)).toEqual([
      { member: "yui", order: "KZ-4001", revenue: 2940, step: "wait-3d" },
    ]);
    expect(await runEnds(t)).toEqual([
      ["aoi", "completed"],
      ["ken", "completed"],
      ["mei", "completed"],
      ["yui", "goal:order_placed"],
    ]);

    // When Aoi visits again within two weeks of her first visit, nothing new starts; after that, it does.
    setClock(t, "2026-06-10 10:00");
    await sendEvents(t, [{ type: "page_view", customerId: "aoi", properties: { path: "/" } }]);
    await workerAt(t, "2026-06-10 10:00:10");
    setClock(t, "2026-06-16 10:00");
    await sendEvents(t, [{ type: "page_view", customerId: "aoi", properties: { path: "/" } }]);
    await workerAt(t, "2026-06-16 10:00:10");
    await workerAt(t, "2026-06-19 10:00:10");
    expect(await entrants(t)).toEqual(["aoi", "aoi", "ken", "mei", "yui"]);
    expect((await queued(t)).slice(2)).toEqual([["aoi", "email", AFTER_VISIT, jst("2026-06-19 10:00:10")]]);
  });
});
