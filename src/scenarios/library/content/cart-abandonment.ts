// カゴ落ち: three reminders for a cart left at checkout. The first only reminds, the second answers the
// doubts that stop people, the third adds a coupon.
import { button, coupon, heading, lineItems, note, recommendations, text } from "./blocks.js";
import { defineStep } from "./define.js";
import { couponText, EN_NAME, itemsText, JA_NAME, JA_SUBJECT_NAME } from "./snippets.js";
import type { LibraryTemplate } from "./types.js";

const SCENARIO = "cart-abandonment";

const reminder1h = defineStep(SCENARIO, "reminder-1h", {
  ja: {
    email: {
      subject: "【{{ shop.name }}】お買い物カゴに商品が残っています",
      preheader: "カゴの中身はそのまま保存しています。続きからお手続きいただけます。",
      sections: [
        heading("お買い物カゴに商品が<br />残っています"),
        text(`<p>${JA_NAME}</p>
<p>いつも{{ shop.name }}をご利用いただき、ありがとうございます。<br />
お買い物の途中でページを閉じられたようですので、ご連絡いたしました。</p>
<p>カゴに入れていただいた商品はそのまま保存しておりますので、続きからすぐにお手続きいただけます。</p>`),
        lineItems("ja", "cart.items"),
        button("ご購入手続きへ進む", "cart.url"),
        note("※商品のお取り置きはしておりません。在庫状況により、ご注文の前に品切れとなる場合がございます。"),
      ],
    },
    line: `${JA_NAME}
{{ shop.name }}です。
お買い物カゴに商品が残っていましたので、お知らせいたします。

${itemsText("ja", "cart.items")}

カゴの中身はそのまま保存しています。ご購入手続きはこちらからどうぞ。
{{ cart.url }}`,
    sms: "カゴに商品が残っています。お手続きはこちら {{ cart.url }}",
  },
  en: {
    email: {
      subject: "You left something in your cart",
      preheader: "We saved your cart, so you can pick up right where you left off.",
      sections: [
        heading("Did you forget something?"),
        text(`<p>Hi ${EN_NAME},</p>
<p>It looks like you didn't quite finish checking out. No worries: we've saved your cart, so you can pick up right where you left off.</p>`),
        lineItems("en", "cart.items"),
        button("Return to my cart", "cart.url"),
        note("Items in your cart aren't reserved and can sell out."),
      ],
    },
    line: `Hi ${EN_NAME}, it's {{ shop.name }}.
You left a few things in your cart:

${itemsText("en", "cart.items")}

We've saved them for you. Finish your order here:
{{ cart.url }}`,
    sms: "You left items in your cart. Finish your order: {{ cart.url }}",
  },
});

const reminder24h = defineStep(SCENARIO, "reminder-24h", {
  ja: {
    email: {
      subject: `${JA_SUBJECT_NAME}、カゴの商品はお決まりになりましたか？`,
      preheader: "サイズやお届け日など、気になる点があればお気軽にご相談ください。",
      sections: [
        heading("カゴの商品、<br />お悩みではありませんか？"),
        text(`<p>${JA_NAME}</p>
<p>先日お買い物カゴに入れていただいた商品は、まだカゴの中に保存されています。</p>
<p>サイズや使い心地、お届け日など、ご購入前に気になる点はございませんか？<br />
ご不明な点は<a href="mailto:{{ shop.email }}">{{ shop.email }}</a>（TEL：{{ shop.phone }}）までお気軽にお問い合わせください。スタッフが丁寧にお答えいたします。</p>`),
        lineItems("ja", "cart.items"),
        button("カゴの中身を確認する", "cart.url"),
        recommendations("こちらの商品もよく一緒に選ばれています"),
      ],
    },
    line: `${JA_NAME}
{{ shop.name }}です。
先日カゴに入れていただいた商品は、まだ保存されています。

${itemsText("ja", "cart.items")}

サイズやお届け日など、気になる点がございましたらお気軽にお問い合わせください（{{ shop.email }}）。
▼カゴの中身を見る
{{ cart.url }}`,
    sms: "カゴの商品はまだ保存されています。ご不明点はお気軽にご相談ください {{ cart.url }}",
  },
  en: {
    email: {
      subject: "Still thinking it over?",
      preheader: "Questions about sizing, shipping or returns? We're happy to help.",
      sections: [
        heading("Still thinking it over?"),
        text(`<p>Hi ${EN_NAME},</p>
<p>The items you picked are still waiting in your cart.</p>
<p>If something is holding you back, whether it's sizing, delivery times or returns, write to us at <a href="mailto:{{ shop.email }}">{{ shop.email }}</a>. A real person will get back to you.</p>`),
        lineItems("en", "cart.items"),
        button("View my cart", "cart.url"),
        recommendations("Often bought together"),
      ],
    },
    line: `Hi ${EN_NAME}, it's {{ shop.name }}.
The items you picked are still in your cart:

${itemsText("en", "cart.items")}

Questions about sizing or delivery? Write to us at {{ shop.email }}.
View your cart: {{ cart.url }}`,
    sms: "Your cart is still saved. Questions? We're happy to help: {{ cart.url }}",
  },
});

const reminder72h = defineStep(SCENARIO, "reminder-72h", {
  ja: {
    email: {
      subject: "【{{ coupon.label }}クーポン】カゴの商品をお得にお求めいただけます",
      preheader: "{{ coupon.expiresAt }}まで使えるクーポンをご用意しました。",
      sections: [
        heading("カゴの商品に使える<br />クーポンをご用意しました"),
        text(`<p>${JA_NAME}</p>
<p>先日お買い物カゴに入れていただいた商品について、ご検討いただきありがとうございます。</p>
<p>ささやかではございますが、{{ coupon.expiresAt }}までご利用いただける{{ coupon.label }}クーポンをお贈りいたします。この機会にぜひご利用ください。</p>`),
        coupon("ja"),
        lineItems("ja", "cart.items"),
        button("クーポンを使って購入する", "cart.url"),
        note(
          "※クーポンコードはご注文手続きの画面でご入力ください。<br />※他のクーポンとの併用はできません。",
        ),
      ],
    },
    line: `${JA_NAME}
{{ shop.name }}です。
カゴに入れていただいた商品に使えるクーポンをお届けします。

${couponText("ja")}

${itemsText("ja", "cart.items")}

▼ご注文はこちらから（クーポンコードはお手続き画面でご入力ください）
{{ cart.url }}`,
    sms: "カゴの商品に使える{{ coupon.label }}クーポン：{{ coupon.code }}（{{ coupon.expiresAt }}まで） {{ cart.url }}",
  },
  en: {
    email: {
      subject: "{{ coupon.label }} your cart, just for you",
      preheader: "Use code {{ coupon.code }} before {{ coupon.expiresAt }}.",
      sections: [
        heading("A little something to help you decide"),
        text(`<p>Hi ${EN_NAME},</p>
<p>Your cart is still waiting, and we'd love for those items to find their way home. Here's {{ coupon.label }} your order, valid until {{ coupon.expiresAt }}.</p>`),
        coupon("en"),
        lineItems("en", "cart.items"),
        button("Use my coupon", "cart.url"),
        note("Enter the code at checkout. Cannot be combined with other offers."),
      ],
    },
    line: `Hi ${EN_NAME}, it's {{ shop.name }}.
Here's a coupon for the items in your cart:

${couponText("en")}

${itemsText("en", "cart.items")}

Enter the code at checkout: {{ cart.url }}`,
    sms: "{{ coupon.label }} the items in your cart with code {{ coupon.code }}, until {{ coupon.expiresAt }}: {{ cart.url }}",
  },
});

export const templates: LibraryTemplate[] = [...reminder1h, ...reminder24h, ...reminder72h];
