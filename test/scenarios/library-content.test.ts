// The library's default messages: given a shop's data in Japanese and in English, every template renders
// with strict Liquid, every email compiles as strict MJML and carries the sender identity (and, when it
// advertises, the opt-out), and every SMS fits its segments.
import { Liquid } from "liquidjs";
import mjml2html from "mjml";
import { describe, expect, it } from "vitest";
import { smsSegments } from "../../src/messaging/channels/sms/segments.js";
import { TEMPLATE_VARIABLES } from "../../src/messaging/render/vocabulary.js";
import {
  LIBRARY_TEMPLATES,
  type LibraryLocale,
  type LibraryTemplate,
  templatesFor,
} from "../../src/scenarios/library/content/index.js";
import { FOOTER_CLASS } from "../../src/scenarios/library/content/layout.js";
import { SMS_OPT_OUT } from "../../src/scenarios/library/content/snippets.js";

const liquid = new Liquid({ strictVariables: true, strictFilters: true });

/** The only variables a template may use: the renderer's vocabulary (arrays may also ask for `size`). */
const VOCABULARY = TEMPLATE_VARIABLES;

const STEPS: Record<string, string[]> = {
  "cart-abandonment": ["reminder-1h", "reminder-24h", "reminder-72h"],
  "browse-abandonment": ["viewed-product"],
  recommendations: ["weekly", "after-visit"],
  "points-expiry": ["monthly-statement", "expiry-30d", "expiry-7d"],
  birthday: ["birthday"],
  winback: ["dormant-180d", "dormant-365d"],
  "back-in-stock": ["restocked"],
  "post-purchase": ["trust", "reassurance", "opportunity", "effect", "offer"],
  replenishment: ["reminder"],
  "warranty-expiry": ["notice"],
  "store-follow-up": ["thanks"],
  welcome: ["welcome-1", "welcome-2", "welcome-3"],
  anniversary: ["anniversary"],
  "subscription-milestone": ["delivery-3", "delivery-6"],
};

// Links are short-link length (22 characters), as an SMS would carry them.
const JA = {
  customer: { firstName: "花子", lastName: "山田", firstNameKana: "ハナコ", lastNameKana: "ヤマダ" },
  shop: {
    name: "きずな茶房",
    url: "https://kizuna-sabo.jp",
    address: "〒150-0001 東京都渋谷区神宮前1-2-3",
    email: "info@kizuna-sabo.jp",
    phone: "03-1234-5678",
    memberPageUrl: "https://kzn.to/m/4Rt8W",
  },
  unsubscribeUrl: "https://kzn.to/u/7Hk2Q",
  preferencesUrl: "https://kzn.to/p/7Hk2Q",
  coupon: { code: "THANKS10", label: "10%OFF", expiresAt: "12月31日" },
  points: { balance: 1280, expiringAmount: 300, expiresAt: "12月31日" },
  cart: {
    items: [
      item("ほうじ茶 & 抹茶 飲み比べセット", "TEA-001", "¥3,980", 1),
      item("有田焼 湯呑み <藍>", "CUP-002", "¥2,200", 2),
    ],
    url: "https://kzn.to/c/8Qm3T",
  },
  product: {
    name: "宇治抹茶 100g",
    sku: "TEA-003",
    url: "https://kzn.to/i/3Fp9L",
    imageUrl: "https://cdn.kizuna-sabo.jp/p/tea-003.jpg",
    price: "¥2,480",
  },
  order: {
    number: "KZ-10234",
    orderedAt: "2025年4月1日",
    shippedAt: "2025年4月2日",
    items: [item("ほうじ茶 & 抹茶 飲み比べセット", "TEA-001", "¥3,980", 1)],
    total: "¥4,530",
  },
  warranty: { endsAt: "2026年4月2日" },
  subscription: { deliveryCount: 3 },
  recommendations: [
    recommendation("玄米茶 200g", "¥1,080"),
    recommendation("急須 常滑焼", "¥5,500"),
    recommendation("茶さじ 竹", "¥660"),
  ],
  anniversary: { years: 2 },
};

// An English-speaking shop's catalogue is in English too; a Japanese product name would make any SMS UCS-2.
const EN = {
  ...JA,
  customer: { firstName: "Hana", lastName: "Yamada", firstNameKana: "", lastNameKana: "" },
  shop: {
    ...JA.shop,
    name: "Kizuna Tea House",
    address: "1-2-3 Jingumae, Shibuya-ku, Tokyo 150-0001, Japan",
  },
  coupon: { code: "THANKS10", label: "10% off", expiresAt: "Dec 31" },
  points: { balance: 1280, expiringAmount: 300, expiresAt: "Dec 31" },
  cart: {
    ...JA.cart,
    items: [
      item("Hojicha & Matcha Tasting Set", "TEA-001", "¥3,980", 1),
      item("Arita Teacup <Indigo>", "CUP-002", "¥2,200", 2),
    ],
  },
  product: { ...JA.product, name: "Uji Matcha 100g" },
  order: {
    ...JA.order,
    orderedAt: "April 1, 2025",
    shippedAt: "April 2, 2025",
    items: [item("Hojicha & Matcha Tasting Set", "TEA-001", "¥3,980", 1)],
  },
  warranty: { endsAt: "April 2, 2026" },
  recommendations: [
    recommendation("Genmaicha 200g", "¥1,080"),
    recommendation("Tokoname Teapot", "¥5,500"),
    recommendation("Bamboo Tea Scoop", "¥660"),
  ],
};

/** The cart line whose name has "<" and ">", and how it must appear in an email. */
const UNSAFE_NAME = {
  ja: ["有田焼 湯呑み <藍>", "有田焼 湯呑み &lt;藍&gt;"],
  en: ["Arita Teacup <Indigo>", "Arita Teacup &lt;Indigo&gt;"],
};

const SAMPLE: Record<LibraryLocale, typeof JA> = { ja: JA, en: EN };

function item(name: string, sku: string, price: string, quantity: number) {
  return {
    name,
    sku,
    price,
    quantity,
    url: `https://kizuna-sabo.jp/p/${sku}`,
    imageUrl: `https://cdn.kizuna-sabo.jp/p/${sku}.jpg`,
  };
}

function recommendation(name: string, price: string) {
  return { name, price, url: "https://kizuna-sabo.jp/p/x", imageUrl: "https://cdn.kizuna-sabo.jp/p/x.jpg" };
}

function render(source: string, context: object): string {
  return liquid.parseAndRenderSync(source, context);
}

function sourcesOf(t: LibraryTemplate): string[] {
  return [t.subject, t.preheader, t.body].filter((s): s is string => s !== undefined);
}

const label = (t: LibraryTemplate) => `${t.scenario}/${t.step} ${t.channel} ${t.locale}`;

describe("the scenario library's default messages", () => {
  it("has every step of every scenario in email, LINE and SMS, in Japanese and English, once", () => {
    const keys = LIBRARY_TEMPLATES.map(label);
    expect(new Set(keys).size).toBe(keys.length);
    for (const [scenario, steps] of Object.entries(STEPS)) {
      const found = templatesFor(scenario);
      expect([...new Set(found.map((t) => t.step))].sort()).toEqual([...steps].sort());
      for (const step of steps) {
        const variants = found.filter((t) => t.step === step).map((t) => `${t.channel}/${t.locale}`);
        expect(variants.sort(), `${scenario}/${step}`).toEqual(
          ["email/en", "email/ja", "line/en", "line/ja", "sms/en", "sms/ja"].sort(),
        );
      }
    }
    expect(new Set(LIBRARY_TEMPLATES.map((t) => t.scenario))).toEqual(new Set(Object.keys(STEPS)));
    expect(templatesFor("no-such-scenario")).toEqual([]);
  });

  it("keeps subject and preheader to email", () => {
    for (const t of LIBRARY_TEMPLATES) {
      const isEmail = t.channel === "email";
      expect(t.subject !== undefined && t.preheader !== undefined, label(t)).toBe(isEmail);
    }
  });

  describe.each(LIBRARY_TEMPLATES.map((t) => [label(t), t] as const))("%s", (_, t) => {
    const context = SAMPLE[t.locale];

    it("uses only the variable vocabulary", () => {
      for (const source of sourcesOf(t)) {
        const unknown = liquid.globalFullVariablesSync(source).filter((v) => !VOCABULARY.has(v));
        expect(unknown).toEqual([]);
      }
    });

    it("renders with strict variables and filters, leaving no Liquid or holes behind", () => {
      for (const source of sourcesOf(t)) {
        const out = render(source, context);
        expect(out).not.toMatch(/\{\{|\{%|undefined|\[object Object\]|NaN/);
      }
    });

    if (t.channel === "email") {
      it("compiles as strict MJML, with the sender identity in the footer", async () => {
        const { html, errors } = await mjml2html(render(t.body, context), { validationLevel: "strict" });
        expect(errors).toEqual([]);
        const footer = html.slice(html.lastIndexOf(FOOTER_CLASS));
        expect(footer).toContain(context.shop.name);
        expect(footer).toContain(context.shop.address);
        if (t.messageClass === "promotional") {
          expect(t.body).toContain("{{ unsubscribeUrl | escape }}");
          expect(footer).toContain(`href="${context.unsubscribeUrl}"`);
        }
      });

      it("escapes what it prints, so product names cannot break the HTML", () => {
        for (const tag of t.body.match(/\{\{.*?\}\}/g) ?? []) expect(tag).toMatch(/\|\s*escape\s*\}\}$/);
        const [raw, escaped] = UNSAFE_NAME[t.locale];
        const out = render(t.body, context);
        if (t.body.includes("cart.items")) expect(out).toContain(escaped);
        expect(out).not.toContain(raw);
      });

      it("still compiles for a customer without a name and without recommendations", async () => {
        const bare = {
          ...context,
          customer: { ...context.customer, firstName: "", lastName: "" },
          recommendations: [],
        };
        const out = render(t.body, bare);
        expect(out).toContain(t.locale === "ja" ? "お客様" : "Hi there");
        const { errors } = await mjml2html(out, { validationLevel: "strict" });
        expect(errors).toEqual([]);
      });
    }

    if (t.channel !== "email") {
      it("prints text as it is, without HTML escaping", () => {
        expect(t.body).not.toMatch(/\|\s*escape/);
        expect(render(t.body, context)).not.toMatch(/&amp;|&lt;/);
      });
    }

    if (t.channel === "line") {
      it("fits a LINE text message", () => {
        expect(render(t.body, context).length).toBeLessThanOrEqual(5000);
      });
    }

    if (t.channel === "sms") {
      const sms = () => smsSegments(render(t.body, context));
      if (t.locale === "ja") {
        // The opt-out link the law wants in a promotional SMS leaves too little room in one 70-character
        // segment; what the message itself says still fits one, and the whole fits two.
        it("fits two UCS-2 segments (134 characters), and one (70) without the opt-out", () => {
          expect(sms().length).toBeLessThanOrEqual(134);
          const message = render(t.body.replace(SMS_OPT_OUT.ja, ""), context);
          expect(smsSegments(message)).toMatchObject({ encoding: "ucs2", segments: 1 });
        });
      } else {
        it("fits one GSM-7 segment (160 characters)", () => {
          expect(sms()).toMatchObject({ encoding: "gsm7", segments: 1 });
        });
      }
      it("names the sender, and carries the opt-out when it advertises", () => {
        const out = render(t.body, context);
        expect(out).toContain(context.shop.name);
        if (t.messageClass === "promotional") expect(out).toContain(context.unsubscribeUrl);
      });
    }
  });
});
