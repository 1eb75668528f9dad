// A customer's timeline for the admin's profile page: given a member with orders, storefront events and
// messages (one opened and clicked), and another customer with their own history, the member's timeline
// lists only theirs, newest first, with ties at one instant in a fixed order, pages through `before`
// without losing or repeating an entry, narrows to one kind, and the member's coupons are listed too.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../support/app.js";
import { customerApi, failure, insertEvent, insertOrder, ok, shopIdOf, upserted } from "./steps.js";

interface Entry {
  kind: "order" | "event" | "message";
  id: number;
  at: string;
  externalId?: string;
  total?: number;
  type?: string;
  template?: string;
  openedAt?: string | null;
  clickedAt?: string | null;
}
interface Timeline {
  entries: Entry[];
  nextBefore: string | null;
}

const label = (e: Entry) => `${e.at} ${e.kind} ${e.externalId ?? e.type ?? e.template}`;

describe("a customer's timeline", () => {
  let t: TestApp;
  let memberId: number;

  const timeline = async (query = "") =>
    ok<Timeline>(await t.app.inject({ url: `/v1/customers/T1/timeline${query}`, headers: t.secret }));

  const insertMessage = async (
    customerId: number,
    key: string,
    times: { queued: string; sent?: string; opened?: string; clicked?: string },
  ) => {
    await t.testDb.db
      .insertInto("messages")
      .values({
        shop_id: shopIdOf(t),
        customer_id: customerId,
        channel: "email",
        template_key: key,
        message_class: "promotional",
        status: times.sent ? "sent" : "queued",
        idempotency_key: `${key}-${customerId}`,
        payload: "{}",
        queued_at: times.queued,
        sent_at: times.sent ?? null,
        opened_at: times.opened ?? null,
        clicked_at: times.clicked ?? null,
        updated_at: times.queued,
      })
      .execute();
  };

  beforeAll(async () => {
    t = await createTestApp("2026-06-01T00:00:00.000Z");
    const api = customerApi(t);
    memberId = (await upserted(api, { externalId: "T1", email: "t1@example.jp", lastName: "田中" })).customer
      .id;
    const otherId = (await upserted(api, { externalId: "T2", email: "t2@example.jp" })).customer.id;

    await insertOrder(t, {
      customerId: memberId,
      externalId: "O-1",
      orderedAt: "2026-05-01T03:00:00.000Z",
      total: 3300,
    });
    await insertOrder(t, {
      customerId: memberId,
      externalId: "O-2",
      orderedAt: "2026-05-20T03:00:00.000Z",
      total: 12800,
    });
    await insertEvent(t, {
      customerId: memberId,
      type: "product_view",
      sku: "TEA-1",
      occurredAt: "2026-05-19T10:00:00.000Z",
    });
    // At the same instant as order O-2: the order comes first.
    await insertEvent(t, {
      customerId: memberId,
      type: "cart_add",
      sku: "TEA-1",
      occurredAt: "2026-05-20T03:00:00.000Z",
    });
    // Queued before it was sent: it stands at its sending time.
    await insertMessage(memberId, "spring-sale", {
      queued: "2026-05-09T00:00:00.000Z",
      sent: "2026-05-10T00:00:00.000Z",
      opened: "2026-05-10T01:00:00.000Z",
      clicked: "2026-05-10T01:05:00.000Z",
    });
    // Not sent yet: it stands at its queuing time.
    await insertMessage(memberId, "thanks", { queued: "2026-05-25T00:00:00.000Z" });

    await insertOrder(t, {
      customerId: otherId,
      externalId: "O-OTHER",
      orderedAt: "2026-05-21T00:00:00.000Z",
    });
    await insertEvent(t, {
      customerId: otherId,
      type: "product_view",
      occurredAt: "2026-05-22T00:00:00.000Z",
    });
    await insertMessage(otherId, "spring-sale", { queued: "2026-05-10T00:00:00.000Z" });

    await t.testDb.db
      .insertInto("coupons")
      .values([
        {
          shop_id: shopIdOf(t),
          code: "WELCOME500",
          customer_id: memberId,
          kind: "amount",
          value: 500,
          currency: "JPY",
          min_order: 3000,
          expires_at: "2026-06-30T15:00:00.000Z",
          redeemed_at: null,
          redeemed_order_external_id: null,
          created_at: "2026-05-02T00:00:00.000Z",
        },
        {
          shop_id: shopIdOf(t),
          code: "OTHER10",
          customer_id: otherId,
          kind: "percent",
          value: 10,
          currency: "JPY",
          min_order: 0,
          expires_at: null,
          redeemed_at: null,
          redeemed_order_external_id: null,
          created_at: "2026-05-02T00:00:00.000Z",
        },
      ])
      .execute();
  });
  afterAll(() => t?.close());

  it("merges the member's orders, events and messages, newest first, and nothing of anyone else", async () => {
    const { entries, nextBefore } = await timeline();
    expect(entries.map(label)).toEqual([
      "2026-05-25T00:00:00.000Z message thanks",
      "2026-05-20T03:00:00.000Z order O-2",
      "2026-05-20T03:00:00.000Z event cart_add",
      "2026-05-19T10:00:00.000Z event product_view",
      "2026-05-10T00:00:00.000Z message spring-sale",
      "2026-05-01T03:00:00.000Z order O-1",
    ]);
    expect(nextBefore).toBeNull();
    expect(entries[1].total).toBe(12800);
    const sale = entries[4];
    expect([sale.openedAt, sale.clickedAt]).toEqual(["2026-05-10T01:00:00.000Z", "2026-05-10T01:05:00.000Z"]);
    expect(entries[0].openedAt).toBeNull();
  });

  it("pages through before without losing or repeating an entry, even between ties", async () => {
    const whole = (await timeline()).entries.map(label);
    const seen: string[] = [];
    let before: string | null = null;
    for (let page = 0; page < 6; page++) {
      const query: string = before ? `?limit=2&before=${encodeURIComponent(before)}` : "?limit=2";
      const reply = await timeline(query);
      seen.push(...reply.entries.map(label));
      before = reply.nextBefore;
      if (!before) break;
    }
    expect(seen).toEqual(whole);
    // The first page of two ends on the order of a tie; the next starts with the event of the same instant.
    expect((await timeline("?limit=2")).nextBefore).toMatch(/^2026-05-20T03:00:00.000Z\/order\/\d+$/);
  });

  it("takes a bare timestamp as before, and narrows to chosen kinds", async () => {
    const before = await timeline(`?before=${encodeURIComponent("2026-05-20T03:00:00.000Z")}`);
    expect(before.entries.map((e) => e.kind)).toEqual(["event", "message", "order"]);
    const orders = await timeline("?kind=order&limit=1");
    expect(orders.entries.map(label)).toEqual(["2026-05-20T03:00:00.000Z order O-2"]);
    expect(orders.nextBefore).not.toBeNull();
    const some = await timeline("?kind=order&kind=message");
    expect(some.entries.map((e) => e.kind)).toEqual(["message", "order", "message", "order"]);
  });

  it("refuses a malformed cursor and an unknown customer", async () => {
    const bad = await t.app.inject({ url: "/v1/customers/T1/timeline?before=yesterday", headers: t.secret });
    expect(failure(bad, 400).issues.map((i) => i.field)).toContain("querystring.before");
    const missing = await t.app.inject({ url: "/v1/customers/NOPE/timeline", headers: t.secret });
    expect(failure(missing, 404).code).toBe("not_found");
  });

  it("lists the member's coupons only", async () => {
    const reply = ok<{ coupons: Array<{ code: string; minOrder: number; expiresAt: string | null }> }>(
      await t.app.inject({ url: "/v1/customers/T1/coupons", headers: t.secret }),
    );
    expect(reply.coupons).toEqual([
      expect.objectContaining({ code: "WELCOME500", minOrder: 3000, expiresAt: "2026-06-30T15:00:00.000Z" }),
    ]);
  });
});
