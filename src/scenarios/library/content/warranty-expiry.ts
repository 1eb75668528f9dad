// Warranty expiry: 30 days before a product's warranty ends, a notice with a link to the member page.
//
// This is the library's one transactional message. It tells the customer about the terms of something
// they already bought (the end of its warranty, and until when they can still claim under it): a notice
// "on the content or performance of a contract", not an advertisement, so it is not a 特定電子メール and
// goes out whatever the marketing consent. To keep it so, it carries no coupon, price or recommendation.
import { button, heading, note, product, text } from "./blocks.js";
import { defineStep } from "./define.js";
import { EN_NAME, JA_NAME } from "./snippets.js";
import type { LibraryTemplate } from "./types.js";

const notice = defineStep("warranty-expiry", "notice", {
  messageClass: "transactional",
  ja: {
    email: {
      subject: "【{{ shop.name }}】「{{ product.name }}」の保証期間終了のお知らせ",
      preheader: "保証期間は{{ warranty.endsAt }}までです。気になる点があればお早めにご確認ください。",
      sections: [
        heading("保証期間終了のお知らせ"),
        text(`<p>${JA_NAME}</p>
<p>{{ shop.name }}でご購入いただいた下記の商品の保証期間が、<strong>{{ warranty.endsAt }}</strong>で終了いたします。</p>
<p>保証期間中に生じた故障や不具合は、保証規定に基づいて対応いたします。気になる症状がございましたら、保証期間内にお早めにご相談ください。</p>`),
        product(),
        text("<p>保証の内容やご購入履歴は、マイページからご確認いただけます。</p>"),
        button("マイページで保証内容を確認する", "shop.memberPageUrl"),
        note(
          '※修理・点検のご相談は<a href="mailto:{{ shop.email }}">{{ shop.email }}</a>（TEL：{{ shop.phone }}）までお問い合わせください。',
        ),
      ],
    },
    line: `${JA_NAME}
{{ shop.name }}です。
ご購入いただいた「{{ product.name }}」の保証期間が、{{ warranty.endsAt }}で終了いたします。

気になる症状がございましたら、保証期間内にお早めにご相談ください。保証の内容はマイページからご確認いただけます。
{{ shop.memberPageUrl }}`,
    sms: "「{{ product.name }}」の保証は{{ warranty.endsAt }}までです。詳細 {{ shop.memberPageUrl }}",
  },
  en: {
    email: {
      subject: "Your warranty for {{ product.name }} ends on {{ warranty.endsAt }}",
      preheader: "If anything isn't working as it should, let us know before then.",
      sections: [
        heading("Your warranty is ending soon"),
        text(`<p>Hi ${EN_NAME},</p>
<p>The warranty for the {{ product.name }} you bought from {{ shop.name }} ends on <strong>{{ warranty.endsAt }}</strong>.</p>
<p>Faults that appear during the warranty period are covered under its terms. If anything isn't working as it should, please get in touch before then.</p>`),
        product(),
        text("<p>You can check your warranty details and order history in your account.</p>"),
        button("View my warranty", "shop.memberPageUrl"),
        note(
          'For repairs or inspections, contact <a href="mailto:{{ shop.email }}">{{ shop.email }}</a> or call {{ shop.phone }}.',
        ),
      ],
    },
    line: `Hi ${EN_NAME}, it's {{ shop.name }}.
The warranty for your {{ product.name }} ends on {{ warranty.endsAt }}.

If anything isn't working as it should, let us know before then. Your warranty details are in your account:
{{ shop.memberPageUrl }}`,
    sms: "The warranty for your {{ product.name }} ends on {{ warranty.endsAt }}. Details: {{ shop.memberPageUrl }}",
  },
});

export const templates: LibraryTemplate[] = [...notice];
