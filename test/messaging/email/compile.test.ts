// Email templates are compiled from MJML once per version and only Liquid runs per message. That is
// only right if it gives the same mail as the slow way (Liquid first, then MJML, for every message):
// checked here for every library email, with loops and conditions taken both ways.
import { Liquid } from "liquidjs";
import mjml2html from "mjml";
import { describe, expect, it } from "vitest";
import { compileTemplate, emailText, htmlLiquid, textLiquid } from "../../../src/messaging/render/compile.js";
import { LIBRARY_TEMPLATES } from "../../../src/scenarios/library/content/index.js";

const item = (name: string, sku: string) => ({
  name,
  sku,
  price: "¥1,980",
  quantity: 2,
  url: `https://kizuna-sabo.jp/p/${sku}`,
  imageUrl: `https://cdn.kizuna-sabo.jp/${sku}.jpg`,
});

const FULL = {
  customer: { firstName: "花子", lastName: "山田", firstNameKana: "ハナコ", lastNameKana: "ヤマダ" },
  shop: {
    name: "きずな茶房",
    url: "https://kizuna-sabo.jp",
    address: "〒150-0001 東京都渋谷区神宮前1-2-3",
    email: "info@kizuna-sabo.jp",
    phone: "03-1234-5678",
    memberPageUrl: "https://kizuna-sabo.jp/member",
  },
  unsubscribeUrl: "https://crm.example/u/x",
  preferencesUrl: "https://crm.example/p/x",
  coupon: { code: "THANKS10", label: "10%OFF", expiresAt: "2026年12月31日" },
  points: { balance: 1280, expiringAmount: 300, expiresAt: "2026年12月31日" },
  cart: { items: [item("煎茶 <上>", "A1"), item("湯呑み & 急須", "B2")], url: "https://kizuna-sabo.jp/cart" },
  product: item("宇治抹茶", "C3"),
  order: {
    number: "KZ-1",
    orderedAt: "2026年4月1日",
    shippedAt: "2026年4月2日",
    items: [item("煎茶", "A1")],
    total: "¥4,530",
  },
  warranty: { endsAt: "2027年4月2日" },
  subscription: { deliveryCount: 3 },
  recommendations: [item("玄米茶", "D4"), item("急須", "E5"), item("茶さじ", "F6")],
  anniversary: { years: 2 },
};
const BARE = {
  ...FULL,
  customer: { firstName: "", lastName: "", firstNameKana: "", lastNameKana: "" },
  recommendations: [],
  cart: { items: [], url: FULL.cart.url },
};

const emails = LIBRARY_TEMPLATES.filter((t) => t.channel === "email");
const slowLiquid = new Liquid();

describe("email compiled once per template version", () => {
  it.each(emails.map((t) => [`${t.scenario}/${t.step} ${t.locale}`, t] as const))("%s", async (_, t) => {
    const compiled = await compileTemplate({ channel: "email", subject: t.subject ?? "", body: t.body });
    if (compiled.kind !== "email") throw new Error("not an email");
    for (const scope of [FULL, BARE]) {
      const fast = htmlLiquid.renderSync(compiled.html, scope) as string;
      const slow = (
        await mjml2html(slowLiquid.parseAndRenderSync(t.body, scope), { validationLevel: "soft" })
      ).html;
      expect(emailText(fast)).toBe(emailText(slow));
      expect(fast).not.toMatch(/\{\{|\{%|<mj-/);
      const text = textLiquid.renderSync(compiled.text, scope) as string;
      expect(text).not.toMatch(/\{\{|\{%|&lt;|&amp;/);
      if (scope === FULL && t.body.includes("cart.items")) expect(text).toContain("煎茶 <上>");
    }
  });
});
