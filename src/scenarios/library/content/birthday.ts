// Birthday: on the day, congratulations and a birthday coupon, with a few ideas to spend it on.
import { button, coupon, heading, note, recommendations, text } from "./blocks.js";
import { defineStep } from "./define.js";
import {
  couponText,
  EN_NAME,
  EN_SUBJECT_NAME,
  JA_NAME,
  JA_SUBJECT_NAME,
  recommendationsText,
} from "./snippets.js";
import type { LibraryTemplate } from "./types.js";

const birthday = defineStep("birthday", "birthday", {
  ja: {
    email: {
      subject: `${JA_SUBJECT_NAME}、お誕生日おめでとうございます`,
      preheader: "感謝の気持ちを込めて、{{ coupon.label }}のバースデークーポンをお贈りします。",
      sections: [
        heading("Happy Birthday<br />お誕生日おめでとうございます"),
        text(`<p>${JA_NAME}</p>
<p>お誕生日、誠におめでとうございます。<br />
日頃より{{ shop.name }}をご愛顧いただいている感謝の気持ちを込めて、バースデークーポンをお贈りいたします。</p>
<p>ご自身へのご褒美に、大切な方と過ごすひとときに、ぜひお役立てください。<br />
素敵な一年になりますよう、スタッフ一同心よりお祈り申し上げます。</p>`),
        coupon("ja"),
        button("お買い物を楽しむ", "shop.url"),
        recommendations("自分へのご褒美におすすめ"),
        note("※クーポンコードはご注文手続きの画面でご入力ください。"),
      ],
    },
    line: `${JA_NAME}
お誕生日おめでとうございます！
{{ shop.name }}より、感謝の気持ちを込めてバースデークーポンをお贈りします。

${couponText("ja")}

ご自身へのご褒美に、ぜひお役立てください。
{{ shop.url }}${recommendationsText("ja", "【自分へのご褒美におすすめ】")}`,
    sms: "お誕生日おめでとうございます！{{ coupon.label }}クーポン：{{ coupon.code }} {{ shop.url }}",
  },
  en: {
    email: {
      subject: `Happy birthday${EN_SUBJECT_NAME}! A gift from us inside`,
      preheader: "Celebrate with {{ coupon.label }}, on us.",
      sections: [
        heading("Happy birthday!"),
        text(`<p>Hi ${EN_NAME},</p>
<p>Happy birthday from all of us at {{ shop.name }}! To say thank you for being part of our story, here's a little gift to celebrate your day.</p>
<p>Treat yourself, or share the joy with someone special. We hope your year ahead is a wonderful one.</p>`),
        coupon("en"),
        button("Treat myself", "shop.url"),
        recommendations("Birthday treats we love"),
        note("Enter the code at checkout."),
      ],
    },
    line: `Happy birthday${EN_SUBJECT_NAME}!
Here's a little gift from all of us at {{ shop.name }}:

${couponText("en")}

Treat yourself: {{ shop.url }}${recommendationsText("en", "Birthday treats we love:")}`,
    sms: "Happy birthday! Enjoy {{ coupon.label }} with code {{ coupon.code }} until {{ coupon.expiresAt }}: {{ shop.url }}",
  },
});

export const templates: LibraryTemplate[] = [...birthday];
