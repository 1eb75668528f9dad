// Stories of a shop sending its customers: create, update, matching by contact point, and the rules
// for what an update touches.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support/app.js";
import { countRows } from "../support/db.js";
import {
  type CustomerApi,
  customerApi,
  customerRow,
  HOUR,
  ok,
  profileOf,
  type UpsertReply,
  upserted,
} from "./steps.js";

describe("a shop sending its customers", () => {
  let t: TestApp;
  let api: CustomerApi;
  beforeAll(async () => {
    t = await createTestApp("2026-06-01T00:00:00.000Z");
    api = customerApi(t);
  });
  afterAll(async () => t.close());

  it("creates a member, then updates the same profile by external id", async () => {
    const first = await upserted(api, { externalId: "M100", email: "hanako@example.jp", firstName: "花子" });
    expect(first).toMatchObject({ created: true, merged: 0 });
    expect(first.customer).toMatchObject({
      externalId: "M100",
      email: "hanako@example.jp",
      firstName: "花子",
      createdAt: "2026-06-01T00:00:00.000Z",
      updatedAt: "2026-06-01T00:00:00.000Z",
    });

    t.clock.advance(HOUR);
    const second = await upserted(api, { externalId: "M100", lastName: "山田", memberRank: "gold" });
    expect(second.created).toBe(false);
    expect(second.customer).toMatchObject({
      id: first.customer.id,
      email: "hanako@example.jp",
      firstName: "花子",
      lastName: "山田",
      memberRank: "gold",
      createdAt: "2026-06-01T00:00:00.000Z",
      updatedAt: "2026-06-01T01:00:00.000Z",
    });
    expect((await profileOf(api, "M100")).lastName).toBe("山田");
  });

  it("finds the profile by email when no external id is sent, and keeps its external id", async () => {
    const member = await upserted(api, { externalId: "M200", email: "taro@example.jp" });
    const update = await upserted(api, { email: "  TARO@Example.JP", firstName: "太郎" });
    expect(update).toMatchObject({ created: false, merged: 0 });
    expect(update.customer).toMatchObject({ id: member.customer.id, externalId: "M200", firstName: "太郎" });
  });

  it("finds the profile by phone in any format", async () => {
    const member = await upserted(api, { externalId: "M300", phone: "090-1111-2222" });
    const update = await upserted(api, { phone: "+81 90 1111 2222", memberRank: "silver" });
    expect(update.created).toBe(false);
    expect(update.customer).toMatchObject({
      id: member.customer.id,
      externalId: "M300",
      memberRank: "silver",
    });
  });

  it("finds the profile by LINE user id", async () => {
    const line = `U${"ab".repeat(16)}`;
    const member = await upserted(api, { externalId: "M310", lineUserId: line });
    const update = await upserted(api, { lineUserId: line, firstName: "次郎" });
    expect(update.customer).toMatchObject({ id: member.customer.id, externalId: "M310", firstName: "次郎" });
  });

  it("prefers the external id over contact points that belong to nobody else", async () => {
    const member = await upserted(api, { externalId: "M320", email: "old@example.jp" });
    const update = await upserted(api, { externalId: "M320", email: "new@example.jp" });
    expect(update.customer).toMatchObject({ id: member.customer.id, email: "new@example.jp" });
    // The old address is no longer on file, so it finds nobody and makes a new guest profile.
    const guest = await upserted(api, { email: "old@example.jp" });
    expect(guest.created).toBe(true);
  });

  it("changes nothing when exactly the same request is sent again", async () => {
    const body = { externalId: "M390", email: "retry@example.jp", attributes: { source: "webhook", n: 1 } };
    const first = await upserted(api, body);
    t.clock.advance(HOUR);
    const retry = await upserted(api, body);
    expect(retry.customer.updatedAt).toBe(first.customer.updatedAt);
  });

  it("changes nothing, not even updated_at, when the same profile is sent again", async () => {
    const profile = {
      externalId: "M400",
      email: "same@example.jp",
      phone: "03-1234-5678",
      firstName: "一郎",
      lastName: "鈴木",
      lastNameKana: "スズキ",
      birthday: "1985-03-15",
      gender: "male",
      postalCode: "1000001",
      prefecture: "東京都",
      address: "千代田区1-1",
      attributes: { favouriteColour: "blue", sizes: { shoe: 27, shirt: "L" }, tags: ["vip", "newsletter"] },
      createdAt: "2020-01-01T00:00:00.000Z",
    };
    const first = await upserted(api, profile);
    t.clock.advance(3 * HOUR);
    // The same data in other spellings: upper-case email, phone in E.164, a short prefecture,
    // attributes in another key order, the sign-up time with an offset.
    const again = await upserted(api, {
      ...profile,
      email: "Same@Example.jp",
      phone: "+81312345678",
      prefecture: "東京",
      lastNameKana: "すずき",
      attributes: { tags: ["vip", "newsletter"], sizes: { shirt: "L", shoe: 27 }, favouriteColour: "blue" },
      createdAt: "2020-01-01T09:00:00+09:00",
    });
    expect(again.created).toBe(false);
    expect(again.customer).toEqual(first.customer);
    expect((await customerRow(t, first.customer.id)).updated_at).toBe(first.customer.updatedAt);

    // Sending only part of it changes nothing either.
    const partial = await upserted(api, { externalId: "M400", firstName: "一郎" });
    expect(partial.customer.updatedAt).toBe(first.customer.updatedAt);
  });

  it("leaves a field alone when it is left out, and clears it when it is null or blank", async () => {
    await upserted(api, {
      externalId: "M500",
      email: "clear@example.jp",
      phone: "080-2222-3333",
      address: "大阪市北区1-2-3",
      memberRank: "gold",
      gender: "female",
    });
    const cleared = await upserted(api, { externalId: "M500", phone: null, address: "  ", gender: null });
    expect(cleared.customer).toMatchObject({
      email: "clear@example.jp",
      memberRank: "gold",
      phone: null,
      address: null,
      gender: null,
    });
    const row = await customerRow(t, cleared.customer.id);
    expect(row).toMatchObject({ phone: null, address: null, email: "clear@example.jp" });
  });

  it("merges attributes into the stored ones (top-level keys)", async () => {
    await upserted(api, {
      externalId: "M600",
      attributes: { plan: "basic", pets: ["cat"], skin: { type: "dry" } },
    });
    const merged = await upserted(api, {
      externalId: "M600",
      attributes: { plan: "premium", newsletter: true },
    });
    expect(merged.customer.attributes).toEqual({
      plan: "premium",
      pets: ["cat"],
      skin: { type: "dry" },
      newsletter: true,
    });
    const untouched = await upserted(api, { externalId: "M600", firstName: "ゆき" });
    expect(untouched.customer.attributes).toEqual(merged.customer.attributes);
    expect((await profileOf(api, "M600")).attributes).toEqual(merged.customer.attributes);
  });

  it("moves created_at back to an earlier sign-up date, never forward", async () => {
    const signedUp = t.clock.now().toISOString();
    const first = await upserted(api, { externalId: "M700" });
    expect(first.customer.createdAt).toBe(signedUp);
    t.clock.advance(HOUR);
    const updatedAt = t.clock.now().toISOString();
    const earlier = await upserted(api, { externalId: "M700", createdAt: "2019-04-01T10:00:00+09:00" });
    expect(earlier.customer.createdAt).toBe("2019-04-01T01:00:00.000Z");
    expect(earlier.customer.updatedAt).toBe(updatedAt);
    t.clock.advance(HOUR);
    const later = await upserted(api, { externalId: "M700", createdAt: "2024-01-01T00:00:00Z" });
    expect(later.customer.createdAt).toBe("2019-04-01T01:00:00.000Z");
    expect(later.customer.updatedAt).toBe(updatedAt);
  });

  it("takes the sign-up date of a new customer from createdAt", async () => {
    const created = await upserted(api, { externalId: "M710", createdAt: "2018-12-31T15:00:00Z" });
    expect(created.customer).toMatchObject({
      createdAt: "2018-12-31T15:00:00.000Z",
      updatedAt: t.clock.now().toISOString(),
    });
  });

  it("gives an email-only guest the external id once the shop sends it with that email", async () => {
    const guest = await upserted(api, { email: "guest-to-member@example.jp", firstName: "ゲスト" });
    expect(guest.customer.externalId).toBeNull();
    const member = await upserted(api, { externalId: "M800", email: "guest-to-member@example.jp" });
    expect(member).toMatchObject({ created: false, merged: 0 });
    expect(member.customer).toMatchObject({ id: guest.customer.id, externalId: "M800", firstName: "ゲスト" });
    expect((await profileOf(api, "M800")).id).toBe(guest.customer.id);
  });

  it("creates one customer when the same new member arrives several times at once", async () => {
    const replies = await Promise.all(
      Array.from({ length: 5 }, () => api.upsert({ externalId: "RACE-1", email: "race@example.jp" })),
    );
    const bodies = replies.map((r) => ok<UpsertReply>(r));
    expect(new Set(bodies.map((b) => b.customer.id)).size).toBe(1);
    expect(bodies.filter((b) => b.created)).toHaveLength(1);
  });

  it("creates a batch of customers in order, updating those it already knows", async () => {
    await upserted(api, { externalId: "B1", firstName: "Before" });
    const before = await countRows(t.testDb.db, "customers");
    const reply = ok<{ results: Array<{ id: number; externalId: string | null; created: boolean }> }>(
      await api.batch([
        { externalId: "B1", firstName: "After" },
        { externalId: "B2", email: "b2@example.jp" },
        { email: "b3@example.jp" },
        { externalId: "B2", phone: "090-3333-4444" },
      ]),
    );
    expect(reply.results.map((r) => [r.externalId, r.created])).toEqual([
      ["B1", false],
      ["B2", true],
      [null, true],
      ["B2", false],
    ]);
    expect(reply.results[3].id).toBe(reply.results[1].id);
    expect(await countRows(t.testDb.db, "customers")).toBe(before + 2);
    expect(await profileOf(api, "B1")).toMatchObject({ firstName: "After" });
    expect(await profileOf(api, "B2")).toMatchObject({ email: "b2@example.jp", phone: "+819033334444" });
  });
});

describe("a family sharing one email address", () => {
  let t: TestApp;
  let api: CustomerApi;
  beforeAll(async () => {
    t = await createTestApp();
    api = customerApi(t);
  });
  afterAll(async () => t.close());

  it("keeps two members with the same email as two customers", async () => {
    const mother = await upserted(api, { externalId: "F1", email: "family@example.jp", firstName: "母" });
    const son = await upserted(api, { externalId: "F2", email: "Family@example.jp", firstName: "息子" });
    expect(son.created).toBe(true);
    expect(son.customer.id).not.toBe(mother.customer.id);
    expect(await countRows(t.testDb.db, "customers")).toBe(2);

    // Each member is updated on their own.
    const sonAgain = await upserted(api, { externalId: "F2", email: "family@example.jp", lastName: "佐藤" });
    expect(sonAgain.customer.id).toBe(son.customer.id);
    expect((await profileOf(api, "F1")).lastName).toBeNull();
    expect((await profileOf(api, "F1")).firstName).toBe("母");
    expect((await profileOf(api, "F2")).firstName).toBe("息子");
  });

  it("does not fold two members together because they share a phone either", async () => {
    await upserted(api, { externalId: "F3", phone: "03-5555-6666" });
    const other = await upserted(api, { externalId: "F4", phone: "0355556666", email: "f4@example.jp" });
    expect(other).toMatchObject({ created: true, merged: 0 });
    expect((await profileOf(api, "F3")).phone).toBe("+81355556666");
  });

  it("updates one of them, not a new profile, when only the shared email is sent", async () => {
    const before = await countRows(t.testDb.db, "customers");
    const reply = await upserted(api, { email: "family@example.jp", memberRank: "family" });
    expect(reply.created).toBe(false);
    expect(["F1", "F2"]).toContain(reply.customer.externalId);
    expect(await countRows(t.testDb.db, "customers")).toBe(before);
  });
});
