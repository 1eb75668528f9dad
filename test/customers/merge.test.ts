// Duplicate profiles of one person (a guest checkout, then the member account) are folded into one:
// history moves to the survivor, the duplicate stays as a tombstone that still resolves.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toIso } from "../../src/core/clock.js";
import { mergeCustomers } from "../../src/customers/index.js";
import { inTransaction } from "../../src/db/index.js";
import { createTestApp, type TestApp } from "../support/app.js";
import { countRows } from "../support/db.js";
import {
  type CustomerApi,
  consentLog,
  customerApi,
  customerRow,
  HOUR,
  insertEvent,
  insertLedgerEntry,
  insertOrder,
  ok,
  pointsRecorded,
  profileOf,
  shopIdOf,
  upserted,
} from "./steps.js";

async function rowsOf(
  t: TestApp,
  table: "orders" | "events" | "point_ledger" | "visitors",
  customerId: number,
) {
  return t.testDb.db.selectFrom(table).selectAll().where("customer_id", "=", customerId).execute();
}

describe("a guest profile merged into the member who turns out to own its email", () => {
  let t: TestApp;
  let api: CustomerApi;
  let guestId: number;
  let memberId: number;
  let mergeReply: Awaited<ReturnType<typeof upserted>>;

  beforeAll(async () => {
    t = await createTestApp("2026-06-01T00:00:00.000Z");
    api = customerApi(t);

    // A guest checks out with an email only, buys, browses, earns points and opts in to email.
    const guest = await upserted(api, {
      email: "guest@example.jp",
      firstName: "花子",
      lastNameKana: "やまだ",
      attributes: { source: "guest-checkout", colour: "red" },
      consents: { email: true },
    });
    guestId = guest.customer.id;
    await insertOrder(t, { customerId: guestId, externalId: "G-1", orderedAt: "2026-05-20T03:00:00.000Z" });
    await insertEvent(t, {
      customerId: guestId,
      type: "cart_add",
      sku: "TEA-1",
      occurredAt: "2026-05-31T10:00:00.000Z",
    });
    await insertLedgerEntry(t, {
      customerId: guestId,
      kind: "earn",
      points: 300,
      expiresAt: "2026-12-31T15:00:00.000Z",
      occurredAt: "2026-05-20T03:00:00.000Z",
    });
    await t.testDb.db
      .insertInto("visitors")
      .values({
        shop_id: shopIdOf(t),
        visitor_id: "v-guest",
        customer_id: guestId,
        first_seen_at: "2026-05-19T00:00:00.000Z",
        linked_at: "2026-05-20T03:00:00.000Z",
      })
      .execute();

    // The member account was made an hour later, with a phone and points of its own.
    t.clock.advance(HOUR);
    const member = await upserted(api, {
      externalId: "M1",
      phone: "090-1234-5678",
      attributes: { colour: "blue" },
    });
    memberId = member.customer.id;
    await insertOrder(t, { customerId: memberId, externalId: "M-1", orderedAt: "2026-05-25T03:00:00.000Z" });
    await pointsRecorded(api, "M1", { kind: "earn", points: 100 });

    // Then the shop sends the member with the guest's email.
    t.clock.advance(HOUR);
    mergeReply = await upserted(api, { externalId: "M1", email: "Guest@Example.jp" });
  });
  afterAll(async () => t.close());

  it("answers with the member's profile and one merged duplicate", async () => {
    expect(mergeReply).toMatchObject({ created: false, merged: 1 });
    expect(mergeReply.customer).toMatchObject({
      id: memberId,
      externalId: "M1",
      email: "guest@example.jp",
      phone: "+819012345678",
      // Empty fields of the member are filled from the guest; the member's own values win.
      firstName: "花子",
      lastNameKana: "ヤマダ",
      attributes: { source: "guest-checkout", colour: "blue" },
      // The person has been a customer since the guest checkout.
      createdAt: "2026-06-01T00:00:00.000Z",
      updatedAt: "2026-06-01T02:00:00.000Z",
    });
  });

  it("keeps the guest as a tombstone that points to the member and matches nothing", async () => {
    expect(await countRows(t.testDb.db, "customers")).toBe(2);
    expect(await customerRow(t, guestId)).toMatchObject({
      merged_into_id: memberId,
      email: null,
      phone: null,
      line_user_id: null,
      external_id: null,
    });
  });

  it("moves the guest's orders, events, points, visitors and consents to the member", async () => {
    for (const table of ["orders", "events", "point_ledger", "visitors"] as const) {
      expect(await rowsOf(t, table, guestId), table).toEqual([]);
    }
    expect((await rowsOf(t, "orders", memberId)).map((o) => o.external_id).sort()).toEqual(["G-1", "M-1"]);
    expect(await rowsOf(t, "events", memberId)).toHaveLength(1);
    expect(await rowsOf(t, "visitors", memberId)).toHaveLength(1);
    expect((await rowsOf(t, "point_ledger", memberId)).map((e) => e.points).sort()).toEqual([100, 300]);
    expect(await consentLog(t, guestId)).toEqual([]);
    expect(await consentLog(t, memberId)).toHaveLength(1);
    const leftOnGuest = await t.testDb.db
      .selectFrom("consents")
      .selectAll()
      .where("customer_id", "=", guestId)
      .execute();
    expect(leftOnGuest).toEqual([]);
    const guestBalance = await t.testDb.db
      .selectFrom("point_balances")
      .selectAll()
      .where("customer_id", "=", guestId)
      .execute();
    expect(guestBalance).toEqual([]);
  });

  it("reads back the whole history on the member", async () => {
    const profile = await profileOf(api, "M1");
    expect(profile.id).toBe(memberId);
    expect(profile.points).toEqual({
      balance: 400,
      nextExpiryAt: "2026-12-31T15:00:00.000Z",
      nextExpiryPoints: 300,
    });
    expect(profile.recentOrders.map((o) => o.externalId)).toEqual(["M-1", "G-1"]);
    expect(profile.recentEvents).toEqual([
      { type: "cart_add", sku: "TEA-1", properties: {}, occurredAt: "2026-05-31T10:00:00.000Z" },
    ]);
    expect(profile.consents.email).toMatchObject({ granted: true, source: "api" });
  });

  it("finds only the member afterwards, by email or by a later upsert", async () => {
    const found = ok<{ customers: Array<{ id: number }> }>(await api.search({ email: "guest@example.jp" }));
    expect(found.customers.map((c) => c.id)).toEqual([memberId]);
    const later = await upserted(api, { email: "guest@example.jp", memberRank: "silver" });
    expect(later).toMatchObject({ created: false, merged: 0 });
    expect(later.customer.id).toBe(memberId);
    expect(await countRows(t.testDb.db, "customers")).toBe(2);
  });

  it("merges several duplicates at once, one per contact point", async () => {
    const byEmail = await upserted(api, { email: "two@example.jp" });
    const byPhone = await upserted(api, { phone: "080-5555-0001" });
    const byLine = await upserted(api, { lineUserId: `U${"c".repeat(32)}` });
    await upserted(api, { externalId: "M2" });
    const reply = await upserted(api, {
      externalId: "M2",
      email: "two@example.jp",
      phone: "08055550001",
      lineUserId: `U${"c".repeat(32)}`,
    });
    expect(reply.merged).toBe(3);
    for (const duplicate of [byEmail, byPhone, byLine]) {
      expect((await customerRow(t, duplicate.customer.id)).merged_into_id).toBe(reply.customer.id);
    }
  });

  it("keeps what each of several duplicates brings: names, attributes, the earliest sign-up", async () => {
    await upserted(api, {
      email: "first@example.jp",
      firstName: "一",
      attributes: { fromEmail: true },
      createdAt: "2020-01-01T00:00:00Z",
    });
    await upserted(api, {
      phone: "080-5555-0003",
      firstName: "二",
      lastName: "電話",
      attributes: { fromPhone: true },
      createdAt: "2021-01-01T00:00:00Z",
    });
    await upserted(api, { externalId: "M5", attributes: { member: true } });
    const reply = await upserted(api, {
      externalId: "M5",
      email: "first@example.jp",
      phone: "080-5555-0003",
    });
    expect(reply.merged).toBe(2);
    expect(reply.customer).toMatchObject({
      firstName: "一",
      lastName: "電話",
      attributes: { fromEmail: true, fromPhone: true, member: true },
      createdAt: "2020-01-01T00:00:00.000Z",
    });
  });

  it("folds a guest found by email into the member found by phone, even without an external id", async () => {
    const guest = await upserted(api, { email: "found-first@example.jp", firstName: "ゲスト" });
    const member = await upserted(api, { externalId: "M6", phone: "080-5555-0004" });
    const reply = await upserted(api, {
      email: "found-first@example.jp",
      phone: "080-5555-0004",
      lastName: "会員",
    });
    expect(reply).toMatchObject({ created: false, merged: 1 });
    expect(reply.customer).toMatchObject({
      id: member.customer.id,
      externalId: "M6",
      email: "found-first@example.jp",
      firstName: "ゲスト",
      lastName: "会員",
    });
    expect((await customerRow(t, guest.customer.id)).merged_into_id).toBe(member.customer.id);
  });

  it("does not merge another member who shares a contact point", async () => {
    await upserted(api, { externalId: "M3", phone: "080-5555-0002" });
    await upserted(api, { externalId: "M4" });
    const reply = await upserted(api, { externalId: "M4", phone: "080-5555-0002" });
    expect(reply.merged).toBe(0);
    expect((await profileOf(api, "M3")).phone).toBe("+818055550002");
  });
});

describe("consents when profiles merge", () => {
  let t: TestApp;
  let api: CustomerApi;
  beforeAll(async () => {
    t = await createTestApp("2026-06-01T00:00:00.000Z");
    api = customerApi(t);
  });
  afterAll(async () => t.close());

  it("keeps the most recent statement per channel, whichever profile it was made on", async () => {
    // 00:00 the guest opts out of LINE.
    const guest = await upserted(api, { email: "consent@example.jp", consents: { line: false } });
    // 01:00 the member opts out of email and in to LINE.
    t.clock.advance(HOUR);
    await upserted(api, { externalId: "C1", phone: "070-1111-2222" });
    ok(await api.consents("C1", { consents: { email: false, line: true }, source: "mypage" }));
    // 02:00 the guest opts in to email (a newsletter form) and in to SMS.
    t.clock.advance(HOUR);
    await upserted(api, { email: "consent@example.jp", consents: { email: true, sms: true } });
    // 03:00 the profiles are found to be one person.
    t.clock.advance(HOUR);
    const merged = await upserted(api, { externalId: "C1", email: "consent@example.jp" });
    expect(merged.merged).toBe(1);

    const { consents } = await profileOf(api, "C1");
    expect(consents).toEqual({
      email: { granted: true, source: "api", updatedAt: "2026-06-01T02:00:00.000Z" },
      line: { granted: true, source: "mypage", updatedAt: "2026-06-01T01:00:00.000Z" },
      sms: { granted: true, source: "api", updatedAt: "2026-06-01T02:00:00.000Z" },
    });
    // The whole log moves with the survivor: five statements, none lost, none added by the merge.
    const log = await consentLog(t, merged.customer.id);
    expect(log).toHaveLength(5);
    expect(await consentLog(t, guest.customer.id)).toEqual([]);
  });

  it("lets consents sent with the merging upsert win over both", async () => {
    await upserted(api, { email: "late@example.jp", consents: { email: true } });
    t.clock.advance(HOUR);
    await upserted(api, { externalId: "C2" });
    t.clock.advance(HOUR);
    const reply = await upserted(api, {
      externalId: "C2",
      email: "late@example.jp",
      consents: { email: false },
    });
    expect(reply.merged).toBe(1);
    expect((await profileOf(api, "C2")).consents.email).toMatchObject({
      granted: false,
      updatedAt: toIso(t.clock.now()),
    });
  });
});

describe("two member accounts merged by the shop", () => {
  let t: TestApp;
  let api: CustomerApi;
  let survivorId: number;

  /** The shop merges `from` into `into` (an admin action; the API never folds two members together). */
  async function mergeMembers(into: string, from: string) {
    const row = (externalId: string) =>
      t.testDb.db
        .selectFrom("customers")
        .selectAll()
        .where("shop_id", "=", shopIdOf(t))
        .where("external_id", "=", externalId)
        .executeTakeFirstOrThrow();
    const [survivor, duplicate] = [await row(into), await row(from)];
    await inTransaction(t.testDb.db, (trx) => mergeCustomers(trx, t.clock, survivor, duplicate));
  }

  beforeAll(async () => {
    t = await createTestApp("2026-06-01T00:00:00.000Z");
    api = customerApi(t);
    await upserted(api, { externalId: "OLD-7", email: "old7@example.jp", firstName: "旧" });
    await pointsRecorded(api, "OLD-7", { kind: "earn", points: 50 });
    survivorId = (await upserted(api, { externalId: "NEW-7", phone: "090-7777-0007" })).customer.id;
    await mergeMembers("NEW-7", "OLD-7");
  });
  afterAll(async () => t.close());

  it("resolves the merged member's external id to the survivor", async () => {
    const profile = await profileOf(api, "OLD-7");
    expect(profile).toMatchObject({
      id: survivorId,
      externalId: "NEW-7",
      email: "old7@example.jp",
      firstName: "旧",
      points: { balance: 50 },
    });
  });

  it("records points and consents sent to the old id on the survivor", async () => {
    const reply = await pointsRecorded(api, "OLD-7", { kind: "earn", points: 20 });
    expect(reply.points.balance).toBe(70);
    ok(await api.consents("OLD-7", { consents: { email: true } }));
    expect((await profileOf(api, "NEW-7")).consents.email?.granted).toBe(true);
  });

  it("updates the survivor when the shop still sends the old id, keeping the survivor's id", async () => {
    const reply = await upserted(api, { externalId: "OLD-7", memberRank: "gold" });
    expect(reply).toMatchObject({ created: false, merged: 0 });
    expect(reply.customer).toMatchObject({ id: survivorId, externalId: "NEW-7", memberRank: "gold" });
    expect(await countRows(t.testDb.db, "customers")).toBe(2);
  });

  it("links a storefront visitor who logs in with the old id to the survivor", async () => {
    const reply = ok<{ customerId: number; created: boolean }>(
      await customerApi(t, t.public).identify({ visitorId: "v-old", externalId: "OLD-7" }),
    );
    expect(reply).toMatchObject({ customerId: survivorId, created: false });
  });

  it("follows a chain of merges in one hop", async () => {
    const third = await upserted(api, { externalId: "THIRD-7" });
    await mergeMembers("THIRD-7", "NEW-7");
    for (const externalId of ["OLD-7", "NEW-7", "THIRD-7"]) {
      expect((await profileOf(api, externalId)).id, externalId).toBe(third.customer.id);
    }
    const tombstones = await t.testDb.db
      .selectFrom("customers")
      .select(["external_id", "merged_into_id"])
      .where("merged_into_id", "is not", null)
      .orderBy("id")
      .execute();
    expect(tombstones).toEqual([
      { external_id: "OLD-7", merged_into_id: third.customer.id },
      { external_id: "NEW-7", merged_into_id: third.customer.id },
    ]);
    expect((await profileOf(api, "THIRD-7")).points.balance).toBe(70);
  });

  it("gives a survivor without an external id the duplicate's", async () => {
    const guest = await upserted(api, { email: "take@example.jp" });
    await upserted(api, { externalId: "TAKE-1", phone: "090-7777-0008" });
    const duplicate = await t.testDb.db
      .selectFrom("customers")
      .selectAll()
      .where("external_id", "=", "TAKE-1")
      .executeTakeFirstOrThrow();
    const survivor = await customerRow(t, guest.customer.id);
    await inTransaction(t.testDb.db, (trx) => mergeCustomers(trx, t.clock, survivor, duplicate));
    expect(await profileOf(api, "TAKE-1")).toMatchObject({
      id: guest.customer.id,
      externalId: "TAKE-1",
      email: "take@example.jp",
      phone: "+819077770008",
    });
    expect(await customerRow(t, duplicate.id)).toMatchObject({
      merged_into_id: guest.customer.id,
      external_id: null,
    });
  });
});
