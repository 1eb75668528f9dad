// ステップメール toward the second purchase (F2転換), in the five stages Japanese mail-order shops use,
// counted from the shipping date: trust (who we are), reassurance (how to use it, where to get help),
// opportunity (when to use it, what goes with it), effect (how it is going, other customers' reviews) and
// offer (a coupon for the second order). The shop story and the usage tips are generic defaults a shop
// is expected to rewrite; Liquid comments in the templates mark where.
import { button, coupon, heading, lineItems, note, orderSummary, recommendations, text } from "./blocks.js";
import { defineStep } from "./define.js";
import {
  couponText,
  EN_NAME,
  EN_SUBJECT_NAME,
  itemsText,
  JA_NAME,
  JA_SUBJECT_NAME,
  recommendationsText,
} from "./snippets.js";
import type { LibraryTemplate } from "./types.js";

const SCENARIO = "post-purchase";

const JA_CONTACT = `<p>お問い合わせ先<br />
メール：<a href="mailto:{{ shop.email }}">{{ shop.email }}</a><br />
TEL：{{ shop.phone }}</p>`;
const EN_CONTACT = `<p>Need help? Email <a href="mailto:{{ shop.email }}">{{ shop.email }}</a> or call {{ shop.phone }}.</p>`;

const trust = defineStep(SCENARIO, "trust", {
  ja: {
    email: {
      subject: "【{{ shop.name }}】このたびはご注文いただき、誠にありがとうございます",
      preheader: "ご注文の商品を発送いたしました。私たちのことを少しだけお話しさせてください。",
      sections: [
        heading("ご注文いただき、<br />ありがとうございます"),
        text(`<p>${JA_NAME}</p>
<p>このたびは数あるお店の中から{{ shop.name }}をお選びいただき、誠にありがとうございます。</p>
<p>ご注文の商品は{{ order.shippedAt }}に発送いたしました。お手元に届くまで、今しばらくお待ちください。</p>`),
        orderSummary("ja"),
        heading("{{ shop.name }}について"),
        text(`{% comment %}お店の成り立ちや、商品に込めた想いに書き換えてください。{% endcomment %}
<p>{{ shop.name }}は、「毎日の暮らしの中で、長く愛せるものをお届けしたい」という想いから始まったお店です。</p>
<p>一つひとつの商品を心を込めて選び、丁寧にお届けしています。つくり手の想いも一緒にお届けできれば、これほど嬉しいことはありません。</p>
<p>お届けした商品が、毎日に寄り添う存在になれましたら幸いです。今後とも{{ shop.name }}をどうぞよろしくお願いいたします。</p>`),
        note(
          '※ご注文について気になる点がございましたら、<a href="mailto:{{ shop.email }}">{{ shop.email }}</a>までお気軽にお問い合わせください。',
        ),
      ],
    },
    line: `${JA_NAME}
このたびは{{ shop.name }}でご注文いただき、誠にありがとうございます。
ご注文の商品は{{ order.shippedAt }}に発送いたしました。

${itemsText("ja", "order.items")}

{% comment %}お店の成り立ちや、商品に込めた想いに書き換えてください。{% endcomment %}{{ shop.name }}は「毎日の暮らしの中で、長く愛せるものをお届けしたい」という想いから始まったお店です。
お届けした商品が、毎日に寄り添う存在になれましたら幸いです。`,
    sms: "ご注文ありがとうございます。商品を発送いたしました。お店のご紹介はこちら {{ shop.url }}",
  },
  en: {
    email: {
      subject: `Thank you for your order${EN_SUBJECT_NAME}`,
      preheader: "Your order is on its way. Here's a little about who we are.",
      sections: [
        heading("Thank you for your order"),
        text(`<p>Hi ${EN_NAME},</p>
<p>Thank you for choosing {{ shop.name }}. Your order shipped on {{ order.shippedAt }} and is on its way to you.</p>`),
        orderSummary("en"),
        heading("A little about us"),
        text(`{% comment %}Replace with your shop's own story.{% endcomment %}
<p>{{ shop.name }} started with a simple idea: everyday things should be made well enough to love for years.</p>
<p>We choose every product with care and pack every order by hand. We hope yours becomes a small part of your everyday life.</p>`),
        note(
          'Questions about your order? Write to us at <a href="mailto:{{ shop.email }}">{{ shop.email }}</a>.',
        ),
      ],
    },
    line: `Hi ${EN_NAME}, thank you for your order from {{ shop.name }}!
It shipped on {{ order.shippedAt }}:

${itemsText("en", "order.items")}

{% comment %}Replace with your shop's own story.{% endcomment %}{{ shop.name }} started with a simple idea: everyday things should be made well enough to love for years. We hope yours becomes one of them.`,
    sms: "Thank you for your order! It's on its way. Get to know us: {{ shop.url }}",
  },
});

const reassurance = defineStep(SCENARIO, "reassurance", {
  ja: {
    email: {
      subject: "商品は無事に届きましたか？ご使用前のポイントをご案内します",
      preheader: "長く快適にお使いいただくための、使い方とお手入れのポイントです。",
      sections: [
        heading("商品は無事に<br />お手元に届きましたか？"),
        text(`<p>${JA_NAME}</p>
<p>先日は{{ shop.name }}をご利用いただき、ありがとうございました。ご注文の商品は、無事にお手元に届きましたでしょうか。</p>
<p>今回は、お届けした商品を安心してお使いいただくためのポイントをご案内いたします。</p>`),
        text(`{% comment %}お届けした商品に合わせて、使い方・お手入れの内容を書き換えてください。{% endcomment %}
<p><strong>■ ご使用の前に</strong><br />
商品に同梱の説明書やラベルに、使い方やご注意いただきたい点を記載しております。ご使用前に、ぜひ一度お目通しください。</p>
<p><strong>■ お手入れと保管</strong><br />
直射日光や高温多湿を避けて保管いただくと、品質をより長く保つことができます。</p>
<p><strong>■ 困ったときは</strong><br />
万一、破損や不具合、お届け内容の誤りがございましたら、お手数ですがお早めにご連絡ください。責任を持って対応いたします。</p>`),
        text(JA_CONTACT),
        button("ご注文内容を確認する", "shop.memberPageUrl"),
      ],
    },
    line: `${JA_NAME}
{{ shop.name }}です。ご注文の商品は、無事にお手元に届きましたでしょうか。

{% comment %}お届けした商品に合わせて書き換えてください。{% endcomment %}■ご使用の前に
同梱の説明書やラベルに、使い方や注意点を記載しています。ぜひ一度ご確認ください。

■困ったときは
破損や不具合などがございましたら、お電話（{{ shop.phone }}）またはメール（{{ shop.email }}）でお早めにご連絡ください。`,
    sms: "商品は無事に届きましたか？使い方などお気軽にご相談ください TEL {{ shop.phone }}",
  },
  en: {
    email: {
      subject: "Getting started with your order",
      preheader: "A few tips on use and care, and where to find help.",
      sections: [
        heading("Getting started"),
        text(`<p>Hi ${EN_NAME},</p>
<p>Your order from {{ shop.name }} should be with you by now. Here are a few tips to help you enjoy it for a long time.</p>`),
        text(`{% comment %}Replace with use and care tips for your products.{% endcomment %}
<p><strong>Before you start</strong><br />
Take a minute to read the card or label that came with your product. It has the essentials on how to use it.</p>
<p><strong>Care and storage</strong><br />
Keep it away from direct sunlight, heat and humidity, and it will stay at its best for longer.</p>
<p><strong>Something not right?</strong><br />
If anything arrived damaged, faulty or not as ordered, let us know and we'll make it right.</p>`),
        text(EN_CONTACT),
        button("View my order", "shop.memberPageUrl"),
      ],
    },
    line: `Hi ${EN_NAME}, it's {{ shop.name }}. Has your order arrived safely?

{% comment %}Replace with use and care tips for your products.{% endcomment %}Before you start, take a minute to read the card or label that came with it.

If anything arrived damaged or isn't right, call {{ shop.phone }} or write to {{ shop.email }} and we'll sort it out.`,
    sms: "Has your order arrived safely? Questions about using it? Call us at {{ shop.phone }}",
  },
});

const opportunity = defineStep(SCENARIO, "opportunity", {
  ja: {
    email: {
      subject: "お届けした商品を、もっと楽しむためのヒント",
      preheader: "使うタイミングや、組み合わせのアイデアをご紹介します。",
      sections: [
        heading("もっと楽しむための<br />ちょっとしたヒント"),
        text(`<p>${JA_NAME}</p>
<p>お届けした商品は、もうお使いいただけましたか？<br />
今回は、スタッフおすすめの楽しみ方をご紹介します。毎日の中に取り入れていただくきっかけになれば嬉しいです。</p>`),
        text(`{% comment %}お届けした商品に合わせて、使うタイミングや組み合わせの例に書き換えてください。{% endcomment %}
<p><strong>■ 使うタイミングを決める</strong><br />
朝の支度の時間や一日の終わりのひとときなど、使うシーンを決めておくと自然と習慣になり、良さをより感じていただけます。</p>
<p><strong>■ 組み合わせて楽しむ</strong><br />
相性のよいアイテムと組み合わせると、楽しみ方がさらに広がります。</p>`),
        recommendations("一緒に使うのがおすすめのアイテム"),
      ],
    },
    line: `${JA_NAME}
{{ shop.name }}です。お届けした商品は、もうお使いいただけましたか？

{% comment %}お届けした商品に合わせて書き換えてください。{% endcomment %}使うシーンを決めておくと自然と習慣になり、良さをより感じていただけます。相性のよいアイテムと組み合わせるのもおすすめです。${recommendationsText("ja", "【一緒に使うのがおすすめ】")}`,
    sms: "お届けした商品、もうお使いいただけましたか？使い方のご相談はお気軽に TEL {{ shop.phone }}",
  },
  en: {
    email: {
      subject: "A few ideas to enjoy your order even more",
      preheader: "When to use it, and what goes well with it.",
      sections: [
        heading("Make the most of it"),
        text(`<p>Hi ${EN_NAME},</p>
<p>Have you had a chance to try your order yet? Here are a few of our team's favorite ways to enjoy it.</p>`),
        text(`{% comment %}Replace with tips for your products: when to use them, what to pair them with.{% endcomment %}
<p><strong>Make it a ritual</strong><br />
Pick a moment of the day for it, like your morning routine or winding down in the evening. It's the easiest way to make it a habit.</p>
<p><strong>Pair it up</strong><br />
It's even better together with a few things that complement it.</p>`),
        recommendations("Goes well with your order"),
      ],
    },
    line: `Hi ${EN_NAME}, it's {{ shop.name }}. Have you tried your order yet?

{% comment %}Replace with tips for your products.{% endcomment %}Tip: pick a moment of the day for it, and it quickly becomes a habit. It's even better paired with a few things that complement it.${recommendationsText("en", "Goes well with your order:")}`,
    sms: "Have you tried your order yet? We're happy to share tips. Call us at {{ shop.phone }}",
  },
});

const effect = defineStep(SCENARIO, "effect", {
  ja: {
    email: {
      subject: "その後、使い心地はいかがですか？",
      preheader: "ほかのお客様のレビューと、ご感想をお寄せいただく方法をご案内します。",
      sections: [
        heading("その後、<br />使い心地はいかがですか？"),
        text(`<p>${JA_NAME}</p>
<p>商品をお届けしてから、しばらく経ちました。その後、使い心地はいかがでしょうか。</p>
<p>毎日続けてお使いいただくうちに、暮らしの一部としてなじんでいく。そんな存在になれていれば、私たちにとってこれ以上の喜びはありません。</p>`),
        text(`{% comment %}実際のお客様の声（掲載の許可をいただいたもの）を載せる場合は、効果・効能の表現が薬機法・景品表示法に抵触しないようご注意ください。{% endcomment %}
<p><strong>■ ほかのお客様の声</strong><br />
商品ページでは、実際にお使いのお客様のレビューをご覧いただけます。使い方のヒントが見つかるかもしれません。</p>
<p>よろしければ、ご感想もレビューでお聞かせください。今後の品揃えやサービスの参考にさせていただきます。</p>`),
        heading("今回お届けした商品"),
        lineItems("ja", "order.items"),
        text(JA_CONTACT),
      ],
    },
    line: `${JA_NAME}
{{ shop.name }}です。商品をお届けしてから、しばらく経ちました。その後、使い心地はいかがでしょうか。

商品ページでは、ほかのお客様のレビューもご覧いただけます。よろしければ、ご感想もお聞かせください。

${itemsText("ja", "order.items")}
{{ shop.url }}`,
    sms: "その後、商品の使い心地はいかがですか？ご感想をお聞かせください {{ shop.url }}",
  },
  en: {
    email: {
      subject: `How's it going${EN_SUBJECT_NAME}?`,
      preheader: "See what other customers say, and tell us what you think.",
      sections: [
        heading("How's it going?"),
        text(`<p>Hi ${EN_NAME},</p>
<p>It's been a little while since your order arrived. We hope it has found its place in your everyday life.</p>`),
        text(`{% comment %}If you quote customer reviews, use real ones you have permission to share.{% endcomment %}
<p><strong>What other customers say</strong><br />
You'll find reviews from other customers on each product page, often with great tips on how they use it.</p>
<p>We'd love to hear what you think too. Your review helps other shoppers, and helps us keep improving.</p>`),
        heading("Your order"),
        lineItems("en", "order.items"),
        text(EN_CONTACT),
      ],
    },
    line: `Hi ${EN_NAME}, it's {{ shop.name }}. How are you getting on with your order?

You'll find other customers' reviews on each product page, and we'd love to hear what you think too.

${itemsText("en", "order.items")}
{{ shop.url }}`,
    sms: "How's your order going? We'd love to hear what you think: {{ shop.url }}",
  },
});

const offer = defineStep(SCENARIO, "offer", {
  ja: {
    email: {
      subject: `【{{ coupon.label }}】${JA_SUBJECT_NAME}へ、次回のお買い物に使えるクーポンをお届けします`,
      preheader: "感謝の気持ちを込めて。{{ coupon.expiresAt }}までご利用いただけます。",
      sections: [
        heading("次回のお買い物に使える<br />クーポンをお届けします"),
        text(`<p>${JA_NAME}</p>
<p>先日は{{ shop.name }}をご利用いただき、誠にありがとうございました。お届けした商品は、その後いかがでしょうか。</p>
<p>感謝の気持ちを込めて、次回のお買い物でご利用いただけるクーポンをご用意しました。前回と同じ商品のリピートにも、気になっていた商品のお試しにも、ぜひお役立てください。</p>`),
        coupon("ja"),
        heading("前回ご購入の商品"),
        lineItems("ja", "order.items"),
        button("クーポンを使ってお買い物する", "shop.url"),
        recommendations("前回のご購入商品とあわせて人気の商品"),
        note("※クーポンコードはご注文手続きの画面でご入力ください。"),
      ],
    },
    line: `${JA_NAME}
{{ shop.name }}です。先日はご注文いただき、ありがとうございました。
感謝の気持ちを込めて、次回のお買い物に使えるクーポンをお届けします。

${couponText("ja")}

▼前回ご購入の商品
${itemsText("ja", "order.items")}

リピートにも、新しい商品のお試しにもどうぞ。
{{ shop.url }}`,
    sms: "次回のお買い物に使える{{ coupon.label }}クーポン：{{ coupon.code }}（{{ coupon.expiresAt }}まで） {{ shop.url }}",
  },
  en: {
    email: {
      subject: "{{ coupon.label }} your next order, as a thank-you",
      preheader: "Restock a favorite or try something new. Valid until {{ coupon.expiresAt }}.",
      sections: [
        heading("A thank-you for your next order"),
        text(`<p>Hi ${EN_NAME},</p>
<p>Thanks again for shopping with {{ shop.name }}. We hope you're enjoying your order.</p>
<p>As a thank-you, here's a coupon for your next one. Restock a favorite, or try something new.</p>`),
        coupon("en"),
        heading("You bought"),
        lineItems("en", "order.items"),
        button("Shop with my coupon", "shop.url"),
        recommendations("Customers who bought this also loved"),
        note("Enter the code at checkout."),
      ],
    },
    line: `Hi ${EN_NAME}, it's {{ shop.name }}. Thanks again for your order!
Here's a thank-you for your next one:

${couponText("en")}

You bought:
${itemsText("en", "order.items")}

Restock a favorite or try something new: {{ shop.url }}`,
    sms: "Here's {{ coupon.label }} your next order with code {{ coupon.code }}: {{ shop.url }}",
  },
});

export const templates: LibraryTemplate[] = [...trust, ...reassurance, ...opportunity, ...effect, ...offer];
