// Given a shop with a customer, when the template editor asks for a preview of a draft, then the draft is
// rendered for that customer as the delivery worker would, nothing is saved or queued, links are not
// tracked, an SMS carries its segment count, and a bad draft or another shop's customer is refused.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createShop } from "../../src/shops/index.js";
import { bearer, createTestApp, type TestApp } from "../support/app.js";

describe("POST /v1/templates/preview", () => {
  let t: TestApp;
  const preview = (payload: Record<string, unknown>, headers = t.secret) =>
    t.app.inject({ method: "POST", url: "/v1/templates/preview", headers, payload });

  beforeAll(async () => {
    t = await createTestApp();
    const res = await t.app.inject({
      method: "POST",
      url: "/v1/customers",
      headers: t.secret,
      payload: { externalId: "c-1", email: "hanako@example.jp", lastName: "山田", firstName: "花子" },
    });
    expect(res.statusCode).toBeLessThan(300);
  });
  afterAll(() => t.close());

  it("renders an MJML email draft for the customer, untracked, without saving it", async () => {
    const res = await preview({
      channel: "email",
      locale: "ja",
      subject: "{{ customer.lastName }}様へ",
      preheader: "{{ customer.firstName }}さん",
      body:
        "<mjml><mj-body><mj-section><mj-column><mj-text>{{ customer.lastName }} {{ customer.firstName }}様 " +
        '<a href="https://shop.example.jp/new">新作</a></mj-text></mj-column></mj-section></mj-body></mjml>',
      customer: "c-1",
    });
    expect(res.statusCode).toBe(200);
    const json = res.json();
    expect(json.subject).toBe("山田様へ");
    expect(json.preheader).toBe("花子さん");
    expect(json.html).toContain("山田 花子様");
    expect(json.html).toContain('href="https://shop.example.jp/new"');
    expect(json.html).not.toContain("/t/c/");
    expect(json.html).not.toContain("/t/o/");
    expect(json.text).toContain("山田");
    expect(json.sms).toBeNull();
    const templates = await t.testDb.db.selectFrom("templates").select("key").execute();
    const messages = await t.testDb.db.selectFrom("messages").select("id").execute();
    expect(templates).toEqual([]);
    expect(messages).toEqual([]);
  });

  it("counts SMS segments of the rendered text: 71 Japanese characters are two UCS-2 parts", async () => {
    const body = `{{ customer.lastName }}${"あ".repeat(69)}`;
    const res = await preview({ channel: "sms", body, customer: "c-1" });
    expect(res.statusCode).toBe(200);
    expect(res.json().text).toBe(`山田${"あ".repeat(69)}`);
    expect(res.json().sms).toEqual({ encoding: "ucs2", length: 71, segments: 2, perSegment: 67 });
    const single = await preview({ channel: "sms", body: "あ".repeat(70), customer: "c-1" });
    expect(single.json().sms.segments).toBe(1);
  });

  it("shows a LINE draft as LINE gets it: the text, then a Flex carousel of recommended products", async () => {
    const product = await t.app.inject({
      method: "POST",
      url: "/v1/products",
      headers: t.secret,
      payload: {
        sku: "TEA-1",
        name: "煎茶 100g",
        price: 1200,
        stock: 5,
        url: "https://shop.example.jp/p/tea-1",
        imageUrl: "https://shop.example.jp/i/tea-1.jpg",
      },
    });
    expect(product.statusCode, product.body).toBeLessThan(300);
    // Another customer's recent order makes it a best seller, what a customer with no history is shown.
    await t.app.inject({
      method: "POST",
      url: "/v1/customers",
      headers: t.secret,
      payload: { externalId: "c-2", email: "c2@example.jp" },
    });
    const order = await t.app.inject({
      method: "POST",
      url: "/v1/orders",
      headers: t.secret,
      payload: {
        externalId: "O-1",
        customerId: "c-2",
        orderedAt: t.clock.now().toISOString(),
        items: [{ sku: "TEA-1", quantity: 1, unitPrice: 1200 }],
      },
    });
    expect(order.statusCode, order.body).toBe(200);
    const res = await preview({
      channel: "line",
      body: "{{ customer.lastName }}様へのおすすめ{{ recommendations.size }}点",
      customer: "c-1",
    });
    expect(res.statusCode, res.body).toBe(200);
    const [text, flex] = res.json().line;
    expect(text).toEqual({ type: "text", text: "山田様へのおすすめ1点" });
    expect(flex).toMatchObject({ type: "flex", altText: "山田様へのおすすめ1点" });
    const bubble = flex.contents.contents[0];
    expect(bubble.hero.url).toBe("https://shop.example.jp/i/tea-1.jpg");
    expect(bubble.body.contents[0].text).toBe("煎茶 100g");
    // Untracked, as every preview link is.
    expect(bubble.footer.contents[0].action.uri).toBe("https://shop.example.jp/p/tea-1");
    const plain = await preview({ channel: "line", body: "こんにちは", customer: "c-1" });
    expect(plain.json().line).toEqual([{ type: "text", text: "こんにちは" }]);
  });

  it("refuses an unknown variable, naming the field", async () => {
    const res = await preview({
      channel: "email",
      subject: "Hi",
      body: "<p>{{ customer.shoeSize }}</p>",
      customer: "c-1",
    });
    expect(res.statusCode).toBe(400);
    const issues = res.json().error.issues as Array<{ field: string; message: string }>;
    expect(issues.map((i) => i.field)).toContain("body");
    expect(issues.find((i) => i.field === "body")?.message).toMatch(/shoeSize/);
  });

  it("refuses a body-less request with the field named", async () => {
    const res = await preview({ channel: "email", subject: "Hi", customer: "c-1" });
    expect(res.statusCode).toBe(400);
    expect(JSON.stringify(res.json())).toMatch(/body/);
  });

  it("does not render for another shop's customer", async () => {
    const other = await createShop(t.testDb.db, t.clock, { name: "Other" });
    const res = await preview(
      { channel: "sms", body: "{{ customer.lastName }}", customer: "c-1" },
      bearer(other.secretKey),
    );
    expect(res.statusCode).toBe(404);
    expect(res.body).not.toContain("山田");
  });
});
