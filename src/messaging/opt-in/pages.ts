// The HTML of the confirmation pages: the confirm button (all a GET shows, since link scanners follow
// links), the thank-you page, and the expired and withdrawn pages. Self-contained HTML5 (inline CSS, no
// scripts) that reads well on a phone; shop text goes through escapeHtml. The frame follows the
// preference centre's (preferences/pages.ts), which does not export its own.

import type { Locale } from "../preferences/copy.js";
import { escapeHtml } from "../preferences/pages.js";
import { OPT_IN_COPY } from "./copy.js";

const STYLE = [
  "*{box-sizing:border-box}",
  "body{margin:0;padding:1rem;font-family:system-ui,-apple-system,'Hiragino Sans','Noto Sans JP',sans-serif;",
  "line-height:1.7;color:#1f2328;background:#f4f4f2}",
  "main{max-width:34rem;margin:0 auto;padding:1.25rem;background:#fff;border-radius:8px}",
  "h1{font-size:1.35rem;line-height:1.4;margin:0 0 1rem}",
  ".shop{margin:0 0 .25rem;color:#57606a;font-size:.9rem}",
  "form{margin:1.25rem 0}",
  "button{font:inherit;width:100%;min-height:48px;padding:.6rem 1rem;border:0;border-radius:6px;",
  "background:#0b5cad;color:#fff;cursor:pointer}",
  ".notice{padding:.75rem;border-radius:6px;background:#e8f5e9}",
  "a{color:#0b5cad}",
  "footer{max-width:34rem;margin:1rem auto 0;text-align:center;font-size:.9rem}",
].join("");

function layout(locale: Locale, title: string, shopName: string, content: string): string {
  const other: Locale = locale === "ja" ? "en" : "ja";
  return `<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(`${title} | ${shopName}`)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<p class="shop">${escapeHtml(shopName)}</p>
<h1>${escapeHtml(title)}</h1>
${content}
</main>
<footer><a href="?lang=${other}" hreflang="${other}" lang="${other}">${escapeHtml(OPT_IN_COPY[other].languageName)}</a></footer>
</body>
</html>
`;
}

export interface ConfirmPageInput {
  locale: Locale;
  shopName: string;
  /** Where the button posts (this page's own URL). */
  confirmHref: string;
}

export function confirmPage(p: ConfirmPageInput): string {
  const copy = OPT_IN_COPY[p.locale];
  return layout(
    p.locale,
    copy.confirmTitle,
    p.shopName,
    `<p>${copy.confirmLead(escapeHtml(p.shopName))}</p>
<form method="post" action="${escapeHtml(p.confirmHref)}"><input type="hidden" name="action" value="confirm"><button type="submit">${escapeHtml(copy.confirmButton)}</button></form>`,
  );
}

export function confirmedPage(locale: Locale, shopName: string): string {
  const copy = OPT_IN_COPY[locale];
  return layout(
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
  return layout(locale, title, shopName, `<p>${escapeHtml(lead)}</p>`);
}
