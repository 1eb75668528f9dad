// Membership anniversary: each year since the customer joined, thanks and a coupon.
import { button, coupon, heading, note, recommendations, text } from "./blocks.js";
import { defineStep } from "./define.js";
import { couponText, EN_NAME, JA_NAME, JA_SUBJECT_NAME, recommendationsText } from "./snippets.js";
import type { LibraryTemplate } from "./types.js";

const EN_YEARS = "{{ anniversary.years }} {% if anniversary.years == 1 %}year{% else %}years{% endif %}";

const anniversary = defineStep("anniversary", "anniversary", {
  ja: {
    email: {
      subject: `${JA_SUBJECT_NAME}、会員登録から{{ anniversary.years }}年、いつもありがとうございます`,
      preheader: "感謝の気持ちを込めて、記念のクーポンをお贈りします。",
      sections: [
        heading("会員登録{{ anniversary.years }}周年<br />ありがとうございます"),
        text(`<p>${JA_NAME}</p>
<p>{{ shop.name }}の会員にご登録いただいてから、{{ anniversary.years }}年が経ちました。これまでのご愛顧に、スタッフ一同心より感謝申し上げます。</p>
<p>感謝の気持ちを込めて、記念のクーポンをお贈りいたします。これからも{{ shop.name }}を、どうぞよろしくお願いいたします。</p>`),
        coupon("ja"),
        button("お買い物を楽しむ", "shop.url"),
        recommendations("記念のお買い物におすすめ"),
        note("※クーポンコードはご注文手続きの画面でご入力ください。"),
      ],
    },
    line: `${JA_NAME}
{{ shop.name }}です。
会員にご登録いただいてから、{{ anniversary.years }}年が経ちました。いつも本当にありがとうございます。
感謝の気持ちを込めて、記念のクーポンをお贈りします。

${couponText("ja")}

▼お買い物はこちら
{{ shop.url }}${recommendationsText("ja", "【記念のお買い物におすすめ】")}`,
    sms: "会員登録{{ anniversary.years }}周年の感謝を込めて{{ coupon.label }}クーポン：{{ coupon.code }} {{ shop.url }}",
  },
  en: {
    email: {
      subject: "Happy {{ anniversary.years }}-year anniversary! A thank-you gift inside",
      preheader: "Thank you for being with us. Here's {{ coupon.label }} to celebrate.",
      sections: [
        heading("Happy anniversary!"),
        text(`<p>Hi ${EN_NAME},</p>
<p>Can you believe it? It's been ${EN_YEARS} since you joined {{ shop.name }}. Thank you for being part of our community.</p>
<p>To celebrate, here's a little thank-you gift for your next order.</p>`),
        coupon("en"),
        button("Treat myself", "shop.url"),
        recommendations("Anniversary picks"),
        note("Enter the code at checkout."),
      ],
    },
    line: `Hi ${EN_NAME}, it's {{ shop.name }}.
Happy anniversary! It's been ${EN_YEARS} since you joined us. Thank you!
Here's a little gift to celebrate:

${couponText("en")}

Shop now: {{ shop.url }}${recommendationsText("en", "Anniversary picks:")}`,
    sms: `${EN_YEARS} together! Enjoy {{ coupon.label }} with code {{ coupon.code }}: {{ shop.url }}`,
  },
});

export const templates: LibraryTemplate[] = [...anniversary];
