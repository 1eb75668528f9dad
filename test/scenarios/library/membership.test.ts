// The library scenarios of a membership's life: welcome, birthday, anniversary and dormant win-back.
// Each scenario is its own story below, on its own shop.
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { drainJobs } from "../../../src/worker/index.js";
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

// The welcome series from the library: a new member gets the shop's introduction at once, its
// bestsellers three days later, and four days after that a 10% first-purchase coupon if they have not
// bought yet (email first, else LINE). Members who joined before it was switched on are not welcomed.
const welcome = (id: string) => `welcome.${id}`;

describe("library: welcome series", () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await openShop(MONDAY_10AM);
  });
  afterEach(async () => t.close());

  it("welcomes new members in three messages, the coupon only to those who have not bought", async () => {
    // Given a member from before the series was switched on…
    await upsertCustomer(t, { externalId: "old", email: "old@example.jp" }, { email: true });
    await switchOn(t, "welcome");
    await workerAt(t, "2026-06-01 10:00:10");

    // …when Aoi (email), Ken (LINE only) and Mei (no consent) sign up at 10:01…
    setClock(t, "2026-06-01 10:01");
    await upsertCustomer(t, { externalId: "aoi", email: "aoi@example.jp" }, { email: true });
    await upsertCustomer(
      t,
      { externalId: "ken", email: "ken@example.jp", lineUserId: lineUser(2) },
      { line: true },
    );
    await upsertCustomer(t, { externalId: "mei", email: "mei@example.jp" });
    await workerAt(t, "2026-06-01 10:01:10");

    // …then Aoi and Ken are welcomed straight away.
    expect(await entrants(t)).toEqual(["aoi", "ken", "mei"]);
    expect(await queued(t)).toEqual([
      ["aoi", "email", welcome("welcome-1"), jst("2026-06-01 10:01:10")],
      ["ken", "line", welcome("welcome-1"), jst("2026-06-01 10:01:10")],
    ]);

    // Three days later they see the bestsellers; Ken then buys on Friday.
    await workerAt(t, "2026-06-04 10:01:10");
    setClock(t, "2026-06-05 19:00");
    await placeOrder(t, {
      externalId: "KZ-1301",
      customerId: "ken",
      orderedAt: jst("2026-06-05 19:00"),
      items: [{ sku: "SENCHA-100", quantity: 1, unitPrice: 980 }],
    });

    // A week after signing up, only Aoi, who has not bought, gets the first-purchase coupon.
    await workerAt(t, "2026-06-08 10:01:10");
    await workerAt(t, "2026-06-15 10:00");
    expect((await queued(t)).slice(2)).toEqual([
      ["aoi", "email", welcome("welcome-2"), jst("2026-06-04 10:01:10")],
      ["ken", "line", welcome("welcome-2"), jst("2026-06-04 10:01:10")],
      ["aoi", "email", welcome("welcome-3"), jst("2026-06-08 10:01:10")],
    ]);
    const [coupon] = await couponsOf(t, "aoi");
    expect(coupon).toMatchObject({ kind: "percent", value: 10, expires_at: jst("2026-06-22 10:01:10") });
    expect(coupon.code).toMatch(/^WELCOME-[A-Z2-9]{8}$/);
    expect(await payloadOf(t, "aoi", welcome("welcome-3"))).toMatchObject({ coupon: { code: coupon.code } });
    expect(await couponHolders(t)).toEqual(["aoi", "mei"]); // Mei's waits in her account
  });

  it("welcomes a member whose sign-up arrives late alongside one who signs up at that moment", async () => {
    await switchOn(t, "welcome");
    await workerAt(t, "2026-06-01 10:00:10");
    // Given Aoi signing up on the site at 10:01:00, and a platform webhook delivering Ken, who signed up
    // a minute earlier, at 10:01:01…
    setClock(t, "2026-06-01 10:01");
    await upsertCustomer(t, { externalId: "aoi", email: "aoi@example.jp" }, { email: true });
    setClock(t, "2026-06-01 10:01:01");
    await upsertCustomer(
      t,
      { externalId: "ken", email: "ken@example.jp", createdAt: jst("2026-06-01 10:00:01") },
      { email: true },
    );

    // …when the worker happens to run at 10:01:03 and again a little later…
    setClock(t, "2026-06-01 10:01:03");
    await drainJobs(t.ctx.db, t.clock);
    await workerAt(t, "2026-06-01 10:01:15");

    // …then both are welcomed.
    const welcomed = (await queued(t)).map(([member, , template]) => `${member} ${template}`).sort();
    expect(welcomed).toEqual([`aoi ${welcome("welcome-1")}`, `ken ${welcome("welcome-1")}`]);
  });

  it("does not welcome long-standing members imported after the series was switched on", async () => {
    await switchOn(t, "welcome");
    await workerAt(t, "2026-06-01 10:00:10");
    // Given the shop importing its existing members, who joined years ago…
    setClock(t, "2026-06-01 10:01");
    await upsertCustomer(
      t,
      { externalId: "since-2019", email: "s2019@example.jp", createdAt: jst("2019-04-01 12:00") },
      { email: true },
    );

    // …when the worker runs…
    await workerAt(t, "2026-06-01 10:01:10");

    // …then they are not greeted as new members.
    expect(await queued(t)).toEqual([]);
  });
});

// The birthday coupon from the library: at 09:00 on a member's birthday, a 10% coupon (30 days) and a
// greeting on LINE, else email, else SMS.
const BIRTHDAY = "birthday.birthday";

describe("library: birthday coupon", () => {
  let t: TestApp;
  afterEach(async () => t.close());

  describe("in June", () => {
    beforeEach(async () => {
      t = await openShop(MONDAY_10AM);
    });

    it("greets each member at 09:00 on their birthday with a coupon, on the first channel they can get", async () => {
      // Given members born on 1, 2 and 3 June, reachable in different ways…
      await upsertCustomer(
        t,
        { externalId: "kai", birthday: "2000-06-01", email: "kai@example.jp" },
        { email: true },
      );
      await upsertCustomer(
        t,
        { externalId: "hana", birthday: "1990-06-02", email: "hana@example.jp", lineUserId: lineUser(1) },
        { email: true, line: true },
      );
      await upsertCustomer(
        t,
        { externalId: "ken", birthday: "1985-06-02", email: "ken@example.jp", lineUserId: lineUser(2) },
        { email: true },
      );
      await upsertCustomer(
        t,
        { externalId: "sora", birthday: "1992-06-02", phone: "090-3333-4444" },
        { sms: true },
      );
      await upsertCustomer(t, { externalId: "ren", birthday: "1988-06-02", email: "ren@example.jp" }); // no consent
      await upsertCustomer(
        t,
        { externalId: "mei", birthday: "1995-06-03", email: "mei@example.jp" },
        { email: true },
      );
      await upsertCustomer(t, { externalId: "yui", email: "yui@example.jp" }, { email: true }); // no birthday on file

      // …when the shop switches the birthday coupon on at 10:00 on 1 June (today's 09:00 has passed,
      // so today's birthdays still go out on the first round)…
      await switchOn(t, "birthday");
      await workerAt(t, "2026-06-01 10:00:10");
      expect(await queued(t)).toEqual([["kai", "email", BIRTHDAY, jst("2026-06-01 10:00:10")]]);

      // …and the worker runs through the next two days…
      await workerAt(t, "2026-06-02 08:59:50");
      await workerAt(t, "2026-06-02 09:00");
      await workerAt(t, "2026-06-02 21:00");
      await workerAt(t, "2026-06-03 09:00");

      // …then each birthday is greeted at 09:00 on the day: LINE for Hana, email for Ken (no LINE
      // consent), SMS for Sora; Mei on her own day; Ren, who agreed to nothing, gets no message.
      expect(await queued(t)).toEqual([
        ["kai", "email", BIRTHDAY, jst("2026-06-01 10:00:10")],
        ["hana", "line", BIRTHDAY, jst("2026-06-02 09:00")],
        ["ken", "email", BIRTHDAY, jst("2026-06-02 09:00")],
        ["sora", "sms", BIRTHDAY, jst("2026-06-02 09:00")],
        ["mei", "email", BIRTHDAY, jst("2026-06-03 09:00")],
      ]);

      // Each greeting carries the member's own 10% coupon, valid for 30 days. Ren's coupon is still
      // issued: it waits in his account.
      for (const member of ["hana", "ken", "sora"]) {
        const coupons = await couponsOf(t, member);
        expect(coupons).toHaveLength(1);
        expect(coupons[0]).toMatchObject({ kind: "percent", value: 10, expires_at: jst("2026-07-02 09:00") });
        expect(coupons[0].code).toMatch(/^BDAY-[A-Z2-9]{8}$/);
        expect(await payloadOf(t, member, BIRTHDAY)).toMatchObject({ coupon: { code: coupons[0].code } });
      }
      expect(await couponHolders(t)).toEqual(["hana", "kai", "ken", "mei", "ren", "sora"]);
    });
  });

  it("celebrates a 29 February birthday on 28 February in a common year", async () => {
    // Given a member born on 29 February 2000, and the coupon switched on the day before…
    t = await openShop(jst("2027-02-27 10:00"));
    await upsertCustomer(
      t,
      { externalId: "leap", birthday: "2000-02-29", email: "leap@example.jp" },
      { email: true },
    );
    await switchOn(t, "birthday");
    await workerAt(t, "2027-02-27 10:00:10");

    // …when 28 February 2027 (there is no 29th) comes…
    await workerAt(t, "2027-02-28 09:00");
    await workerAt(t, "2027-03-01 09:00");

    // …then she is greeted on the 28th.
    expect(await queued(t)).toEqual([["leap", "email", BIRTHDAY, jst("2027-02-28 09:00")]]);
  });
});

// The membership anniversary from the library: on the day a member joined, every year after the
// first, a 10% thank-you coupon (30 days) and a message (LINE first, else email) at 10:00.
const ANNIVERSARY = "anniversary.anniversary";

describe("library: membership anniversary", () => {
  let t: TestApp;
  afterEach(async () => t.close());

  it("thanks members on the anniversary of joining, with the number of years and a coupon", async () => {
    t = await openShop(MONDAY_10AM);
    // Given Aoi who joined on 1 June 2025 (LINE), Ken on 2 June 2023 (email), Sora on 3 June 2025,
    // and Mei who joined this very morning…
    await upsertCustomer(
      t,
      {
        externalId: "aoi",
        email: "aoi@example.jp",
        lineUserId: lineUser(1),
        createdAt: jst("2025-06-01 11:30"),
      },
      { email: true, line: true },
    );
    await upsertCustomer(
      t,
      { externalId: "ken", email: "ken@example.jp", createdAt: jst("2023-06-02 20:15") },
      { email: true },
    );
    await upsertCustomer(
      t,
      { externalId: "sora", email: "sora@example.jp", createdAt: jst("2025-06-03 08:00") },
      { email: true },
    );
    await upsertCustomer(
      t,
      { externalId: "mei", email: "mei@example.jp", createdAt: jst("2026-06-01 09:00") },
      { email: true },
    );

    // …when the shop switches the anniversary on at 10:00 on 1 June and the worker runs on the 1st and
    // the 2nd…
    await switchOn(t, "anniversary");
    await workerAt(t, "2026-06-01 10:00:10");
    await workerAt(t, "2026-06-02 10:00:10");
    await workerAt(t, "2026-06-02 23:00");

    // …then Aoi is thanked on the 1st (one year) and Ken on the 2nd (three years); Sora's day has not
    // come and Mei has only just joined.
    expect(await queued(t)).toEqual([
      ["aoi", "line", ANNIVERSARY, jst("2026-06-01 10:00:10")],
      ["ken", "email", ANNIVERSARY, jst("2026-06-02 10:00:10")],
    ]);
    expect(await payloadOf(t, "aoi", ANNIVERSARY)).toMatchObject({ anniversary: { years: 1 } });
    expect(await payloadOf(t, "ken", ANNIVERSARY)).toMatchObject({ anniversary: { years: 3 } });
    for (const member of ["aoi", "ken"]) {
      const coupons = await couponsOf(t, member);
      expect(coupons).toHaveLength(1);
      expect(coupons[0]).toMatchObject({ kind: "percent", value: 10 });
      expect(coupons[0].code).toMatch(/^THANKS-[A-Z2-9]{8}$/);
      expect(await payloadOf(t, member, ANNIVERSARY)).toMatchObject({ coupon: { code: coupons[0].code } });
    }
    expect(await couponHolders(t)).toEqual(["aoi", "ken"]);
  });

  it("celebrates a member who joined on 29 February on 28 February in a common year", async () => {
    // Given a member who joined on 29 February 2024…
    t = await openShop(jst("2025-02-27 10:00"));
    await upsertCustomer(
      t,
      { externalId: "leap", email: "leap@example.jp", createdAt: jst("2024-02-29 12:00") },
      { email: true },
    );
    await switchOn(t, "anniversary");

    // …when 28 February 2025 and 1 March come…
    await workerAt(t, "2025-02-27 10:00:10");
    await workerAt(t, "2025-02-28 10:00:10");
    await workerAt(t, "2025-03-01 10:00:10");

    // …then her first anniversary is marked on the 28th, as a 29 February birthday is.
    expect(await queued(t)).toEqual([["leap", "email", ANNIVERSARY, jst("2025-02-28 10:00:10")]]);
  });
});

// Dormant win-back from the library: 180 days after a member's last order, a 10% coupon by email (else
// LINE); 185 days later, if they still have not ordered, a 15% one. An order ends it.
const DORMANT_180D = "winback.dormant-180d";
const DORMANT_365D = "winback.dormant-365d";

async function lastOrder(t: TestApp, member: string, number: string, local: string, status = "completed") {
  await placeOrder(t, {
    externalId: number,
    customerId: member,
    orderedAt: jst(local),
    status,
    items: [{ sku: "GYOKURO-50", quantity: 1, unitPrice: 3200 }],
  });
}

describe("library: dormant win-back", () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await openShop(MONDAY_10AM);
  });
  afterEach(async () => t.close());

  it("sends a coupon 180 days after the last order, a bigger one at 365 days, and stops on an order", async () => {
    // Given members whose last orders fall in early December 2025 and March 2026…
    await upsertCustomer(t, { externalId: "aoi", email: "aoi@example.jp" }, { email: true });
    await lastOrder(t, "aoi", "KZ-6001", "2025-12-03 14:00");
    await upsertCustomer(
      t,
      { externalId: "ken", email: "ken@example.jp", lineUserId: lineUser(2) },
      { line: true },
    );
    await lastOrder(t, "ken", "KZ-6002", "2025-12-04 09:30");
    await upsertCustomer(t, { externalId: "sora", email: "sora@example.jp" }, { email: true });
    await lastOrder(t, "sora", "KZ-6003", "2025-12-03 11:00");
    await lastOrder(t, "sora", "KZ-6004", "2026-03-01 11:00"); // came back in March
    await upsertCustomer(t, { externalId: "mei", email: "mei@example.jp" }, { email: true });
    await lastOrder(t, "mei", "KZ-6005", "2025-12-03 16:00", "cancelled"); // never really bought

    // …when the shop switches win-back on on 1 June 2026 (180 days after 3 December) and the worker
    // runs every day at 10:00 through to December…
    await switchOn(t, "winback");
    await workerAt(t, "2026-06-01 10:00:10");
    await workerDailyUntil(t, "2026-07-15 10:00:10");
    // (Ken, won back, orders in mid-July.)
    await lastOrder(t, "ken", "KZ-6006", "2026-07-15 10:00");
    await workerDailyUntil(t, "2026-12-04 10:00:10");

    // …then each gets the 180-day coupon on their day (Sora 180 days after March), and Aoi, who never
    // came back, the 365-day one 185 days later; Ken's order ends his run.
    expect(await queued(t)).toEqual([
      ["aoi", "email", DORMANT_180D, jst("2026-06-01 10:00:10")],
      ["ken", "line", DORMANT_180D, jst("2026-06-02 10:00:10")],
      ["sora", "email", DORMANT_180D, jst("2026-08-28 10:00:10")],
      ["aoi", "email", DORMANT_365D, jst("2026-12-03 10:00:10")],
    ]);
    const [first, second] = await couponsOf(t, "aoi");
    expect(first).toMatchObject({ kind: "percent", value: 10, expires_at: jst("2026-07-01 10:00:10") });
    expect(second).toMatchObject({ kind: "percent", value: 15, expires_at: jst("2027-01-02 10:00:10") });
    expect(first.code).toMatch(/^BACK-[A-Z2-9]{8}$/);
    expect(await payloadOf(t, "aoi", DORMANT_180D)).toMatchObject({
      coupon: { code: first.code, value: 10 },
    });
    expect(await payloadOf(t, "aoi", DORMANT_365D)).toMatchObject({
      coupon: { code: second.code, value: 15 },
    });
    expect(await couponHolders(t)).toEqual(["aoi", "ken", "sora"]);

    expect(await conversions(t)).toEqual([
      { member: "ken", order: "KZ-6006", revenue: 3200, step: "dormant-180d" },
    ]);
    expect(await runEnds(t)).toEqual([
      ["aoi", "completed"],
      ["ken", "goal:order_placed"],
      ["sora", "active"], // waiting for her 365-day mark
    ]);
  });
});
