// Given a shop with a LINE channel and a customer linked to a LINE user, when LINE posts follow and
// unfollow events, then consent and the suppression list follow the user's choice — once per event,
// whatever LINE redelivers — and a body that is not signed with the channel secret changes nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createShop } from "../../../src/shops/index.js";
import { createTestApp, type TestApp } from "../../support/app.js";
import { countRows } from "../../support/db.js";
import {
  createCustomer,
  deliver,
  followEvent,
  lineConsent,
  lineSignature,
  lineUserId,
  storeLineChannel,
  suppressionsOf,
  textEvent,
  unfollowEvent,
} from "./support.js";

const at = (iso: string) => Date.parse(iso);

async function linkCustomer(t: TestApp, customerId: number, userId: string) {
  await t.testDb.db
    .updateTable("customers")
    .set({ line_user_id: userId })
    .where("id", "=", customerId)
    .execute();
}

async function consentLog(t: TestApp, customerId: number) {
  return t.testDb.db
    .selectFrom("consent_log")
    .select(["granted", "source"])
    .where("customer_id", "=", customerId)
    .where("channel", "=", "line")
    .orderBy("id")
    .execute();
}

describe("LINE webhook", () => {
  let t: TestApp;
  let customerId: number;
  let userId: string;

  beforeAll(async () => {
    t = await createTestApp();
    await storeLineChannel(t, { botBasicId: "@kizuna" });
    customerId = await createCustomer(t, "M-1001");
    userId = lineUserId();
    await linkCustomer(t, customerId, userId);
  });
  afterAll(async () => t.close());

  describe("signature", () => {
    it("refuses a tampered body, a missing or foreign signature, and writes nothing", async () => {
      const events = [unfollowEvent({ userId })];
      const body = JSON.stringify({ destination: "U0", events });
      const tampered = body.replace('"unfollow"', '"follow"');
      const cases = [
        await deliver(t, events, { body: tampered, signature: lineSignature(body) }),
        await deliver(t, events, { signature: null }),
        await deliver(t, events, { signature: lineSignature(body, "another-channel-secret") }),
        await deliver(t, events, { signature: "not base64 at all" }),
      ];
      for (const res of cases) {
        expect(res.statusCode).toBe(401);
        expect(res.json().error.code).toBe("unauthorized");
      }
      expect(await countRows(t.testDb.db, "webhook_receipts")).toBe(0);
      expect(await countRows(t.testDb.db, "suppressions")).toBe(0);
      expect(await lineConsent(t, customerId)).toBeUndefined();
    });

    it("refuses a shop without a LINE channel, even with a signature valid for another shop", async () => {
      const other = await createShop(t.testDb.db, t.clock, { name: "Other Shop" });
      const res = await deliver(t, [unfollowEvent({ userId })], { shopId: other.shop.id });
      expect(res.statusCode).toBe(401);
      expect((await deliver(t, [], { shopId: 999_999 })).statusCode).toBe(401);
    });

    it("answers LINE's verify request (no events) with 200", async () => {
      const res = await deliver(t, []);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toEqual({ ok: true });
    });

    it("refuses a signed body that is not LINE's JSON", async () => {
      const body = "not json";
      const res = await deliver(t, [], { body, signature: lineSignature(body) });
      expect(res.statusCode).toBe(400);
    });
  });

  describe("block and unblock", () => {
    it("on unfollow, withdraws the linked customer's LINE consent and suppresses the user id", async () => {
      const res = await deliver(t, [unfollowEvent({ userId, timestamp: at("2026-06-02T10:00:00Z") })]);
      expect(res.statusCode, res.body).toBe(200);
      expect(await lineConsent(t, customerId)).toEqual({ granted: 0, source: "line:unfollow" });
      expect(await suppressionsOf(t, userId)).toEqual([{ channel: "line", reason: "blocked" }]);
    });

    it("applies a redelivered event once", async () => {
      const event = followEvent({ userId, timestamp: at("2026-06-03T10:00:00Z") });
      expect((await deliver(t, [event])).statusCode).toBe(200);
      const logged = await consentLog(t, customerId);
      const redelivered = { ...event, deliveryContext: { isRedelivery: true } };
      expect((await deliver(t, [redelivered])).statusCode).toBe(200);
      expect((await deliver(t, [event])).statusCode).toBe(200);
      expect(await consentLog(t, customerId)).toEqual(logged);
      expect(await countRows(t.testDb.db, "webhook_receipts")).toBe(2);
    });

    it("on follow, lifts the block and turns the linked customer's consent back on", async () => {
      expect(await lineConsent(t, customerId)).toEqual({ granted: 1, source: "line:follow" });
      expect(await suppressionsOf(t, userId)).toEqual([]);
      expect((await consentLog(t, customerId)).map((c) => c.source)).toEqual([
        "line:unfollow",
        "line:follow",
      ]);
    });

    it("ignores an unfollow older than the follow already applied (LINE does not promise order)", async () => {
      const late = unfollowEvent({ userId, timestamp: at("2026-06-02T12:00:00Z") });
      expect((await deliver(t, [late])).statusCode).toBe(200);
      expect(await lineConsent(t, customerId)).toEqual({ granted: 1, source: "line:follow" });
      expect(await suppressionsOf(t, userId)).toEqual([]);
    });

    it("credits a block to the last LINE message the user got that week, as an unsubscribe", async () => {
      const member = await createCustomer(t, "M-1002");
      const user = lineUserId();
      await linkCustomer(t, member, user);
      const sentMessage = async (key: string, sentAt: string) => {
        const row = await t.testDb.db
          .insertInto("messages")
          .values({
            shop_id: t.shop.shop.id,
            customer_id: member,
            channel: "line",
            template_key: "spring-sale",
            message_class: "promotional",
            status: "sent",
            idempotency_key: key,
            payload: "{}",
            queued_at: sentAt,
            sent_at: sentAt,
            updated_at: sentAt,
            address: user,
          })
          .returning("id")
          .executeTakeFirstOrThrow();
        return row.id;
      };
      await sentMessage("campaign-1", "2026-05-20T09:00:00.000Z");
      const recent = await sentMessage("campaign-2", "2026-06-04T09:00:00.000Z");
      await deliver(t, [unfollowEvent({ userId: user, timestamp: at("2026-06-05T09:00:00Z") })]);
      const events = await t.testDb.db
        .selectFrom("message_events")
        .select(["message_id", "type", "reason"])
        .where("type", "=", "unsubscribe")
        .execute();
      expect(events).toEqual([{ message_id: recent, type: "unsubscribe", reason: "line:unfollow" }]);
    });

    it("suppresses a user who is linked to no customer, and keeps other suppressions on follow", async () => {
      const stranger = lineUserId();
      await deliver(t, [unfollowEvent({ userId: stranger, timestamp: at("2026-06-04T00:00:00Z") })]);
      expect(await suppressionsOf(t, stranger)).toEqual([{ channel: "line", reason: "blocked" }]);

      const invalid = lineUserId();
      await t.testDb.db
        .insertInto("suppressions")
        .values({
          shop_id: t.shop.shop.id,
          channel: "line",
          address: invalid,
          reason: "invalid",
          created_at: "2026-06-01T00:00:00.000Z",
        })
        .execute();
      await deliver(t, [followEvent({ userId: invalid, timestamp: at("2026-06-04T00:00:00Z") })]);
      expect(await suppressionsOf(t, invalid)).toEqual([{ channel: "line", reason: "invalid" }]);
    });

    it("ignores events from groups, unknown event types, and ordinary chat messages", async () => {
      const before = await countRows(t.testDb.db, "suppressions");
      const group = { ...unfollowEvent({ userId }), source: { type: "group", groupId: "C1", userId } };
      const res = await deliver(t, [
        group,
        { ...followEvent({ userId }), type: "beacon" },
        textEvent({ userId, text: "こんにちは" }),
        { type: "follow" },
      ]);
      expect(res.statusCode).toBe(200);
      expect(await countRows(t.testDb.db, "suppressions")).toBe(before);
      expect(await lineConsent(t, customerId)).toEqual({ granted: 1, source: "line:follow" });
    });
  });
});
