// 休眠: customers who have not bought for a long time. At 180 days a warm "it's been a while" with a
// coupon; at 365 days a bigger coupon and an easy way to hear from the shop less often instead of leaving.
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

const SCENARIO = "winback";

const dormant180d = defineStep(SCENARIO, "dormant-180d", {
  ja: {
    email: {
      subject: `${JA_SUBJECT_NAME}、お久しぶりです。{{ coupon.label }}クーポンのご案内です`,
      preheader: "最近の人気商品と、久しぶりのお買い物に使える{{ coupon.label }}クーポンのご案内です。",
      sections: [
        heading("お久しぶりです。<br />お元気でお過ごしですか？"),
        text(`<p>${JA_NAME}</p>
<p>しばらくお見かけしておりませんでしたので、ご連絡いたしました。お変わりなくお過ごしでしょうか。</p>
<p>最近の{{ shop.name }}には、新しい商品も仲間入りしています。久しぶりのお買い物に使えるクーポンをご用意しましたので、よろしければまたお立ち寄りください。</p>`),
        coupon("ja"),
        button("最近の商品を見る", "shop.url"),
        recommendations("最近の人気商品"),
        note("※クーポンコードはご注文手続きの画面でご入力ください。"),
      ],
    },
    line: `${JA_NAME}
{{ shop.name }}です。お久しぶりです。お元気でお過ごしでしょうか。
久しぶりのお買い物に使えるクーポンをご用意しました。

${couponText("ja")}

最近は新しい商品も増えています。よろしければまたお立ち寄りください。
{{ shop.url }}${recommendationsText("ja", "【最近の人気商品】")}`,
    sms: "お久しぶりです。{{ coupon.label }}クーポンをご用意しました：{{ coupon.code }} {{ shop.url }}",
  },
  en: {
    email: {
      subject: `We miss you${EN_SUBJECT_NAME}! Here's {{ coupon.label }} to come back`,
      preheader: "See what's new at {{ shop.name }}, with a little welcome-back gift.",
      sections: [
        heading("It's been a while!"),
        text(`<p>Hi ${EN_NAME},</p>
<p>We haven't seen you in a while, and we've missed you. A lot has happened at {{ shop.name }} since your last visit, including some new favorites we think you'll like.</p>
<p>To welcome you back, here's a little something for your next order.</p>`),
        coupon("en"),
        button("See what's new", "shop.url"),
        recommendations("Popular right now"),
        note("Enter the code at checkout."),
      ],
    },
    line: `Hi ${EN_NAME}, it's {{ shop.name }}. It's been a while!
Here's a little welcome-back gift:

${couponText("en")}

See what's new: {{ shop.url }}${recommendationsText("en", "Popular right now:")}`,
    sms: "We miss you! Come back for {{ coupon.label }} with code {{ coupon.code }}: {{ shop.url }}",
  },
});

const dormant365d = defineStep(SCENARIO, "dormant-365d", {
  ja: {
    email: {
      subject: `【{{ coupon.label }}】${JA_SUBJECT_NAME}へ、感謝を込めた特別クーポンのご案内`,
      preheader: "ご無沙汰しております。またお会いできることを楽しみにしています。",
      sections: [
        heading("ご無沙汰しております"),
        text(`<p>${JA_NAME}</p>
<p>以前{{ shop.name }}をご利用いただき、誠にありがとうございました。その後いかがお過ごしでしょうか。</p>
<p>またお会いできることを願って、これまでのご愛顧への感謝を込めた特別クーポンをご用意いたしました。ぜひこの機会にご利用ください。</p>`),
        coupon("ja"),
        button("ショップをのぞいてみる", "shop.url"),
        recommendations("今、多くのお客様に選ばれている商品"),
        note(
          '※お知らせの頻度を減らしたい、気になる内容だけ受け取りたいなどのご希望は、<a href="{{ preferencesUrl }}">配信設定</a>から変更いただけます。',
        ),
      ],
    },
    line: `${JA_NAME}
{{ shop.name }}です。ご無沙汰しております。
これまでのご愛顧への感謝を込めて、特別クーポンをご用意しました。

${couponText("ja")}

またお会いできることを楽しみにしております。
{{ shop.url }}`,
    sms: "ご無沙汰しております。感謝を込めた{{ coupon.label }}クーポン：{{ coupon.code }} {{ shop.url }}",
  },
  en: {
    email: {
      subject: "{{ coupon.label }} for you: our biggest thank-you yet",
      preheader: "We'd love to see you again. Here's a special offer to make it worth your while.",
      sections: [
        heading("We'd love to see you again"),
        text(`<p>Hi ${EN_NAME},</p>
<p>It's been quite a while since your last order with {{ shop.name }}. We're grateful you shopped with us, and we'd love to have you back.</p>
<p>So here's our biggest thank-you yet: a special coupon for your next order.</p>`),
        coupon("en"),
        button("Come back and shop", "shop.url"),
        recommendations("What customers love right now"),
        note(
          'Hearing from us too often? <a href="{{ preferencesUrl }}">Choose what you receive</a> instead of missing out entirely.',
        ),
      ],
    },
    line: `Hi ${EN_NAME}, it's {{ shop.name }}. It's been a while!
Here's a special thank-you for your next order:

${couponText("en")}

We'd love to see you again: {{ shop.url }}`,
    sms: "Our biggest thank-you yet: {{ coupon.label }} with code {{ coupon.code }}: {{ shop.url }}",
  },
});

export const templates: LibraryTemplate[] = [...dormant180d, ...dormant365d];
