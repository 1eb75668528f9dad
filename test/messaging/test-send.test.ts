// Given a shop whose email goes to a real SMTP server, when the template editor sends a test of a
// draft, then the mail arrives at the marketer's address rendered for the chosen customer, marked as a
// test, with untracked links and the same headers a real send has; nothing is queued, saved or counted.
// A wrong address, a channel that is not set up, and another shop's customer are refused.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { saveChannelSettings } from "../../src/messaging/channels/settings.js";
import { createShop } from "../../src/shops/index.js";
import { bearer, createTestApp, type TestApp } from "../support/app.js";
import { countRows } from "../support/db.js";
import { type SmtpSink, startSmtpSink } from "../support/smtp.js";

const BODY =
  "<mjml><mj-body><mj-section><mj-column><mj-text>{{ customer.lastName }}様、新作のご案内です。" +
  '<a href="https://shop.example.jp/new">見る</a></mj-text></mj-column></mj-section></mj-body></mjml>';

describe("POST /v1/templates/test-send", () => {
  let t: TestApp;
  let sink: SmtpSink;
  const testSend = (payload: Record<string, unknown>, headers = t.secret) =>
    t.app.inject({ method: "POST", url: "/v1/templates/test-send", headers, payload });

  beforeAll(async () => {
    t = await createTestApp();
    sink = await startSmtpSink();
    await saveChannelSettings(t.ctx.db, t.clock, t.ctx.secret, t.shop.shop.id, "email", {
      provider: "smtp",
      settings: {
        host: "127.0.0.1",
        port: sink.port,
        fromAddress: "news@shop.example.jp",
        fromName: "きずな茶房",
      },
      secrets: {},
    });
    const res = await t.app.inject({
      method: "POST",
      url: "/v1/customers",
      headers: t.secret,
      payload: { externalId: "c-1", email: "hanako@example.jp", lastName: "山田", firstName: "花子" },
    });
    expect(res.statusCode).toBeLessThan(300);
  });
  afterAll(async () => {
    await t.close();
    await sink.close();
  });

  it("delivers the draft, rendered for the customer and marked as a test, to the given address", async () => {
    const before = await countRows(t.ctx.db, "messages");
    const res = await testSend({
      channel: "email",
      locale: "ja",
      messageClass: "promotional",
      subject: "{{ customer.lastName }}様へ新作のお知らせ",
      body: BODY,
      customer: "c-1",
      to: "planner@shop.example.jp",
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ status: "sent", subject: "[テスト] 山田様へ新作のお知らせ" });
    await sink.waitFor(1);
    const mail = sink.received[0];
    expect(mail.envelopeTo).toEqual(["planner@shop.example.jp"]);
    const parsed = await mail.parse();
    expect(parsed.subject).toBe("[テスト] 山田様へ新作のお知らせ");
    expect(parsed.from?.text).toContain("news@shop.example.jp");
    expect(parsed.html).toContain("山田様、新作のご案内です。");
    expect(parsed.html).toContain('href="https://shop.example.jp/new"');
    expect(parsed.text).toContain("山田様");
    expect(mail.messageId).toMatch(/^<kizuna\.test\.[0-9a-f-]+@shop\.example\.jp>$/);
    // Promotional mail carries its one-click unsubscribe headers, as a real send does (RFC 8058).
    const raw = mail.raw.toString("utf8");
    expect(raw).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r?$/m);
    expect(raw).toMatch(/^List-Unsubscribe: <[^>]*\/u\/preview>/m);
    // Not a message to a customer: nothing queued, nothing to count.
    expect(await countRows(t.ctx.db, "messages")).toBe(before);
    expect(await countRows(t.ctx.db, "templates")).toBe(0);
  });

  it("refuses a wrong address, a channel that is not set up, and another shop's customer", async () => {
    const draft = { channel: "email", body: BODY, customer: "c-1" };
    const bad = await testSend({ ...draft, to: "not an address" });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.issues[0].field).toBe("to");
    const sms = await testSend({ channel: "sms", body: "テスト", customer: "c-1", to: "+819012345678" });
    expect(sms.statusCode).toBe(409);
    expect(sms.json().error.message).toContain("sms is not set up");
    const push = await testSend({ channel: "push", body: "テスト", customer: "c-1", to: "x" });
    expect(push.statusCode).toBe(400);
    expect(push.json().error.issues[0].field).toBe("channel");
    const other = await createShop(t.ctx.db, t.clock, { name: "Other" });
    const foreign = await testSend({ ...draft, to: "b@example.com" }, bearer(other.secretKey));
    expect(foreign.statusCode).toBe(404);
    expect(sink.received).toHaveLength(1);
  });
});
