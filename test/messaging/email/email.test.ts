// Email from the outbox to a real SMTP server: a shop switches on cart abandonment, a member leaves a
// cart, and the reminder arrives as a real mail — personalised, with a text part, a preheader, tracked
// links, an open pixel and RFC 8058 one-click unsubscribe — and every state it went through is recorded.
// Then what goes wrong: a hard bounce, a server that says "try later", a server that keeps failing.
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { saveChannelSettings } from "../../../src/messaging/channels/settings.js";
import { DeliveryWorker } from "../../../src/messaging/delivery/worker.js";
import { saveShopProfile } from "../../../src/shops/profile.js";
import {
  closeFileDatabase,
  HOUR,
  MONDAY_10AM,
  openShop,
  putProduct,
  sendEvents,
  setClock,
  switchOn,
  type TestApp,
  upsertCustomer,
  workerAt,
} from "../../scenarios/library/support.js";
import { type SmtpSink, startSmtpSink } from "../../support/smtp.js";

afterAll(closeFileDatabase);

const PUBLIC_URL = "https://crm.kizuna-sabo.jp";

describe("email delivery over SMTP", () => {
  let t: TestApp;
  let sink: SmtpSink;
  let delivery: DeliveryWorker;

  beforeEach(async () => {
    t = await openShop(MONDAY_10AM);
    sink = await startSmtpSink();
    const shopId = t.shop.shop.id;
    await saveShopProfile(t.ctx.db, shopId, {
      url: "https://kizuna-sabo.jp",
      address: "〒150-0001 東京都渋谷区神宮前1-2-3",
      email: "info@kizuna-sabo.jp",
      phone: "03-1234-5678",
    });
    await saveChannelSettings(t.ctx.db, t.clock, t.ctx.secret, shopId, "email", {
      provider: "smtp",
      settings: {
        host: "127.0.0.1",
        port: sink.port,
        fromAddress: "news@kizuna-sabo.jp",
        fromName: "きずな茶房",
        bounceAddress: "bounces@mail.kizuna-sabo.jp",
        unsubscribeAddress: "unsubscribe@mail.kizuna-sabo.jp",
        maxConnections: 3,
      },
      secrets: {},
    });
    await switchOn(t, "cart-abandonment");
    await putProduct(t, {
      sku: "MATCHA-100",
      name: "宇治抹茶 <極> 100g",
      price: 2480,
      stock: 20,
      url: "https://kizuna-sabo.jp/p/matcha?ref=a&b=1",
      imageUrl: "https://cdn.kizuna-sabo.jp/matcha.jpg",
    });
    delivery = new DeliveryWorker({
      db: t.ctx.db,
      clock: t.clock,
      secret: t.ctx.secret,
      publicUrl: PUBLIC_URL,
    });
  });
  afterEach(async () => {
    await delivery.close();
    await sink.close();
    await t.close();
  });

  /** A member who leaves matcha in the cart at 10:01 and gets the 1-hour reminder queued at 11:01. */
  async function abandonCart(member: string, email: string): Promise<void> {
    await upsertCustomer(
      t,
      { externalId: member, email, lastName: "山田", firstName: "花子" },
      { email: true },
    );
    setClock(t, "2026-06-01 10:01");
    await sendEvents(t, [
      { type: "cart_add", customerId: member, sku: "MATCHA-100", properties: { quantity: 2 } },
    ]);
    await workerAt(t, "2026-06-01 10:01:10");
    await workerAt(t, "2026-06-01 11:01:10");
  }

  async function messageRows() {
    return t.ctx.db
      .selectFrom("messages")
      .selectAll()
      .where("shop_id", "=", t.shop.shop.id)
      .orderBy("id")
      .execute();
  }

  async function eventsOf(messageId: number) {
    const rows = await t.ctx.db
      .selectFrom("message_events")
      .select(["type", "reason"])
      .where("message_id", "=", messageId)
      .orderBy("id")
      .execute();
    return rows.map((r) => r.type);
  }

  it("delivers a personalised reminder with text part, tracked links, pixel and one-click unsubscribe", async () => {
    await abandonCart("hanako", "hanako@example.jp");
    expect(await delivery.drain()).toBe(1);
    await sink.waitFor(1);

    const mail = sink.received[0];
    const parsed = await mail.parse();
    const [message] = await messageRows();
    expect(message.status).toBe("sent");
    expect(message.address).toBe("hanako@example.jp");
    expect(await eventsOf(message.id)).toEqual(["rendering", "sending", "sent"]);

    // Addressed as the shop, to the member, with a Message-ID that names the outbox row.
    expect(parsed.from?.value[0]).toMatchObject({ address: "news@kizuna-sabo.jp", name: "きずな茶房" });
    expect(mail.envelopeTo).toEqual(["hanako@example.jp"]);
    expect(mail.envelopeFrom).toBe(`bounces+m${message.id}@mail.kizuna-sabo.jp`);
    expect(parsed.messageId).toBe(`<kizuna.${t.shop.shop.id}.${message.id}@kizuna-sabo.jp>`);
    expect(parsed.subject).toBe("【Test Shop】お買い物カゴに商品が残っています");

    // RFC 8058: an HTTPS one-click URL and a mailto, and the Post header.
    // Long headers are folded onto continuation lines: unfold them to read them.
    const raw = mail.raw.toString("utf8").replace(/\r\n[ \t]+/g, " ");
    expect(raw).toMatch(
      /^List-Unsubscribe: ?<https:\/\/crm\.kizuna-sabo\.jp\/u\/[^>]+>, ?\s*<mailto:unsubscribe@mail\.kizuna-sabo\.jp\?subject=/m,
    );
    expect(raw).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r?$/m);

    // The HTML: the member's name and cart (escaped), the shop's identity, and only tracked links.
    const html = String(parsed.html);
    expect(html).toContain("山田 花子 様");
    expect(html).toContain("宇治抹茶 &lt;極&gt; 100g");
    expect(html).toContain("〒150-0001 東京都渋谷区神宮前1-2-3");
    const hrefs = [...html.matchAll(/href="([^"]+)"/g)].map((m) => m[1].replace(/&amp;/g, "&"));
    const external = hrefs.filter((h) => h.startsWith("http"));
    expect(external.length).toBeGreaterThan(3);
    for (const h of external) expect(h).toMatch(/^https:\/\/crm\.kizuna-sabo\.jp\/(t\/c|u|p)\//);
    expect(html).toMatch(/<img src="https:\/\/crm\.kizuna-sabo\.jp\/t\/o\/[^"]+\.gif" width="1" height="1"/);
    // The preheader is the first thing the inbox shows.
    expect(html).toContain("カゴの中身はそのまま保存しています");

    // The text part says the same, in plain text, with the same tracked links.
    const text = String(parsed.text);
    expect(text).toContain("山田 花子 様");
    expect(text).toContain("宇治抹茶 <極> 100g");
    expect(text).not.toContain("{{");
    expect(text).toMatch(/<https:\/\/crm\.kizuna-sabo\.jp\/t\/c\/[^>]+>/);

    // Opening the mail loads the pixel; clicking a link redirects to where it pointed and is recorded.
    const pixel = html.match(/src="https:\/\/crm\.kizuna-sabo\.jp(\/t\/o\/[^"]+)"/)![1];
    const opened = await t.app.inject({ method: "GET", url: pixel });
    expect(opened.statusCode).toBe(200);
    expect(opened.headers["content-type"]).toBe("image/gif");
    // (A click token carries its target in clear, signed: read it to find the product's link.)
    const target = (link: string) =>
      JSON.parse(Buffer.from(link.split("/t/c/")[1].split(".")[0], "base64url").toString())[2];
    const productLink = hrefs.find((h) => h.includes("/t/c/") && target(h).includes("/p/matcha"))!;
    const click = await t.app.inject({ method: "GET", url: productLink.replace(PUBLIC_URL, "") });
    expect(click.statusCode).toBe(302);
    expect(click.headers.location).toBe("https://kizuna-sabo.jp/p/matcha?ref=a&b=1");
    const afterClick = (await messageRows())[0];
    expect(afterClick.opened_at).not.toBeNull();
    expect(afterClick.clicked_at).not.toBeNull();
    expect(await eventsOf(message.id)).toEqual(["rendering", "sending", "sent", "open", "click"]);

    // A tampered link is refused, never followed.
    const token = productLink.split("/t/c/")[1];
    const tampered = `${token.slice(0, -3)}${token.endsWith("A") ? "B" : "A"}${token.slice(-2)}`;
    const refused = await t.app.inject({ method: "GET", url: `/t/c/${tampered}` });
    expect(refused.statusCode).toBe(400);
    expect(refused.headers.location).toBeUndefined();

    // The mailbox provider's one-click POST unsubscribes at once.
    const oneClick = raw.match(/<https:\/\/crm\.kizuna-sabo\.jp(\/u\/[^>]+)>/)![1];
    const unsubscribed = await t.app.inject({
      method: "POST",
      url: oneClick,
      headers: { "content-type": "application/x-www-form-urlencoded" },
      payload: "List-Unsubscribe=One-Click",
    });
    expect(unsubscribed.statusCode).toBe(200);
    const consent = await t.ctx.db
      .selectFrom("consents")
      .select(["granted", "source"])
      .where("customer_id", "=", message.customer_id)
      .where("channel", "=", "email")
      .executeTakeFirstOrThrow();
    expect(consent).toEqual({ granted: 0, source: "one-click" });
  });

  it("turns a hard bounce into a suppression, and sends nothing more to that address", async () => {
    sink.refuseRecipients.set("gone@example.jp", [550, "5.1.1 <gone@example.jp>: user unknown"]);
    await abandonCart("gone", "gone@example.jp");
    await delivery.drain();
    const [bounced] = await messageRows();
    expect(bounced.status).toBe("bounced");
    expect(bounced.status_reason).toMatch(/^smtp 550: .*user unknown/);
    const suppression = await t.ctx.db
      .selectFrom("suppressions")
      .select(["channel", "address"])
      .where("shop_id", "=", t.shop.shop.id)
      .execute();
    expect(suppression).toEqual([{ channel: "email", address: "gone@example.jp" }]);

    // The next reminder for the same cart is not sent to the dead address.
    await workerAt(t, "2026-06-02 11:01:10");
    await delivery.drain();
    const [, next] = await messageRows();
    expect(next.status).toBe("suppressed");
    expect(sink.received).toHaveLength(0);
  });

  it("retries a temporary refusal later, with backoff, and delivers once the server takes it", async () => {
    await abandonCart("hanako", "hanako@example.jp");
    sink.failData = [451, "4.3.0 try again later"];
    await delivery.drain();
    const [deferred] = await messageRows();
    expect(deferred.status).toBe("deferred");
    expect(deferred.attempts).toBe(1);
    expect(Date.parse(deferred.due_at!)).toBeGreaterThan(t.clock.now().getTime() + 50_000);

    // Not due yet: nothing happens.
    expect(await delivery.drain()).toBe(0);
    sink.failData = null;
    t.clock.advance(HOUR);
    expect(await delivery.drain()).toBe(1);
    const [sent] = await messageRows();
    expect(sent.status).toBe("sent");
    expect(sent.attempts).toBe(2);
    expect(sink.received).toHaveLength(1);
    expect(await eventsOf(sent.id)).toEqual([
      "rendering",
      "sending",
      "deferred",
      "rendering",
      "sending",
      "sent",
    ]);
  });

  it("pauses the channel when most sends fail, says why, and sends the rest after it is resumed", async () => {
    for (let i = 0; i < 30; i++) {
      await upsertCustomer(t, { externalId: `m${i}`, email: `m${i}@example.jp` }, { email: true });
    }
    setClock(t, "2026-06-01 10:01");
    await sendEvents(
      t,
      Array.from({ length: 30 }, (_, i) => ({ type: "cart_add", customerId: `m${i}`, sku: "MATCHA-100" })),
    );
    await workerAt(t, "2026-06-01 10:01:10");
    await workerAt(t, "2026-06-01 11:01:10");
    sink.failData = [421, "4.7.0 too many connections from your host"];
    await delivery.drain();

    const settings = await t.ctx.db
      .selectFrom("channel_settings")
      .select(["paused_at", "paused_reason"])
      .where("shop_id", "=", t.shop.shop.id)
      .executeTakeFirstOrThrow();
    expect(settings.paused_at).not.toBeNull();
    expect(settings.paused_reason).toMatch(/^\d+% of \d+ sends failed; last: smtp 421/);
    const rows = await messageRows();
    const byStatus = (s: string) => rows.filter((r) => r.status === s).length;
    expect(byStatus("deferred")).toBeGreaterThanOrEqual(20);
    expect(byStatus("deferred") + byStatus("queued")).toBe(30);

    // Paused: even when due, nothing is claimed.
    t.clock.advance(2 * HOUR);
    expect(await delivery.drain()).toBe(0);
    const { resumeChannel } = await import("../../../src/messaging/channels/settings.js");
    sink.failData = null;
    await resumeChannel(t.ctx.db, t.clock, t.shop.shop.id, "email");
    await new Promise((r) => setTimeout(r, 5_100)); // the worker re-reads settings every 5 s
    await delivery.drain();
    expect((await messageRows()).every((r) => r.status === "sent")).toBe(true);
    expect(sink.received).toHaveLength(30);
  }, 30_000);
});
