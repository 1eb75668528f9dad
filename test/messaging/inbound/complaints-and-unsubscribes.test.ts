// Given a shop that sent its cart reminders, when a member marks one as spam (the mailbox provider's
// ARF report comes back) or uses the List-Unsubscribe mailto, then the member's email consent is
// withdrawn with the reason, the message is credited, and — for a complaint — the address is
// suppressed. A second copy of the same report changes nothing more; a feedback report that is not
// about abuse, or an unsubscribe request for someone else's message, changes nothing at all.
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import type { InboundSmtpServer } from "../../../src/messaging/inbound/index.js";
import { closeFileDatabase } from "../../scenarios/library/support.js";
import { countRows } from "../../support/db.js";
import { aolComplaint, yahooComplaint } from "./reports.js";
import {
  BOUNCE_ADDRESS,
  closeInboundApp,
  deliverMail,
  emailConsentOf,
  eventsAfterSent,
  inboundSetup,
  messageOf,
  openSendingShop,
  postSigned,
  type SendingShop,
  sendUnsubscribeMail,
  startListener,
  suppressionsOf,
  UNSUBSCRIBE_ADDRESS,
} from "./support.js";

afterAll(closeFileDatabase);

const HANAKO = { id: "hanako", email: "hanako@yahoo.co.jp" };
const TARO = { id: "taro", email: "taro@example.jp" };

describe("complaints", () => {
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

  it("Yahoo's complaint report withdraws consent, suppresses the address and credits the message, once", async () => {
    const [hanako, taro] = await s.sendReminders([HANAKO, TARO]);
    // The feedback loop is registered with the shop's bounce address.
    const report = yahooComplaint(hanako, BOUNCE_ADDRESS);
    await deliverMail(listener, { from: "", to: [BOUNCE_ADDRESS] }, report);

    expect(await eventsAfterSent(s.t, hanako.messageId)).toEqual([["complaint", "abuse"]]);
    expect(await suppressionsOf(s.t, s.shopId)).toEqual([
      { channel: "email", address: HANAKO.email, reason: "complaint" },
    ]);
    expect(await emailConsentOf(s.t, s.shopId, hanako.customerId)).toEqual({
      granted: 0,
      source: "complaint",
    });
    // A complaint is no bounce: the message was delivered, and stays as it was.
    expect((await messageOf(s.t, hanako.messageId)).status).toBe("sent");
    expect(await emailConsentOf(s.t, s.shopId, taro.customerId)).toMatchObject({ granted: 1 });

    const consentLogBefore = await countRows(s.t.ctx.db, "consent_log");
    await deliverMail(listener, { from: "", to: [BOUNCE_ADDRESS] }, report);
    expect(await eventsAfterSent(s.t, hanako.messageId)).toHaveLength(1);
    expect(await countRows(s.t.ctx.db, "consent_log")).toBe(consentLogBefore);
  });

  it("takes an AOL-style report with only the original's headers through the raw mail webhook", async () => {
    const [taro] = await s.sendReminders([TARO]);
    const setup = await inboundSetup(s.t);
    const res = await postSigned(
      s.t,
      setup.rawMail.path,
      aolComplaint(taro, "fbl@mail.kizuna-sabo.jp"),
      "message/rfc822",
      setup.signature.secret,
    );
    expect(res.json()).toEqual({ ok: true, outcome: "complaint", messageId: taro.messageId });
    expect(await emailConsentOf(s.t, s.shopId, taro.customerId)).toEqual({ granted: 0, source: "complaint" });

    // A second, separate report about the same message (another copy from the provider) adds nothing.
    const copy = aolComplaint(taro, "fbl@mail.kizuna-sabo.jp").replace(
      "<ARF-1780279500-42@aol.net>",
      "<ARF-2@aol.net>",
    );
    const again = await postSigned(s.t, setup.rawMail.path, copy, "message/rfc822", setup.signature.secret);
    expect(again.json()).toMatchObject({ outcome: "unchanged" });
    expect(await eventsAfterSent(s.t, taro.messageId)).toEqual([["complaint", "abuse"]]);
  });

  it("ignores feedback reports that are not about abuse", async () => {
    const [taro] = await s.sendReminders([TARO]);
    await deliverMail(
      listener,
      { from: "", to: [BOUNCE_ADDRESS] },
      aolComplaint(taro, BOUNCE_ADDRESS, "not-spam"),
    );
    expect(await eventsAfterSent(s.t, taro.messageId)).toEqual([]);
    expect(await emailConsentOf(s.t, s.shopId, taro.customerId)).toMatchObject({ granted: 1 });
  });
});

describe("unsubscribing by mail (the List-Unsubscribe mailto)", () => {
  let s: SendingShop;
  let listener: InboundSmtpServer;

  beforeEach(async () => {
    s = await openSendingShop();
    listener = await startListener(s.t);
  });
  afterEach(async () => {
    await listener.close();
    await s.close();
  });

  it("withdraws consent when the member's mail client sends the mailto, and credits the message, once", async () => {
    const [taro] = await s.sendReminders([TARO]);
    expect(taro.unsubscribeMailto).toEqual({
      to: UNSUBSCRIBE_ADDRESS,
      subject: `unsubscribe ${taro.messageId}`,
    });

    await sendUnsubscribeMail(listener, TARO.email, taro.unsubscribeMailto);
    expect(await emailConsentOf(s.t, s.shopId, taro.customerId)).toEqual({
      granted: 0,
      source: "mailto-unsubscribe",
    });
    expect(await eventsAfterSent(s.t, taro.messageId)).toEqual([["unsubscribe", "mailto-unsubscribe"]]);
    // Unsubscribing is a withdrawal of consent, not a suppression.
    expect(await suppressionsOf(s.t, s.shopId)).toEqual([]);

    // Pressed again (a new mail): nothing more happens.
    await sendUnsubscribeMail(listener, TARO.email, taro.unsubscribeMailto);
    expect(await eventsAfterSent(s.t, taro.messageId)).toHaveLength(1);
    const log = await s.t.ctx.db
      .selectFrom("consent_log")
      .select(["granted", "source"])
      .where("customer_id", "=", taro.customerId)
      .orderBy("id")
      .execute();
    expect(log).toEqual([
      { granted: 1, source: expect.any(String) },
      { granted: 0, source: "mailto-unsubscribe" },
    ]);
  });

  it("takes a plain mail from the member to the unsubscribe address as a request about their latest mail", async () => {
    const [taro] = await s.sendReminders([TARO]);
    await sendUnsubscribeMail(listener, TARO.email, { to: UNSUBSCRIBE_ADDRESS, subject: "配信停止希望" });
    expect(await emailConsentOf(s.t, s.shopId, taro.customerId)).toMatchObject({ granted: 0 });
    expect(await eventsAfterSent(s.t, taro.messageId)).toEqual([["unsubscribe", "mailto-unsubscribe"]]);
  });

  it("does nothing when someone else names a member's message (ids are easy to guess)", async () => {
    const [taro] = await s.sendReminders([TARO]);
    await sendUnsubscribeMail(listener, "prankster@example.net", taro.unsubscribeMailto);
    await sendUnsubscribeMail(listener, "prankster@example.net", {
      to: UNSUBSCRIBE_ADDRESS,
      subject: "stop",
    });
    expect(await emailConsentOf(s.t, s.shopId, taro.customerId)).toMatchObject({ granted: 1 });
    expect(await eventsAfterSent(s.t, taro.messageId)).toEqual([]);
  });
});
