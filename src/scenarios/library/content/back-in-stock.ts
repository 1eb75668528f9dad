// 再入荷: the product a customer viewed, favourited or asked about is available again. The copy does not
// say which of these it was, so it stays true for all three.
import { heading, note, product, recommendations, text } from "./blocks.js";
import { defineStep } from "./define.js";
import { EN_NAME, JA_NAME } from "./snippets.js";
import type { LibraryTemplate } from "./types.js";

const restocked = defineStep("back-in-stock", "restocked", {
  ja: {
    email: {
      subject: "【再入荷のお知らせ】「{{ product.name }}」が再入荷しました",
      preheader: "お待たせいたしました。在庫に限りがございますので、お早めにご確認ください。",
      sections: [
        heading("お待たせいたしました。<br />再入荷のお知らせです"),
        text(`<p>${JA_NAME}</p>
<p>いつも{{ shop.name }}をご利用いただき、ありがとうございます。<br />
お待ちいただいていた「{{ product.name }}」が再入荷いたしました。</p>`),
        product("商品ページを見る"),
        note(
          "※在庫には限りがございます。本メールがお手元に届いた時点で、再び品切れとなっている場合もございますので、あらかじめご了承ください。",
        ),
        recommendations("あわせてチェックされている商品"),
      ],
    },
    line: `${JA_NAME}
{{ shop.name }}です。
お待たせいたしました！「{{ product.name }}」が再入荷しました。

▼{{ product.name }} {{ product.price }}
{{ product.url }}

在庫に限りがございますので、お早めにご確認ください。`,
    sms: "お待たせしました。「{{ product.name }}」が再入荷しました {{ product.url }}",
  },
  en: {
    email: {
      subject: "It's back: {{ product.name }}",
      preheader: "Good news: it's back in stock. Quantities are limited.",
      sections: [
        heading("Good news: it's back!"),
        text(`<p>Hi ${EN_NAME},</p>
<p>The wait is over. {{ product.name }} is back in stock, and we wanted you to be among the first to know.</p>`),
        product("Shop now"),
        note("Quantities are limited and may sell out again quickly."),
        recommendations("You might also like"),
      ],
    },
    line: `Hi ${EN_NAME}, it's {{ shop.name }}.
Good news: {{ product.name }} is back in stock!

{{ product.name }} {{ product.price }}
{{ product.url }}

Quantities are limited, so don't wait too long.`,
    sms: "{{ product.name }} is back in stock! Limited quantities: {{ product.url }}",
  },
});

export const templates: LibraryTemplate[] = [...restocked];
