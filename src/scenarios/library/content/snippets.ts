// Liquid pieces every channel repeats: how a customer is addressed, and the plain-text lists, coupon and
// SMS frame of LINE and SMS messages.
import type { LibraryLocale, MessageClass } from "./types.js";

/** 「山田 花子 様」, or 「お客様」 when the name is unknown. */
export const JA_NAME =
  "{% if customer.lastName != blank %}{{ customer.lastName }}{% if customer.firstName != blank %} {{ customer.firstName }}{% endif %} 様{% else %}お客様{% endif %}";

/** "Hana", or "there" ("Hi there,") when the first name is unknown. */
export const EN_NAME = '{{ customer.firstName | default: "there" }}';

/** For subjects: 「山田様」, or 「お客様」. */
export const JA_SUBJECT_NAME = "{{ customer.lastName | default: 'お客' }}様";

/** For subjects: ", Hana" after a phrase, or nothing when the first name is unknown. */
export const EN_SUBJECT_NAME = "{% if customer.firstName != blank %}, {{ customer.firstName }}{% endif %}";

/** A cart's or an order's lines as text, one product a line (LINE). */
export function itemsText(locale: LibraryLocale, lines: "cart.items" | "order.items"): string {
  const line =
    locale === "ja"
      ? "・{{ item.name }}（数量 {{ item.quantity }}）{{ item.price }}"
      : "- {{ item.name }} (x{{ item.quantity }}) {{ item.price }}";
  return `{% for item in ${lines} %}${line}{% unless forloop.last %}\n{% endunless %}{% endfor %}`;
}

/** Up to four recommendations with their links (LINE); nothing when there are none. */
export function recommendationsText(locale: LibraryLocale, title: string): string {
  const bullet = locale === "ja" ? "▼" : "- ";
  return `{% if recommendations.size > 0 %}

${title}
{% for p in recommendations limit: 4 %}${bullet}{{ p.name }} {{ p.price }}
{{ p.url }}{% unless forloop.last %}\n{% endunless %}{% endfor %}{% endif %}`;
}

/** The coupon as text (LINE). */
export function couponText(locale: LibraryLocale): string {
  return locale === "ja"
    ? `【{{ coupon.label }}クーポン】
クーポンコード：{{ coupon.code }}
有効期限：{{ coupon.expiresAt }}まで`
    : `[{{ coupon.label }} coupon]
Code: {{ coupon.code }}
Valid until {{ coupon.expiresAt }}`;
}

/** The opt-out a promotional SMS ends with: the notice that one may refuse, right by its link. */
export const SMS_OPT_OUT: Record<LibraryLocale, string> = {
  ja: " 配信停止 {{ unsubscribeUrl }}",
  en: " Opt out: {{ unsubscribeUrl }}",
};

/**
 * Frames an SMS: the sender's name first (an SMS shows no sender name of its own) and, for promotional
 * messages, the opt-out link, which 特定電子メール法 wants in the message itself. With two links a Japanese
 * SMS seldom fits one 70-character segment: the message itself is kept within 70, the whole within two
 * segments (134).
 */
export function smsText(locale: LibraryLocale, messageClass: MessageClass, message: string): string {
  const optOut = messageClass === "promotional" ? SMS_OPT_OUT[locale] : "";
  return locale === "ja" ? `【{{ shop.name }}】${message}${optOut}` : `{{ shop.name }}: ${message}${optOut}`;
}
