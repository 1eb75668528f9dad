// Recommendations: a weekly selection for active customers, and picks a few days after a visit to the
// shop's site. Both only show what the engine recommends; the copy frames it.
import { button, heading, recommendations, text } from "./blocks.js";
import { defineStep } from "./define.js";
import { EN_NAME, EN_SUBJECT_NAME, JA_NAME, JA_SUBJECT_NAME, recommendationsText } from "./snippets.js";
import type { LibraryTemplate } from "./types.js";

const SCENARIO = "recommendations";

const weekly = defineStep(SCENARIO, "weekly", {
  ja: {
    email: {
      subject: "【{{ shop.name }}】今週のおすすめ商品をお届けします",
      preheader: `${JA_SUBJECT_NAME}のお好みに合いそうな商品を選びました。`,
      sections: [
        heading("今週のおすすめ"),
        text(`<p>${JA_NAME}</p>
<p>いつも{{ shop.name }}をご利用いただき、ありがとうございます。<br />
今週は、これまでにご覧いただいた商品やご購入履歴をもとに、お好みに合いそうな商品を選びました。お時間のあるときに、ぜひご覧ください。</p>`),
        recommendations("今週のおすすめ商品"),
        button("ほかの商品も見る", "shop.url"),
      ],
    },
    line: `${JA_NAME}
{{ shop.name }}です。
今週のおすすめ商品をお届けします。${recommendationsText("ja", "【今週のおすすめ】")}

▼ほかの商品はこちら
{{ shop.url }}`,
    sms: "今週のおすすめ商品をご紹介しています {{ shop.url }}",
  },
  en: {
    email: {
      subject: "This week's picks for you",
      preheader: "A few things we think you'll love, chosen just for you.",
      sections: [
        heading("Picked for you this week"),
        text(`<p>Hi ${EN_NAME},</p>
<p>Based on what you've browsed and bought, here are a few things we think you'll love this week.</p>`),
        recommendations("This week's picks"),
        button("Shop all products", "shop.url"),
      ],
    },
    line: `Hi ${EN_NAME}, it's {{ shop.name }}.
Here are this week's picks for you.${recommendationsText("en", "This week's picks:")}

See more: {{ shop.url }}`,
    sms: "This week's picks, chosen for you: {{ shop.url }}",
  },
});

const afterVisit = defineStep(SCENARIO, "after-visit", {
  ja: {
    email: {
      subject: "先日は{{ shop.name }}にお立ち寄りいただき、ありがとうございました",
      preheader: "ご覧いただいた商品に近い、おすすめの商品をご紹介します。",
      sections: [
        heading("お立ち寄りいただき、<br />ありがとうございました"),
        text(`<p>${JA_NAME}</p>
<p>先日は{{ shop.name }}のオンラインストアにお立ち寄りいただき、ありがとうございました。</p>
<p>ご覧いただいた商品に近いものの中から、スタッフのおすすめを集めました。お気に入りの一品探しのお役に立てば幸いです。</p>`),
        recommendations("あなたへのおすすめ"),
        button("ストアを見る", "shop.url"),
      ],
    },
    line: `${JA_NAME}
{{ shop.name }}です。
先日はオンラインストアにお立ち寄りいただき、ありがとうございました。
ご覧いただいた商品に近い、おすすめの商品をご紹介します。${recommendationsText("ja", "【あなたへのおすすめ】")}`,
    sms: "先日はご来訪ありがとうございました。おすすめ商品はこちら {{ shop.url }}",
  },
  en: {
    email: {
      subject: `Thanks for stopping by${EN_SUBJECT_NAME}`,
      preheader: "A few picks inspired by what you looked at.",
      sections: [
        heading("Thanks for stopping by"),
        text(`<p>Hi ${EN_NAME},</p>
<p>Thanks for visiting {{ shop.name }} the other day. We've put together a few picks inspired by what you looked at. Maybe your next favorite is among them.</p>`),
        recommendations("Picked for you"),
        button("Keep browsing", "shop.url"),
      ],
    },
    line: `Hi ${EN_NAME}, it's {{ shop.name }}.
Thanks for stopping by our online shop! Here are a few picks inspired by what you looked at.${recommendationsText("en", "Picked for you:")}`,
    sms: "Thanks for stopping by! A few picks inspired by your visit: {{ shop.url }}",
  },
});

export const templates: LibraryTemplate[] = [...weekly, ...afterVisit];
