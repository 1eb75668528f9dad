// Given orders from members and guests, the buyer is found or created once: by member id (a bare
// profile when the shop has not sent the customer yet) or by an inline customer object.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support/app.js";
import { countRows } from "../support/db.js";

describe("orders: the buyer", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  let n = 0;
  const send = (buyer: Record<string, unknown>, externalId = `B-${++n}`) =>
    t.app.inject({
      method: "POST",
      url: "/v1/orders",
      headers: t.secret,
      payload: {
        externalId,
        orderedAt: "2026-05-20T10:00:00+09:00",
        items: [{ sku: "LOTION", quantity: 1, unitPrice: 1280 }],
        ...buyer,
      },
    });
  const read = async (externalId: string) =>
    (await t.app.inject({ method: "GET", url: `/v1/orders/${externalId}`, headers: t.secret })).json();
  const customers = () =>
    t.testDb.db
      .selectFrom("customers")
      .selectAll()
      .where("shop_id", "=", t.shop.shop.id)
      .orderBy("id")
      .execute();
  const customerIdOf = async (externalId: string) =>
    (
      await t.testDb.db
        .selectFrom("orders")
        .select("customer_id")
        .where("external_id", "=", externalId)
        .executeTakeFirstOrThrow()
    ).customer_id;

  it("creates a bare profile for an unknown member id, once for two orders", async () => {
    expect((await send({ customerId: "M-1" }, "M1-A")).statusCode).toBe(200);
    expect((await send({ customerId: "M-1" }, "M1-B")).statusCode).toBe(200);
    const all = await customers();
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ external_id: "M-1", email: null, phone: null, merged_into_id: null });
    expect(await customerIdOf("M1-A")).toBe(all[0].id);
    expect(await customerIdOf("M1-B")).toBe(all[0].id);
    expect((await read("M1-B")).customerId).toBe("M-1");
  });

  it("links a member id to the profile the shop already sent", async () => {
    const created = await t.app.inject({
      method: "POST",
      url: "/v1/customers",
      headers: t.secret,
      payload: { externalId: "M-2", email: "taro@example.jp", lastName: "山田" },
    });
    expect(created.statusCode, created.body).toBe(200);
    const before = await countRows(t.testDb.db, "customers");
    await send({ customerId: "M-2" }, "M2-A");
    expect(await countRows(t.testDb.db, "customers")).toBe(before);
    expect(await customerIdOf("M2-A")).toBe(created.json().customer.id);
  });

  it("a later full profile fills in the bare one rather than adding another", async () => {
    await send({ customerId: "M-3" }, "M3-A");
    const before = await countRows(t.testDb.db, "customers");
    const res = await t.app.inject({
      method: "POST",
      url: "/v1/customers",
      headers: t.secret,
      payload: { externalId: "M-3", email: "jiro@example.jp" },
    });
    expect(res.json().customer.id).toBe(await customerIdOf("M3-A"));
    expect(await countRows(t.testDb.db, "customers")).toBe(before);
  });

  it("a guest by email, later the same person with a member id: one profile", async () => {
    const before = await countRows(t.testDb.db, "customers");
    await send({ customer: { email: "Hanako@Example.JP", firstName: "花子" } }, "G-1");
    const guest = (await customers()).find((c) => c.email === "hanako@example.jp")!;
    expect(guest).toMatchObject({ external_id: null, first_name: "花子" });
    expect((await read("G-1")).customerId).toBeNull();

    await send({ customer: { externalId: "M-4", email: "hanako@example.jp", lastName: "佐藤" } }, "G-2");
    expect(await countRows(t.testDb.db, "customers")).toBe(before + 1);
    expect(await customerIdOf("G-2")).toBe(guest.id);
    expect(await customerIdOf("G-1")).toBe(guest.id);
    const profile = (await customers()).find((c) => c.id === guest.id)!;
    expect(profile).toMatchObject({
      external_id: "M-4",
      email: "hanako@example.jp",
      first_name: "花子",
      last_name: "佐藤",
    });
    expect((await read("G-1")).customerId).toBe("M-4");

    // Later orders by member id alone find the same profile.
    await send({ customerId: "M-4" }, "G-3");
    expect(await customerIdOf("G-3")).toBe(guest.id);
    expect(await countRows(t.testDb.db, "customers")).toBe(before + 1);
  });

  it("uses the top-level customerId as the inline customer's member id", async () => {
    await send({ customerId: "M-5", customer: { email: "ichiro@example.jp" } }, "C5-A");
    const profile = (await customers()).find((c) => c.external_id === "M-5")!;
    expect(profile.email).toBe("ichiro@example.jp");
    expect(await customerIdOf("C5-A")).toBe(profile.id);
  });

  it("refuses a customerId that contradicts the inline customer's member id", async () => {
    const before = await countRows(t.testDb.db, "orders");
    const res = await send(
      { customerId: "M-6", customer: { externalId: "M-7", email: "x@example.jp" } },
      "C6-A",
    );
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.issues[0].field).toBe("customer.externalId");
    expect(await countRows(t.testDb.db, "orders")).toBe(before);
  });

  it("a guest by phone in two spellings is one profile", async () => {
    const before = await countRows(t.testDb.db, "customers");
    await send({ customer: { phone: "090-1111-2222" } }, "P-1");
    await send({ customer: { phone: "+81 90 1111 2222" } }, "P-2");
    expect(await countRows(t.testDb.db, "customers")).toBe(before + 1);
    expect(await customerIdOf("P-1")).toBe(await customerIdOf("P-2"));
  });

  it("re-sending an order with the same inline customer changes nothing", async () => {
    const payload = { customer: { externalId: "M-8", email: "m8@example.jp", attributes: { rank: "gold" } } };
    expect((await send(payload, "R-1")).json()).toMatchObject({ created: true });
    t.clock.advance(60_000);
    expect((await send(payload, "R-1")).json()).toMatchObject({ created: false, changed: false });
    const profile = (await customers()).find((c) => c.external_id === "M-8")!;
    expect(profile.updated_at).toBe(profile.created_at);
  });

  it("rejects an invalid inline customer with 400 naming the field, writing nothing", async () => {
    const orders = await countRows(t.testDb.db, "orders");
    const people = await countRows(t.testDb.db, "customers");
    const badEmail = await send({ customer: { email: "not-an-email" } }, "BAD-1");
    expect(badEmail.statusCode, badEmail.body).toBe(400);
    expect(badEmail.json().error).toMatchObject({
      code: "validation_failed",
      issues: [{ field: "customer.email", message: expect.any(String) }],
    });
    const anonymous = await send({ customer: { firstName: "名無し" } }, "BAD-2");
    expect(anonymous.statusCode).toBe(400);
    expect(anonymous.json().error.issues[0].field).toBe("customer.externalId");
    const badField = await send({ customer: { email: "a@example.jp", favourite: "red" } }, "BAD-3");
    expect(badField.statusCode).toBe(400);
    expect(await countRows(t.testDb.db, "orders")).toBe(orders);
    expect(await countRows(t.testDb.db, "customers")).toBe(people);
  });
});
