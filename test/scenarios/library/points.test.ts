// The library's points scenarios: expiry warnings and the monthly statement. Each scenario is its own
// story below, on its own shop.
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  closeFileDatabase,
  entrants,
  jst,
  lineUser,
  MONDAY_10AM,
  openShop,
  payloadOf,
  points,
  queued,
  switchOn,
  type TestApp,
  upsertCustomer,
  workerAt,
  workerDailyUntil,
} from "./support.js";

afterAll(closeFileDatabase);

// Points expiry from the library: 30 and 7 days before a member's points expire (at 10:00), the
// balance and what expires, LINE first, else email. Never to members without points, and no 7-day
// reminder once the points are gone.
const THIRTY_DAYS = "points-expiry.expiry-30d";
const SEVEN_DAYS = "points-expiry.expiry-7d";
/** Points granted in a spring campaign expire at the end of 1 July, Tokyo time. */
const END_OF_JULY_1 = jst("2026-07-01 23:59:59");

describe("library: points expiry", () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await openShop(MONDAY_10AM);
  });
  afterEach(async () => t.close());

  it("warns 30 and 7 days before points expire, only those who still hold them", async () => {
    // Given Aoi (LINE) and Ken (email) with points expiring on 1 July, Sora with points expiring a day
    // later, Ren whose points never expire, and Mei with none…
    await upsertCustomer(
      t,
      { externalId: "aoi", email: "aoi@example.jp", lineUserId: lineUser(1) },
      { email: true, line: true },
    );
    await points(t, "aoi", { kind: "earn", points: 500, expiresAt: END_OF_JULY_1, externalId: "p-aoi" });
    await upsertCustomer(t, { externalId: "ken", email: "ken@example.jp" }, { email: true });
    await points(t, "ken", { kind: "earn", points: 300, expiresAt: END_OF_JULY_1, externalId: "p-ken" });
    await upsertCustomer(t, { externalId: "sora", email: "sora@example.jp" }, { email: true });
    await points(t, "sora", {
      kind: "earn",
      points: 200,
      expiresAt: jst("2026-07-02 23:59:59"),
      externalId: "p-sora",
    });
    await upsertCustomer(t, { externalId: "ren", email: "ren@example.jp" }, { email: true });
    await points(t, "ren", { kind: "earn", points: 1000, externalId: "p-ren" });
    await upsertCustomer(t, { externalId: "mei", email: "mei@example.jp" }, { email: true });

    // …when the shop switches points expiry on at 10:00 on 1 June and the worker runs every day…
    await switchOn(t, "points-expiry");
    await workerAt(t, "2026-06-01 10:00:10");
    await workerDailyUntil(t, "2026-06-10 10:00:10");
    // (Ken spends all his points on 10 June.)
    await points(t, "ken", { kind: "spend", points: 300, externalId: "s-ken" });
    await workerDailyUntil(t, "2026-06-30 10:00:10");

    // …then each is warned 30 days ahead, and again 7 days ahead if the points are still there.
    expect(await entrants(t)).toEqual(["aoi", "ken", "sora"]);
    expect(await queued(t)).toEqual([
      ["aoi", "line", THIRTY_DAYS, jst("2026-06-01 10:00:10")],
      ["ken", "email", THIRTY_DAYS, jst("2026-06-01 10:00:10")],
      ["sora", "email", THIRTY_DAYS, jst("2026-06-02 10:00:10")],
      ["aoi", "line", SEVEN_DAYS, jst("2026-06-24 10:00:10")],
      ["sora", "email", SEVEN_DAYS, jst("2026-06-25 10:00:10")],
    ]);
    expect(await payloadOf(t, "aoi", THIRTY_DAYS)).toMatchObject({
      points: { balance: 500, expiringAmount: 500, expiresAt: END_OF_JULY_1 },
    });
  });

  it("tells the balance as it is at the 7-day reminder, after points were spent", async () => {
    // Given Aoi with 500 points expiring on 1 July, warned on 1 June…
    await upsertCustomer(t, { externalId: "aoi", email: "aoi@example.jp" }, { email: true });
    await points(t, "aoi", { kind: "earn", points: 500, expiresAt: END_OF_JULY_1, externalId: "p-aoi" });
    await switchOn(t, "points-expiry");
    await workerAt(t, "2026-06-01 10:00:10");

    // …when she spends 200 of them on 10 June…
    await workerDailyUntil(t, "2026-06-10 10:00:10");
    await points(t, "aoi", { kind: "spend", points: 200, externalId: "s-aoi" });
    await workerDailyUntil(t, "2026-06-24 10:00:10");

    // …then the 7-day reminder says 300 points expire, not 500.
    expect(await payloadOf(t, "aoi", SEVEN_DAYS)).toMatchObject({
      points: { balance: 300, expiringAmount: 300, expiresAt: END_OF_JULY_1 },
    });
  });
});

// The monthly points statement from the library: on the 1st of each month at 10:00, members who hold
// points get their balance and next expiry (email first, else LINE).
const STATEMENT = "points-expiry.monthly-statement";

describe("library: monthly points statement", () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await openShop(MONDAY_10AM);
  });
  afterEach(async () => t.close());

  it("sends a statement on the 1st of each month to members who hold points", async () => {
    // Given Aoi (email) and Ken (LINE only) with points, Sora whose points lapse mid-June, and Mei with
    // none…
    await upsertCustomer(t, { externalId: "aoi", email: "aoi@example.jp" }, { email: true });
    await points(t, "aoi", { kind: "earn", points: 1200, externalId: "p-aoi" });
    await upsertCustomer(
      t,
      { externalId: "ken", email: "ken@example.jp", lineUserId: lineUser(2) },
      { line: true },
    );
    await points(t, "ken", { kind: "earn", points: 80, externalId: "p-ken" });
    await upsertCustomer(t, { externalId: "sora", email: "sora@example.jp" }, { email: true });
    await points(t, "sora", {
      kind: "earn",
      points: 400,
      expiresAt: jst("2026-06-15 23:59:59"),
      externalId: "p-sora",
    });
    await upsertCustomer(t, { externalId: "mei", email: "mei@example.jp" }, { email: true });

    // …when the shop switches the statement on (after this month's 10:00 slot) and the worker runs
    // daily through the summer…
    await switchOn(t, "points-statement");
    await workerAt(t, "2026-06-01 10:00:10");
    await workerDailyUntil(t, "2026-07-15 10:00:10");
    // (Aoi spends all her points in mid-July.)
    await points(t, "aoi", { kind: "spend", points: 1200, externalId: "s-aoi" });
    await workerDailyUntil(t, "2026-08-01 10:00:10");

    // …then on 1 July Aoi and Ken get their statement, and on 1 August only Ken does.
    expect(await entrants(t)).toEqual(["aoi", "ken", "ken"]);
    expect(await queued(t)).toEqual([
      ["aoi", "email", STATEMENT, jst("2026-07-01 10:00:10")],
      ["ken", "line", STATEMENT, jst("2026-07-01 10:00:10")],
      ["ken", "line", STATEMENT, jst("2026-08-01 10:00:10")],
    ]);
  });

  it("carries the member's balance and next expiry for the statement to show", async () => {
    // Given Aoi with 1,200 points, 500 of them expiring at the end of August…
    await upsertCustomer(t, { externalId: "aoi", email: "aoi@example.jp" }, { email: true });
    await points(t, "aoi", { kind: "earn", points: 700, externalId: "p-1" });
    await points(t, "aoi", {
      kind: "earn",
      points: 500,
      expiresAt: jst("2026-08-31 23:59:59"),
      externalId: "p-2",
    });
    await switchOn(t, "points-statement");

    // …when the statement goes out on 1 July…
    await workerAt(t, "2026-07-01 10:00:10");

    // …then its payload has what the template shows: balance, expiring amount and date.
    expect(await payloadOf(t, "aoi", STATEMENT)).toMatchObject({
      points: { balance: 1200, expiringAmount: 500, expiresAt: jst("2026-08-31 23:59:59") },
    });
  });
});
