// Reading customers back: the whole profile by external id (for a support screen or the shop's own
// my-page), and search by email, phone, name or kana as a support agent types them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CustomerOutput } from "../../src/customers/schema.js";
import { createTestApp, type TestApp } from "../support/app.js";
import {
  type CustomerApi,
  customerApi,
  failure,
  insertEvent,
  insertOrder,
  ok,
  pointsRecorded,
  profileOf,
  upserted,
} from "./steps.js";

describe("a member's profile read back", () => {
  let t: TestApp;
  let api: CustomerApi;
  let memberId: number;

  beforeAll(async () => {
    t = await createTestApp("2026-06-01T00:00:00.000Z");
    api = customerApi(t);
    const member = await upserted(api, {
      externalId: "R1",
      email: "r1@example.jp",
      phone: "090-1234-0001",
      lastName: "山田",
      firstName: "花子",
      lastNameKana: "ヤマダ",
      firstNameKana: "ハナコ",
      birthday: "1990-04-01",
      gender: "female",
      postalCode: "150-0001",
      prefecture: "東京",
      address: "渋谷区神宮前1-1-1",
      memberRank: "gold",
      attributes: { skinType: "dry" },
      consents: { email: true, line: false },
    });
    memberId = member.customer.id;
    const other = await upserted(api, { externalId: "R2" });
    await pointsRecorded(api, "R1", { kind: "earn", points: 500, expiresAt: "2026-12-31T15:00:00.000Z" });

    // Twelve orders, one a month, and one order of somebody else.
    for (let month = 1; month <= 12; month++) {
      const mm = String(month).padStart(2, "0");
      await insertOrder(t, {
        customerId: memberId,
        externalId: `O-2025-${mm}`,
        orderedAt: `2025-${mm}-10T03:00:00.000Z`,
        total: month * 1000,
      });
    }
    await insertOrder(t, {
      customerId: other.customer.id,
      externalId: "O-OTHER",
      orderedAt: "2026-05-01T00:00:00.000Z",
    });
    // Twenty-two storefront events, and an anonymous one.
    for (let i = 0; i < 22; i++) {
      await insertEvent(t, {
        customerId: memberId,
        type: i % 2 === 0 ? "product_view" : "cart_add",
        sku: `SKU-${i}`,
        properties: { position: i },
        occurredAt: new Date(Date.UTC(2026, 4, 1, 0, i)).toISOString(),
      });
    }
    await insertEvent(t, { visitorId: "v-anon", occurredAt: "2026-05-31T00:00:00.000Z" });
  });
  afterAll(async () => t.close());

  it("returns the profile, consents and points", async () => {
    const profile = await profileOf(api, "R1");
    expect(profile).toMatchObject({
      id: memberId,
      externalId: "R1",
      email: "r1@example.jp",
      phone: "+819012340001",
      lastName: "山田",
      firstName: "花子",
      lastNameKana: "ヤマダ",
      firstNameKana: "ハナコ",
      birthday: "1990-04-01",
      gender: "female",
      postalCode: "1500001",
      prefecture: "東京都",
      address: "渋谷区神宮前1-1-1",
      memberRank: "gold",
      attributes: { skinType: "dry" },
      createdAt: "2026-06-01T00:00:00.000Z",
      updatedAt: "2026-06-01T00:00:00.000Z",
    });
    expect(profile.consents).toEqual({
      email: { granted: true, source: "api", updatedAt: "2026-06-01T00:00:00.000Z" },
      line: { granted: false, source: "api", updatedAt: "2026-06-01T00:00:00.000Z" },
    });
    expect(profile.points).toEqual({
      balance: 500,
      nextExpiryAt: "2026-12-31T15:00:00.000Z",
      nextExpiryPoints: 500,
    });
  });

  it("returns the ten most recent orders, newest first, and only the member's", async () => {
    const { recentOrders } = await profileOf(api, "R1");
    expect(recentOrders).toHaveLength(10);
    expect(recentOrders[0]).toEqual({
      externalId: "O-2025-12",
      channel: "online",
      status: "paid",
      orderedAt: "2025-12-10T03:00:00.000Z",
      total: 12_000,
      currency: "JPY",
    });
    expect(recentOrders.map((o) => o.externalId).at(-1)).toBe("O-2025-03");
    expect(recentOrders.map((o) => o.externalId)).not.toContain("O-OTHER");
  });

  it("returns the twenty most recent events, newest first, with their properties", async () => {
    const { recentEvents } = await profileOf(api, "R1");
    expect(recentEvents).toHaveLength(20);
    expect(recentEvents[0]).toEqual({
      type: "cart_add",
      sku: "SKU-21",
      properties: { position: 21 },
      occurredAt: "2026-05-01T00:21:00.000Z",
    });
    expect(recentEvents.at(-1)?.sku).toBe("SKU-2");
  });

  it("returns empty lists for a member with no history", async () => {
    await upserted(api, { externalId: "R3" });
    const profile = await profileOf(api, "R3");
    expect(profile).toMatchObject({
      consents: {},
      points: { balance: 0, nextExpiryAt: null, nextExpiryPoints: 0 },
      recentOrders: [],
      recentEvents: [],
      attributes: {},
    });
  });

  it("answers 404 in the error shape for an external id it does not know", async () => {
    const error = failure(await api.get("R404"), 404);
    expect(error.code).toBe("not_found");
    expect(error.message).toContain("R404");
  });

  it("reads external ids with characters that need escaping in a URL", async () => {
    for (const externalId of ["会員-0001", "shop/123", "a b+c@d", "100%"]) {
      await upserted(api, { externalId });
      expect((await profileOf(api, externalId)).externalId).toBe(externalId);
    }
  });
});

describe("searching customers", () => {
  let t: TestApp;
  let api: CustomerApi;
  const found = async (query: Record<string, string>) =>
    ok<{ customers: CustomerOutput[] }>(await api.search(query)).customers.map((c) => c.externalId);

  beforeAll(async () => {
    t = await createTestApp();
    api = customerApi(t);
    await upserted(api, {
      externalId: "S1",
      email: "yamada.hanako@example.jp",
      phone: "090-1111-0001",
      lastName: "山田",
      firstName: "花子",
      lastNameKana: "やまだ",
      firstNameKana: "はなこ",
    });
    await upserted(api, {
      externalId: "S2",
      email: "yamaguchi@example.jp",
      phone: "03-1111-0002",
      lastName: "山口",
      firstName: "太郎",
      lastNameKana: "ヤマグチ",
      firstNameKana: "タロウ",
    });
    await upserted(api, {
      externalId: "S3",
      email: "smith@example.com",
      lastName: "Yamamoto",
      firstName: "Ken",
      lastNameKana: "ヤマモト",
    });
    await upserted(api, {
      externalId: "S4",
      email: "hanada@example.jp",
      lastName: "花田",
      lastNameKana: "ハナダ",
    });
  });
  afterAll(async () => t.close());

  it("finds by email, whatever its case and spacing", async () => {
    expect(await found({ email: " Yamada.Hanako@EXAMPLE.jp " })).toEqual(["S1"]);
    expect(await found({ email: "nobody@example.jp" })).toEqual([]);
  });

  it.each(["090-1111-0001", "09011110001", "+81 90 1111 0001", "０９０１１１１０００１"])(
    "finds by phone written as %j",
    async (phone) => {
      expect(await found({ phone })).toEqual(["S1"]);
    },
  );

  it("finds by kana prefix, typed in hiragana, katakana or half-width", async () => {
    expect(await found({ q: "やま" })).toEqual(["S1", "S2", "S3"]);
    expect(await found({ q: "ヤマグ" })).toEqual(["S2"]);
    expect(await found({ q: "ﾔﾏﾓ" })).toEqual(["S3"]);
    expect(await found({ q: "はな" })).toEqual(["S1", "S4"]);
  });

  it("finds by the start of a family or given name", async () => {
    expect(await found({ q: "山" })).toEqual(["S1", "S2"]);
    expect(await found({ q: "山田" })).toEqual(["S1"]);
    expect(await found({ q: "花" })).toEqual(["S1", "S4"]);
    expect(await found({ q: "Ken" })).toEqual(["S3"]);
  });

  it("finds Latin names whatever their case, on every engine", async () => {
    expect(await found({ q: "yama" })).toEqual(["S3"]);
    expect(await found({ q: "YAMAMOTO" })).toEqual(["S3"]);
  });

  it("matches the start of a name only, and treats wildcards as text", async () => {
    expect(await found({ q: "田" })).toEqual([]);
    expect(await found({ q: "%" })).toEqual([]);
    expect(await found({ q: "_" })).toEqual([]);
    await upserted(api, { externalId: "S6", lastName: "Ab_c%d" });
    expect(await found({ q: "ab_c%" })).toEqual(["S6"]);
    expect(await found({ q: "abxc" })).toEqual([]);
  });

  it("finds by exact external id or email through q", async () => {
    expect(await found({ q: "S2" })).toEqual(["S2"]);
    expect(await found({ q: "Smith@Example.com" })).toEqual(["S3"]);
  });

  it("combines criteria and honours the limit", async () => {
    expect(await found({ q: "やま", phone: "03-1111-0002" })).toEqual(["S2"]);
    expect(await found({ q: "やま", limit: "2" })).toEqual(["S1", "S2"]);
  });

  it("leaves merged tombstones out", async () => {
    const guest = await upserted(api, { email: "tomb@example.jp", lastName: "山本" });
    await upserted(api, { externalId: "S5" });
    expect((await upserted(api, { externalId: "S5", email: "tomb@example.jp" })).merged).toBe(1);
    const results = ok<{ customers: CustomerOutput[] }>(await api.search({ q: "山本" })).customers;
    expect(results.map((c) => c.externalId)).toEqual(["S5"]);
    expect(results[0].id).not.toBe(guest.customer.id);
  });
});
