// LINE through the whole pipeline: a message in the outbox is checked (friend, consent), rendered with
// the member's name and tracked links — and, when its template uses the suggested products, a Flex
// carousel of them — and pushed to LINE's Messaging API (a local server holding requests to LINE's
// documented shapes).
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DeliveryWorker } from "../../../src/messaging/delivery/worker.js";
import { saveTemplate } from "../../../src/messaging/templates.js";
import { rebuildRecommendations } from "../../../src/recommend/index.js";
import { placeOrder, upsertCustomer } from "../../scenarios/support.js";
import { createTestApp, type TestApp } from "../../support/app.js";
import { FakeLineApi } from "./fake-line-api.js";
import { ACCESS_TOKEN, lineUserId, storeLineChannel } from "./support.js";

const NOW = "2026-06-01T03:00:00.000Z"; // noon in Tokyo: outside LINE's quiet hours
const PUBLIC_URL = "https://crm.kizuna-sabo.jp";

describe("LINE delivery", () => {
  let t: TestApp;
  let line: FakeLineApi;
  let delivery: DeliveryWorker;

  beforeEach(async () => {
    t = await createTestApp(NOW);
    line = await FakeLineApi.start(ACCESS_TOKEN);
    await storeLineChannel(t, { botBasicId: "@kizuna", apiBaseUrl: line.url });
    delivery = new DeliveryWorker({
      db: t.ctx.db,
      clock: t.clock,
      secret: t.ctx.secret,
      publicUrl: PUBLIC_URL,
    });
  });
  afterEach(async () => {
    await delivery.close();
    await line.close();
    await t.close();
  });

  const addProduct = async (product: { sku: string; name: string; stock: number; url?: string }) => {
    const res = await t.app.inject({
      method: "POST",
      url: "/v1/products",
      headers: t.secret,
      payload: { price: 1200, imageUrl: `https://cdn.kizuna-sabo.jp/${product.sku}.jpg`, ...product },
    });
    expect(res.statusCode, res.body).toBe(200);
  };
  const setShopProfile = async () => {
    const res = await t.app.inject({
      method: "PUT",
      url: "/v1/shop/profile",
      headers: t.secret,
      payload: {
        url: "https://kizuna-sabo.jp",
        address: "東京都渋谷区神宮前1-2-3",
        email: "info@kizuna-sabo.jp",
      },
    });
    expect(res.statusCode, res.body).toBe(200);
  };
  /** A promotional LINE message of the "weekly" template, queued and due at `at`. */
  const queueWeekly = async (customerId: number, idempotencyKey: string, at = NOW) => {
    await t.ctx.db
      .insertInto("messages")
      .values({
        shop_id: t.shop.shop.id,
        customer_id: customerId,
        channel: "line",
        template_key: "weekly",
        message_class: "promotional",
        status: "queued",
        status_reason: null,
        idempotency_key: idempotencyKey,
        payload: "{}",
        queued_at: at,
        updated_at: at,
        due_at: at,
      })
      .execute();
  };

  it("pushes the member's text with tracked links and a carousel of suggested products", async () => {
    // Given a shop whose best sellers have pictures, and a member who is a friend and agreed to LINE…
    for (const [sku, name] of [
      ["TEA-1", "煎茶 100g"],
      ["TEA-2", "ほうじ茶 200g"],
    ]) {
      await addProduct({ sku, name, stock: 5, url: `https://kizuna-sabo.jp/p/${sku}` });
    }
    await upsertCustomer(t, { externalId: "buyer", email: "buyer@example.jp" });
    await placeOrder(t, {
      externalId: "O-1",
      customerId: "buyer",
      orderedAt: "2026-05-20T03:00:00.000Z",
      total: 2400,
      items: [
        { sku: "TEA-1", quantity: 1, unitPrice: 1200 },
        { sku: "TEA-2", quantity: 1, unitPrice: 1200 },
      ],
    });
    await setShopProfile();
    const userId = lineUserId();
    const customerId = await upsertCustomer(
      t,
      { externalId: "aoi", lastName: "青井", lineUserId: userId },
      { line: true },
    );
    await saveTemplate(t.ctx.db, t.clock, t.shop.shop.id, {
      key: "weekly",
      channel: "line",
      locale: "ja",
      messageClass: "promotional",
      body: "{{ customer.lastName }}様、今週のおすすめ{{ recommendations.size }}点です。\n{{ shop.url }}\n配信停止 {{ unsubscribeUrl }}",
    });
    await queueWeekly(customerId, "campaign:1:aoi");

    // …when the worker delivers it…
    expect(await delivery.drain()).toBe(1);

    // …then LINE got one push to that member: the text, then a carousel of the two products.
    const [push] = line.accepted("push");
    expect(push.authorization).toBe(`Bearer ${ACCESS_TOKEN}`);
    expect(push.retryKey).toMatch(/^[0-9a-f-]{36}$/);
    const body = push.body as { to: string; messages: Array<Record<string, unknown>> };
    expect(body.to).toBe(userId);
    expect(body.messages[0]).toMatchObject({ type: "text" });
    const text = String(body.messages[0].text);
    expect(text).toMatch(
      /^青井様、今週のおすすめ2点です。\nhttps:\/\/crm\.kizuna-sabo\.jp\/t\/c\/\S+\n配信停止 https:\/\/crm\.kizuna-sabo\.jp\/u\/\S+$/,
    );
    expect(body.messages[1]).toMatchObject({ type: "flex", contents: { type: "carousel" } });
    const carousel = JSON.stringify(body.messages[1]);
    expect(carousel).toContain("煎茶 100g");
    expect(carousel).toContain("ほうじ茶 200g");
    expect(carousel).toContain("https://cdn.kizuna-sabo.jp/TEA-1.jpg");
    for (const uri of carousel.match(/"uri":"([^"]+)"/g) ?? []) expect(uri).toContain(`${PUBLIC_URL}/t/c/`);

    const [message] = await t.ctx.db
      .selectFrom("messages")
      .selectAll()
      .where("customer_id", "=", customerId)
      .execute();
    expect(message).toMatchObject({ status: "sent", address: userId });
    expect(message.provider_id).toBeTruthy();
  });

  it("carries the member's own recommendations once the shop has a model, in stock only", async () => {
    // Given tea drinkers who bought the two teas with a cup (now sold out), and a member who bought
    // only the first tea, nobody having bought any of them twice…
    for (const [sku, name, stock] of [
      ["TEA-1", "煎茶 100g", 5],
      ["TEA-2", "ほうじ茶 200g", 5],
      ["CUP-1", "湯呑み", 0],
      ["SNACK-1", "羊羹", 9],
    ] as const) {
      await addProduct({ sku, name, stock });
    }
    for (let i = 1; i <= 5; i++) {
      await placeOrder(t, {
        externalId: `O-${i}`,
        customerId: `B${i}`,
        orderedAt: "2026-05-10T03:00:00.000Z",
        items: ["TEA-1", "TEA-2", "CUP-1"].map((sku) => ({ sku, quantity: 1, unitPrice: 1200 })),
      });
      // Best sellers the member's taste says nothing about.
      await placeOrder(t, {
        externalId: `S-${i}`,
        customerId: `S${i}`,
        orderedAt: "2026-05-25T03:00:00.000Z",
        items: [{ sku: "SNACK-1", quantity: 1, unitPrice: 800 }],
      });
    }
    const userId = lineUserId();
    const customerId = await upsertCustomer(
      t,
      { externalId: "aoi", lastName: "青井", lineUserId: userId },
      { line: true },
    );
    await placeOrder(t, {
      externalId: "O-aoi",
      customerId: "aoi",
      orderedAt: "2026-05-20T03:00:00.000Z",
      items: [{ sku: "TEA-1", quantity: 1, unitPrice: 1200 }],
    });
    await setShopProfile();
    await rebuildRecommendations(t.ctx.db, t.shop.shop.id, { now: t.clock.now() });
    await saveTemplate(t.ctx.db, t.clock, t.shop.shop.id, {
      key: "weekly",
      channel: "line",
      locale: "ja",
      messageClass: "promotional",
      body: "{{ customer.lastName }}様、おすすめ{{ recommendations.size }}点: {% for p in recommendations limit: 4 %}{{ p.name }} {% endfor %}\n配信停止 {{ unsubscribeUrl }}",
    });
    await queueWeekly(customerId, "campaign:2:aoi");

    // …when the worker delivers a message whose template lists recommendations…
    expect(await delivery.drain()).toBe(1);

    // …then they are hers: the other tea first (bought with hers by every tea drinker), then the
    // best seller; not the cup (sold out) nor the tea she has, which nobody buys twice.
    const [push] = line.accepted("push");
    const body = push.body as { messages: Array<Record<string, unknown>> };
    expect(String(body.messages[0].text)).toMatch(/^青井様、おすすめ2点: ほうじ茶 200g 羊羹 \n/);
    const carousel = JSON.stringify(body.messages[1]);
    expect(carousel).toContain("ほうじ茶 200g");
    expect(carousel).not.toContain("湯呑み");
    expect(carousel).not.toContain("煎茶 100g");
  });

  it("holds a promotional message that falls due at night until quiet hours end", async () => {
    const userId = lineUserId();
    const customerId = await upsertCustomer(t, { externalId: "yui", lineUserId: userId }, { line: true });
    await saveTemplate(t.ctx.db, t.clock, t.shop.shop.id, {
      key: "weekly",
      channel: "line",
      locale: "ja",
      messageClass: "promotional",
      body: "今週のおすすめ 配信停止 {{ unsubscribeUrl }}",
    });
    // 22:30 in Tokyo: a retry, say, comes due in the shop's quiet hours (21:00–08:00 for LINE).
    t.clock.set("2026-06-01T13:30:00.000Z");
    await queueWeekly(customerId, "campaign:1:yui", "2026-06-01T13:30:00.000Z");
    await delivery.drain();
    expect(line.requests).toHaveLength(0);
    const held = await t.ctx.db.selectFrom("messages").selectAll().executeTakeFirstOrThrow();
    expect(held).toMatchObject({ status: "deferred", attempts: 0, due_at: "2026-06-01T23:00:00.000Z" });
    expect(held.status_reason).toMatch(/^quiet hours/);

    // At 08:00 it goes.
    t.clock.set("2026-06-01T23:00:00.000Z");
    await delivery.drain();
    expect(line.accepted("push")).toHaveLength(1);
  });

  it("sends nothing to a member who blocked the account, and says so", async () => {
    const userId = lineUserId();
    const customerId = await upsertCustomer(t, { externalId: "ken", lineUserId: userId }, { line: true });
    await t.ctx.db
      .insertInto("suppressions")
      .values({
        shop_id: t.shop.shop.id,
        channel: "line",
        address: userId,
        reason: "blocked",
        created_at: NOW,
      })
      .execute();
    await saveTemplate(t.ctx.db, t.clock, t.shop.shop.id, {
      key: "weekly",
      channel: "line",
      locale: "ja",
      messageClass: "promotional",
      body: "今週のおすすめ 配信停止 {{ unsubscribeUrl }}",
    });
    await queueWeekly(customerId, "campaign:1:ken");
    await delivery.drain();
    expect(line.requests).toHaveLength(0);
    const [message] = await t.ctx.db.selectFrom("messages").selectAll().execute();
    expect(message).toMatchObject({ status: "suppressed", status_reason: "no consent, or suppressed" });
  });
});
