// Given a member at the store counter, when the membership card page asks for a link code and the
// member sends "LINK <code>" to the shop's LINE account, then their LINE user id is on their profile
// with LINE consent on, the code works once and not after 15 minutes, and one LINE user stays one
// customer of the shop. The member gets a short reply either way.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { replyText } from "../../../src/messaging/channels/line/replies.js";
import { createTestApp, type TestApp } from "../../support/app.js";
import { FakeLineApi } from "./fake-line-api.js";
import {
  createCustomer,
  customerRow,
  deliver,
  lineConsent,
  lineUserId,
  storeLineChannel,
  suppressionsOf,
  textEvent,
  unfollowEvent,
} from "./support.js";

const CODE = /^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{8}$/;

describe("linking a LINE account at the store counter", () => {
  let t: TestApp;
  let api: FakeLineApi;

  async function requestCode(customerId: number) {
    const res = await t.app.inject({
      method: "POST",
      url: `/v1/customers/${customerId}/line-link`,
      headers: t.secret,
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { code: string; expiresAt: string; url: string; qrSvg: string };
  }

  async function send(userId: string, text: string) {
    const replyToken = `rt-${Math.random().toString(36).slice(2)}`;
    const res = await deliver(t, [textEvent({ userId, text, replyToken })]);
    expect(res.statusCode, res.body).toBe(200);
    const reply = api.sent("reply").find((r) => (r.body as { replyToken: string }).replyToken === replyToken);
    return (reply?.body as { messages: Array<{ text: string }> } | undefined)?.messages[0].text;
  }

  beforeAll(async () => {
    t = await createTestApp();
    api = await FakeLineApi.start();
    await storeLineChannel(t, { botBasicId: "@kizuna", apiBaseUrl: api.url });
  });
  afterAll(async () => {
    await t.close();
    await api.close();
  });

  it("makes a code, the URL that opens the shop's chat with it, and a QR code of that URL", async () => {
    const customerId = await createCustomer(t, "M-2001");
    const link = await requestCode(customerId);
    expect(link.code).toMatch(CODE);
    expect(link.expiresAt).toBe("2026-06-01T00:15:00.000Z");
    expect(link.url).toBe(`https://line.me/R/oaMessage/@kizuna/?LINK%20${link.code}`);
    expect(link.qrSvg).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    const stored = await t.testDb.db
      .selectFrom("line_link_codes")
      .selectAll()
      .where("code", "=", link.code)
      .executeTakeFirstOrThrow();
    expect(stored).toMatchObject({ customer_id: customerId, used_at: null, line_user_id: null });
  });

  it("links the sender to the customer, turns LINE consent on and replies", async () => {
    const customerId = await createCustomer(t, "M-2002");
    const userId = lineUserId();
    // The member had blocked the account once; sending the code shows they follow it again.
    await deliver(t, [unfollowEvent({ userId })]);
    const { code } = await requestCode(customerId);

    const reply = await send(userId, decodeURIComponent(`LINK%20${code}`));
    expect(reply).toBe(replyText("linked", "ja"));
    expect((await customerRow(t, customerId)).line_user_id).toBe(userId);
    expect(await lineConsent(t, customerId)).toEqual({ granted: 1, source: "line:link" });
    expect(await suppressionsOf(t, userId)).toEqual([]);
    const stored = await t.testDb.db
      .selectFrom("line_link_codes")
      .selectAll()
      .where("code", "=", code)
      .executeTakeFirstOrThrow();
    expect(stored).toMatchObject({ used_at: "2026-06-01T00:00:00.000Z", line_user_id: userId });
  });

  it("reads the code as phones type it: lower case, full-width, extra spaces", async () => {
    const customerId = await createCustomer(t, "M-2003");
    const userId = lineUserId();
    const { code } = await requestCode(customerId);
    const fullWidth = [...code.toLowerCase()]
      .map((c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0))
      .join("");
    await send(userId, `ｌｉｎｋ　 ${fullWidth} `);
    expect((await customerRow(t, customerId)).line_user_id).toBe(userId);
  });

  it("links once: a second sender of the same code is refused", async () => {
    const customerId = await createCustomer(t, "M-2004");
    const owner = lineUserId();
    const { code } = await requestCode(customerId);
    await send(owner, `LINK ${code}`);

    const someoneElse = lineUserId();
    expect(await send(someoneElse, `LINK ${code}`)).toBe(replyText("used", "ja"));
    expect((await customerRow(t, customerId)).line_user_id).toBe(owner);
    const logged = await t.testDb.db
      .selectFrom("consent_log")
      .select("source")
      .where("customer_id", "=", customerId)
      .execute();
    expect(logged.map((l) => l.source)).toEqual(["line:link"]);
    // The owner sending it again is told they are linked already.
    expect(await send(owner, `LINK ${code}`)).toBe(replyText("already-linked", "ja"));
  });

  it("does nothing with an expired code", async () => {
    const customerId = await createCustomer(t, "M-2005");
    const { code } = await requestCode(customerId);
    t.clock.advance(15 * 60 * 1000 + 1);
    const userId = lineUserId();
    expect(await send(userId, `LINK ${code}`)).toBe(replyText("expired", "ja"));
    expect((await customerRow(t, customerId)).line_user_id).toBeNull();
    expect(await lineConsent(t, customerId)).toBeUndefined();
    expect(await send(userId, "LINK 23456789")).toBe(replyText("unknown", "ja"));
  });

  it("moves the LINE user from the customer it was linked to: one LINE user, one customer", async () => {
    const first = await createCustomer(t, "M-2006");
    const second = await createCustomer(t, "M-2007");
    const userId = lineUserId();
    await send(userId, `LINK ${(await requestCode(first)).code}`);
    await send(userId, `LINK ${(await requestCode(second)).code}`);
    expect((await customerRow(t, first)).line_user_id).toBeNull();
    expect((await customerRow(t, second)).line_user_id).toBe(userId);
    const linked = await t.testDb.db
      .selectFrom("customers")
      .select("id")
      .where("shop_id", "=", t.shop.shop.id)
      .where("line_user_id", "=", userId)
      .execute();
    expect(linked).toEqual([{ id: second }]);
  });

  it("does not reply to a redelivered event, and a reply LINE refuses does not fail the webhook", async () => {
    const customerId = await createCustomer(t, "M-2008");
    const userId = lineUserId();
    const event = textEvent({
      userId,
      text: `LINK ${(await requestCode(customerId)).code}`,
      redelivery: true,
    });
    const before = api.sent("reply").length;
    expect((await deliver(t, [event])).statusCode).toBe(200);
    expect(api.sent("reply").length).toBe(before);
    expect((await customerRow(t, customerId)).line_user_id).toBe(userId);

    const other = await createCustomer(t, "M-2009");
    api.answerNext({ path: "/v2/bot/message/reply", status: 400, body: { message: "Invalid reply token" } });
    expect(
      (
        await deliver(t, [
          textEvent({ userId: lineUserId(), text: `LINK ${(await requestCode(other)).code}` }),
        ])
      ).statusCode,
    ).toBe(200);
    expect((await customerRow(t, other)).line_user_id).not.toBeNull();
  });

  describe("the link-code endpoint", () => {
    it("needs the secret API key", async () => {
      const customerId = await createCustomer(t, "M-2010");
      const url = `/v1/customers/${customerId}/line-link`;
      expect((await t.app.inject({ method: "POST", url })).statusCode).toBe(401);
      expect((await t.app.inject({ method: "POST", url, headers: t.public })).statusCode).toBe(403);
    });

    it("answers 404 for a customer the shop does not have", async () => {
      const res = await t.app.inject({
        method: "POST",
        url: "/v1/customers/999999/line-link",
        headers: t.secret,
      });
      expect(res.statusCode).toBe(404);
    });

    it("says what is missing when the shop's LINE channel has no bot id", async () => {
      const other = await createTestApp();
      try {
        await storeLineChannel(other, {});
        const customerId = await createCustomer(other, "M-1");
        const res = await other.app.inject({
          method: "POST",
          url: `/v1/customers/${customerId}/line-link`,
          headers: other.secret,
        });
        expect(res.statusCode).toBe(409);
        expect(res.json().error).toMatchObject({
          code: "line_not_configured",
          message: expect.stringContaining("botBasicId"),
        });
      } finally {
        await other.close();
      }
    });
  });
});
