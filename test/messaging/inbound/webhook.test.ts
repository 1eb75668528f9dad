// Given a shop whose email service reports bounces as JSON events, when the shop reads its inbound
// setup and points the service (or a small relay) at the bounce webhook, then each signed event is
// applied like the mail it stands for: a hard bounce suppresses, a soft one is only recorded, a
// complaint withdraws consent, a delivery is noted. Events are applied once; unsigned, mis-signed or
// malformed ones, and ones about another shop's message, change nothing.
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { inboundWebhookSecret } from "../../../src/messaging/inbound/index.js";
import { closeFileDatabase } from "../../scenarios/library/support.js";
import {
  BOUNCE_ADDRESS,
  closeInboundApp,
  emailConsentOf,
  eventsAfterSent,
  inboundApp,
  inboundSetup,
  messageOf,
  openSendingShop,
  postSigned,
  type SendingShop,
  suppressionsOf,
  UNSUBSCRIBE_ADDRESS,
} from "./support.js";

afterAll(closeFileDatabase);

const GONE = { id: "gone", email: "gone@example.jp" };
const HANAKO = { id: "hanako", email: "hanako@example.jp" };

describe("the JSON bounce webhook", () => {
  let s: SendingShop;
  let setup: Awaited<ReturnType<typeof inboundSetup>>;

  beforeEach(async () => {
    s = await openSendingShop();
    setup = await inboundSetup(s.t);
  });
  afterEach(async () => {
    await closeInboundApp(s.t);
    await s.close();
  });

  const post = (event: unknown, secret = setup.signature.secret) =>
    postSigned(s.t, setup.bounceEvents.path, JSON.stringify(event), "application/json", secret);

  it("shows the shop its hook paths, signing secret and addresses", async () => {
    expect(setup).toEqual({
      rawMail: { path: `/hooks/email/inbound/${s.shopId}`, url: null },
      bounceEvents: { path: `/hooks/email/bounces/${s.shopId}`, url: null },
      signature: {
        header: "X-Kizuna-Signature",
        format: expect.stringContaining("HMAC-SHA256"),
        secret: inboundWebhookSecret(s.t.ctx.secret, s.shopId),
      },
      addresses: { bounceAddress: BOUNCE_ADDRESS, unsubscribeAddress: UNSUBSCRIBE_ADDRESS },
      reports: { received: 0, byOutcome: expect.any(Object), byTopic: {}, lastReceivedAt: null },
    });
    // Each shop has its own secret.
    expect(inboundWebhookSecret(s.t.ctx.secret, s.shopId + 1)).not.toBe(setup.signature.secret);
    // The secret is for the shop's servers: the storefront's public key does not see it.
    const app = await inboundApp(s.t);
    const withPublicKey = await app.inject({
      method: "GET",
      url: "/v1/channels/email/inbound",
      headers: s.t.public,
    });
    expect(withPublicKey.statusCode).toBe(403);
  });

  it("applies a permanent bounce by message id once, and the same event id again as a duplicate", async () => {
    const [gone] = await s.sendReminders([GONE]);
    const event = {
      id: "evt_01J0ABCDEF",
      messageId: gone.messageId,
      type: "bounce",
      permanent: true,
      status: "5.1.1",
      diagnostic: "550 5.1.1 user unknown",
    };
    const res = await post(event);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ ok: true, outcome: "bounced", messageId: gone.messageId });
    expect(await messageOf(s.t, gone.messageId)).toMatchObject({
      status: "bounced",
      status_reason: "hard bounce: 5.1.1 550 5.1.1 user unknown",
    });
    expect(await suppressionsOf(s.t, s.shopId)).toEqual([
      { channel: "email", address: GONE.email, reason: "hard bounce: 5.1.1 550 5.1.1 user unknown" },
    ]);
    expect((await post(event)).json()).toMatchObject({ outcome: "duplicate" });
    expect(await eventsAfterSent(s.t, gone.messageId)).toHaveLength(1);
  });

  it("finds the message by its Message-ID or by the recipient's latest mail", async () => {
    const [gone, hanako] = await s.sendReminders([GONE, HANAKO]);
    const soft = await post({
      recipient: "Hanako@Example.jp",
      type: "bounce",
      diagnostic: "452 4.2.2 over quota",
    });
    expect(soft.json()).toEqual({ ok: true, outcome: "soft_bounce", messageId: hanako.messageId });
    expect((await messageOf(s.t, hanako.messageId)).status).toBe("sent");
    expect(await eventsAfterSent(s.t, hanako.messageId)).toEqual([
      ["soft_bounce", "failed 4.0.0 452 4.2.2 over quota"],
    ]);

    const delivered = await post({ messageId: gone.headerMessageId, type: "delivered" });
    expect(delivered.json()).toMatchObject({ outcome: "delivered", messageId: gone.messageId });

    const complaint = await post({ id: "c-1", messageId: gone.headerMessageId, type: "complaint" });
    expect(complaint.json()).toMatchObject({ outcome: "complaint" });
    expect(await emailConsentOf(s.t, s.shopId, gone.customerId)).toEqual({ granted: 0, source: "complaint" });
    expect((await messageOf(s.t, gone.messageId)).status).toBe("delivered");
  });

  it("ignores events about no message, or about another shop's", async () => {
    const [gone] = await s.sendReminders([GONE]);
    const other = await openSendingShop();
    try {
      for (const event of [
        { messageId: 99999999, type: "bounce", permanent: true },
        { messageId: "<someone-else@mail.example>", type: "bounce", permanent: true },
        { recipient: "nobody@example.jp", type: "complaint" },
        // The Message-ID names this message but another shop: refused even with this shop's signature.
        {
          messageId: gone.headerMessageId.replace(`kizuna.${s.shopId}.`, `kizuna.${other.shopId}.`),
          type: "complaint",
        },
      ]) {
        expect((await post(event)).json(), JSON.stringify(event)).toMatchObject({ outcome: "unmatched" });
      }
      const otherSetup = await inboundSetup(other.t);
      const fromOther = await postSigned(
        other.t,
        otherSetup.bounceEvents.path,
        JSON.stringify({ messageId: gone.messageId, type: "bounce", permanent: true }),
        "application/json",
        otherSetup.signature.secret,
      );
      expect(fromOther.json()).toMatchObject({ outcome: "unmatched" });
      expect((await messageOf(s.t, gone.messageId)).status).toBe("sent");
      expect(await suppressionsOf(s.t, s.shopId)).toEqual([]);
    } finally {
      await closeInboundApp(other.t);
      await other.close();
    }
  });

  it("refuses unsigned or mis-signed events (401) and malformed ones (400)", async () => {
    const [gone] = await s.sendReminders([GONE]);
    const event = { messageId: gone.messageId, type: "bounce", permanent: true };
    expect((await post(event, "another-secret")).statusCode).toBe(401);
    const unsigned = await postSigned(
      s.t,
      setup.bounceEvents.path,
      JSON.stringify(event),
      "application/json",
      setup.signature.secret,
      "",
    );
    expect(unsigned.statusCode).toBe(401);

    const noTarget = await post({ type: "bounce", permanent: true });
    expect(noTarget.statusCode).toBe(400);
    expect(noTarget.json().error.issues).toEqual([
      { field: "body.messageId", message: "name the message: messageId or recipient" },
    ]);
    expect((await post({ messageId: gone.messageId, type: "opened" })).statusCode).toBe(400);
    const notJson = await postSigned(
      s.t,
      setup.bounceEvents.path,
      "{",
      "application/json",
      setup.signature.secret,
    );
    expect(notJson.statusCode).toBe(400);
    expect((await messageOf(s.t, gone.messageId)).status).toBe("sent");
  });
});
