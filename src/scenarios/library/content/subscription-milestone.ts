// Subscription milestones: at the 3rd and 6th delivery, thanks for staying, tips to get more out of the
// subscription, and a small gift coupon. The copy prints the delivery count rather than "half a year",
// since the cycle differs from shop to shop.
import { button, coupon, heading, note, text } from "./blocks.js";
import { defineStep } from "./define.js";
import { couponText, EN_NAME, JA_NAME, JA_SUBJECT_NAME } from "./snippets.js";
import type { LibraryTemplate } from "./types.js";

const SCENARIO = "subscription-milestone";

const JA_TIPS = `{% comment %}定期便の内容に合わせて書き換えてください。{% endcomment %}
<p><strong>■ 定期便をもっと便利に</strong><br />
お届けの間隔やお届け日の変更、一回お休みなどのご相談は、マイページまたはお問い合わせ窓口で承っております。使い切れずに余ってしまう場合も、お気軽にご相談ください。</p>`;
const EN_TIPS = `{% comment %}Replace with tips for your subscription.{% endcomment %}
<p><strong>Make your subscription work for you</strong><br />
Need a different delivery interval or date, or want to skip a delivery? You can manage it in your account, or just contact us. Running ahead of your deliveries? Let us know and we'll adjust.</p>`;

const delivery3 = defineStep(SCENARIO, "delivery-3", {
  ja: {
    email: {
      subject: `${JA_SUBJECT_NAME}、定期便{{ subscription.deliveryCount }}回目のお届けです。いつもありがとうございます`,
      preheader: "続けていただいている感謝を込めて、ささやかなプレゼントをご用意しました。",
      sections: [
        heading("定期便{{ subscription.deliveryCount }}回目の<br />お届けです"),
        text(`<p>${JA_NAME}</p>
<p>いつも{{ shop.name }}の定期便をご利用いただき、ありがとうございます。今回で{{ subscription.deliveryCount }}回目のお届けとなりました。</p>
<p>続けてご利用いただいていることを、スタッフ一同とても嬉しく思っております。感謝の気持ちを込めて、ささやかですがクーポンをお贈りいたします。定期便の商品とは別のお買い物にご利用ください。</p>`),
        coupon("ja"),
        text(JA_TIPS),
        button("マイページで定期便を確認する", "shop.memberPageUrl"),
        note("※クーポンコードはご注文手続きの画面でご入力ください。"),
      ],
    },
    line: `${JA_NAME}
{{ shop.name }}です。
定期便{{ subscription.deliveryCount }}回目のお届け、いつもありがとうございます。
感謝の気持ちを込めて、クーポンをお贈りします。

${couponText("ja")}

お届け間隔の変更やお休みのご相談は、マイページからどうぞ。
{{ shop.memberPageUrl }}`,
    sms: "定期便{{ subscription.deliveryCount }}回目のお届けありがとうございます。感謝のクーポン：{{ coupon.code }} {{ shop.url }}",
  },
  en: {
    email: {
      subject: "Delivery #{{ subscription.deliveryCount }}: thank you for staying with us",
      preheader: "A small thank-you gift, plus tips to get more from your subscription.",
      sections: [
        heading("Thank you for delivery #{{ subscription.deliveryCount }}"),
        text(`<p>Hi ${EN_NAME},</p>
<p>Your subscription from {{ shop.name }} has just reached delivery #{{ subscription.deliveryCount }}. Thank you for sticking with us!</p>
<p>As a small thank-you, here's a coupon for anything else you'd like to add to your routine.</p>`),
        coupon("en"),
        text(EN_TIPS),
        button("Manage my subscription", "shop.memberPageUrl"),
        note("Enter the code at checkout."),
      ],
    },
    line: `Hi ${EN_NAME}, it's {{ shop.name }}.
Thank you for delivery #{{ subscription.deliveryCount }} of your subscription! Here's a small thank-you:

${couponText("en")}

Manage your deliveries: {{ shop.memberPageUrl }}`,
    sms: "Delivery #{{ subscription.deliveryCount }}, thank you! Enjoy {{ coupon.label }} with code {{ coupon.code }}: {{ shop.url }}",
  },
});

const delivery6 = defineStep(SCENARIO, "delivery-6", {
  ja: {
    email: {
      subject: `${JA_SUBJECT_NAME}、定期便{{ subscription.deliveryCount }}回目のお届け、長くご愛用ありがとうございます`,
      preheader: "日頃の感謝を込めて、特別なクーポンをお贈りします。",
      sections: [
        heading("長くご愛用いただき、<br />ありがとうございます"),
        text(`<p>${JA_NAME}</p>
<p>{{ shop.name }}の定期便は、今回で{{ subscription.deliveryCount }}回目のお届けとなりました。長くご愛用いただき、心より感謝申し上げます。</p>
<p>日頃の感謝を込めて、特別なクーポンをお贈りいたします。気になっていた商品のお試しや、大切な方への贈り物にもお役立てください。</p>`),
        coupon("ja"),
        text(JA_TIPS),
        button("マイページで定期便を確認する", "shop.memberPageUrl"),
        note("※クーポンコードはご注文手続きの画面でご入力ください。"),
      ],
    },
    line: `${JA_NAME}
{{ shop.name }}です。
定期便は今回で{{ subscription.deliveryCount }}回目のお届けとなりました。長くご愛用いただき、本当にありがとうございます。
日頃の感謝を込めて、特別なクーポンをお贈りします。

${couponText("ja")}

▼お買い物はこちら
{{ shop.url }}`,
    sms: "定期便{{ subscription.deliveryCount }}回目、長くご愛用ありがとうございます。特別クーポン：{{ coupon.code }} {{ shop.url }}",
  },
  en: {
    email: {
      subject: "Delivery #{{ subscription.deliveryCount }}! A special thank-you from {{ shop.name }}",
      preheader: "You've been with us for a while now. Here's something special.",
      sections: [
        heading("You're one of our regulars!"),
        text(`<p>Hi ${EN_NAME},</p>
<p>Your subscription has reached delivery #{{ subscription.deliveryCount }}. Customers like you are the reason we do what we do, and we're truly grateful.</p>
<p>Here's a special coupon to say thanks. Try something new, or treat someone you love.</p>`),
        coupon("en"),
        text(EN_TIPS),
        button("Manage my subscription", "shop.memberPageUrl"),
        note("Enter the code at checkout."),
      ],
    },
    line: `Hi ${EN_NAME}, it's {{ shop.name }}.
Your subscription just reached delivery #{{ subscription.deliveryCount }}. Thank you for being one of our regulars!
Here's a special thank-you:

${couponText("en")}

Shop now: {{ shop.url }}`,
    sms: "Delivery #{{ subscription.deliveryCount }}! A special thank-you: {{ coupon.label }} with code {{ coupon.code }}: {{ shop.url }}",
  },
});

export const templates: LibraryTemplate[] = [...delivery3, ...delivery6];
