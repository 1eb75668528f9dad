// Given a rendered text and some recommended products, when a LINE message is built, then it is the
// text plus a carousel of product cards LINE will take: at most 10 cards, https links only, and text
// and altText within LINE's limits.
import { describe, expect, it } from "vitest";
import { ValidationError } from "../../../src/core/errors.js";
import { LINE_LIMITS, type LineProduct, lineMessages } from "../../../src/messaging/channels/line/index.js";

const product = (n: number, overrides: Partial<LineProduct> = {}): LineProduct => ({
  name: `保湿クリーム ${n}`,
  price: `¥${(n * 1000).toLocaleString("ja-JP")}`,
  url: `https://shop.example/products/${n}`,
  imageUrl: `https://cdn.shop.example/products/${n}.jpg`,
  ...overrides,
});

type Carousel = { type: "flex"; altText: string; contents: { type: "carousel"; contents: Bubble[] } };
type Bubble = {
  hero: { url: string; action: { uri: string } };
  body: { contents: Array<{ text: string }> };
  footer: { contents: Array<{ action: { type: string; label: string; uri: string } }> };
};

describe("LINE messages with product cards", () => {
  it("is the text alone when there is nothing to recommend", () => {
    expect(lineMessages("ご購入ありがとうございました", [], "")).toEqual([
      { type: "text", text: "ご購入ありがとうございました" },
    ]);
  });

  it("adds a carousel card per product: image, name, price and a button to the product page", () => {
    const messages = lineMessages("おすすめです", [product(1), product(2)], "おすすめ商品が届きました", {
      buttonLabel: "商品を見る",
    });
    expect(messages).toHaveLength(2);
    const carousel = messages[1] as unknown as Carousel;
    expect(carousel).toMatchObject({
      type: "flex",
      altText: "おすすめ商品が届きました",
      contents: { type: "carousel" },
    });
    const [card] = carousel.contents.contents;
    expect(card.hero.url).toBe("https://cdn.shop.example/products/1.jpg");
    expect(card.hero.action.uri).toBe("https://shop.example/products/1");
    expect(card.body.contents.map((c) => c.text)).toEqual(["保湿クリーム 1", "¥1,000"]);
    expect(card.footer.contents[0].action).toEqual({
      type: "uri",
      label: "商品を見る",
      uri: "https://shop.example/products/1",
    });
  });

  it("shows at most 10 cards", () => {
    const messages = lineMessages(
      "新作",
      Array.from({ length: 14 }, (_, i) => product(i + 1)),
      "新作のご案内",
    );
    expect((messages[1] as unknown as Carousel).contents.contents).toHaveLength(LINE_LIMITS.carouselBubbles);
  });

  it("leaves out products LINE would refuse (not https, no name), and the carousel when none is left", () => {
    const messages = lineMessages(
      "新作",
      [
        product(1, { imageUrl: "http://cdn.shop.example/1.jpg" }),
        product(2, { url: "javascript:alert(1)" }),
        product(3, { name: "  " }),
        product(4),
      ],
      "新作のご案内",
    );
    const cards = (messages[1] as unknown as Carousel).contents.contents;
    expect(cards.map((c) => c.hero.action.uri)).toEqual(["https://shop.example/products/4"]);
    expect(lineMessages("新作", [product(1, { url: "http://shop.example/1" })], "")).toHaveLength(1);
  });

  it("keeps every URL in the message https", () => {
    const json = JSON.stringify(lineMessages("新作", [product(1), product(2)], "新作"));
    const urls = json.match(/https?:\/\/[^"]+/g) ?? [];
    expect(urls.length).toBeGreaterThan(0);
    expect(urls.every((u) => u.startsWith("https://"))).toBe(true);
  });

  it("cuts long product names so cards stay small", () => {
    const messages = lineMessages("新作", [product(1, { name: "あ".repeat(300) })], "新作");
    const name = (messages[1] as unknown as Carousel).contents.contents[0].body.contents[0].text;
    expect(Array.from(name)).toHaveLength(100);
    expect(name.endsWith("…")).toBe(true);
  });

  it("refuses text beyond 5000 characters, a missing altText, and an altText beyond 400", () => {
    expect(() => lineMessages("a".repeat(5001), [], "")).toThrow(ValidationError);
    expect(() => lineMessages("a".repeat(5000), [], "")).not.toThrow();
    expect(() => lineMessages("", [], "")).toThrow(/text: is empty/);
    expect(() => lineMessages("新作", [product(1)], "")).toThrow(/altText: is required/);
    expect(() => lineMessages("新作", [product(1)], "a".repeat(401))).toThrow(/altText: is 401 characters/);
    expect(() => lineMessages("新作", [product(1)], "a".repeat(400))).not.toThrow();
  });

  it("never makes more messages than one request takes", () => {
    const messages = lineMessages(
      "新作",
      Array.from({ length: 30 }, (_, i) => product(i)),
      "新作",
    );
    expect(messages.length).toBeLessThanOrEqual(LINE_LIMITS.messagesPerRequest);
  });
});
