// Two shops on one instance: the same member id or email in both are different customers, and one
// shop's keys never read or change the other's customers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CustomerOutput } from "../../src/customers/schema.js";
import { type CreatedShop, createShop } from "../../src/shops/index.js";
import { bearer, createTestApp, type TestApp } from "../support/app.js";
import { countRows } from "../support/db.js";
import {
  type CustomerApi,
  consentLog,
  customerApi,
  customerRow,
  failure,
  insertEvent,
  ok,
  pointsRecorded,
  profileOf,
  upserted,
} from "./steps.js";

describe("two shops on one instance", () => {
  let t: TestApp;
  let shopB: CreatedShop;
  let a: CustomerApi;
  let b: CustomerApi;
  let aOnlyId: number;
  const found = async (api: CustomerApi, query: Record<string, string>) =>
    ok<{ customers: CustomerOutput[] }>(await api.search(query)).customers;

  beforeAll(async () => {
    t = await createTestApp("2026-06-01T00:00:00.000Z");
    shopB = await createShop(t.testDb.db, t.clock, { name: "Shop B" });
    a = customerApi(t);
    b = customerApi(t, bearer(shopB.secretKey));
    const aOnly = await upserted(a, {
      externalId: "A-ONLY",
      email: "a-only@example.jp",
      phone: "090-2000-1111",
      lastName: "山田",
      lastNameKana: "ヤマダ",
      consents: { email: true },
    });
    aOnlyId = aOnly.customer.id;
    await pointsRecorded(a, "A-ONLY", { kind: "earn", points: 100, externalId: "order-1-earn" });
  });
  afterAll(async () => t.close());

  it("keeps the same member id in two shops as two customers", async () => {
    const inA = await upserted(a, { externalId: "SAME", email: "same-a@example.jp" });
    const inB = await upserted(b, { externalId: "SAME", email: "same-b@example.jp" });
    expect(inB.created).toBe(true);
    expect(inB.customer.id).not.toBe(inA.customer.id);
    expect((await profileOf(a, "SAME")).email).toBe("same-a@example.jp");
    expect((await profileOf(b, "SAME")).email).toBe("same-b@example.jp");
  });

  it("does not let shop B read shop A's customer", async () => {
    expect(failure(await b.get("A-ONLY"), 404).code).toBe("not_found");
    expect(await found(b, { email: "a-only@example.jp" })).toEqual([]);
    expect(await found(b, { phone: "090-2000-1111" })).toEqual([]);
    expect(await found(b, { q: "山田" })).toEqual([]);
    expect(await found(b, { q: "やまだ" })).toEqual([]);
    expect(await found(b, { q: "A-ONLY" })).toEqual([]);
  });

  it("does not let shop B change shop A's consents or points", async () => {
    failure(await b.consents("A-ONLY", { consents: { email: false } }), 404);
    failure(await b.points("A-ONLY", { kind: "spend", points: 100 }), 404);
    failure(await b.points("A-ONLY", { kind: "earn", points: 1_000 }), 404);
    const profile = await profileOf(a, "A-ONLY");
    expect(profile.consents.email?.granted).toBe(true);
    expect(profile.points.balance).toBe(100);
    expect(await consentLog(t, aOnlyId)).toHaveLength(1);
  });

  it("makes shop B its own customer when it sends shop A's contact points", async () => {
    const reply = await upserted(b, { email: "a-only@example.jp", phone: "09020001111", firstName: "B" });
    expect(reply).toMatchObject({ created: true, merged: 0 });
    expect(await customerRow(t, aOnlyId)).toMatchObject({ first_name: null, merged_into_id: null });
    expect((await found(a, { email: "a-only@example.jp" })).map((c) => c.id)).toEqual([aOnlyId]);
  });

  it("never merges shop A's guest into shop B's member", async () => {
    const guest = await upserted(a, { email: "guest@example.jp" });
    await upserted(b, { externalId: "B-1" });
    const reply = await upserted(b, { externalId: "B-1", email: "guest@example.jp" });
    expect(reply.merged).toBe(0);
    expect(await customerRow(t, guest.customer.id)).toMatchObject({
      merged_into_id: null,
      email: "guest@example.jp",
    });
  });

  it("keeps point idempotency keys per shop", async () => {
    const reply = await pointsRecorded(b, "B-1", { kind: "earn", points: 5, externalId: "order-1-earn" });
    expect(reply).toMatchObject({ recorded: true, points: { balance: 5 } });
    expect((await profileOf(a, "A-ONLY")).points.balance).toBe(100);
  });

  it("does not let shop B's storefront claim shop A's visitors or events", async () => {
    await insertEvent(t, { visitorId: "v-a", sku: "A-SKU", occurredAt: "2026-05-31T00:00:00.000Z" });
    const reply = ok<{ customerId: number; created: boolean; eventsLinked: number }>(
      await customerApi(t, bearer(shopB.publicKey)).identify({ visitorId: "v-a", externalId: "A-ONLY" }),
    );
    expect(reply).toMatchObject({ created: true, eventsLinked: 0 });
    expect(reply.customerId).not.toBe(aOnlyId);
    const event = await t.testDb.db
      .selectFrom("events")
      .select("customer_id")
      .where("visitor_id", "=", "v-a")
      .executeTakeFirstOrThrow();
    expect(event.customer_id).toBeNull();
    // Shop A's own storefront still can.
    const own = ok<{ customerId: number; eventsLinked: number }>(
      await customerApi(t, t.public).identify({ visitorId: "v-a", externalId: "A-ONLY" }),
    );
    expect(own).toMatchObject({ customerId: aOnlyId, eventsLinked: 1 });
  });

  it("keeps a batch in shop B inside shop B", async () => {
    const before = await countRows(t.testDb.db, "customers");
    ok(
      await b.batch([
        { externalId: "A-ONLY", firstName: "B側" },
        { externalId: "SAME", firstName: "B側" },
      ]),
    );
    expect(await countRows(t.testDb.db, "customers")).toBe(before);
    expect((await profileOf(a, "A-ONLY")).firstName).toBeNull();
    expect((await profileOf(a, "SAME")).firstName).toBeNull();
    expect((await profileOf(b, "A-ONLY")).firstName).toBe("B側");
  });
});
