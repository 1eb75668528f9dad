// A storefront visitor logs in: the visitor is linked to the member and their anonymous browsing
// becomes the member's history. The public key may only link; profile fields need the secret key.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { indexAnonymousEvents } from "../../src/events/index.js";
import { createShop } from "../../src/shops/index.js";
import { createTestApp, type TestApp } from "../support/app.js";
import { countRows } from "../support/db.js";
import {
  type CustomerApi,
  customerApi,
  customerRow,
  failure,
  HOUR,
  insertEvent,
  ok,
  profileOf,
  rejects,
  shopIdOf,
  upserted,
} from "./steps.js";

interface IdentifyReply {
  customerId: number;
  created: boolean;
  merged: number;
  eventsLinked: number;
}

describe("a storefront visitor who logs in", () => {
  let t: TestApp;
  let api: CustomerApi;
  let storefront: CustomerApi;
  const identified = async (caller: CustomerApi, body: Record<string, unknown>) =>
    ok<IdentifyReply>(await caller.identify(body));
  const eventsOf = (visitorId: string) =>
    t.testDb.db
      .selectFrom("events")
      .select(["customer_id", "sku"])
      .where("visitor_id", "=", visitorId)
      .orderBy("id")
      .execute();

  beforeAll(async () => {
    t = await createTestApp("2026-06-01T00:00:00.000Z");
    api = customerApi(t);
    storefront = customerApi(t, t.public);
  });
  afterAll(async () => t.close());

  it("links the visitor and their earlier anonymous events to a member it did not know yet", async () => {
    for (const sku of ["TEA-1", "TEA-2", "CUP-1"]) {
      await insertEvent(t, { visitorId: "v-1", sku, occurredAt: "2026-05-31T12:00:00.000Z" });
    }
    await insertEvent(t, { visitorId: "v-other", sku: "OTHER", occurredAt: "2026-05-31T12:00:00.000Z" });

    const reply = await identified(storefront, { visitorId: "v-1", externalId: "I1" });
    expect(reply).toMatchObject({ created: true, merged: 0, eventsLinked: 3 });
    expect((await eventsOf("v-1")).map((e) => e.customer_id)).toEqual([
      reply.customerId,
      reply.customerId,
      reply.customerId,
    ]);
    expect((await eventsOf("v-other"))[0].customer_id).toBeNull();

    const profile = await profileOf(api, "I1");
    expect(profile.id).toBe(reply.customerId);
    expect(profile.recentEvents.map((e) => e.sku).sort()).toEqual(["CUP-1", "TEA-1", "TEA-2"]);
    const visitor = await t.testDb.db
      .selectFrom("visitors")
      .selectAll()
      .where("visitor_id", "=", "v-1")
      .executeTakeFirstOrThrow();
    expect(visitor).toMatchObject({ customer_id: reply.customerId, linked_at: "2026-06-01T00:00:00.000Z" });
  });

  it("links nothing twice when the visitor logs in again", async () => {
    t.clock.advance(HOUR);
    const reply = await identified(storefront, { visitorId: "v-1", externalId: "I1" });
    expect(reply).toMatchObject({ created: false, eventsLinked: 0 });
    expect(await countRows(t.testDb.db, "customers")).toBe(1);
  });

  it("links a visitor to a member the shop already sent", async () => {
    const member = await upserted(api, { externalId: "I2", email: "i2@example.jp" });
    await insertEvent(t, {
      visitorId: "v-2",
      type: "cart_add",
      sku: "BAG-1",
      occurredAt: "2026-06-01T00:30:00Z",
    });
    const reply = await identified(storefront, { visitorId: "v-2", externalId: "I2" });
    expect(reply).toEqual({ customerId: member.customer.id, created: false, merged: 0, eventsLinked: 1 });
    expect((await profileOf(api, "I2")).email).toBe("i2@example.jp");
  });

  it("leaves events already attributed to someone alone", async () => {
    const other = await upserted(api, { externalId: "I-OTHER" });
    await insertEvent(t, {
      visitorId: "v-shared",
      customerId: other.customer.id,
      occurredAt: "2026-06-01T00:40:00.000Z",
    });
    await insertEvent(t, { visitorId: "v-shared", occurredAt: "2026-06-01T00:50:00.000Z" });
    const reply = await identified(storefront, { visitorId: "v-shared", externalId: "I2" });
    expect(reply.eventsLinked).toBe(1);
    expect((await eventsOf("v-shared")).map((e) => e.customer_id)).toEqual([
      other.customer.id,
      reply.customerId,
    ]);
  });

  it("refuses profile fields sent with the public key, and writes nothing", async () => {
    await insertEvent(t, { visitorId: "v-3", occurredAt: "2026-06-01T00:55:00.000Z" });
    const customers = await countRows(t.testDb.db, "customers");
    const res = await storefront.identify({
      visitorId: "v-3",
      externalId: "I2",
      customer: { email: "attacker@example.com" },
    });
    const error = failure(res, 403);
    expect(error.code).toBe("forbidden");
    expect(await countRows(t.testDb.db, "customers")).toBe(customers);
    expect((await profileOf(api, "I2")).email).toBe("i2@example.jp");
    expect((await eventsOf("v-3"))[0].customer_id).toBeNull();
    // Not even an empty profile.
    failure(await storefront.identify({ externalId: "I9", customer: {} }), 403);
    expect(await countRows(t.testDb.db, "customers")).toBe(customers);
  });

  it("with the secret key, upserts the profile and merges the guest profile it shows to be the same", async () => {
    // A guest checked out with an email; a member account exists without one.
    const guest = await upserted(api, {
      email: "guest@example.jp",
      firstName: "ゲスト",
      consents: { email: true },
    });
    await insertEvent(t, {
      customerId: guest.customer.id,
      sku: "GUEST-1",
      occurredAt: "2026-05-30T00:00:00Z",
    });
    const member = await upserted(api, { externalId: "I3", lastName: "佐藤" });
    await insertEvent(t, { visitorId: "v-4", sku: "ANON-1", occurredAt: "2026-06-01T00:58:00.000Z" });

    const reply = await identified(api, {
      visitorId: "v-4",
      externalId: "I3",
      customer: { email: "Guest@example.jp", phone: "090-4444-0004", consents: { line: true } },
    });
    expect(reply).toEqual({ customerId: member.customer.id, created: false, merged: 1, eventsLinked: 1 });
    expect((await customerRow(t, guest.customer.id)).merged_into_id).toBe(member.customer.id);

    const profile = await profileOf(api, "I3");
    expect(profile).toMatchObject({
      email: "guest@example.jp",
      phone: "+819044440004",
      firstName: "ゲスト",
      lastName: "佐藤",
    });
    expect(profile.consents).toMatchObject({
      email: { granted: true, source: "api" },
      line: { granted: true, source: "api:identify" },
    });
    expect(profile.recentEvents.map((e) => e.sku).sort()).toEqual(["ANON-1", "GUEST-1"]);
  });

  it("with the secret key, creates a member it does not know", async () => {
    const reply = await identified(api, { externalId: "I4", customer: { firstName: "新規" } });
    expect(reply).toMatchObject({ created: true, merged: 0, eventsLinked: 0 });
    expect((await profileOf(api, "I4")).firstName).toBe("新規");
  });

  it("rejects bad identify requests, naming the field", async () => {
    rejects(await storefront.identify({ visitorId: "v-5" }), "externalId");
    rejects(await storefront.identify({ visitorId: "", externalId: "I5" }), "visitorId");
    rejects(await api.identify({ externalId: "I5", customer: { email: "nope" } }), "customer.email");
    rejects(
      await api.identify({ externalId: "I5", customer: { birthday: "2030-01-01" } }),
      "customer.birthday",
    );
    const nested = failure(await api.identify({ externalId: "I5", customer: { externalId: "I6" } }), 400);
    expect(JSON.stringify(nested.issues)).toContain("externalId");
    const unknown = failure(await storefront.identify({ externalId: "I5", sessionId: "s" }), 400);
    expect(JSON.stringify(unknown.issues)).toContain("sessionId");
    failure(await api.get("I5"), 404);
  });

  // On SQLite anonymous events are indexed by visitor in batches (events/visitor-index.ts): identify
  // must find the indexed ones and those written since, and only the visitor's own in its own shop.
  it("links the anonymous events indexed in a batch and those written after it", async () => {
    const other = await createShop(t.testDb.db, t.clock, { name: "Other shop" });
    await insertEvent(t, { visitorId: "v-batch", sku: "OLD-1", occurredAt: "2026-05-30T10:00:00.000Z" });
    await insertEvent(t, { visitorId: "v-batch", sku: "OLD-2", occurredAt: "2026-05-30T11:00:00.000Z" });
    await insertEvent(t, {
      visitorId: "v-batch",
      sku: "ELSEWHERE",
      occurredAt: "2026-05-30T11:00:00.000Z",
      shopId: other.shop.id,
    });
    await insertEvent(t, { visitorId: "v-bystander", sku: "B-1", occurredAt: "2026-05-30T12:00:00.000Z" });
    let covered = 0;
    for (let n = await indexAnonymousEvents(t.testDb.db); n > 0; n = await indexAnonymousEvents(t.testDb.db))
      covered += n;
    if (t.testDb.engine === "sqlite") {
      expect(covered).toBeGreaterThan(0);
      const indexed = await t.testDb.db
        .selectFrom("visitor_events")
        .select("event_id")
        .where("visitor_id", "=", "v-batch")
        .execute();
      expect(indexed).toHaveLength(3);
    } else {
      expect(covered).toBe(0); // PostgreSQL keeps its partial index on events instead
    }
    await insertEvent(t, { visitorId: "v-batch", sku: "NEW-1", occurredAt: "2026-05-31T10:00:00.000Z" });

    const reply = await identified(storefront, { visitorId: "v-batch", externalId: "I-BATCH" });
    expect(reply.eventsLinked).toBe(3);
    const rows = await t.testDb.db
      .selectFrom("events")
      .select(["shop_id", "sku", "customer_id"])
      .where("visitor_id", "in", ["v-batch", "v-bystander"])
      .orderBy("id")
      .execute();
    const shopId = shopIdOf(t);
    expect(rows).toEqual([
      { shop_id: shopId, sku: "OLD-1", customer_id: reply.customerId },
      { shop_id: shopId, sku: "OLD-2", customer_id: reply.customerId },
      { shop_id: other.shop.id, sku: "ELSEWHERE", customer_id: null },
      { shop_id: shopId, sku: "B-1", customer_id: null },
      { shop_id: shopId, sku: "NEW-1", customer_id: reply.customerId },
    ]);
    if (t.testDb.engine === "sqlite") {
      const left = await t.testDb.db.selectFrom("visitor_events").select(["shop_id", "visitor_id"]).execute();
      expect(left).toContainEqual({ shop_id: other.shop.id, visitor_id: "v-batch" });
      expect(left.filter((r) => r.shop_id === shopId && r.visitor_id === "v-batch")).toEqual([]);
    }
  });
});
