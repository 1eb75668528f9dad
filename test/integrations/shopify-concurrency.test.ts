// Shopify delivers in parallel and retries: the same delivery arriving twice at once is applied once,
// and a customer and their first order arriving together make one profile.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support/app.js";
import { countRows } from "../support/db.js";
import { connectStore, deliver, fixture } from "./shopify-support.js";

describe("Shopify webhooks arriving at once", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    await connectStore(t);
  });
  afterAll(async () => t.close());

  it("applies one delivery sent twice in parallel once", async () => {
    const webhookId = randomUUID();
    const order = fixture("orders-create");
    const results = await Promise.all([
      deliver(t, "orders/create", order, { webhookId }),
      deliver(t, "orders/create", order, { webhookId }),
    ]);
    expect(results.map((r) => r.statusCode)).toEqual([200, 200]);
    expect(results.map((r) => r.json().outcome).sort()).toEqual(["duplicate", "processed"]);
    expect(await countRows(t.testDb.db, "orders")).toBe(1);
    expect(await countRows(t.testDb.db, "order_items")).toBe(2);
    expect(await countRows(t.testDb.db, "webhook_receipts")).toBe(1);
  });

  it("makes one profile of a customer and their order arriving together", async () => {
    const customer = {
      ...fixture("customers-create"),
      id: 7055555555555,
      admin_graphql_api_id: "gid://shopify/Customer/7055555555555",
      email: "taro.sato@example.jp",
      phone: "+819087654321",
    };
    const order = {
      ...fixture("orders-create"),
      id: 5900000000777,
      admin_graphql_api_id: "gid://shopify/Order/5900000000777",
      name: "#1777",
      email: "taro.sato@example.jp",
      customer,
    };
    const results = await Promise.all([
      deliver(t, "customers/create", customer),
      deliver(t, "orders/create", order),
      deliver(t, "checkouts/create", { ...fixture("checkouts-create"), email: customer.email, customer }),
    ]);
    expect(results.map((r) => r.json().outcome)).toEqual(["processed", "processed", "processed"]);
    const profiles = await t.testDb.db
      .selectFrom("customers")
      .select(["id", "external_id"])
      .where("external_id", "=", "7055555555555")
      .execute();
    expect(profiles).toHaveLength(1);
    const placed = await t.testDb.db
      .selectFrom("orders")
      .select("customer_id")
      .where("external_id", "=", "#1777")
      .executeTakeFirstOrThrow();
    expect(placed.customer_id).toBe(profiles[0].id);
  });
});
