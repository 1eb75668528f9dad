// Store follow-up: an hour after a purchase in a physical store, thanks for the visit and ideas that go
// with what was bought, so the store customer also finds the online shop.
import { button, heading, orderSummary, recommendations, text } from "./blocks.js";
import { defineStep } from "./define.js";
import { EN_NAME, EN_SUBJECT_NAME, itemsText, JA_NAME, recommendationsText } from "./snippets.js";
import type { LibraryTemplate } from "./types.js";

const thanks = defineStep("store-follow-up", "thanks", {
  ja: {
    email: {
      subject: "本日は{{ shop.name }}にご来店いただき、ありがとうございました",
      preheader: "お買い上げいただいた商品と、あわせておすすめの商品をご紹介します。",
      sections: [
        heading("ご来店いただき、<br />ありがとうございました"),
        text(`<p>${JA_NAME}</p>
<p>本日は{{ shop.name }}の店舗にお越しいただき、誠にありがとうございました。</p>
<p>お選びいただいた商品が、毎日をより心地よくするお手伝いができましたら幸いです。使い方やお手入れで分からないことがございましたら、店頭スタッフまたは<a href="mailto:{{ shop.email }}">{{ shop.email }}</a>までお気軽にお問い合わせください。</p>`),
        heading("本日お買い上げの商品"),
        orderSummary("ja", "store"),
        recommendations("お買い上げの商品と相性のよいアイテム"),
        text(
          "<p>オンラインストアでも、店舗と同じ商品をお買い求めいただけます。ご来店の合間のお買い物にぜひご利用ください。</p>",
        ),
        button("オンラインストアを見る", "shop.url"),
      ],
    },
    line: `${JA_NAME}
本日は{{ shop.name }}にご来店いただき、誠にありがとうございました。

▼本日お買い上げの商品
${itemsText("ja", "order.items")}

使い方やお手入れで分からないことがございましたら、お気軽にご相談ください（{{ shop.phone }}）。${recommendationsText("ja", "【お買い上げの商品と相性のよいアイテム】")}

▼オンラインストア
{{ shop.url }}`,
    sms: "本日はご来店ありがとうございました。オンラインストアはこちら {{ shop.url }}",
  },
  en: {
    email: {
      subject: `Thanks for visiting us today${EN_SUBJECT_NAME}`,
      preheader: "Your purchase, plus a few things that go well with it.",
      sections: [
        heading("Thanks for stopping by the store"),
        text(`<p>Hi ${EN_NAME},</p>
<p>Thank you for visiting {{ shop.name }} today. We hope you love what you picked.</p>
<p>If you have any questions about using or caring for it, ask us in store or write to <a href="mailto:{{ shop.email }}">{{ shop.email }}</a>.</p>`),
        heading("Today's purchase"),
        orderSummary("en", "store"),
        recommendations("Goes well with your purchase"),
        text("<p>Everything in our store is also available online, whenever it suits you.</p>"),
        button("Shop online", "shop.url"),
      ],
    },
    line: `Hi ${EN_NAME}, thank you for visiting {{ shop.name }} today!

Today's purchase:
${itemsText("en", "order.items")}

Questions about using or caring for it? Call us at {{ shop.phone }}.${recommendationsText("en", "Goes well with your purchase:")}

Shop online: {{ shop.url }}`,
    sms: "Thanks for visiting our store today! Shop online anytime: {{ shop.url }}",
  },
});

export const templates: LibraryTemplate[] = [...thanks];
