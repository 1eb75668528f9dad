// The Customers page in a real browser: given a shop with 佐藤 美咲 (kana サトウ ミサキ) who has two
// orders, storefront events, a coupon, points, a segment and two emails — one opened and clicked, one
// not opened — and another customer, a marketer finds her by typing her kana in hiragana, by her email
// and by her phone number, opens her profile and reads her history newest first with the amounts in
// yen, the times in Tokyo time and the opened / clicked badges, her consent per channel (read only),
// her segment, points and coupon. An owner changes a consent, and the change is stored. Nothing
// scrolls sideways at 375 px.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type AdminBrowser,
  browserTitle,
  hasChromium,
  sidewaysOverflow,
  startAdminBrowser,
} from "./support.js";

const DAY = 24 * 60 * 60 * 1000;

/** A time some days ago at 03:00 UTC, which is 12:00 in Tokyo. */
function daysAgoAt(days: number, utcHour = 3, minute = 0): string {
  const d = new Date(Date.now() - days * DAY);
  d.setUTCHours(utcHour, minute, 0, 0);
  return d.toISOString();
}

describe.skipIf(!hasChromium)(browserTitle("the Customers page in a real browser"), () => {
  let admin: AdminBrowser;
  let page: Page;
  let satoId: number;

  const post = async (url: string, payload: unknown, method: "POST" | "PUT" = "POST") => {
    const res = await admin.t.app.inject({
      method,
      url,
      headers: admin.t.secret,
      payload: payload as object,
    });
    expect(res.statusCode, res.body).toBeLessThan(300);
    return res.json();
  };

  const search = async (text: string) => {
    const box = page.getByLabel("Find a customer");
    await box.fill(text);
    await box.press("Enter");
    // The answer names the query it answers: an earlier search's rows are never mistaken for it.
    const answer = page.locator(".customers-answer");
    await expect.poll(() => answer.getAttribute("data-query").catch(() => null)).toBe(text);
    return answer.locator(".customers-results tbody tr");
  };

  const insertMessage = (key: string, times: { sent: string; opened?: string; clicked?: string }) =>
    admin.t.testDb.db
      .insertInto("messages")
      .values({
        shop_id: admin.t.shop.shop.id,
        customer_id: satoId,
        channel: "email",
        template_key: key,
        message_class: "promotional",
        status: "sent",
        idempotency_key: `${key}-sato`,
        payload: "{}",
        queued_at: times.sent,
        sent_at: times.sent,
        opened_at: times.opened ?? null,
        clicked_at: times.clicked ?? null,
        updated_at: times.sent,
      })
      .execute();

  beforeAll(async () => {
    admin = await startAdminBrowser();
    page = admin.page;
    const sato = await post("/v1/customers", {
      externalId: "c-sato",
      lastName: "佐藤",
      firstName: "美咲",
      lastNameKana: "サトウ",
      firstNameKana: "ミサキ",
      email: "misaki.sato@example.jp",
      phone: "090-1234-5678",
      consents: { line: true, sms: false },
    });
    satoId = sato.customer.id;
    await post("/v1/customers", {
      externalId: "c-suzuki",
      lastName: "鈴木",
      firstName: "一郎",
      lastNameKana: "スズキ",
      firstNameKana: "イチロウ",
      email: "ichiro@example.jp",
      phone: "080-9999-0000",
    });
    await post("/v1/orders/batch", {
      orders: [
        {
          externalId: "O-1001",
          customerId: "c-sato",
          orderedAt: daysAgoAt(20),
          items: [{ sku: "TEA-1", name: "煎茶", quantity: 1, unitPrice: 3300 }],
        },
        {
          externalId: "O-1002",
          customerId: "c-sato",
          orderedAt: daysAgoAt(5),
          couponCode: "WELCOME500",
          items: [{ sku: "TEA-2", name: "玉露", quantity: 2, unitPrice: 6400 }],
        },
        {
          externalId: "O-2001",
          customerId: "c-suzuki",
          orderedAt: daysAgoAt(3),
          items: [{ sku: "TEA-1", quantity: 1, unitPrice: 3300 }],
        },
      ],
    });
    await post("/v1/events", {
      events: [
        { type: "product_view", customerId: "c-sato", sku: "TEA-2", occurredAt: daysAgoAt(6) },
        { type: "cart_add", customerId: "c-sato", sku: "TEA-2", occurredAt: daysAgoAt(5, 2) },
      ],
    });
    await insertMessage("spring-sale", {
      sent: daysAgoAt(10, 1),
      opened: daysAgoAt(10, 2),
      clicked: daysAgoAt(10, 2, 5),
    });
    await insertMessage("thanks", { sent: daysAgoAt(4) });
    await admin.t.testDb.db
      .insertInto("coupons")
      .values({
        shop_id: admin.t.shop.shop.id,
        code: "NEXT300",
        customer_id: satoId,
        kind: "amount",
        value: 300,
        currency: "JPY",
        min_order: 3000,
        expires_at: new Date(Date.now() + 30 * DAY).toISOString(),
        redeemed_at: null,
        redeemed_order_external_id: null,
        created_at: daysAgoAt(5),
      })
      .execute();
    await post("/v1/customers/c-sato/points", {
      kind: "earn",
      points: 1200,
      expiresAt: new Date(Date.now() + 60 * DAY).toISOString(),
    });
    await post(
      "/v1/segments/recent-buyers",
      { name: "Recent buyers", rule: { type: "orders", withinDays: 90, min: 2 } },
      "PUT",
    );
  });
  afterAll(() => admin?.close());

  it("finds a customer by kana typed in hiragana, by email and by phone", async () => {
    await admin.signIn("marketer");
    await page.getByRole("link", { name: "Customers" }).first().click();

    let rows = await search("さとう");
    await expect.poll(() => rows.count()).toBe(1);
    const row = rows.first();
    expect(await row.innerText()).toMatch(/佐藤 美咲\s+サトウ ミサキ\s+misaki\.sato@example\.jp/);
    // The last order: O-1002, 2 × ¥6,400, at noon Tokyo time.
    await expect.poll(() => row.locator("td").nth(3).innerText()).toMatch(/12:00 · ¥12,800$/);
    await admin.shot("customers-search");

    rows = await search("MISAKI.SATO@example.jp");
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().innerText()).toContain("佐藤 美咲");

    rows = await search("090 1234 5678");
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().innerText()).toContain("佐藤 美咲");

    await search("すずき");
    expect(await page.locator(".customers-results tbody tr").innerText()).toContain("鈴木 一郎");

    await search("たなか");
    expect(await page.getByRole("status").innerText()).toBe("No customer matches.");
  });

  it("shows the profile: contacts, consents, points, coupon, segment and the timeline in order", async () => {
    await search("c-sato");
    await page.getByRole("link", { name: "佐藤 美咲" }).click();
    await expect.poll(() => page.getByRole("heading", { level: 1 }).innerText()).toBe("佐藤 美咲");
    expect(page.url()).toMatch(/\/customers\/c-sato$/);
    expect(await page.locator(".customers-kana").innerText()).toBe("サトウ ミサキ");
    const contacts = await page.locator(".customers-contacts").innerText();
    expect(contacts).toContain("misaki.sato@example.jp");
    expect(contacts).toContain("c-sato");
    expect(contacts).toContain("090-1234-5678");

    // Consents: as stated through the API; a marketer only reads them.
    const consent = (channel: string) => page.locator(`.customers-consents li[data-channel="${channel}"]`);
    await expect.poll(() => consent("line").innerText()).toMatch(/LINE\s+Opted in/);
    expect(await consent("sms").innerText()).toMatch(/SMS\s+Opted out/);
    expect(await consent("email").innerText()).toMatch(/Email\s+Not asked/);
    expect(await page.locator(".customers-consents input[type=checkbox]").count()).toBe(0);

    await expect.poll(() => page.locator(".customers-points").innerText()).toBe("1,200 pt");
    await expect
      .poll(() =>
        page
          .locator(".customers-segments")
          .innerText()
          .catch(() => ""),
      )
      .toContain("Recent buyers");
    const coupons = page.locator("section[aria-labelledby='customers-coupons-title']");
    await expect
      .poll(() => coupons.innerText())
      .toMatch(/NEXT300 ¥300 off\s+Not used\s+on orders from ¥3,000 · Expires/);

    const entries = page.locator(".customers-timeline-list > li");
    await expect.poll(() => entries.count()).toBe(6);
    const kinds = await entries.evaluateAll((els) => els.map((el) => (el as HTMLElement).dataset.kind));
    expect(kinds).toEqual(["message", "order", "event", "event", "message", "order"]);
    const texts = await entries.allInnerTexts();
    expect(texts[0]).toMatch(/thanks/);
    expect(texts[0]).toContain("Not opened");
    expect(texts[1]).toMatch(/12:00\s+Order\s+¥12,800\s+O-1002\s+Completed\s+Online · Coupon WELCOME500/);
    expect(texts[2]).toMatch(/Added to cart\s*TEA-2/);
    expect(texts[3]).toMatch(/Viewed a product\s*TEA-2/);
    expect(texts[4]).toMatch(/spring-sale/);
    // Sent at 01:00 UTC (10:00 in Tokyo), opened at 11:00, clicked at 11:05.
    expect(await entries.nth(4).locator(".customers-badge-opened").innerText()).toMatch(/^Opened .*11:00$/);
    expect(await entries.nth(4).locator(".customers-badge-clicked").innerText()).toMatch(/^Clicked .*11:05$/);
    expect(await entries.nth(0).locator(".customers-badge").count()).toBe(0);
    expect(texts[5]).toMatch(/12:00\s+Order\s+¥3,300\s+O-1001/);
    await admin.shot("customers-profile");

    // Narrowed to messages, only the two emails remain.
    await page.getByLabel("Show").selectOption("message");
    await expect.poll(() => entries.count()).toBe(2);
    await page.getByLabel("Show").selectOption("all");
    await expect.poll(() => entries.count()).toBe(6);
  });

  it("lets an owner record a consent change, which the server stores", async () => {
    await admin.signIn("owner");
    await page.goto(`${admin.base}/customers/c-sato`);
    const line = page.getByLabel("LINE: Opted in (receives messages)");
    await expect.poll(() => line.isChecked()).toBe(true);
    await line.uncheck();
    await expect
      .poll(() => page.locator('.customers-consents li[data-channel="line"]').innerText())
      .toMatch(/Opted out\s+Recorded by: admin/);
    const stored = () =>
      admin.t.testDb.db
        .selectFrom("consents")
        .select(["granted", "source"])
        .where("customer_id", "=", satoId)
        .where("channel", "=", "line")
        .executeTakeFirstOrThrow();
    await expect.poll(stored).toEqual({ granted: 0, source: "admin" });
    // The page shows what the server answered, and a reload reads the same.
    await expect.poll(() => line.isDisabled()).toBe(false);
    await page.reload();
    await expect.poll(() => line.isChecked()).toBe(false);
  });

  it("fits a 375 px wide screen", async () => {
    await page.setViewportSize({ width: 375, height: 800 });
    await page.goto(`${admin.base}/customers/c-sato`);
    await expect.poll(() => page.locator(".customers-timeline-list > li").count()).toBe(6);
    expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
    await admin.shot("customers-mobile");
    await page.goto(`${admin.base}/customers?q=${encodeURIComponent("さとう")}`);
    await expect.poll(() => page.locator(".customers-results tbody tr").count()).toBe(1);
    expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
    await admin.shot("customers-search-mobile");
  });

  it("reads in Japanese, with yen and Tokyo times", async () => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await admin.signIn("marketer", { language: "ja" });
    await page.goto(`${admin.base}/customers/c-sato`);
    const entries = page.locator(".customers-timeline-list > li");
    await expect.poll(() => entries.count()).toBe(6);
    const order = await entries.nth(1).innerText();
    expect(order).toMatch(/12:00\s+注文\s+￥12,800\s+O-1002\s+完了/);
    expect(await entries.nth(4).locator(".customers-badge-opened").innerText()).toMatch(/^開封 .*11:00$/);
    expect(await page.locator('.customers-consents li[data-channel="line"]').innerText()).toMatch(
      /LINE\s+同意なし/,
    );
    expect(await page.locator("section[aria-labelledby='customers-coupons-title']").innerText()).toContain(
      "￥3,000以上のご注文で",
    );
    await admin.shot("customers-profile-ja");
  });
});
