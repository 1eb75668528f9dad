// What a shop sets up before its first send, through the API: the email channel (credentials stored
// sealed and never shown again, a connection test against a real SMTP server), its sender identity, and
// templates that are refused at save time when they could not be sent — then DKIM-signed mail that a
// verifier accepts.
import { generateKeyPairSync } from "node:crypto";
import { dkimVerify } from "mailauth/lib/dkim/verify.js";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { DeliveryWorker } from "../../../src/messaging/delivery/worker.js";
import { upsertCustomer } from "../../scenarios/support.js";
import { createTestApp, type TestApp } from "../../support/app.js";
import { type SmtpSink, startSmtpSink } from "../../support/smtp.js";

const PROFILE = {
  url: "https://kizuna-sabo.jp",
  address: "〒150-0001 東京都渋谷区神宮前1-2-3",
  email: "info@kizuna-sabo.jp",
  phone: "03-1234-5678",
};

const PROMO_HTML = `<html><body><p>{{ customer.lastName | escape }}様、新茶のご案内です。</p>
<p><a href="{{ shop.url | escape }}/new">新茶を見る</a></p>
<footer>{{ shop.name | escape }} {{ shop.address | escape }} <a href="{{ unsubscribeUrl | escape }}">配信停止</a></footer>
</body></html>`;

describe("email channel settings, sender identity and templates", () => {
  let t: TestApp;
  let sink: SmtpSink;
  const api = (method: "GET" | "PUT" | "POST", url: string, payload?: unknown) =>
    t.app.inject({ method, url, headers: t.secret, payload: payload as object });

  beforeEach(async () => {
    t = await createTestApp("2026-06-01T03:00:00.000Z");
    sink = await startSmtpSink();
  });
  afterEach(async () => {
    await sink.close();
    await t.close();
  });
  afterAll(() => undefined);

  function smtpSettings(extra: Record<string, unknown> = {}) {
    return {
      host: "127.0.0.1",
      port: sink.port,
      fromAddress: "news@kizuna-sabo.jp",
      fromName: "きずな茶房",
      ...extra,
    };
  }

  it("stores credentials sealed, never returns them, and tests the connection", async () => {
    const saved = await api("PUT", "/v1/channels/email", {
      provider: "smtp",
      settings: smtpSettings(),
      secrets: { user: "kizuna", password: "s3cret-pa55word" },
    });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json()).toMatchObject({
      channel: "email",
      provider: "smtp",
      secretsSet: ["user", "password"],
      paused: null,
    });
    expect(saved.body).not.toContain("s3cret-pa55word");
    const listed = await api("GET", "/v1/channels");
    expect(listed.body).not.toContain("s3cret-pa55word");
    const row = await t.ctx.db.selectFrom("channel_settings").selectAll().executeTakeFirstOrThrow();
    expect(row.sealed_secrets).not.toContain("s3cret");
    expect(row.settings).not.toContain("s3cret");

    // A settings change without secrets keeps the stored ones.
    const changed = await api("PUT", "/v1/channels/email", {
      provider: "smtp",
      settings: smtpSettings({ maxConnections: 2 }),
    });
    expect(changed.json()).toMatchObject({
      secretsSet: ["user", "password"],
      settings: { maxConnections: 2 },
    });

    // The sink takes no AUTH, so the test reports the server's answer… and passes without credentials.
    const withAuth = await api("POST", "/v1/channels/email/test");
    expect(withAuth.json().ok).toBe(false);
    await api("PUT", "/v1/channels/email", { provider: "smtp", settings: smtpSettings(), secrets: {} });
    expect((await api("POST", "/v1/channels/email/test")).json()).toEqual({ ok: true });
    await sink.close();
    expect((await api("POST", "/v1/channels/email/test")).json()).toMatchObject({
      ok: false,
      error: expect.stringMatching(/ECONNREFUSED|connect/),
    });
  });

  it("refuses bad settings naming the field", async () => {
    const badPort = await api("PUT", "/v1/channels/email", {
      provider: "smtp",
      settings: smtpSettings({ port: 70000 }),
    });
    expect(badPort.statusCode).toBe(400);
    expect(badPort.json().error.issues).toEqual([expect.objectContaining({ field: "settings.port" })]);
    const badProvider = await api("PUT", "/v1/channels/email", { provider: "carrier-pigeon", settings: {} });
    expect(badProvider.statusCode).toBe(400);
    expect(badProvider.json().error.issues).toEqual([expect.objectContaining({ field: "provider" })]);
    expect(await t.ctx.db.selectFrom("channel_settings").selectAll().execute()).toEqual([]);
  });

  it("refuses, at save time, templates that could not be sent", async () => {
    const put = (body: string, extra: Record<string, unknown> = {}) =>
      api("PUT", "/v1/templates/new-tea/email/ja", {
        messageClass: "promotional",
        subject: "新茶",
        body,
        ...extra,
      });

    const unknown = await put(PROMO_HTML.replace("customer.lastName", "customer.nickname"));
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.issues).toEqual([
      { field: "body", message: "unknown variable: customer.nickname" },
    ]);

    const noOptOut = await put(PROMO_HTML.replace(/<a href="\{\{ unsubscribeUrl[^<]+<\/a>/, ""));
    expect(noOptOut.statusCode).toBe(400);
    expect(noOptOut.json().error.issues[0].message).toMatch(/opt-out link/);

    const noSender = await put(PROMO_HTML.replace("{{ shop.address | escape }}", ""));
    expect(noSender.statusCode).toBe(400);
    expect(noSender.json().error.issues[0].message).toMatch(/sender's identity/);

    const badLiquid = await put(
      PROMO_HTML.replace("{{ shop.name | escape }}", "{% if shop.name %}{{ shop.name }}"),
    );
    expect(badLiquid.statusCode).toBe(400);
    expect(badLiquid.json().error.issues[0].field).toBe("body");

    const badMjml = await put(
      `<mjml><mj-body><mj-section><mj-column><mj-text>{{ shop.name }} {{ shop.address }} <a href="{{ unsubscribeUrl }}">x</a></mj-text><mj-nope /></mj-column></mj-section></mj-body></mjml>`,
    );
    expect(badMjml.statusCode).toBe(400);
    expect(badMjml.json().error.issues[0].message).toMatch(/MJML/);

    const noSubject = await put(PROMO_HTML, { subject: "" });
    expect(noSubject.json().error.issues).toEqual([{ field: "subject", message: "required for email" }]);

    expect(await t.ctx.db.selectFrom("templates").selectAll().execute()).toEqual([]);
    const good = await put(PROMO_HTML);
    expect(good.statusCode, good.body).toBe(200);
    expect((await api("GET", "/v1/templates")).json().templates).toEqual([
      expect.objectContaining({
        key: "new-tea",
        channel: "email",
        locale: "ja",
        messageClass: "promotional",
      }),
    ]);
  });

  it("signs mail with DKIM so that a verifier passes it, and records the message's history", async () => {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const dnsKey = publicKey.export({ type: "spki", format: "der" }).toString("base64");
    expect((await api("PUT", "/v1/shop/profile", PROFILE)).statusCode).toBe(200);
    await api("PUT", "/v1/channels/email", {
      provider: "smtp",
      settings: smtpSettings({ dkim: { domainName: "kizuna-sabo.jp", keySelector: "kz2026" } }),
      secrets: { dkimPrivateKey: privateKey.export({ type: "pkcs8", format: "pem" }).toString() },
    });
    expect(
      (
        await api("PUT", "/v1/templates/new-tea/email/ja", {
          messageClass: "promotional",
          subject: "{{ shop.name }}の新茶",
          body: PROMO_HTML,
        })
      ).statusCode,
    ).toBe(200);
    const customerId = await upsertCustomer(
      t,
      { externalId: "aoi", email: "aoi@example.jp", lastName: "青井" },
      { email: true },
    );
    await t.ctx.db
      .insertInto("messages")
      .values({
        shop_id: t.shop.shop.id,
        customer_id: customerId,
        channel: "email",
        template_key: "new-tea",
        message_class: "promotional",
        status: "queued",
        status_reason: null,
        idempotency_key: "campaign:1:aoi",
        payload: "{}",
        queued_at: "2026-06-01T03:00:00.000Z",
        updated_at: "2026-06-01T03:00:00.000Z",
        due_at: "2026-06-01T03:00:00.000Z",
      })
      .execute();
    const delivery = new DeliveryWorker({
      db: t.ctx.db,
      clock: t.clock,
      secret: t.ctx.secret,
      publicUrl: "https://crm.kizuna-sabo.jp",
    });
    await delivery.drain();
    await delivery.close();
    await sink.waitFor(1);

    const result = await dkimVerify(sink.received[0].raw, {
      resolver: async (name: string, type: string) => {
        if (name === "kz2026._domainkey.kizuna-sabo.jp" && type === "TXT")
          return [[`v=DKIM1; k=rsa; p=${dnsKey}`]];
        throw Object.assign(new Error("not found"), { code: "ENOTFOUND" });
      },
    });
    expect(result.results).toHaveLength(1);
    expect(result.results[0].status.result).toBe("pass");
    expect(result.results[0].signingDomain).toBe("kizuna-sabo.jp");
    const parsed = await sink.received[0].parse();
    expect(parsed.subject).toBe("Test Shopの新茶");
    expect(String(parsed.html)).toContain("青井様");

    const history = await api("GET", "/v1/messages/1");
    expect(history.json()).toMatchObject({ status: "sent", attempts: 1, template: "new-tea" });
    expect(history.json().events.map((e: { type: string }) => e.type)).toEqual([
      "rendering",
      "sending",
      "sent",
    ]);
  });
});
