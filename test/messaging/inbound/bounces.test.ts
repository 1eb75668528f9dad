// Given a shop that sent its cart reminders, when the receiving servers' notices come back — a
// Postfix bounce to the VERP address, Gmail's notice through the raw mail webhook, an Exchange notice
// that only quotes the original's Message-ID, a delay warning, a success notice — then the message's
// state, its events and the suppression list say what happened, exactly once. Mail for any other
// address is refused at RCPT, and notices that name no message of ours change nothing.
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import type { InboundSmtpServer } from "../../../src/messaging/inbound/index.js";
import { closeFileDatabase, workerAt } from "../../scenarios/library/support.js";
import {
  deliveredNotice,
  exchangeBounce,
  gmailBounce,
  postfixBounce,
  postfixDelay,
  vacationReply,
} from "./reports.js";
import {
  BOUNCE_ADDRESS,
  closeInboundApp,
  deliverMail,
  eventsAfterSent,
  inboundSetup,
  messageOf,
  openSendingShop,
  postSigned,
  type SendingShop,
  startListener,
  suppressionsOf,
} from "./support.js";

afterAll(closeFileDatabase);

const GONE = { id: "gone", email: "gone@example.jp" };
const HANAKO = { id: "hanako", email: "hanako@example.jp" };

describe("bounces", () => {
  let s: SendingShop;
  let listener: InboundSmtpServer;

  beforeEach(async () => {
    s = await openSendingShop();
    listener = await startListener(s.t);
  });
  afterEach(async () => {
    await listener.close();
    await closeInboundApp(s.t);
    await s.close();
  });

  it("a Postfix bounce to the VERP address bounces the message and suppresses the address, once", async () => {
    const [gone, hanako] = await s.sendReminders([GONE, HANAKO]);
    expect(gone.envelopeFrom).toBe(`bounces+m${gone.messageId}@mail.kizuna-sabo.jp`);

    // The recipient's server accepted the mail, then could not deliver it: Postfix sends its notice
    // to the envelope sender, and the shop's MX hands it to Kizuna.
    const notice = postfixBounce(gone);
    await deliverMail(listener, { from: "", to: [gone.envelopeFrom] }, notice);

    const reason =
      "hard bounce: 5.1.1 550 5.1.1 <gone@example.jp>: Recipient address rejected: User unknown (in reply to RCPT TO command)";
    expect(await messageOf(s.t, gone.messageId)).toMatchObject({ status: "bounced", status_reason: reason });
    expect(await eventsAfterSent(s.t, gone.messageId)).toEqual([["bounced", reason]]);
    expect(await suppressionsOf(s.t, s.shopId)).toEqual([
      { channel: "email", address: "gone@example.jp", reason },
    ]);
    // The other member's reminder is untouched.
    expect((await messageOf(s.t, hanako.messageId)).status).toBe("sent");

    // The same notice again (the MTA retried, or it came twice) changes nothing more.
    await deliverMail(listener, { from: "", to: [gone.envelopeFrom] }, notice);
    expect(await eventsAfterSent(s.t, gone.messageId)).toEqual([["bounced", reason]]);
    expect(await suppressionsOf(s.t, s.shopId)).toHaveLength(1);

    // The next day's reminder goes to Hanako, and not to the dead address.
    await workerAt(s.t, "2026-06-02 11:01:10");
    await s.drain();
    const next = await s.t.ctx.db
      .selectFrom("messages")
      .select(["address", "status", "status_reason"])
      .where("shop_id", "=", s.shopId)
      .where("id", ">", hanako.messageId)
      .orderBy("id")
      .execute();
    expect(next.map((m) => m.status).sort()).toEqual(["sent", "suppressed"]);
    expect(s.sink.received.filter((m) => m.envelopeTo[0] === GONE.email)).toHaveLength(1);
  });

  it("Gmail's notice, forwarded as raw mail to the signed webhook, bounces the message", async () => {
    const [gone] = await s.sendReminders([GONE]);
    const setup = await inboundSetup(s.t);
    expect(setup.rawMail.path).toBe(`/hooks/email/inbound/${s.shopId}`);

    const notice = gmailBounce(gone);
    const res = await postSigned(s.t, setup.rawMail.path, notice, "message/rfc822", setup.signature.secret);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ ok: true, outcome: "bounced", messageId: gone.messageId });
    const status = await messageOf(s.t, gone.messageId);
    expect(status.status).toBe("bounced");
    expect(status.status_reason).toMatch(
      /^hard bounce: 5\.1\.1 550-5\.1\.1 The email account that you tried to reach does not exist\./,
    );
    expect((await suppressionsOf(s.t, s.shopId)).map((r) => r.address)).toEqual([GONE.email]);

    // Posted again: recognised, nothing more.
    const again = await postSigned(s.t, setup.rawMail.path, notice, "message/rfc822", setup.signature.secret);
    expect(again.json()).toMatchObject({ outcome: "duplicate" });
    expect(await eventsAfterSent(s.t, gone.messageId)).toHaveLength(1);
    expect((await inboundSetup(s.t)).reports).toMatchObject({
      received: 1,
      byTopic: { "delivery-status": 1 },
    });
  });

  it("takes a notice that returns a 6 MB original whole, and refuses one over 10 MB (413)", async () => {
    const [gone] = await s.sendReminders([GONE]);
    const setup = await inboundSetup(s.t);
    const withAttachment = (mb: number) => ({
      ...gone,
      raw: Buffer.concat([gone.raw, Buffer.from(`\r\n${"QUJDRA==".repeat((mb * 1024 * 1024) / 8)}\r\n`)]),
    });
    const post = (raw: string) =>
      postSigned(s.t, setup.rawMail.path, raw, "message/rfc822", setup.signature.secret);

    const tooLarge = await post(gmailBounce(withAttachment(11)));
    expect(tooLarge.statusCode).toBe(413);
    const large = await post(gmailBounce(withAttachment(6)));
    expect(large.statusCode, large.body).toBe(200);
    expect(large.json()).toMatchObject({ outcome: "bounced", messageId: gone.messageId });
  });

  it("refuses a raw mail whose signature is missing, made with another key, or over other bytes", async () => {
    const [gone] = await s.sendReminders([GONE]);
    const setup = await inboundSetup(s.t);
    const notice = postfixBounce(gone);
    const post = (signature: string) =>
      postSigned(s.t, setup.rawMail.path, notice, "message/rfc822", setup.signature.secret, signature);

    const tampered = notice.replace("Status: 5.1.1", "Status: 5.7.1");
    const { signInboundBody } = await import("../../../src/messaging/inbound/index.js");
    for (const signature of [
      "",
      signInboundBody("not-the-shop-secret", notice),
      signInboundBody(setup.signature.secret, tampered),
      signInboundBody(setup.signature.secret, notice).replace("sha256=", "sha1="),
    ]) {
      const res = await post(signature);
      expect(res.statusCode).toBe(401);
      expect(res.json().error.code).toBe("unauthorized");
    }
    expect((await messageOf(s.t, gone.messageId)).status).toBe("sent");
    expect(await suppressionsOf(s.t, s.shopId)).toEqual([]);
  });

  it("finds the message by the returned Message-ID when the notice comes to the plain bounce address", async () => {
    const [gone] = await s.sendReminders([GONE]);
    await deliverMail(listener, { from: "", to: [BOUNCE_ADDRESS] }, exchangeBounce(gone, BOUNCE_ADDRESS));
    expect(await messageOf(s.t, gone.messageId)).toMatchObject({
      status: "bounced",
      status_reason:
        "hard bounce: 5.2.2 554 5.2.2 mailbox full; STOREDRV.Deliver.Exception:QuotaExceededException",
    });
  });

  it("records a delay warning as a soft bounce only, then the success notice as delivered", async () => {
    const [hanako] = await s.sendReminders([HANAKO]);
    await deliverMail(listener, { from: "", to: [hanako.envelopeFrom] }, postfixDelay(hanako));
    expect((await messageOf(s.t, hanako.messageId)).status).toBe("sent");
    expect(await eventsAfterSent(s.t, hanako.messageId)).toEqual([
      ["soft_bounce", "delayed 4.4.1 connect to mx.example.jp[192.0.2.25]:25: Connection timed out"],
    ]);
    expect(await suppressionsOf(s.t, s.shopId)).toEqual([]);

    s.t.clock.advance(60_000);
    await deliverMail(listener, { from: "", to: [hanako.envelopeFrom] }, deliveredNotice(hanako));
    expect(await messageOf(s.t, hanako.messageId)).toMatchObject({
      status: "delivered",
      delivered_at: s.t.clock.now().toISOString(),
    });
    expect((await eventsAfterSent(s.t, hanako.messageId)).map(([type]) => type)).toEqual([
      "soft_bounce",
      "delivered",
    ]);
  });

  it("refuses mail for any address but the shops' bounce and unsubscribe addresses at RCPT (550)", async () => {
    const refused = deliverMail(
      listener,
      { from: "someone@example.net", to: ["postmaster@mail.kizuna-sabo.jp"] },
      "Subject: hello\r\n\r\nhi\r\n",
    );
    await expect(refused).rejects.toMatchObject({ responseCode: 550, command: "RCPT TO" });
    // A foreign domain is no different: the listener relays nothing.
    await expect(
      deliverMail(listener, { from: "", to: ["bounces+m1@other.example"] }, "Subject: x\r\n\r\nx\r\n"),
    ).rejects.toMatchObject({ responseCode: 550 });
  });

  it("accepts and ignores notices that name no message of ours, and mail that is no notice", async () => {
    const [gone, hanako] = await s.sendReminders([GONE, HANAKO]);
    // A VERP id that is no message, and returned headers that name none either.
    const unknown = {
      ...gone,
      envelopeFrom: "bounces+m99999999@mail.kizuna-sabo.jp",
      raw: Buffer.from("From: news@kizuna-sabo.jp\r\nSubject: x\r\n\r\nx\r\n"),
    };
    await deliverMail(listener, { from: "", to: [unknown.envelopeFrom] }, postfixBounce(unknown));
    // A VERP id and a returned Message-ID that disagree: not clearly about one message.
    const conflicting = { ...gone, envelopeFrom: hanako.envelopeFrom };
    await deliverMail(listener, { from: "", to: [conflicting.envelopeFrom] }, postfixBounce(conflicting));
    // An out-of-office reply sent to the envelope sender.
    await deliverMail(listener, { from: GONE.email, to: [gone.envelopeFrom] }, vacationReply(gone));

    for (const m of [gone, hanako]) {
      expect((await messageOf(s.t, m.messageId)).status).toBe("sent");
      expect(await eventsAfterSent(s.t, m.messageId)).toEqual([]);
    }
    expect(await suppressionsOf(s.t, s.shopId)).toEqual([]);

    const setup = await inboundSetup(s.t);
    const res = await postSigned(
      s.t,
      setup.rawMail.path,
      postfixBounce(conflicting),
      "message/rfc822",
      setup.signature.secret,
    );
    expect(res.json()).toEqual({ ok: true, outcome: "unmatched", messageId: null });
  });

  it("applies a shop's notice only within that shop, even when shops share the bounce address", async () => {
    const [gone] = await s.sendReminders([GONE]);
    const other = await openSendingShop();
    try {
      // The other shop's webhook cannot touch this shop's message, even with a valid signature.
      const otherSetup = await inboundSetup(other.t);
      const res = await postSigned(
        other.t,
        otherSetup.rawMail.path,
        postfixBounce(gone),
        "message/rfc822",
        otherSetup.signature.secret,
      );
      expect(res.json()).toMatchObject({ outcome: "unmatched" });
      expect((await messageOf(s.t, gone.messageId)).status).toBe("sent");

      // Over SMTP the shared address reaches both shops; the message decides which.
      await deliverMail(listener, { from: "", to: [gone.envelopeFrom] }, postfixBounce(gone));
      expect((await messageOf(s.t, gone.messageId)).status).toBe("bounced");
      expect(await suppressionsOf(s.t, s.shopId)).toHaveLength(1);
      expect(await suppressionsOf(s.t, other.shopId)).toEqual([]);
    } finally {
      await closeInboundApp(other.t);
      await other.close();
    }
  });
});
