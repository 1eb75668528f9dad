// What a shop's developer sees when a request is wrong: one JSON error shape, a 400 naming the field,
// 401/403 for keys, and a batch that is written whole or not at all.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support/app.js";
import { countRows } from "../support/db.js";
import { type CustomerApi, customerApi, failure, profileOf, rejects, upserted } from "./steps.js";

describe("bad requests to the customer API", () => {
  let t: TestApp;
  let api: CustomerApi;
  beforeAll(async () => {
    t = await createTestApp();
    api = customerApi(t);
    await upserted(api, { externalId: "KNOWN", email: "known@example.jp", firstName: "既存" });
  });
  afterAll(async () => t.close());

  it("rejects an unknown property instead of dropping it", async () => {
    const error = failure(await api.upsert({ externalId: "X1", nickname: "はなちゃん" }), 400);
    expect(error.code).toBe("validation_failed");
    // The issue names the property, in its field or its message.
    expect(JSON.stringify(error.issues)).toContain("nickname");
  });

  it.each([
    [{ externalId: 5 }, "externalId"],
    [{ externalId: "X2", email: 123 }, "email"],
    [{ externalId: "X2", firstName: ["花子"] }, "firstName"],
    [{ externalId: "X2", attributes: "vip" }, "attributes"],
    [{ externalId: "X2", consents: { email: "yes" } }, "consents.email"],
    [{ externalId: "X2", createdAt: "yesterday" }, "createdAt"],
    [{ externalId: "X2", firstName: "あ".repeat(101) }, "firstName"],
    [{ externalId: "" }, "externalId"],
  ])("rejects %j naming %s", async (body, field) => {
    rejects(await api.upsert(body), field);
  });

  it("rejects a consent for a channel it does not know", async () => {
    const error = failure(await api.upsert({ externalId: "X3", consents: { fax: true } }), 400);
    expect(JSON.stringify(error.issues)).toContain("fax");
  });

  it("rejects an invalid email, naming the field", async () => {
    expect(rejects(await api.upsert({ externalId: "X4", email: "hanako.example.jp" }), "email")).toContain(
      "hanako.example.jp",
    );
  });

  it.each([
    { firstName: "名無し" },
    { externalId: "   " },
    { email: "", phone: "  " },
    { email: null, lastName: "山田" },
    {},
  ])("rejects a customer with nothing to identify them by: %j", async (body) => {
    rejects(await api.upsert(body), "externalId");
  });

  it("answers malformed JSON with a 400 in the same shape", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: "/v1/customers",
      headers: { ...t.secret, "content-type": "application/json" },
      payload: '{"externalId": "X5", ',
    });
    const error = failure(res, 400);
    expect(error.issues[0].field).toBe("body");
  });

  it("answers an empty JSON body with a 400", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: "/v1/customers",
      headers: { ...t.secret, "content-type": "application/json" },
      payload: "",
    });
    failure(res, 400);
  });

  it("answers a JSON array instead of an object with a 400", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: "/v1/customers",
      headers: { ...t.secret, "content-type": "application/json" },
      payload: "[]",
    });
    failure(res, 400);
  });

  it("wrote nothing for any of the rejected requests", async () => {
    expect(await countRows(t.testDb.db, "customers")).toBe(1);
  });

  it("answers without a key, or with a wrong one, with 401", async () => {
    const anonymous = customerApi(t, {});
    expect(failure(await anonymous.upsert({ externalId: "X6" }), 401).code).toBe("unauthorized");
    expect(failure(await anonymous.get("KNOWN"), 401).code).toBe("unauthorized");
    const wrong = customerApi(t, { authorization: "Bearer kz_sk_not-a-real-key" });
    expect(failure(await wrong.get("KNOWN"), 401).code).toBe("unauthorized");
    const notBearer = customerApi(t, { authorization: t.shop.secretKey });
    expect(failure(await notBearer.get("KNOWN"), 401).code).toBe("unauthorized");
    const identify = await anonymous.identify({ visitorId: "v-1", externalId: "KNOWN" });
    expect(failure(identify, 401).code).toBe("unauthorized");
  });

  it("answers the storefront's public key on the server endpoints with 403", async () => {
    const storefront = customerApi(t, t.public);
    const calls = [
      storefront.upsert({ externalId: "X7" }),
      storefront.batch([{ externalId: "X7" }]),
      storefront.get("KNOWN"),
      storefront.search({ email: "known@example.jp" }),
      storefront.consents("KNOWN", { consents: { email: true } }),
      storefront.points("KNOWN", { kind: "earn", points: 100 }),
    ];
    for (const res of await Promise.all(calls)) expect(failure(res, 403).code).toBe("forbidden");
    expect(await countRows(t.testDb.db, "customers")).toBe(1);
    expect(await countRows(t.testDb.db, "consents")).toBe(0);
    expect(await countRows(t.testDb.db, "point_ledger")).toBe(0);
  });

  it("answers an unknown route in the same shape", async () => {
    const res = await t.app.inject({
      method: "PATCH",
      url: "/v1/customers/KNOWN/nothing-here",
      headers: t.secret,
    });
    expect(failure(res, 404).code).toBe("not_found");
  });

  it("rejects search without a criterion or with a bad one", async () => {
    rejects(await api.search({}), "q");
    rejects(await api.search({ phone: "12" }), "phone");
    rejects(await api.search({ email: "not-an-email" }), "email");
    rejects(await api.search({ q: "山田", limit: "0" }), "querystring.limit");
    rejects(await api.search({ q: "山田", limit: "lots" }), "querystring.limit");
    failure(await api.search({ q: "山田", sort: "name" }), 400);
  });
});

describe("a batch with one bad customer", () => {
  let t: TestApp;
  let api: CustomerApi;
  const tenCustomers = () =>
    Array.from({ length: 10 }, (_, i) => ({
      externalId: `BATCH-${i}`,
      email: `batch${i}@example.jp`,
      phone: `090-1000-${String(1000 + i)}`,
      firstName: `顧客${i}`,
    }));
  beforeAll(async () => {
    t = await createTestApp();
    api = customerApi(t);
    // One of the batch is already known, so a half-applied batch would also show as an update.
    await upserted(api, { externalId: "BATCH-0", firstName: "元の名前" });
  });
  afterAll(async () => t.close());

  it("writes none of the ten when one fails normalisation, naming customers[i].field", async () => {
    const customers = tenCustomers();
    customers[6] = { ...customers[6], phone: "090-12" };
    const before = await countRows(t.testDb.db, "customers");
    rejects(await api.batch(customers), "customers[6].phone");
    expect(await countRows(t.testDb.db, "customers")).toBe(before);
    expect((await profileOf(api, "BATCH-0")).firstName).toBe("元の名前");
  });

  it("writes none of the ten when one fails the schema", async () => {
    const customers: Array<Record<string, unknown>> = tenCustomers();
    customers[9] = { ...customers[9], birthday: 19900401 };
    const before = await countRows(t.testDb.db, "customers");
    rejects(await api.batch(customers), "customers[9].birthday");
    expect(await countRows(t.testDb.db, "customers")).toBe(before);
  });

  it("names the customer with a field the schema does not know", async () => {
    const customers: Array<Record<string, unknown>> = tenCustomers();
    customers[3] = { ...customers[3], nickname: "さん" };
    const error = failure(await api.batch(customers), 400);
    expect(JSON.stringify(error.issues)).toContain("customers[3]");
    expect(JSON.stringify(error.issues)).toContain("nickname");
  });

  it("names the first bad customer when several are bad", async () => {
    const customers = tenCustomers();
    customers[2] = { ...customers[2], email: "two" };
    customers[8] = { ...customers[8], email: "eight" };
    const error = failure(await api.batch(customers), 400);
    expect(error.issues.map((i) => i.field)).toContain("customers[2].email");
  });

  it("rejects an empty batch and one over the limit", async () => {
    rejects(await api.batch([]), "customers");
    const tooMany = Array.from({ length: 1001 }, (_, i) => ({ externalId: `MANY-${i}` }));
    rejects(await api.batch(tooMany), "customers");
    expect(await countRows(t.testDb.db, "customers")).toBe(1);
  });

  it("writes all ten once the bad one is corrected", async () => {
    const res = await api.batch(tenCustomers());
    expect(res.statusCode, res.body).toBe(200);
    expect(await countRows(t.testDb.db, "customers")).toBe(10);
    expect((await profileOf(api, "BATCH-0")).firstName).toBe("顧客0");
  });
});
