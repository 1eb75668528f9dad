// The Templates page in a real browser: given a shop with a customer (山田 花子) and an email and an SMS
// template, a marketer opens the email template, writes the customer's name into the body, picks the
// customer and sees the preview render it in a sandboxed iframe, switches to the mobile width, and has a
// save with an unknown variable refused with the server's message next to the body; the SMS template
// counts 71 Japanese characters as two segments; an analyst only reads. Nothing overflows at 375 px.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { saveChannelSettings } from "../../src/messaging/channels/settings.js";
import { type SmtpSink, startSmtpSink } from "../support/smtp.js";
import {
  type AdminBrowser,
  browserTitle,
  hasChromium,
  sidewaysOverflow,
  startAdminBrowser,
} from "./support.js";

const EMAIL_BODY =
  "<mjml><mj-body><mj-section><mj-column><mj-text>いつもありがとうございます。</mj-text></mj-column></mj-section></mj-body></mjml>";
const NAMED_BODY =
  "<mjml><mj-body><mj-section><mj-column><mj-text>{{ customer.lastName }} {{ customer.firstName }}様、いつもありがとうございます。</mj-text></mj-column></mj-section></mj-body></mjml>";

describe.skipIf(!hasChromium)(browserTitle("the Templates page in a real browser"), () => {
  let admin: AdminBrowser;
  let page: Page;
  let sink: SmtpSink;

  const storedBody = async (key: string, channel: "email" | "sms") =>
    (
      await admin.t.testDb.db
        .selectFrom("templates")
        .select("body")
        .where("shop_id", "=", admin.t.shop.shop.id)
        .where("key", "=", key)
        .where("channel", "=", channel)
        .executeTakeFirstOrThrow()
    ).body;

  beforeAll(async () => {
    admin = await startAdminBrowser();
    page = admin.page;
    const { app } = admin.t;
    const headers = admin.t.secret;
    const customer = await app.inject({
      method: "POST",
      url: "/v1/customers",
      headers,
      payload: { externalId: "c-yamada", email: "hanako@example.jp", lastName: "山田", firstName: "花子" },
    });
    expect(customer.statusCode).toBeLessThan(300);
    const email = await app.inject({
      method: "PUT",
      url: "/v1/templates/welcome/email/ja",
      headers,
      payload: {
        messageClass: "transactional",
        subject: "ようこそ",
        preheader: "ご登録ありがとう",
        body: EMAIL_BODY,
      },
    });
    expect(email.statusCode).toBe(200);
    const sms = await app.inject({
      method: "PUT",
      url: "/v1/templates/reminder/sms/ja",
      headers,
      payload: { messageClass: "transactional", body: "お知らせ" },
    });
    expect(sms.statusCode).toBe(200);
    // Email goes to a real SMTP server, for the test send.
    sink = await startSmtpSink();
    await saveChannelSettings(
      admin.t.ctx.db,
      admin.t.clock,
      admin.t.ctx.secret,
      admin.t.shop.shop.id,
      "email",
      {
        provider: "smtp",
        settings: {
          host: "127.0.0.1",
          port: sink.port,
          fromAddress: "news@shop.example.jp",
          fromName: "きずな茶房",
        },
        secrets: {},
      },
    );
    // A LINE template that recommends products, and a best seller to recommend.
    const line = await app.inject({
      method: "PUT",
      url: "/v1/templates/news/line/ja",
      headers,
      payload: { messageClass: "transactional", body: "{{ customer.lastName }}様へのおすすめ" },
    });
    expect(line.statusCode, line.body).toBe(200);
    const product = await app.inject({
      method: "POST",
      url: "/v1/products",
      headers,
      payload: {
        sku: "TEA-1",
        name: "煎茶 100g",
        price: 1200,
        url: "https://shop.example.jp/p/tea-1",
        imageUrl: "https://shop.example.jp/i/tea-1.jpg",
      },
    });
    expect(product.statusCode, product.body).toBeLessThan(300);
    await app.inject({ method: "POST", url: "/v1/customers", headers, payload: { externalId: "c-other" } });
    const order = await app.inject({
      method: "POST",
      url: "/v1/orders",
      headers,
      payload: {
        externalId: "O-1",
        customerId: "c-other",
        orderedAt: new Date().toISOString(),
        items: [{ sku: "TEA-1", quantity: 1, unitPrice: 1200 }],
      },
    });
    expect(order.statusCode, order.body).toBe(200);
  });
  afterAll(async () => {
    await admin?.close();
    await sink?.close();
  });

  it("lists the shop's templates by key, channel and language", async () => {
    await admin.signIn("marketer");
    await page.getByRole("link", { name: "Templates" }).first().click();
    const rows = page.locator(".templates tbody tr");
    await expect.poll(() => rows.count()).toBe(3);
    expect(await rows.nth(0).innerText()).toMatch(/news\s+line\s+ja/);
    expect(await rows.nth(1).innerText()).toMatch(/reminder\s+sms\s+ja/);
    expect(await rows.nth(2).innerText()).toMatch(/welcome\s+email\s+ja/);
    await admin.shot("templates-list");
  });

  it("previews the draft for a chosen customer, at desktop and mobile width", async () => {
    await page.getByRole("link", { name: "welcome" }).click();
    const body = page.getByLabel("Body (MJML or HTML)");
    await expect.poll(() => body.inputValue()).toBe(EMAIL_BODY);
    await body.fill(NAMED_BODY);
    await page.getByLabel("Preview for customer (external id)").fill("c-yamada");

    const iframe = page.locator("iframe[title='Email preview']");
    await iframe.waitFor();
    expect(await iframe.getAttribute("sandbox")).toBe("");
    const frame = await (await iframe.elementHandle())!.contentFrame();
    await expect
      .poll(async () => (await frame!.locator("body").innerText()).includes("山田 花子様"))
      .toBe(true);
    expect(await iframe.evaluate((el) => el.getBoundingClientRect().width)).toBeGreaterThanOrEqual(600);
    // The preview is a draft: nothing was saved.
    expect(await storedBody("welcome", "email")).toBe(EMAIL_BODY);
    await admin.shot("templates-editor-desktop");

    await page.getByLabel("Mobile (375 px)").check();
    await expect.poll(() => iframe.evaluate((el) => Math.round(el.getBoundingClientRect().width))).toBe(375);
    await admin.shot("templates-preview-mobile");
  });

  it("refuses to save an unknown variable and shows why next to the body", async () => {
    const body = page.getByLabel("Body (MJML or HTML)");
    await body.fill(NAMED_BODY.replace("{{ customer.firstName }}", "{{ customer.shoeSize }}"));
    await page.getByRole("button", { name: "Save" }).click();
    const issues = page.locator("#issues-body");
    await expect.poll(() => issues.innerText().catch(() => "")).toMatch(/unknown variable.*shoeSize/);
    expect(await body.getAttribute("aria-describedby")).toBe("issues-body");
    expect(await storedBody("welcome", "email")).toBe(EMAIL_BODY);

    // Fixed, it saves.
    await body.fill(NAMED_BODY);
    await page.getByRole("button", { name: "Save" }).click();
    await expect
      .poll(() =>
        page
          .getByRole("status")
          .innerText()
          .catch(() => ""),
      )
      .toBe("Saved.");
    expect(await storedBody("welcome", "email")).toBe(NAMED_BODY);
    expect(await issues.count()).toBe(0);
  });

  it("sends a test of the draft to the marketer's own address, refusing a wrong one beside the field", async () => {
    await page.getByLabel("Preview for customer (external id)").fill("c-yamada");
    const to = page.getByLabel("Send to (email address)");
    await expect.poll(() => to.inputValue()).toBe("marketer@shop.example");
    await to.fill("not an address");
    await page.getByRole("button", { name: "Send a test" }).click();
    await expect
      .poll(() =>
        page
          .locator("#test-send-to-issues")
          .innerText()
          .catch(() => ""),
      )
      .toMatch(/email address/);
    expect(await to.getAttribute("aria-invalid")).toBe("true");
    expect(sink.received).toHaveLength(0);

    await to.fill("marketer@shop.example");
    await page.getByRole("button", { name: "Send a test" }).click();
    await expect
      .poll(() =>
        page
          .locator(".template-test-send [role=status]")
          .innerText()
          .catch(() => ""),
      )
      .toBe("Sent: marketer@shop.example");
    await sink.waitFor(1);
    const mail = await sink.received[0].parse();
    expect(sink.received[0].envelopeTo).toEqual(["marketer@shop.example"]);
    expect(mail.subject).toBe("[テスト] ようこそ");
    expect(mail.html).toContain("山田 花子様");
    await admin.shot("templates-test-send");
  });

  it("previews a LINE draft as the chat shows it: text, then product cards", async () => {
    await page.getByRole("link", { name: "All templates" }).click();
    await page.getByRole("link", { name: "news" }).click();
    const body = page.locator("textarea.template-body");
    await expect.poll(() => body.inputValue()).toBe("{{ customer.lastName }}様へのおすすめ");
    await body.fill("{{ customer.lastName }}様へのおすすめ{{ recommendations.size }}点");
    await page.getByLabel("Preview for customer (external id)").fill("c-yamada");
    await expect
      .poll(() =>
        page
          .getByTestId("preview-text")
          .innerText()
          .catch(() => ""),
      )
      .toBe("山田様へのおすすめ1点");
    const card = page.getByTestId("line-card");
    await expect.poll(() => card.count()).toBe(1);
    expect(await card.innerText()).toContain("煎茶 100g");
    expect(await card.locator("img").getAttribute("src")).toBe("https://shop.example.jp/i/tea-1.jpg");
    await admin.shot("templates-line");
  });

  it("counts an SMS of 71 Japanese characters as two segments", async () => {
    await page.getByRole("link", { name: "All templates" }).click();
    await page.getByRole("link", { name: "reminder" }).click();
    // The SMS body's label also holds its live count, so the field is found by its own class.
    const body = page.locator("textarea.template-body");
    await expect.poll(() => body.inputValue()).toBe("お知らせ");
    const count = page.getByTestId("sms-draft-count");
    expect(await count.innerText()).toMatch(/Characters 4 · Segments 1/);
    await body.fill("あ".repeat(71));
    await expect.poll(() => count.innerText()).toMatch(/Characters 71 · Segments 2 \(UCS2, 67/);
    await body.fill("あ".repeat(70));
    await expect.poll(() => count.innerText()).toMatch(/Characters 70 · Segments 1 \(UCS2, 70/);
    await body.fill(`{{ customer.lastName }}${"あ".repeat(69)}`);
    await page.getByLabel("Preview for customer (external id)").fill("c-yamada");
    await expect
      .poll(() =>
        page
          .getByTestId("preview-text")
          .innerText()
          .catch(() => ""),
      )
      .toBe(`山田${"あ".repeat(69)}`);
    expect(await page.getByTestId("sms-rendered-count").innerText()).toMatch(/Characters 71 · Segments 2/);
    await admin.shot("templates-sms");
  });

  it("fits a 375 px screen without scrolling sideways", async () => {
    await page.setViewportSize({ width: 375, height: 800 });
    await page.getByRole("link", { name: "All templates" }).click();
    await page.getByRole("link", { name: "welcome" }).click();
    await page.getByLabel("Preview for customer (external id)").fill("c-yamada");
    await page.locator("iframe[title='Email preview']").waitFor();
    expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
    await admin.shot("templates-editor-375");
    await page.getByRole("link", { name: "All templates" }).click();
    await page.locator(".templates tbody tr").first().waitFor();
    expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it("lets an analyst read a template but not change it, in Japanese", async () => {
    await admin.signIn("analyst", { language: "ja" });
    await page.getByRole("link", { name: "テンプレート" }).first().click();
    await page.getByRole("link", { name: "welcome" }).click();
    const body = page.getByLabel("本文（MJML または HTML）");
    await expect.poll(() => body.inputValue()).toBe(NAMED_BODY);
    expect(await body.getAttribute("readonly")).not.toBeNull();
    expect(await page.getByRole("button", { name: "保存" }).count()).toBe(0);
    expect(await page.getByText("閲覧のみの権限です。").count()).toBe(1);
    expect(await page.getByRole("heading", { name: "新しいテンプレート" }).count()).toBe(0);
    await admin.shot("templates-analyst-ja");
  });
});
