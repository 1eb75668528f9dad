// Links and webhooks carry their own credential, a signature: one made with another key, for another
// purpose, over other bytes, or for another shop opens nothing. What test/messaging and
// test/integrations already hold (tampered unsubscribe, preference and opt-in links, a tampered click,
// Shopify's wrong, missing and cross-shop signatures, LINE's wrong and missing ones, the bounce hooks'
// wrong keys) is not repeated here; this file covers the rest: the open pixel, clicks to an attacker's
// URL, links signed by another instance, and a webhook signed validly for one shop posted to another.
import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toIso } from "../../src/core/clock.js";
import type { Channel } from "../../src/db/index.js";
import { encryptSecret } from "../../src/integrations/crypto.js";
import {
  INBOUND_SIGNATURE_HEADER,
  inboundWebhookSecret,
  signInboundBody,
} from "../../src/messaging/inbound/index.js";
import { recipientToken, signToken } from "../../src/messaging/links.js";
import { type CreatedShop, createShop } from "../../src/shops/index.js";
import { bearer, type TestApp } from "../support/app.js";
import { countRows } from "../support/db.js";
import { createHostileTestApp } from "./hostile-support.js";

const ANOTHER_INSTANCE = "another-instance-secret-0123456789";

let t: TestApp;
let shopB: CreatedShop;
beforeAll(async () => {
  t = await createHostileTestApp();
  shopB = await createShop(t.ctx.db, t.clock, { name: "Shop B" });
});
afterAll(async () => t?.close());

async function customer(secretKey: string, externalId: string): Promise<number> {
  const res = await t.app.inject({
    method: "POST",
    url: "/v1/customers",
    headers: bearer(secretKey),
    payload: { externalId, email: `${externalId.toLowerCase()}@example.jp`, consents: { email: true } },
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().customer.id;
}

async function sentMessage(shopId: number, customerId: number, channel: Channel = "email"): Promise<number> {
  const now = toIso(t.clock.now());
  const row = await t.ctx.db
    .insertInto("messages")
    .values({
      shop_id: shopId,
      customer_id: customerId,
      channel,
      address: `customer-${customerId}@example.jp`,
      template_key: "newsletter",
      message_class: "promotional",
      status: "sent",
      status_reason: null,
      idempotency_key: `sig:${customerId}:${Math.random()}`,
      scenario_id: null,
      scenario_version: null,
      run_id: null,
      step_id: null,
      campaign_id: null,
      variant: null,
      payload: "{}",
      queued_at: now,
      sent_at: now,
      opened_at: null,
      clicked_at: null,
      updated_at: now,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

const messageRow = (id: number) =>
  t.ctx.db
    .selectFrom("messages")
    .select(["status", "opened_at", "clicked_at"])
    .where("id", "=", id)
    .executeTakeFirstOrThrow();

const eventTypes = async (id: number) =>
  (
    await t.ctx.db
      .selectFrom("message_events")
      .select("type")
      .where("message_id", "=", id)
      .orderBy("id")
      .execute()
  ).map((e) => e.type);

/** The token's signed fields replaced, its signature kept. */
function withFields(token: string, fields: unknown[]): string {
  return `${Buffer.from(JSON.stringify(fields)).toString("base64url")}.${token.split(".")[1]}`;
}

describe("tracking links", () => {
  it("the open pixel is answered for any token, but only ours for this message records an open", async () => {
    const shopId = t.shop.shop.id;
    const messageId = await sentMessage(shopId, await customer(t.shop.secretKey, "O1"));
    const ours = signToken(t.ctx.secret, "open", [shopId, messageId]);
    const refused = [
      signToken(ANOTHER_INSTANCE, "open", [shopId, messageId]),
      signToken(t.ctx.secret, "click", [shopId, messageId]),
      withFields(ours, [shopId, messageId + 1]),
      ours.split(".")[0],
      `${ours.split(".")[0]}.`,
      "....",
    ];
    for (const token of refused) {
      const res = await t.app.inject({ method: "GET", url: `/t/o/${token}.gif` });
      expect(res.statusCode, token).toBe(200);
      expect(res.headers["content-type"]).toBe("image/gif");
    }
    expect(await eventTypes(messageId)).toEqual([]);
    expect((await messageRow(messageId)).opened_at).toBeNull();
    // The same pixel with our signature does record: the refusals above were not for want of a message.
    await t.app.inject({ method: "GET", url: `/t/o/${ours}.gif` });
    expect(await eventTypes(messageId)).toEqual(["open"]);
  });

  it("a click is sent only where our signature says, never to a URL an attacker put in the token", async () => {
    const shopId = t.shop.shop.id;
    const messageId = await sentMessage(shopId, await customer(t.shop.secretKey, "C1"));
    const target = "https://shop.example/p/matcha";
    const ours = signToken(t.ctx.secret, "click", [shopId, messageId, target]);
    const refused = [
      signToken(ANOTHER_INSTANCE, "click", [shopId, messageId, "https://evil.example/"]),
      withFields(ours, [shopId, messageId, "https://evil.example/"]),
      signToken(t.ctx.secret, "open", [shopId, messageId]),
      signToken(t.ctx.secret, "unsubscribe", [shopId, messageId, "https://evil.example/"]),
      // Even a URL we signed ourselves goes nowhere unless it is http(s).
      signToken(t.ctx.secret, "click", [shopId, messageId, "javascript:alert(document.cookie)"]),
      signToken(t.ctx.secret, "click", [shopId, messageId, "//evil.example/"]),
      signToken(t.ctx.secret, "click", [shopId, messageId, "data:text/html,<script>alert(1)</script>"]),
      ours.split(".")[0],
    ];
    for (const token of refused) {
      const res = await t.app.inject({ method: "GET", url: `/t/c/${token}` });
      expect(res.statusCode, token).toBe(400);
      expect(res.headers.location).toBeUndefined();
      expect(res.body).not.toContain("evil.example");
    }
    expect(await eventTypes(messageId)).toEqual([]);
    expect(await messageRow(messageId)).toMatchObject({ opened_at: null, clicked_at: null });
    const followed = await t.app.inject({ method: "GET", url: `/t/c/${ours}` });
    expect(followed.statusCode).toBe(302);
    expect(followed.headers.location).toBe(target);
  });
});

describe("unsubscribe and preference links", () => {
  it("refuse a token signed by another instance, and an unsubscribe token on the preference centre", async () => {
    const shopId = t.shop.shop.id;
    const customerId = await customer(t.shop.secretKey, "U1");
    const ref = { shopId, customerId, channel: "email", messageId: 0 };
    const logBefore = await countRows(t.ctx.db, "consent_log");
    const preferencesBefore = await countRows(t.ctx.db, "customer_preferences");
    const form = { "content-type": "application/x-www-form-urlencoded" };
    for (const [url, payload] of [
      [`/u/${recipientToken(ANOTHER_INSTANCE, "unsubscribe", ref)}`, "List-Unsubscribe=One-Click"],
      [`/p/${recipientToken(ANOTHER_INSTANCE, "preferences", ref)}`, "action=save&frequency=monthly"],
      [`/p/${recipientToken(t.ctx.secret, "unsubscribe", ref)}`, "action=save&frequency=monthly"],
    ]) {
      expect((await t.app.inject({ method: "GET", url })).statusCode, url).toBe(400);
      const res = await t.app.inject({ method: "POST", url, headers: form, payload });
      expect(res.statusCode, url).toBe(400);
      expect(res.headers.location).toBeUndefined();
    }
    expect(await countRows(t.ctx.db, "consent_log")).toBe(logBefore);
    expect(await countRows(t.ctx.db, "customer_preferences")).toBe(preferencesBefore);
    const consent = await t.ctx.db
      .selectFrom("consents")
      .select("granted")
      .where("customer_id", "=", customerId)
      .where("channel", "=", "email")
      .executeTakeFirstOrThrow();
    expect(consent.granted).toBe(1);
  });
});

describe("a webhook signed validly for one shop, posted to another shop's URL", () => {
  const lineSecrets = { a: "aaaa0000aaaa0000aaaa0000aaaa0000", b: "bbbb1111bbbb1111bbbb1111bbbb1111" };

  async function storeLineChannel(shopId: number, channelSecret: string) {
    await t.ctx.db
      .insertInto("channel_settings")
      .values({
        shop_id: shopId,
        channel: "line",
        provider: "line",
        settings: JSON.stringify({ botBasicId: "@kizuna" }),
        sealed_secrets: encryptSecret(
          JSON.stringify({ channelAccessToken: "token", channelSecret }),
          t.ctx.secret,
          `shop:${shopId}:channel:line`,
        ),
        paused_at: null,
        paused_reason: null,
        updated_at: toIso(t.clock.now()),
      })
      .execute();
  }

  it("LINE: each shop's URL takes only its own channel's signature", async () => {
    await storeLineChannel(t.shop.shop.id, lineSecrets.a);
    await storeLineChannel(shopB.shop.id, lineSecrets.b);
    const body = JSON.stringify({
      destination: "U0",
      events: [
        {
          type: "unfollow",
          mode: "active",
          timestamp: t.clock.now().getTime(),
          source: { type: "user", userId: `U${"1".repeat(32)}` },
          webhookEventId: "01JSIGNATURETEST0000000001",
          deliveryContext: { isRedelivery: false },
        },
      ],
    });
    const sign = (secret: string) => createHmac("sha256", secret).update(body).digest("base64");
    const post = (shopId: number, signature: string) =>
      t.app.inject({
        method: "POST",
        url: `/hooks/line/${shopId}`,
        headers: { "content-type": "application/json", "x-line-signature": signature },
        payload: body,
      });
    expect((await post(shopB.shop.id, sign(lineSecrets.a))).statusCode).toBe(401);
    expect((await post(t.shop.shop.id, sign(lineSecrets.b))).statusCode).toBe(401);
    expect(await countRows(t.ctx.db, "suppressions")).toBe(0);
    expect(await countRows(t.ctx.db, "webhook_receipts")).toBe(0);
    // Signed by its own channel, shop B's delivery is taken: the refusals were the signature's doing.
    const own = await post(shopB.shop.id, sign(lineSecrets.b));
    expect(own.statusCode, own.body).toBe(200);
    expect(await countRows(t.ctx.db, "suppressions")).toBe(1);
  });

  it("email bounce events and raw mail: shop A's inbound secret opens nothing at shop B's hooks", async () => {
    const messageB = await sentMessage(shopB.shop.id, await customer(shopB.secretKey, "B1"));
    const secretA = inboundWebhookSecret(t.ctx.secret, t.shop.shop.id);
    const secretB = inboundWebhookSecret(t.ctx.secret, shopB.shop.id);
    const event = JSON.stringify({ messageId: messageB, type: "bounce", permanent: true });
    const mail = [
      "From: MAILER-DAEMON@mx.example.jp",
      "To: bounces@mail.kizuna-sabo.jp",
      "Subject: Undelivered Mail Returned to Sender",
      `X-Kizuna-Message-Id: ${messageB}`,
      "",
      "The mail could not be delivered.",
    ].join("\r\n");
    const post = (path: string, body: string, contentType: string, secret: string) =>
      t.app.inject({
        method: "POST",
        url: `${path}/${shopB.shop.id}`,
        headers: { "content-type": contentType, [INBOUND_SIGNATURE_HEADER]: signInboundBody(secret, body) },
        payload: body,
      });
    for (const res of [
      await post("/hooks/email/bounces", event, "application/json", secretA),
      await post("/hooks/email/inbound", mail, "message/rfc822", secretA),
    ]) {
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe("unauthorized");
    }
    expect((await messageRow(messageB)).status).toBe("sent");
    expect(await eventTypes(messageB)).toEqual([]);
    // With shop B's own secret the same event is applied.
    const own = await post("/hooks/email/bounces", event, "application/json", secretB);
    expect(own.statusCode, own.body).toBe(200);
    expect((await messageRow(messageB)).status).toBe("bounced");
  });
});
