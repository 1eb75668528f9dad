// Keeping a shop's mail out of spam folders: the sunset policy stops promotional mail to addresses that
// have not opened or clicked in 180 days, after asking once; and the guard pauses email when a day's
// bounce or complaint rate passes the shop's threshold, saying why.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Clock, toIso } from "../../../src/core/clock.js";
import type { Db } from "../../../src/db/index.js";
import { saveChannelSettings } from "../../../src/messaging/channels/settings.js";
import { guardDeliverability, sendRates } from "../../../src/messaging/deliverability.js";
import { DeliveryWorker } from "../../../src/messaging/delivery/worker.js";
import { saveTemplate } from "../../../src/messaging/templates.js";
import { saveShopProfile } from "../../../src/shops/profile.js";
import { upsertCustomer } from "../../scenarios/support.js";
import { createTestApp, type TestApp } from "../../support/app.js";
import { type SmtpSink, startSmtpSink } from "../../support/smtp.js";

const DAY = 86_400_000;
const NOW = "2026-06-01T03:00:00.000Z";
const PROMO_HTML = `<html><body><p>{{ customer.lastName | escape }}様</p>
<footer>{{ shop.name | escape }} {{ shop.address | escape }} <a href="{{ unsubscribeUrl | escape }}">配信停止</a></footer></body></html>`;

let counter = 0;
async function message(
  db: Db,
  shopId: number,
  customerId: number,
  fields: {
    sentAt?: string;
    openedAt?: string;
    template?: string;
    status?: string;
    campaignId?: number;
  } = {},
): Promise<number> {
  const at = fields.sentAt ?? NOW;
  const row = await db
    .insertInto("messages")
    .values({
      shop_id: shopId,
      customer_id: customerId,
      channel: "email",
      template_key: fields.template ?? "news",
      message_class: "promotional",
      status: (fields.status ?? (fields.sentAt ? "sent" : "queued")) as "sent",
      status_reason: null,
      idempotency_key: `t:${counter++}`,
      campaign_id: fields.campaignId ?? null,
      payload: "{}",
      queued_at: at,
      updated_at: at,
      sent_at: fields.sentAt ?? null,
      opened_at: fields.openedAt ?? null,
      due_at: fields.sentAt ? null : NOW,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

describe("deliverability", () => {
  let t: TestApp;
  let sink: SmtpSink;
  let delivery: DeliveryWorker;
  const ago = (days: number) => toIso(Date.parse(NOW) - days * DAY);

  beforeEach(async () => {
    t = await createTestApp(NOW);
    sink = await startSmtpSink();
    const shopId = t.shop.shop.id;
    await saveShopProfile(t.ctx.db, shopId, {
      url: "https://kizuna-sabo.jp",
      address: "〒150-0001 東京都渋谷区神宮前1-2-3",
      email: "info@kizuna-sabo.jp",
    });
    await saveChannelSettings(t.ctx.db, t.clock as Clock, t.ctx.secret, shopId, "email", {
      provider: "smtp",
      settings: {
        host: "127.0.0.1",
        port: sink.port,
        fromAddress: "news@kizuna-sabo.jp",
        fromName: "きずな茶房",
      },
      secrets: {},
    });
    await saveTemplate(t.ctx.db, t.clock, shopId, {
      key: "news",
      channel: "email",
      locale: "ja",
      messageClass: "promotional",
      subject: "お知らせ",
      body: PROMO_HTML,
    });
    delivery = new DeliveryWorker({
      db: t.ctx.db,
      clock: t.clock,
      secret: t.ctx.secret,
      publicUrl: "https://crm.example.jp",
    });
  });
  afterEach(async () => {
    await delivery.close();
    await sink.close();
    await t.close();
  });

  it("asks a long-silent subscriber once, then stops, and starts again when they open", async () => {
    const shopId = t.shop.shop.id;
    const silent = await upsertCustomer(
      t,
      { externalId: "silent", email: "silent@example.jp" },
      { email: true },
    );
    const reader = await upsertCustomer(
      t,
      { externalId: "reader", email: "reader@example.jp" },
      { email: true },
    );
    const newcomer = await upsertCustomer(t, { externalId: "new", email: "new@example.jp" }, { email: true });
    // Mailed since 200 days ago: one never opened, one opened 10 days ago; the newcomer joined 20 days ago.
    await message(t.ctx.db, shopId, silent, { sentAt: ago(200) });
    await message(t.ctx.db, shopId, reader, { sentAt: ago(200) });
    await message(t.ctx.db, shopId, reader, { sentAt: ago(12), openedAt: ago(10) });
    await message(t.ctx.db, shopId, newcomer, { sentAt: ago(20) });
    const news = await Promise.all([silent, reader, newcomer].map((c) => message(t.ctx.db, shopId, c)));

    await delivery.drain();
    const status = async (id: number) =>
      t.ctx.db
        .selectFrom("messages")
        .select(["status", "status_reason"])
        .where("id", "=", id)
        .executeTakeFirstOrThrow();
    expect(await status(news[0])).toEqual({
      status: "suppressed",
      status_reason: "sunset: no opens or clicks in 180 days; re-permission asked",
    });
    expect((await status(news[1])).status).toBe("sent");
    expect((await status(news[2])).status).toBe("sent");
    const asked = sink.received.find((m) => m.envelopeTo[0] === "silent@example.jp");
    expect(asked).toBeDefined();
    const parsed = await asked!.parse();
    expect(parsed.subject).toBe("【Test Shop】今後もメールをお届けしてよろしいですか？");

    // Asked and still silent: the next newsletter is not sent, and no second question either.
    const next = await message(t.ctx.db, shopId, silent);
    await delivery.drain();
    expect(await status(next)).toEqual({
      status: "suppressed",
      status_reason: "sunset: no opens or clicks in 180 days",
    });
    expect(sink.received.filter((m) => m.envelopeTo[0] === "silent@example.jp")).toHaveLength(1);

    // They open the question: they are a reader again.
    const pixel = String(parsed.html).match(/src="https:\/\/crm\.example\.jp(\/t\/o\/[^"]+)"/)![1];
    await t.app.inject({ method: "GET", url: pixel });
    const again = await message(t.ctx.db, shopId, silent);
    await delivery.drain();
    expect((await status(again)).status).toBe("sent");
  });

  it("keeps to the sunset period the shop set through the API, and sends to everyone once it is off", async () => {
    const shopId = t.shop.shop.id;
    const policy = (sunset: Record<string, unknown>) =>
      t.app.inject({ method: "PATCH", url: "/v1/shop/policies", headers: t.secret, payload: { sunset } });
    const silent = await upsertCustomer(
      t,
      { externalId: "silent", email: "silent@example.jp" },
      { email: true },
    );
    const older = await upsertCustomer(
      t,
      { externalId: "older", email: "older@example.jp" },
      { email: true },
    );
    await message(t.ctx.db, shopId, silent, { sentAt: ago(200) });
    await message(t.ctx.db, shopId, older, { sentAt: ago(400) });
    const status = async (id: number) =>
      (await t.ctx.db.selectFrom("messages").select("status").where("id", "=", id).executeTakeFirstOrThrow())
        .status;

    // A year: 200 silent days are within it, 400 are not.
    expect((await policy({ days: 365 })).statusCode).toBe(200);
    const [toSilent, toOlder] = [
      await message(t.ctx.db, shopId, silent),
      await message(t.ctx.db, shopId, older),
    ];
    await delivery.drain();
    expect(await status(toSilent)).toBe("sent");
    expect(await status(toOlder)).toBe("suppressed");

    // Off: nobody is held back, not even after 400 days.
    expect((await policy({ enabled: false })).statusCode).toBe(200);
    const again = await message(t.ctx.db, shopId, older);
    await delivery.drain();
    expect(await status(again)).toBe("sent");
  });

  it("reports rates per send and pauses email when the bounce rate passes the limit", async () => {
    const shopId = t.shop.shop.id;
    const ids: number[] = [];
    for (let i = 0; i < 250; i++) {
      const c = await t.ctx.db
        .insertInto("customers")
        .values({
          shop_id: shopId,
          external_id: `c${i}`,
          email: `c${i}@example.jp`,
          attributes: "{}",
          created_at: NOW,
          updated_at: NOW,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      ids.push(
        await message(t.ctx.db, shopId, c.id, { sentAt: toIso(Date.parse(NOW) - 3_600_000), campaignId: 7 }),
      );
    }
    const events = (type: string, slice: number[]) =>
      t.ctx.db
        .insertInto("message_events")
        .values(
          slice.map((id) => ({ shop_id: shopId, message_id: id, type, reason: null, detail: null, at: NOW })),
        )
        .execute();
    await events("bounced", ids.slice(0, 20));
    await events("unsubscribe", ids.slice(20, 22));

    const [rates] = await sendRates(t.ctx.db, shopId, { since: ago(1) });
    expect(rates).toMatchObject({
      send: "campaign:7",
      sent: 250,
      bounced: 20,
      unsubscribes: 2,
      bounceRate: 0.08,
      unsubscribeRate: 0.008,
    });

    // The channel was set up a month ago (the guard counts from the last change or resume).
    await t.ctx.db
      .updateTable("channel_settings")
      .set({ updated_at: ago(30) })
      .execute();
    expect(await guardDeliverability(t.ctx.db, t.clock)).toBe(1);
    const settings = await t.ctx.db
      .selectFrom("channel_settings")
      .select(["paused_at", "paused_reason"])
      .executeTakeFirstOrThrow();
    expect(settings.paused_reason).toMatch(/^bounce rate 8\.0% \(limit 5\.0%\) over 250 emails/);
    // Paused already: not paused again.
    expect(await guardDeliverability(t.ctx.db, t.clock)).toBe(0);
  });
});
