// Given a customer with an email address and a phone number, when they open the preference centre,
// then they see only the channels the shop can reach them on, the shop's top-level categories and the
// frequency choices; when they save, every consent change is logged as "preference-centre" and their
// categories and frequency are kept. The undo button after unsubscribing turns the channel back on.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { getPreferences } from "../../../src/messaging/preferences/index.js";
import { createShop } from "../../../src/shops/index.js";
import { bearer, createTestApp, type TestApp } from "../../support/app.js";
import { countRows } from "../../support/db.js";
import {
  consentLog,
  consentOf,
  customer,
  get,
  inputsOf,
  page,
  postForm,
  preferencesUrl,
  product,
  unsubscribeUrl,
} from "./steps.js";

describe("the preference centre", () => {
  let t: TestApp;
  let shopId: number;
  let n = 0;

  /** A customer reachable by email and SMS (no LINE, no push, no postal address), opted in to email. */
  async function member() {
    n += 1;
    const customerId = await customer(t, {
      externalId: `P${n}`,
      email: `taro${n}@example.jp`,
      phone: `0901234${String(n).padStart(4, "0")}`,
      consents: { email: true },
    });
    return { customerId, ref: { shopId, customerId, channel: "email", messageId: 0 } };
  }

  beforeAll(async () => {
    t = await createTestApp();
    shopId = t.shop.shop.id;
    await product(t, "TONER", "スキンケア/化粧水");
    await product(t, "SERUM", "スキンケア/美容液");
    await product(t, "BASE", "メイクアップ/化粧下地");
    await product(t, "GIFT", null);
  });
  afterAll(async () => t.close());
  beforeEach(() => t.clock.advance(60_000));

  it("shows only the channels the customer can be reached on, with their current consent", async () => {
    const m = await member();
    const html = page(await get(t, preferencesUrl(t, m.ref)));
    expect(html).toContain("<h1>配信設定</h1>");
    const inputs = inputsOf(html);
    expect(inputs.filter((i) => i.name === "channel")).toEqual([
      { name: "channel", value: "email", checked: true },
      { name: "channel", value: "sms", checked: false },
    ]);
    expect(inputs.filter((i) => i.name === "category").map((i) => i.value)).toEqual([
      "スキンケア",
      "メイクアップ",
    ]);
    expect(inputs.filter((i) => i.name === "frequency")).toEqual([
      { name: "frequency", value: "all", checked: true },
      { name: "frequency", value: "weekly", checked: false },
      { name: "frequency", value: "monthly", checked: false },
    ]);
    // Every input has a label tied to it.
    for (const id of html.matchAll(/<input type="(?:checkbox|radio)" id="([^"]+)"/g))
      expect(html).toContain(`<label for="${id[1]}">`);
  });

  it("saves channels, categories and frequency, logging each consent change", async () => {
    const m = await member();
    const logBefore = await consentLog(t, shopId, m.customerId);
    const html = page(
      await postForm(t, preferencesUrl(t, m.ref), {
        action: "save",
        channel: "sms",
        category: ["メイクアップ"],
        frequency: "monthly",
      }),
    );
    expect(html).toContain("配信設定を保存しました。");

    expect(await consentOf(t, shopId, m.customerId, "email")).toEqual({
      granted: false,
      source: "preference-centre",
    });
    expect(await consentOf(t, shopId, m.customerId, "sms")).toEqual({
      granted: true,
      source: "preference-centre",
    });
    expect((await consentLog(t, shopId, m.customerId)).slice(logBefore.length)).toEqual([
      { channel: "email", granted: false, source: "preference-centre" },
      { channel: "sms", granted: true, source: "preference-centre" },
    ]);
    expect(await getPreferences(t.ctx.db, shopId, m.customerId)).toEqual({
      categories: ["メイクアップ"],
      frequency: "monthly",
      updatedAt: t.clock.now().toISOString(),
    });
    // The page shown again reflects what was saved.
    const inputs = inputsOf(html);
    expect(inputs.filter((i) => i.checked).map((i) => `${i.name}=${i.value}`)).toEqual([
      "channel=sms",
      "category=メイクアップ",
      "frequency=monthly",
    ]);

    // Saving the same choices again logs nothing new, and a second save updates the preferences row.
    const logged = await consentLog(t, shopId, m.customerId);
    t.clock.advance(60_000);
    page(
      await postForm(t, preferencesUrl(t, m.ref), { action: "save", channel: "sms", frequency: "weekly" }),
    );
    expect(await consentLog(t, shopId, m.customerId)).toEqual(logged);
    expect(await getPreferences(t.ctx.db, shopId, m.customerId)).toMatchObject({
      categories: [],
      frequency: "weekly",
    });
  });

  it("ignores channels the customer cannot be reached on and categories the shop does not have", async () => {
    const m = await member();
    page(
      await postForm(t, preferencesUrl(t, m.ref), {
        action: "save",
        channel: ["email", "line", "postal"],
        category: ["スキンケア", "存在しない"],
        frequency: "all",
      }),
    );
    expect(await consentOf(t, shopId, m.customerId, "line")).toBeNull();
    expect(await consentOf(t, shopId, m.customerId, "postal")).toBeNull();
    expect((await getPreferences(t.ctx.db, shopId, m.customerId)).categories).toEqual(["スキンケア"]);
  });

  it.each([
    [{ action: "save", channel: "email" }, "frequency"],
    [{ action: "save", channel: "fax", frequency: "all" }, "channel"],
    [{ action: "save", frequency: "daily" }, "frequency"],
    [{ action: "delete" }, "action"],
    [{}, "action"],
    [{ action: "resubscribe" }, "channel"],
  ])("answers %j with a 400 page naming %s, saving nothing", async (fields, field) => {
    const m = await member();
    const before = await countRows(t.ctx.db, "consent_log");
    const html = page(await postForm(t, preferencesUrl(t, m.ref), fields), 400);
    expect(html).toContain('role="alert"');
    expect(html).toMatch(new RegExp(`data-field="${field}(\\[\\d+\\])?"`));
    expect(await countRows(t.ctx.db, "consent_log")).toBe(before);
    expect((await getPreferences(t.ctx.db, shopId, m.customerId)).updatedAt).toBeNull();
  });

  it("resubscribes from the undo button on the unsubscribed page", async () => {
    const m = await member();
    const unsubscribed = page(await postForm(t, unsubscribeUrl(t, m.ref)));
    const action = /<form method="post" action="\.\.(\/p\/[^"]+)">/.exec(unsubscribed)?.[1];
    expect(action).toBeDefined();
    expect(await consentOf(t, shopId, m.customerId, "email")).toMatchObject({ granted: false });

    t.clock.advance(60_000);
    const html = page(
      await postForm(t, action!.replace(/&amp;/g, "&"), { action: "resubscribe", channel: "email" }),
    );
    expect(html).toContain("配信を再開しました。");
    expect(await consentOf(t, shopId, m.customerId, "email")).toEqual({
      granted: true,
      source: "preference-centre",
    });
    expect((await consentLog(t, shopId, m.customerId)).slice(-2)).toEqual([
      { channel: "email", granted: false, source: "unsubscribe-link" },
      { channel: "email", granted: true, source: "preference-centre" },
    ]);
    // SMS was not touched by the undo.
    expect(await consentOf(t, shopId, m.customerId, "sms")).toBeNull();
  });

  it("offers push when the customer has a live subscription, and postal with a full address", async () => {
    const customerId = await customer(t, {
      externalId: "PUSH1",
      postalCode: "150-0001",
      address: "渋谷区神宮前1-2-3",
      prefecture: "東京都",
    });
    await t.ctx.db
      .insertInto("push_subscriptions")
      .values({
        shop_id: shopId,
        customer_id: customerId,
        visitor_id: null,
        endpoint: "https://push.example/abc",
        p256dh: "k",
        auth: "a",
        created_at: t.clock.now().toISOString(),
        revoked_at: null,
      })
      .execute();
    const html = page(await get(t, preferencesUrl(t, { shopId, customerId, channel: "push", messageId: 0 })));
    expect(
      inputsOf(html)
        .filter((i) => i.name === "channel")
        .map((i) => i.value),
    ).toEqual(["push", "postal"]);
  });

  it("speaks English with ?lang=en and keeps the language in the form's address", async () => {
    const m = await member();
    const html = page(await get(t, preferencesUrl(t, m.ref, "?lang=en")));
    expect(html).toContain('<html lang="en">');
    expect(html).toContain("<h1>Your preferences</h1>");
    expect(html).toMatch(/<form method="post" action="\.\.\/p\/[\w.-]+\?lang=en">/);
    const saved = page(
      await postForm(t, preferencesUrl(t, m.ref, "?lang=en"), {
        action: "save",
        channel: "email",
        frequency: "all",
      }),
    );
    expect(saved).toContain("Your preferences have been saved.");
  });

  it("refuses a tampered link and another shop's customer, writing nothing", async () => {
    const other = await createShop(t.ctx.db, t.clock, { name: "Other Shop" });
    const theirs = await customer(
      t,
      { externalId: "B1", email: "b@example.jp", consents: { email: true } },
      bearer(other.secretKey),
    );
    const before = await countRows(t.ctx.db, "consent_log");
    const preferencesBefore = await countRows(t.ctx.db, "customer_preferences");
    const crossShop = preferencesUrl(t, { shopId, customerId: theirs, channel: "email", messageId: 0 });
    page(await get(t, crossShop), 404);
    page(await postForm(t, crossShop, { action: "save", frequency: "monthly" }), 404);
    const m = await member();
    const tampered = preferencesUrl(t, m.ref).replace(/.$/, (c) => (c === "A" ? "B" : "A"));
    page(await get(t, tampered), 400);
    page(await postForm(t, tampered, { action: "save", frequency: "monthly" }), 400);
    expect(await countRows(t.ctx.db, "consent_log")).toBe(before + 1); // the new member's own opt-in
    expect(await countRows(t.ctx.db, "customer_preferences")).toBe(preferencesBefore);
    expect(await consentOf(t, other.shop.id, theirs, "email")).toMatchObject({ granted: true });
    expect((await getPreferences(t.ctx.db, other.shop.id, theirs)).updatedAt).toBeNull();
  });

  it("escapes the shop's name and its category names", async () => {
    await product(t, "XSS", `<img src=x onerror="alert(1)">/sub`);
    await t.ctx.db
      .updateTable("shops")
      .set({ name: "<script>x</script>" })
      .where("id", "=", shopId)
      .execute();
    try {
      const m = await member();
      const html = page(await get(t, preferencesUrl(t, m.ref)));
      expect(html).not.toContain("<script>");
      expect(html).not.toContain("<img");
      expect(html).toContain("&lt;script&gt;x&lt;/script&gt;");
      expect(html).toContain('value="&lt;img src=x onerror=&quot;alert(1)&quot;&gt;"');
    } finally {
      await t.ctx.db.updateTable("shops").set({ name: "Test Shop" }).where("id", "=", shopId).execute();
      await t.ctx.db.deleteFrom("products").where("shop_id", "=", shopId).where("sku", "=", "XSS").execute();
    }
  });
});
