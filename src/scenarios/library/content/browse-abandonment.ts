// 閲覧放棄: a product was looked at but not put in the cart. One gentle reminder of it, with a few
// alternatives in case it was not quite right.
import { heading, note, product, recommendations, text } from "./blocks.js";
import { defineStep } from "./define.js";
import { EN_NAME, JA_NAME, recommendationsText } from "./snippets.js";
import type { LibraryTemplate } from "./types.js";

const viewedProduct = defineStep("browse-abandonment", "viewed-product", {
  ja: {
    email: {
      subject: "先日ご覧いただいた「{{ product.name }}」はいかがでしたか？",
      preheader: "商品の詳しい説明やレビューは、商品ページでご確認いただけます。",
      sections: [
        heading("先日ご覧いただいた商品は<br />いかがでしたか？"),
        text(`<p>${JA_NAME}</p>
<p>いつも{{ shop.name }}をご覧いただき、ありがとうございます。<br />
先日ご覧いただいた「{{ product.name }}」について、改めてご案内いたします。</p>
<p>商品ページでは、詳しい説明やサイズ、お客様のレビューもご確認いただけます。ご検討の参考になれば幸いです。</p>`),
        product("商品ページを見る"),
        recommendations("こちらの商品も人気です"),
        note(
          '※ご不明な点は<a href="mailto:{{ shop.email }}">{{ shop.email }}</a>までお気軽にお問い合わせください。',
        ),
      ],
    },
    line: `${JA_NAME}
{{ shop.name }}です。
先日ご覧いただいた「{{ product.name }}」はいかがでしたか？

▼{{ product.name }} {{ product.price }}
{{ product.url }}

商品ページでは、詳しい説明やお客様のレビューもご覧いただけます。気になる点がございましたら、お気軽にお問い合わせください。${recommendationsText("ja", "【こちらの商品も人気です】")}`,
    sms: "先日ご覧の「{{ product.name }}」はいかがでしたか？ {{ product.url }}",
  },
  en: {
    email: {
      subject: "Still thinking about {{ product.name }}?",
      preheader: "Take another look, plus a few more picks we think you'll like.",
      sections: [
        heading("Still have your eye on this?"),
        text(`<p>Hi ${EN_NAME},</p>
<p>We noticed you were checking out {{ product.name }}. Here it is again, in case you'd like a closer look. You'll find all the details and what other customers think on the product page.</p>`),
        product("Take another look"),
        recommendations("You might also like"),
        note('Questions? Write to us at <a href="mailto:{{ shop.email }}">{{ shop.email }}</a>.'),
      ],
    },
    line: `Hi ${EN_NAME}, it's {{ shop.name }}.
Still thinking about {{ product.name }}?

{{ product.name }} {{ product.price }}
{{ product.url }}

Have a question about it? Just get in touch: {{ shop.email }}${recommendationsText("en", "You might also like:")}`,
    sms: "Still thinking about {{ product.name }}? Take another look: {{ product.url }}",
  },
});

export const templates: LibraryTemplate[] = [...viewedProduct];
