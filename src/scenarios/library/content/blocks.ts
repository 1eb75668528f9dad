// MJML building blocks the library emails are made of: each returns one or more `<mj-section>`s (with
// Liquid inside) to put between the header and footer of layout.ts. Output tags are escaped later, once.
import { COLORS } from "./layout.js";
import type { LibraryLocale } from "./types.js";

type Lines = "cart.items" | "order.items";

const LABELS = {
  ja: {
    quantity: "数量：",
    couponTitle: "ご優待クーポン",
    couponCode: "クーポンコード：",
    couponExpires: (date: string) => `有効期限：${date}まで`,
    pointsBalance: "現在の保有ポイント",
    pointsExpiring: "失効予定のポイント",
    pointsExpiresAt: "有効期限",
    pointsUnit: "pt",
    online: { number: "ご注文番号：", date: "ご注文日：" },
    store: { number: "お買い上げ番号：", date: "お買い上げ日：" },
    orderTotal: "合計金額：",
  },
  en: {
    quantity: "Qty: ",
    couponTitle: "Your coupon",
    couponCode: "Code: ",
    couponExpires: (date: string) => `Valid until ${date}`,
    pointsBalance: "Points balance",
    pointsExpiring: "Points expiring",
    pointsExpiresAt: "Expiry date",
    pointsUnit: " pts",
    online: { number: "Order ", date: "Ordered on " },
    store: { number: "Receipt ", date: "Purchased on " },
    orderTotal: "Total: ",
  },
} satisfies Record<LibraryLocale, unknown>;

function section(inner: string, padding = "8px 24px"): string {
  return `      <mj-section padding="${padding}">
        <mj-column>
${inner}
        </mj-column>
      </mj-section>`;
}

/** Paragraphs of copy (HTML allowed: <p>, <br />, <strong>, <a>). */
export function text(html: string): string {
  return section(`          <mj-text>
${html}
          </mj-text>`);
}

export function heading(html: string): string {
  return section(
    `          <mj-text font-size="21px" font-weight="bold" line-height="1.5">${html}</mj-text>`,
    "16px 24px 0",
  );
}

/** A call-to-action button; `href` is a Liquid expression such as `cart.url`. */
export function button(label: string, href: string): string {
  return section(`          <mj-button href="{{ ${href} }}">${label}</mj-button>`, "12px 24px");
}

export function divider(): string {
  return section(`          <mj-divider border-width="1px" border-color="#e3ded6" />`, "8px 24px");
}

/** Small print under the main copy (stock notes, coupon conditions). */
export function note(html: string): string {
  return section(
    `          <mj-text font-size="13px" line-height="1.7" color="${COLORS.muted}">${html}</mj-text>`,
    "4px 24px",
  );
}

/** The lines of a cart or an order: picture, name, quantity and price. */
export function lineItems(locale: LibraryLocale, lines: Lines): string {
  const l = LABELS[locale];
  return `      {% for item in ${lines} %}
      <mj-section padding="6px 24px">
        <mj-group>
          <mj-column width="28%" vertical-align="middle">
            <mj-image src="{{ item.imageUrl }}" alt="{{ item.name }}" href="{{ item.url }}" width="120px" padding="0" border-radius="4px" />
          </mj-column>
          <mj-column width="72%" vertical-align="middle">
            <mj-text padding="0 0 0 16px"><a href="{{ item.url }}" style="color: ${COLORS.text}; font-weight: bold; text-decoration: none;">{{ item.name }}</a><br />
<span style="color: ${COLORS.muted}; font-size: 13px;">${l.quantity}{{ item.quantity }}</span><br />
{{ item.price }}</mj-text>
          </mj-column>
        </mj-group>
      </mj-section>
      {% endfor %}`;
}

/** Order number, date, lines and total; a store purchase is worded as one ("お買い上げ"). */
export function orderSummary(locale: LibraryLocale, where: "online" | "store" = "online"): string {
  const l = LABELS[locale];
  const { number, date } = l[where];
  const header = section(
    `          <mj-text font-size="13px" color="${COLORS.muted}">${number}{{ order.number }} / ${date}{{ order.orderedAt }}</mj-text>`,
    "8px 24px 0",
  );
  const total = section(
    `          <mj-text align="right" font-weight="bold">${l.orderTotal}{{ order.total }}</mj-text>`,
    "0 24px 8px",
  );
  return [header, lineItems(locale, "order.items"), total].join("\n");
}

/**
 * The one product the message is about (viewed, back in stock, running low): picture, name, price and a
 * button to it. Without a button label it is only shown (a warranty notice sells nothing).
 */
export function product(buttonLabel?: string): string {
  const name = `<a href="{{ product.url }}" style="color: ${COLORS.text}; text-decoration: none;">{{ product.name }}</a>`;
  const offer = buttonLabel
    ? `
          <mj-text align="center" padding-top="4px">{{ product.price }}</mj-text>
          <mj-button href="{{ product.url }}">${buttonLabel}</mj-button>`
    : "";
  return section(`          <mj-image src="{{ product.imageUrl }}" alt="{{ product.name }}" href="{{ product.url }}" width="280px" border-radius="4px" />
          <mj-text align="center" font-size="17px" font-weight="bold" padding-bottom="0">${name}</mj-text>${offer}`);
}

function recommendationColumn(): string {
  return `          <mj-column width="50%">
            <mj-image src="{{ p.imageUrl }}" alt="{{ p.name }}" href="{{ p.url }}" width="200px" padding="8px" border-radius="4px" />
            <mj-text align="center" font-size="13px" line-height="1.6" padding="0 8px 12px"><a href="{{ p.url }}" style="color: ${COLORS.text}; text-decoration: none;">{{ p.name }}</a><br />
<strong>{{ p.price }}</strong></mj-text>
          </mj-column>`;
}

/**
 * Up to four recommended products, two a row (an mj-group keeps the pair side by side on phones);
 * nothing at all when there are none.
 */
export function recommendations(title: string): string {
  const row = (loop: string) => `      <mj-section padding="0 16px">
        <mj-group>
          {% for p in recommendations ${loop} %}
${recommendationColumn()}
          {% endfor %}
        </mj-group>
      </mj-section>`;
  return `      {% if recommendations.size > 0 %}
${section(`          <mj-text align="center" font-size="17px" font-weight="bold">${title}</mj-text>`, "16px 24px 0")}
${row("limit: 2")}
      {% if recommendations.size > 2 %}
${row("limit: 2 offset: 2")}
      {% endif %}
      {% endif %}`;
}

/** The coupon: what it gives, the code to type, until when. */
export function coupon(locale: LibraryLocale): string {
  const l = LABELS[locale];
  return `      <mj-section padding="12px 24px">
        <mj-column border="2px dashed ${COLORS.accent}" background-color="${COLORS.soft}" padding="8px 0">
          <mj-text align="center" font-size="13px" color="${COLORS.muted}" padding-bottom="0">${l.couponTitle}</mj-text>
          <mj-text align="center" font-size="28px" font-weight="bold" color="${COLORS.accent}" padding="4px 16px">{{ coupon.label }}</mj-text>
          <mj-text align="center" padding-top="0">${l.couponCode}<strong style="font-size: 18px; letter-spacing: 2px;">{{ coupon.code }}</strong><br />
<span style="font-size: 13px; color: ${COLORS.muted};">${l.couponExpires("{{ coupon.expiresAt }}")}</span></mj-text>
        </mj-column>
      </mj-section>`;
}

/** Points balance, and what expires when. */
export function points(locale: LibraryLocale): string {
  const l = LABELS[locale];
  const row = (label: string, value: string, strong = false) =>
    `<tr><td style="padding: 8px 0; border-bottom: 1px solid #e3ded6;">${label}</td><td style="padding: 8px 0; border-bottom: 1px solid #e3ded6; text-align: right;${strong ? ` font-weight: bold; color: ${COLORS.accent};` : ""}">${value}</td></tr>`;
  return section(`          <mj-table font-size="15px" color="${COLORS.text}">
            ${row(l.pointsBalance, `{{ points.balance }}${l.pointsUnit}`)}
            ${row(l.pointsExpiring, `{{ points.expiringAmount }}${l.pointsUnit}`, true)}
            ${row(l.pointsExpiresAt, "{{ points.expiresAt }}", true)}
          </mj-table>`);
}
