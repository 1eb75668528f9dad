// Given a shop's customers, orders, storefront events, messages and points sent through the API, when a
// planner previews segment rules, each rule counts exactly the customers it describes (merged profiles
// never); a saved segment keeps its membership as stays with entry and exit times as time passes and
// data changes; a rule with a mistake is refused naming the node.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { refreshCustomerMetrics } from "../../src/analytics/metrics.js";
import { mergeCustomers } from "../../src/customers/index.js";
import { inTransaction } from "../../src/db/index.js";
import { createTestApp, type TestApp } from "../support/app.js";

const T0 = "2026-06-01T00:00:00.000Z";
const DAY = 86_400_000;
const daysBefore = (n: number, from = T0) => new Date(Date.parse(from) - n * DAY).toISOString();

let t: TestApp;
/** Customer id by external id. */
const ids: Record<string, number> = {};

async function post(url: string, payload: unknown, method: "POST" | "PUT" = "POST") {
  const res = await t.app.inject({ method, url, headers: t.secret, payload: payload as object });
  if (res.statusCode >= 300) throw new Error(`${url}: ${res.statusCode} ${res.body}`);
  return res.json();
}

/** External ids of the customers a rule matches now, sorted. */
async function matching(rule: unknown): Promise<string[]> {
  const res = await t.app.inject({
    method: "POST",
    url: "/v1/segments/preview",
    headers: t.secret,
    payload: { rule, sample: 100 },
  });
  expect(res.statusCode, res.body).toBe(200);
  const body = res.json() as { count: number; sample: Array<{ externalId: string }> };
  expect(body.sample).toHaveLength(body.count);
  return body.sample.map((s) => s.externalId).sort();
}

beforeAll(async () => {
  t = await createTestApp(T0);
  await post("/v1/products/batch", {
    products: [
      { sku: "SKU-A", name: "Lotion", price: 3000, categoryPath: "beauty/skin" },
      { sku: "SKU-B", name: "Coffee", price: 2000, categoryPath: "food/coffee" },
    ],
  });
  await post("/v1/customers/batch", {
    customers: [
      {
        externalId: "K1",
        email: "k1@example.jp",
        gender: "female",
        prefecture: "東京都",
        birthday: "1990-06-15",
        attributes: { plan: "gold", score: 42, vip: true, tags: ["wine"] },
        consents: { email: true },
      },
      {
        externalId: "K2",
        email: "k2@example.jp",
        gender: "male",
        prefecture: "大阪府",
        consents: { email: false },
      },
      { externalId: "K3", phone: "090-1234-5678", attributes: { score: "42" }, consents: { sms: true } },
      { externalId: "K4", email: "k4@example.jp", consents: { email: true } },
      { externalId: "K5", email: "k5@example.jp", consents: { email: true } },
    ],
  });
  const rows = await t.testDb.db
    .selectFrom("customers")
    .selectAll()
    .where("shop_id", "=", t.shop.shop.id)
    .execute();
  for (const r of rows) ids[r.external_id!] = r.id;
  const order = (
    externalId: string,
    customerId: string,
    days: number,
    sku: string,
    price: number,
    extra = {},
  ) => ({
    externalId,
    customerId,
    orderedAt: daysBefore(days),
    items: [{ sku, quantity: 1, unitPrice: price }],
    ...extra,
  });
  await post("/v1/orders/batch", {
    orders: [
      order("O-1", "K1", 200, "SKU-A", 5000, { channel: "store", couponCode: "WELCOME" }),
      order("O-2", "K1", 60, "SKU-A", 3000),
      order("O-3", "K1", 10, "SKU-B", 2000),
      order("O-4", "K2", 400, "SKU-B", 8000),
      order("O-5", "K4", 1, "SKU-A", 1000),
      order("O-6", "K4", 5, "SKU-B", 9000, { status: "cancelled" }),
      order("O-7", "K5", 3, "SKU-B", 2000),
    ],
  });
  await post("/v1/events", {
    events: [
      ...[1, 2, 3].map((d) => ({
        type: "product_view",
        customerId: "K1",
        sku: "SKU-A",
        occurredAt: daysBefore(d),
      })),
      { type: "product_view", customerId: "K2", sku: "SKU-B", occurredAt: daysBefore(2) },
      { type: "cart_add", customerId: "K2", sku: "SKU-B", occurredAt: daysBefore(2) },
      // K4 added to the cart 3 days ago and ordered 1 day ago: not abandoned.
      { type: "cart_add", customerId: "K4", sku: "SKU-A", occurredAt: daysBefore(3) },
    ],
  });
  await post("/v1/customers/K1/points", {
    kind: "earn",
    points: 500,
    expiresAt: new Date(Date.parse(T0) + 20 * DAY).toISOString(),
    externalId: "P-1",
  });
  const db = t.testDb.db;
  const shopId = t.shop.shop.id;
  // A message K1 opened 10 days ago (the delivery pipeline's own tests cover how it gets there).
  await db
    .insertInto("messages")
    .values({
      shop_id: shopId,
      customer_id: ids.K1,
      channel: "email",
      template_key: "news",
      message_class: "promotional",
      status: "sent",
      idempotency_key: "m-1",
      payload: "{}",
      queued_at: daysBefore(11),
      sent_at: daysBefore(11),
      opened_at: daysBefore(10),
      updated_at: daysBefore(10),
    })
    .execute();
  // K4's address bounced: suppressed, so not reachable by email despite consent.
  await db
    .insertInto("suppressions")
    .values({ shop_id: shopId, channel: "email", address: "k4@example.jp", reason: "bounce", created_at: T0 })
    .execute();
  // K5 turns out to be K1: merged, K5's order moves to K1 and K5 never matches anything.
  const customers = await db
    .selectFrom("customers")
    .selectAll()
    .where("id", "in", [ids.K1, ids.K5])
    .execute();
  await inTransaction(db, (trx) =>
    mergeCustomers(
      trx,
      t.clock,
      customers.find((c) => c.id === ids.K1)!,
      customers.find((c) => c.id === ids.K5)!,
    ),
  );
  await refreshCustomerMetrics(db, shopId, { now: new Date(T0) });
});
afterAll(() => t.close());

describe("segment rules", () => {
  it("order aggregates over the whole history and over a window", async () => {
    // K1: O-1, O-2, O-3 and K5's O-7 = 4 orders; K2: 1; K4: 1 (O-6 cancelled).
    expect(await matching({ type: "orders", min: 2 })).toEqual(["K1"]);
    expect(await matching({ type: "orders", max: 0 })).toEqual(["K3"]);
    expect(await matching({ type: "orders", withinDays: 90, min: 1 })).toEqual(["K1", "K4"]);
    expect(await matching({ type: "orders", withinDays: 90, max: 0 })).toEqual(["K2", "K3"]);
    expect(await matching({ type: "orders", channels: ["store"], min: 1 })).toEqual(["K1"]);
    expect(await matching({ type: "orders", withCoupon: true, min: 1 })).toEqual(["K1"]);
    // Revenue: K1 5,000 + 3,000 + 2,000 + 2,000 = 12,000; K2 8,000; K4 1,000.
    expect(await matching({ type: "orders", measure: "revenue", min: 8000 })).toEqual(["K1", "K2"]);
    expect(
      await matching({ type: "orders", measure: "revenue", withinDays: 90, min: 1000, max: 5000 }),
    ).toEqual(["K4"]);
    expect(await matching({ type: "order_date", which: "last", olderThanDays: 365 })).toEqual(["K2"]);
    expect(await matching({ type: "order_date", which: "first", withinDays: 30 })).toEqual(["K4"]);
  });

  it("products bought, by SKU, category and times", async () => {
    expect(await matching({ type: "bought", skus: ["SKU-A"] })).toEqual(["K1", "K4"]);
    expect(await matching({ type: "bought", skus: ["SKU-A"], minTimes: 2 })).toEqual(["K1"]);
    expect(await matching({ type: "bought", category: "food/" })).toEqual(["K1", "K2"]);
    expect(await matching({ type: "bought", category: "food/", withinDays: 30 })).toEqual(["K1"]);
  });

  it("storefront behaviour, abandoned carts and message engagement", async () => {
    expect(await matching({ type: "event", eventType: "product_view", withinDays: 7, minCount: 3 })).toEqual([
      "K1",
    ]);
    expect(
      await matching({ type: "event", eventType: "product_view", withinDays: 7, category: "food" }),
    ).toEqual(["K2"]);
    expect(await matching({ type: "abandoned_cart", withinDays: 7 })).toEqual(["K2"]);
    expect(await matching({ type: "engagement", action: "opened", withinDays: 30 })).toEqual(["K1"]);
    expect(await matching({ type: "engagement", action: "opened", withinDays: 5 })).toEqual([]);
    expect(
      await matching({ type: "not", condition: { type: "engagement", action: "opened", withinDays: 90 } }),
    ).toEqual(["K2", "K3", "K4"]);
  });

  it("profile, custom attributes, tags, consent and reachability", async () => {
    expect(await matching({ type: "profile", field: "gender", op: "eq", value: "female" })).toEqual(["K1"]);
    expect(
      await matching({ type: "profile", field: "prefecture", op: "in", value: ["東京都", "大阪府"] }),
    ).toEqual(["K1", "K2"]);
    expect(await matching({ type: "profile", field: "email", op: "missing" })).toEqual(["K3"]);
    expect(await matching({ type: "profile", field: "gender", op: "neq", value: "male" })).toEqual([
      "K1",
      "K3",
      "K4",
    ]);
    expect(await matching({ type: "birthday_month", months: [6] })).toEqual(["K1"]);
    // K3's score is the text "42": not a number, so not above 40.
    expect(await matching({ type: "attribute", name: "score", op: "gt", value: 40 })).toEqual(["K1"]);
    expect(await matching({ type: "attribute", name: "score", op: "eq", value: "42" })).toEqual(["K3"]);
    expect(await matching({ type: "attribute", name: "plan", op: "eq", value: "gold" })).toEqual(["K1"]);
    expect(await matching({ type: "attribute", name: "vip", op: "eq", value: true })).toEqual(["K1"]);
    expect(await matching({ type: "attribute", name: "plan", op: "missing" })).toEqual(["K2", "K3", "K4"]);
    expect(await matching({ type: "tag", tag: "wine" })).toEqual(["K1"]);
    expect(await matching({ type: "consent", channel: "email" })).toEqual(["K1", "K4"]);
    expect(await matching({ type: "consent", channel: "email", granted: false })).toEqual(["K2", "K3"]);
    // K2 said no, K4 bounced: only K1 can be mailed.
    expect(await matching({ type: "reachable", channel: "email" })).toEqual(["K1"]);
    expect(await matching({ type: "reachable", channel: "sms" })).toEqual(["K3"]);
  });

  it("points, RFM and combinations", async () => {
    expect(await matching({ type: "points", min: 100 })).toEqual(["K1"]);
    expect(await matching({ type: "points", max: 0 })).toEqual(["K2", "K3", "K4"]);
    expect(await matching({ type: "points_expiring", withinDays: 30, min: 500 })).toEqual(["K1"]);
    expect(await matching({ type: "points_expiring", withinDays: 10 })).toEqual([]);
    // Scored: the three buyers. Orders 1, 1, 4: the boundaries (1st, 2nd, 2nd, 3rd value) are 1, 1, 1, 4,
    // so K1 (4 orders) is above three of them: frequency 4; the one-order buyers score 1.
    expect(await matching({ type: "rfm" })).toEqual(["K1", "K2", "K4"]);
    expect(await matching({ type: "rfm", frequency: [4] })).toEqual(["K1"]);
    expect(await matching({ type: "rfm", frequency: [1] })).toEqual(["K2", "K4"]);
    // K3 has bought nothing (no metrics row): a NOT over a metrics leaf includes them.
    expect(await matching({ type: "not", condition: { type: "rfm", frequency: [4] } })).toEqual([
      "K2",
      "K3",
      "K4",
    ]);
    expect(
      await matching({
        type: "not",
        condition: {
          type: "any",
          conditions: [
            { type: "orders", min: 2 },
            { type: "prediction", field: "p_alive", min: 0 },
          ],
        },
      }),
    ).toEqual(["K2", "K3", "K4"]);
    expect(
      await matching({
        type: "all",
        conditions: [
          { type: "reachable", channel: "email" },
          { type: "not", condition: { type: "orders", withinDays: 30, min: 1 } },
        ],
      }),
    ).toEqual([]);
    expect(
      await matching({
        type: "any",
        conditions: [
          { type: "tag", tag: "wine" },
          { type: "profile", field: "gender", op: "eq", value: "male" },
        ],
      }),
    ).toEqual(["K1", "K2"]);
  });

  it("refuses a rule with a mistake, naming the node", async () => {
    const res = await t.app.inject({
      method: "PUT",
      url: "/v1/segments/broken",
      headers: t.secret,
      payload: {
        name: "Broken",
        rule: {
          type: "all",
          conditions: [
            { type: "orders", min: 1 },
            { type: "event", eventType: "product_view" },
            { type: "orders", min: 5, max: 2 },
          ],
        },
      },
    });
    expect(res.statusCode).toBe(400);
    const fields = (res.json() as { error: { issues: Array<{ field: string }> } }).error.issues.map(
      (i) => i.field,
    );
    expect(fields).toEqual(["rule.conditions[1].withinDays", "rule.conditions[2].max"]);
    const unknown = await t.app.inject({
      method: "POST",
      url: "/v1/segments/preview",
      headers: t.secret,
      payload: { rule: { type: "any", conditions: [{ type: "segment", key: "nope" }] } },
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.body).toContain('no active segment \\"nope\\"');
    const none = await t.app.inject({ method: "GET", url: "/v1/segments/broken", headers: t.secret });
    expect(none.statusCode).toBe(404);
  });
});

describe("segment membership", () => {
  it("keeps stays with entry and exit times as time passes and data changes", async () => {
    const saved = await post(
      "/v1/segments/recent-buyers",
      { name: "Bought in the last 90 days", rule: { type: "orders", withinDays: 90, min: 1 } },
      "PUT",
    );
    expect(saved).toMatchObject({ key: "recent-buyers", version: 1, members: 2, refreshedAt: T0 });
    // 88 days on, K1's last order (K5's O-7, 3 days before T0) is 91 days old: K1 exits; K4's is 89.
    t.clock.set(new Date(Date.parse(T0) + 88 * DAY).toISOString());
    const later = t.clock.now().toISOString();
    expect(await post("/v1/segments/recent-buyers/refresh", {})).toEqual({
      entered: 0,
      exited: 1,
      members: 1,
    });
    await post("/v1/orders", {
      externalId: "O-8",
      customerId: "K2",
      orderedAt: later,
      items: [{ sku: "SKU-B", quantity: 1, unitPrice: 2000 }],
    });
    expect(await post("/v1/segments/recent-buyers/refresh", {})).toEqual({
      entered: 1,
      exited: 0,
      members: 2,
    });
    const members = await t.app.inject({
      method: "GET",
      url: "/v1/segments/recent-buyers/members",
      headers: t.secret,
    });
    expect(
      (members.json() as { members: Array<{ externalId: string; enteredAt: string }> }).members.map((m) => [
        m.externalId,
        m.enteredAt,
      ]),
    ).toEqual([
      ["K2", later],
      ["K4", T0],
    ]);
    const stays = await t.testDb.db
      .selectFrom("segment_memberships")
      .select(["customer_id", "entered_at", "exited_at"])
      .where("customer_id", "=", ids.K1)
      .execute();
    expect(stays).toEqual([{ customer_id: ids.K1, entered_at: T0, exited_at: later }]);
    const k2 = await t.app.inject({ method: "GET", url: "/v1/customers/K2/segments", headers: t.secret });
    expect(k2.json()).toEqual({
      segments: [{ key: "recent-buyers", name: "Bought in the last 90 days", enteredAt: later }],
    });
  });

  it("a new version of the rule re-evaluates the members; archiving lets everyone exit", async () => {
    const saved = await post(
      "/v1/segments/recent-buyers",
      {
        name: "Bought in the last 90 days, online",
        rule: { type: "orders", withinDays: 90, min: 1, channels: ["online"] },
      },
      "PUT",
    );
    expect(saved).toMatchObject({ version: 2, members: 2 });
    const nested = await matching({ type: "segment", key: "recent-buyers" });
    expect(nested).toEqual(["K2", "K4"]);
    const self = await t.app.inject({
      method: "PUT",
      url: "/v1/segments/recent-buyers",
      headers: t.secret,
      payload: { name: "Loop", rule: { type: "segment", key: "recent-buyers" } },
    });
    expect(self.statusCode).toBe(400);
    const archived = await t.app.inject({
      method: "DELETE",
      url: "/v1/segments/recent-buyers",
      headers: t.secret,
    });
    expect(archived.statusCode).toBe(204);
    const list = await t.app.inject({ method: "GET", url: "/v1/segments", headers: t.secret });
    expect((list.json() as { segments: unknown[] }).segments).toEqual([
      expect.objectContaining({ key: "recent-buyers", status: "archived", members: 0 }),
    ]);
    const open = await t.testDb.db
      .selectFrom("segment_memberships")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("exited_at", "is", null)
      .executeTakeFirstOrThrow();
    expect(Number(open.n)).toBe(0);
  });
});
