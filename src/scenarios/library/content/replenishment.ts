// Replenishment: a consumable's usual cycle after delivery has passed, so it is probably running low.
import { heading, note, product, recommendations, text } from "./blocks.js";
import { defineStep } from "./define.js";
import { EN_NAME, JA_NAME } from "./snippets.js";
import type { LibraryTemplate } from "./types.js";

const reminder = defineStep("replenishment", "reminder", {
  ja: {
    email: {
      subject: "そろそろ「{{ product.name }}」がなくなる頃ではありませんか？",
      preheader: "切らしてしまう前に、早めのご注文がおすすめです。",
      sections: [
        heading("そろそろ<br />お手元の残りが少なくなる頃です"),
        text(`<p>${JA_NAME}</p>
<p>いつも{{ shop.name }}をご利用いただき、ありがとうございます。</p>
<p>前回お届けした「{{ product.name }}」は、そろそろ残りが少なくなってくる頃かと思い、ご連絡いたしました。切らしてしまう前に、お早めのご注文がおすすめです。</p>`),
        product("もう一度購入する"),
        note(
          "※すでにご注文済みの場合や、まだ十分に残っている場合は、行き違いとなりましたことをご容赦ください。",
        ),
        recommendations("あわせてよく購入されている商品"),
      ],
    },
    line: `${JA_NAME}
{{ shop.name }}です。
前回お届けした「{{ product.name }}」は、そろそろ残りが少なくなる頃ではありませんか？
切らしてしまう前に、お早めのご注文がおすすめです。

▼{{ product.name }} {{ product.price }}
{{ product.url }}`,
    sms: "そろそろ「{{ product.name }}」が少なくなる頃では？ご注文はこちら {{ product.url }}",
  },
  en: {
    email: {
      subject: "Running low on {{ product.name }}?",
      preheader: "Restock now so you don't run out.",
      sections: [
        heading("Time for a refill?"),
        text(`<p>Hi ${EN_NAME},</p>
<p>Based on when your last order arrived, you might be running low on {{ product.name }}. Restock now so you never run out.</p>`),
        product("Reorder now"),
        note("Already restocked, or still have plenty? Just ignore this reminder."),
        recommendations("Often bought with it"),
      ],
    },
    line: `Hi ${EN_NAME}, it's {{ shop.name }}.
Running low on {{ product.name }}? Restock before you run out:

{{ product.name }} {{ product.price }}
{{ product.url }}`,
    sms: "Running low on {{ product.name }}? Reorder in a tap: {{ product.url }}",
  },
});

export const templates: LibraryTemplate[] = [...reminder];
