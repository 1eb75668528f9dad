// Given a customer who receives the shop's newsletter, when they (or their mailbox provider) use the
// unsubscribe link, then the newsletter stops at once, the change is logged with how it was made, and
// the unsubscribe is credited to the message. A link scanner's GET changes nothing; a tampered link,
// or one made for another shop's customer, changes nothing either.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { mergeCustomers } from "../../../src/customers/index.js";
import { recipientToken } from "../../../src/messaging/links.js";
import { createShop } from "../../../src/shops/index.js";
import { bearer, createTestApp, type TestApp } from "../../support/app.js";
import { countRows } from "../../support/db.js";
import {
  consentLog,
  consentOf,
  customer,
  get,
  messageEvents,
  oneClick,
  page,
  postForm,
  sentMessage,
  unsubscribeUrl,
} from "./steps.js";

describe("unsubscribe links", () => {
  let t: TestApp;
  let shopId: number;
  let n = 0;

  /** A fresh subscriber per story, with a newsletter just sent to them. */
  async function subscriber() {
    n += 1;
    const customerId = await customer(t, {
      externalId: `M${n}`,
      email: `hanako${n}@example.jp`,
      consents: { email: true },
    });
    const messageId = await sentMessage(t, shopId, customerId);
    return { customerId, messageId, ref: { shopId, customerId, channel: "email", messageId } };
  }

  beforeAll(async () => {
    t = await createTestApp();
    shopId = t.shop.shop.id;
  });
  afterAll(async () => t.close());
  beforeEach(() => t.clock.advance(60_000));

  it("shows a page with one button on GET, and changes nothing (link scanners follow links)", async () => {
    const s = await subscriber();
    const html = page(await get(t, unsubscribeUrl(t, s.ref)));
    expect(html).toContain('<html lang="ja">');
    expect(html).toContain("メールマガジンの配信停止");
    expect(html).toContain("Test Shop");
    expect(html.match(/<form method="post"/g)).toHaveLength(1);
    expect(html.match(/<button/g)).toHaveLength(1);
    expect(html).toMatch(/<a href="\.\.\/p\/[\w-]+\.[\w-]+\?lang=ja">配信設定を変更する<\/a>/);
    expect(await consentOf(t, shopId, s.customerId, "email")).toMatchObject({ granted: true });
    expect(await messageEvents(t, s.messageId)).toEqual([]);
  });

  it("unsubscribes when the page's button is pressed, and offers to undo it", async () => {
    const s = await subscriber();
    const html = page(await postForm(t, unsubscribeUrl(t, s.ref)));
    expect(html).toContain("配信を停止しました");
    // The undo button posts a resubscribe to the preference centre.
    expect(html).toMatch(/<form method="post" action="\.\.\/p\/[\w-]+\.[\w-]+\?lang=ja">/);
    expect(html).toContain('<input type="hidden" name="action" value="resubscribe">');
    expect(html).toContain('<input type="hidden" name="channel" value="email">');

    expect(await consentOf(t, shopId, s.customerId, "email")).toEqual({
      granted: false,
      source: "unsubscribe-link",
    });
    expect((await consentLog(t, shopId, s.customerId)).at(-1)).toEqual({
      channel: "email",
      granted: false,
      source: "unsubscribe-link",
    });
    expect(await messageEvents(t, s.messageId)).toEqual([
      { shopId, type: "unsubscribe", reason: "unsubscribe-link" },
    ]);
  });

  it.each(["urlencoded", "multipart"] as const)(
    "unsubscribes at once on an RFC 8058 one-click POST (%s) and answers 200",
    async (encoding) => {
      const s = await subscriber();
      const res = await oneClick(t, unsubscribeUrl(t, s.ref), encoding);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers["content-type"]).toMatch(/^text\/plain/);
      expect(res.headers["cache-control"]).toBe("no-store");
      expect(await consentOf(t, shopId, s.customerId, "email")).toEqual({
        granted: false,
        source: "one-click",
      });
      expect((await consentLog(t, shopId, s.customerId)).at(-1)).toMatchObject({ source: "one-click" });
      expect(await messageEvents(t, s.messageId)).toEqual([
        { shopId, type: "unsubscribe", reason: "one-click" },
      ]);
    },
  );

  it("is idempotent: a second POST changes nothing and still answers 200", async () => {
    const s = await subscriber();
    expect((await oneClick(t, unsubscribeUrl(t, s.ref), "urlencoded")).statusCode).toBe(200);
    const logged = await consentLog(t, shopId, s.customerId);
    const events = await messageEvents(t, s.messageId);
    t.clock.advance(60_000);
    expect((await oneClick(t, unsubscribeUrl(t, s.ref), "multipart")).statusCode).toBe(200);
    page(await postForm(t, unsubscribeUrl(t, s.ref)));
    expect(await consentLog(t, shopId, s.customerId)).toEqual(logged);
    expect(await messageEvents(t, s.messageId)).toEqual(events);
    expect(await consentOf(t, shopId, s.customerId, "email")).toEqual({
      granted: false,
      source: "one-click",
    });
  });

  it("records no message event for a link that came in no message (message id 0)", async () => {
    const s = await subscriber();
    const before = await countRows(t.ctx.db, "message_events");
    page(await postForm(t, unsubscribeUrl(t, { ...s.ref, messageId: 0 })));
    expect(await consentOf(t, shopId, s.customerId, "email")).toMatchObject({ granted: false });
    expect(await countRows(t.ctx.db, "message_events")).toBe(before);
  });

  it("refuses a tampered link with a 400 page, writing nothing", async () => {
    const s = await subscriber();
    const url = unsubscribeUrl(t, s.ref);
    const [body, sig] = url.slice("/u/".length).split(".");
    const forged = Buffer.from(JSON.stringify([shopId, s.customerId + 1, "email", s.messageId])).toString(
      "base64url",
    );
    const before = {
      log: await countRows(t.ctx.db, "consent_log"),
      events: await countRows(t.ctx.db, "message_events"),
    };
    for (const bad of [`/u/${forged}.${sig}`, `/u/${body}.${sig.slice(0, -2)}AA`, "/u/nonsense"]) {
      expect(page(await get(t, bad), 400)).toContain("このリンクは無効です");
      page(await postForm(t, bad), 400);
      const res = await oneClick(t, bad, "urlencoded");
      expect(res.statusCode).toBe(400);
    }
    // A preference-centre token is not an unsubscribe token, though made from the same fields.
    const preferencesToken = recipientToken(t.ctx.secret, "preferences", s.ref);
    page(await postForm(t, `/u/${preferencesToken}`), 400);
    expect(await countRows(t.ctx.db, "consent_log")).toBe(before.log);
    expect(await countRows(t.ctx.db, "message_events")).toBe(before.events);
    expect(await consentOf(t, shopId, s.customerId, "email")).toMatchObject({ granted: true });
  });

  it("cannot touch another shop's customer with a token made for this shop", async () => {
    const other = await createShop(t.ctx.db, t.clock, { name: "Other Shop" });
    const theirs = await customer(
      t,
      { externalId: "B1", email: "b1@example.jp", consents: { email: true } },
      bearer(other.secretKey),
    );
    const ref = { shopId, customerId: theirs, channel: "email", messageId: 0 };
    page(await get(t, unsubscribeUrl(t, ref)), 404);
    page(await postForm(t, unsubscribeUrl(t, ref)), 404);
    expect((await oneClick(t, unsubscribeUrl(t, ref), "urlencoded")).statusCode).toBe(404);
    expect(await consentOf(t, other.shop.id, theirs, "email")).toMatchObject({ granted: true });
    expect(await consentLog(t, other.shop.id, theirs)).toHaveLength(1);
  });

  it("speaks English with ?lang=en or an English browser, Japanese by default", async () => {
    const s = await subscriber();
    const en = page(await get(t, unsubscribeUrl(t, s.ref, "?lang=en")));
    expect(en).toContain('<html lang="en">');
    expect(en).toContain("Unsubscribe from emails");
    expect(en).toContain('action="../u/');
    expect(en).toContain("?lang=en");
    const browser = page(
      await get(t, unsubscribeUrl(t, s.ref), { "accept-language": "en-GB,en;q=0.9,ja;q=0.5" }),
    );
    expect(browser).toContain('<html lang="en">');
    const ja = page(await get(t, unsubscribeUrl(t, s.ref), { "accept-language": "ja,en;q=0.8" }));
    expect(ja).toContain("メールマガジンの配信停止");
  });

  it("escapes the shop's name", async () => {
    await t.ctx.db
      .updateTable("shops")
      .set({ name: `<script>alert("x")</script> & Co.` })
      .where("id", "=", shopId)
      .execute();
    try {
      const s = await subscriber();
      const html = page(await get(t, unsubscribeUrl(t, s.ref)));
      expect(html).not.toContain("<script>");
      expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co.");
    } finally {
      await t.ctx.db.updateTable("shops").set({ name: "Test Shop" }).where("id", "=", shopId).execute();
    }
  });

  it("names other channels in the page: LINE and SMS links say what stops", async () => {
    const customerId = await customer(t, {
      externalId: "L1",
      phone: "090-1234-5678",
      lineUserId: `U${"a".repeat(32)}`,
      consents: { line: true, sms: true },
    });
    const line = page(await get(t, unsubscribeUrl(t, { shopId, customerId, channel: "line", messageId: 0 })));
    expect(line).toContain("LINEでのお知らせの配信停止");
    page(await postForm(t, unsubscribeUrl(t, { shopId, customerId, channel: "sms", messageId: 0 })));
    expect(await consentOf(t, shopId, customerId, "sms")).toMatchObject({ granted: false });
    expect(await consentOf(t, shopId, customerId, "line")).toMatchObject({ granted: true });
  });

  it("keeps form bodies to these pages: the JSON API still refuses them", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: "/v1/customers",
      headers: { ...t.secret, "content-type": "application/x-www-form-urlencoded" },
      payload: "externalId=F1",
    });
    expect(res.statusCode).toBe(415);
  });

  it("acts on the surviving profile when the link's customer was since merged", async () => {
    const old = await subscriber();
    const survivorId = await customer(t, { externalId: "SURVIVOR", email: "keep@example.jp" });
    await t.ctx.db.transaction().execute(async (trx) => {
      const row = (id: number) =>
        trx.selectFrom("customers").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
      await mergeCustomers(trx, t.clock, await row(survivorId), await row(old.customerId));
    });
    expect(await consentOf(t, shopId, survivorId, "email")).toMatchObject({ granted: true });
    page(await postForm(t, unsubscribeUrl(t, old.ref)));
    expect(await consentOf(t, shopId, survivorId, "email")).toEqual({
      granted: false,
      source: "unsubscribe-link",
    });
    // The message went to the old profile and is still credited.
    expect(await messageEvents(t, old.messageId)).toEqual([
      { shopId, type: "unsubscribe", reason: "unsubscribe-link" },
    ]);
  });

  it("takes a form body with a charset parameter", async () => {
    const s = await subscriber();
    const res = await t.app.inject({
      method: "POST",
      url: unsubscribeUrl(t, s.ref),
      headers: { "content-type": "application/x-www-form-urlencoded; charset=UTF-8" },
      payload: "List-Unsubscribe=One-Click",
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(await consentOf(t, shopId, s.customerId, "email")).toEqual({
      granted: false,
      source: "one-click",
    });
  });
});
