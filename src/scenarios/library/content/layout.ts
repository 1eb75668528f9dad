// The frame every library email shares: head, shop header and the footer with the sender's identity and,
// for promotional mail, the opt-out that Japan's 特定電子メール法 requires (and CAN-SPAM expects).
import type { LibraryLocale, MessageClass } from "./types.js";

/** The class on the footer section, so a check can find the sender identity where the law wants it. */
export const FOOTER_CLASS = "kizuna-footer";

const FONT_FAMILY: Record<LibraryLocale, string> = {
  ja: "'Hiragino Kaku Gothic ProN', 'Hiragino Sans', 'Yu Gothic', Meiryo, sans-serif",
  en: "'Helvetica Neue', Helvetica, Arial, sans-serif",
};

export const COLORS = {
  page: "#f5f3ef",
  card: "#ffffff",
  text: "#333333",
  muted: "#777777",
  accent: "#2f5d50",
  soft: "#eef3f1",
};

// Why it was sent and how to stop it: the opt-out wording sits right next to its link, as the law asks.
const FOOTER_NOTICE: Record<LibraryLocale, Record<MessageClass, string>> = {
  ja: {
    promotional: `<p>本メールは、{{ shop.name }}からのお知らせの受け取りにご同意いただいたお客様にお送りしています。</p>
<p>今後の配信停止をご希望の方は、<a href="{{ unsubscribeUrl }}">配信停止の手続き</a>へお進みください。
配信内容の変更は<a href="{{ preferencesUrl }}">配信設定</a>から行えます。</p>`,
    transactional: `<p>本メールは、ご購入いただいた商品に関する大切なお知らせのため、メールマガジンの配信設定にかかわらずお送りしています。
通知の受け取り方法は<a href="{{ preferencesUrl }}">配信設定</a>から変更できます。</p>`,
  },
  en: {
    promotional: `<p>You are receiving this email because you signed up for news from {{ shop.name }}.</p>
<p>Don't want these emails? <a href="{{ unsubscribeUrl }}">Unsubscribe</a> or
<a href="{{ preferencesUrl }}">update your preferences</a>.</p>`,
    transactional: `<p>This is a service message about a product you bought from us, so it is sent regardless of your
newsletter settings. You can <a href="{{ preferencesUrl }}">manage your notifications</a> at any time.</p>`,
  },
};

const SENDER: Record<LibraryLocale, string> = {
  ja: `<p>発行：{{ shop.name }}<br />
{{ shop.address }}<br />
TEL：{{ shop.phone }} / お問い合わせ：<a href="mailto:{{ shop.email }}">{{ shop.email }}</a><br />
<a href="{{ shop.url }}">{{ shop.url }}</a></p>`,
  en: `<p>{{ shop.name }}<br />
{{ shop.address }}<br />
Phone: {{ shop.phone }} · Email: <a href="mailto:{{ shop.email }}">{{ shop.email }}</a><br />
<a href="{{ shop.url }}">{{ shop.url }}</a></p>`,
};

export interface EmailDocument {
  locale: LibraryLocale;
  messageClass: MessageClass;
  preheader: string;
  /** The message's own `<mj-section>`s, between the shop header and the footer. */
  sections: string[];
}

/** Wraps a message's sections into the full MJML document. */
export function emailDocument({ locale, messageClass, preheader, sections }: EmailDocument): string {
  return `<mjml lang="${locale}">
  <mj-head>
    <mj-title>{{ shop.name }}</mj-title>
    <mj-preview>${preheader}</mj-preview>
    <mj-attributes>
      <mj-all font-family="${FONT_FAMILY[locale]}" />
      <mj-text font-size="15px" line-height="1.8" color="${COLORS.text}" />
      <mj-button background-color="${COLORS.accent}" color="#ffffff" font-size="15px" font-weight="bold" border-radius="4px" inner-padding="14px 36px" />
    </mj-attributes>
    <mj-style>
      a { color: ${COLORS.accent}; }
      .${FOOTER_CLASS} a { color: ${COLORS.muted}; }
    </mj-style>
  </mj-head>
  <mj-body background-color="${COLORS.page}" width="600px">
    <mj-section padding="24px 16px 12px">
      <mj-column>
        <mj-text align="center" font-size="20px" font-weight="bold" letter-spacing="1px"><a href="{{ shop.url }}" style="color: ${COLORS.text}; text-decoration: none;">{{ shop.name }}</a></mj-text>
      </mj-column>
    </mj-section>
    <mj-wrapper background-color="${COLORS.card}" padding="16px 0 24px">
${sections.join("\n")}
    </mj-wrapper>
    <mj-section css-class="${FOOTER_CLASS}" padding="24px 16px 32px">
      <mj-column>
        <mj-text font-size="12px" line-height="1.7" color="${COLORS.muted}" align="center">
${FOOTER_NOTICE[locale][messageClass]}
${SENDER[locale]}
        </mj-text>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>`;
}

/**
 * Adds `| escape` to every output tag, so a product called "Salt & Pepper" or a name with "<" cannot break
 * the HTML. Done once here rather than by hand in every template.
 */
export function escapeOutputs(liquid: string): string {
  return liquid.replace(/\{\{-?\s*(.+?)\s*-?\}\}/g, (tag, expression: string) =>
    /\|\s*escape\s*$/.test(expression) ? tag : `{{ ${expression} | escape }}`,
  );
}
