// The HTML of the confirmation pages: the confirm button (all a GET shows, since link scanners follow
// links), the thank-you page, and the expired and withdrawn pages. Self-contained HTML5 (inline CSS, no
// scripts) that reads well on a phone; shop text goes through escapeHtml. The frame is the preference
// centre's (preferences/pages.ts).

import type { Locale } from "../preferences/copy.js";
import { escapeHtml, layout } from "../preferences/pages.js";
import { OPT_IN_COPY } from "./copy.js";

function page(locale: Locale, title: string, shopName: string, content: string): string {
  return layout({ locale, title, shopName, content });
}

export interface ConfirmPageInput {
  locale: Locale;
  shopName: string;
  /** Where the button posts (this page's own URL). */
  confirmHref: string;
}

export function confirmPage(p: ConfirmPageInput): string {
  const copy = OPT_IN_COPY[p.locale];
  return page(
    p.locale,
    copy.confirmTitle,
    p.shopName,
    `<p>${copy.confirmLead(escapeHtml(p.shopName))}</p>
<form method="post" action="${escapeHtml(p.confirmHref)}"><input type="hidden" name="action" value="confirm"><button type="submit">${escapeHtml(copy.confirmButton)}</button></form>`,
  );
}

export function confirmedPage(locale: Locale, shopName: string): string {
  const copy = OPT_IN_COPY[locale];
  return page(
    locale,
    copy.confirmedTitle,
    shopName,
    `<p class="notice" role="status">${copy.confirmedLead(escapeHtml(shopName))}</p>`,
  );
}

/** A link that can no longer be used: too old, or the customer said no since. */
export function closedPage(locale: Locale, shopName: string, why: "expired" | "withdrawn"): string {
  const copy = OPT_IN_COPY[locale];
  const [title, lead] =
    why === "expired" ? [copy.expiredTitle, copy.expiredLead] : [copy.withdrawnTitle, copy.withdrawnLead];
  return page(locale, title, shopName, `<p>${escapeHtml(lead)}</p>`);
}
