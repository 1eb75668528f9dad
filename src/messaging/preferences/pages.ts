// The HTML of the recipient pages: unsubscribe, its confirmation, the preference centre and the error
// pages. Self-contained HTML5 (inline CSS, no scripts, no external assets) that reads well on a 375px
// phone; every piece of shop or customer text goes through escapeHtml. Links are relative, so the
// pages work under whatever path PUBLIC_URL puts them.
import type { FieldIssue } from "../../core/errors.js";
import type { Channel } from "../../db/index.js";
import { COPY, type Locale } from "./copy.js";
import { FREQUENCIES, type Frequency } from "./preferences.js";

const ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

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
  "button.secondary{background:#fff;color:#0b5cad;border:1px solid #0b5cad}",
  "fieldset{margin:0 0 1rem;padding:.5rem .9rem;border:1px solid #d0d7de;border-radius:6px}",
  "legend{font-weight:600;padding:0 .25rem}",
  ".option{display:flex;align-items:center;gap:.6rem;min-height:44px}",
  ".option input{width:1.3rem;height:1.3rem;margin:0;flex:none}",
  ".option label{flex:1;padding:.4rem 0}",
  ".hint{color:#57606a;font-size:.9rem;margin:.25rem 0}",
  ".notice{padding:.75rem;border-radius:6px;background:#e8f5e9}",
  ".problem{padding:.75rem;border-radius:6px;background:#fdecea}",
  "a{color:#0b5cad}",
  "footer{max-width:34rem;margin:1rem auto 0;text-align:center;font-size:.9rem}",
].join("");

/** The frame every recipient page shares (unsubscribe, preferences, opt-in confirmation). */
export interface Frame {
  locale: Locale;
  title: string;
  shopName?: string;
  /** The page's content, already HTML. */
  content: string;
}

export function layout({ locale, title, shopName, content }: Frame): string {
  const other: Locale = locale === "ja" ? "en" : "ja";
  const shop = shopName === undefined ? "" : `<p class="shop">${escapeHtml(shopName)}</p>\n`;
  return `<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(shopName ? `${title} | ${shopName}` : title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${shop}<h1>${escapeHtml(title)}</h1>
${content}
</main>
<footer><a href="?lang=${other}" hreflang="${other}" lang="${other}">${escapeHtml(COPY[other].languageName)}</a></footer>
</body>
</html>
`;
}

function button(text: string, secondary = false): string {
  return `<button type="submit"${secondary ? ' class="secondary"' : ""}>${escapeHtml(text)}</button>`;
}

export interface UnsubscribePageInput {
  locale: Locale;
  shopName: string;
  channel: Channel;
  /** Where the button posts (this page's own URL). */
  unsubscribeHref: string;
  preferencesHref: string;
}

/** What a GET of an unsubscribe link shows: link scanners fetch it, so it only offers the button. */
export function unsubscribePage(p: UnsubscribePageInput): string {
  const copy = COPY[p.locale];
  const channel = copy.channel[p.channel];
  return layout({
    locale: p.locale,
    title: copy.unsubscribeTitle(channel),
    shopName: p.shopName,
    content: `<p>${copy.unsubscribeLead(escapeHtml(p.shopName), escapeHtml(channel))}</p>
<form method="post" action="${escapeHtml(p.unsubscribeHref)}">${button(copy.unsubscribeButton)}</form>
<p><a href="${escapeHtml(p.preferencesHref)}">${escapeHtml(copy.managePreferences)}</a></p>`,
  });
}

export interface UnsubscribedPageInput {
  locale: Locale;
  shopName: string;
  channel: Channel;
  /** The preference centre's URL: the undo button posts a resubscribe to it. */
  preferencesHref: string;
}

export function unsubscribedPage(p: UnsubscribedPageInput): string {
  const copy = COPY[p.locale];
  const channel = copy.channel[p.channel];
  return layout({
    locale: p.locale,
    title: copy.unsubscribedTitle,
    shopName: p.shopName,
    content: `<p class="notice" role="status">${copy.unsubscribedLead(escapeHtml(p.shopName), escapeHtml(channel))}</p>
<p>${escapeHtml(copy.undoLead)}</p>
<form method="post" action="${escapeHtml(p.preferencesHref)}">
<input type="hidden" name="action" value="resubscribe">
<input type="hidden" name="channel" value="${escapeHtml(p.channel)}">
${button(copy.resubscribeButton, true)}
</form>
<p><a href="${escapeHtml(p.preferencesHref)}">${escapeHtml(copy.managePreferences)}</a></p>`,
  });
}

export interface PreferencesPageInput {
  locale: Locale;
  shopName: string;
  /** Channels the customer can be reached on, and which of them they consent to. */
  reachable: readonly Channel[];
  granted: ReadonlySet<Channel>;
  /** The shop's top-level categories, and the ones chosen. */
  categories: readonly string[];
  chosenCategories: ReadonlySet<string>;
  frequency: Frequency;
  /** Where the form posts (this page's own URL). */
  preferencesHref: string;
  notice?: "saved" | "resubscribed";
  issues?: readonly FieldIssue[];
}

function checkbox(id: string, name: string, value: string, checked: boolean, label: string): string {
  return `<div class="option"><input type="checkbox" id="${id}" name="${name}" value="${escapeHtml(value)}"${
    checked ? " checked" : ""
  }><label for="${id}">${escapeHtml(label)}</label></div>`;
}

function radio(id: string, name: string, value: string, checked: boolean, label: string): string {
  return `<div class="option"><input type="radio" id="${id}" name="${name}" value="${escapeHtml(value)}"${
    checked ? " checked" : ""
  }><label for="${id}">${escapeHtml(label)}</label></div>`;
}

function problems(locale: Locale, issues: readonly FieldIssue[]): string {
  const copy = COPY[locale];
  const items = issues.map((i) => {
    const field = i.field.replace(/[[.].*$/, "");
    const label = copy.field[field] ?? field;
    return `<li data-field="${escapeHtml(i.field)}">${escapeHtml(`${label} (${i.field}): ${copy.invalidValue(i.message)}`)}</li>`;
  });
  return `<div class="problem" role="alert"><p>${escapeHtml(copy.invalidForm)}</p><ul>${items.join("")}</ul></div>`;
}

export function preferencesPage(p: PreferencesPageInput): string {
  const copy = COPY[p.locale];
  const parts: string[] = [];
  if (p.notice) {
    const text = p.notice === "saved" ? copy.saved : copy.resubscribed;
    parts.push(`<p class="notice" role="status">${escapeHtml(text)}</p>`);
  }
  if (p.issues && p.issues.length > 0) parts.push(problems(p.locale, p.issues));
  parts.push(`<p>${copy.preferencesLead(escapeHtml(p.shopName))}</p>`);

  const channels =
    p.reachable.length === 0
      ? `<p class="hint">${escapeHtml(copy.noChannels)}</p>`
      : p.reachable
          .map((c) => checkbox(`channel-${c}`, "channel", c, p.granted.has(c), copy.channel[c]))
          .join("\n");
  const fieldsets = [
    `<fieldset><legend>${escapeHtml(copy.channelsLegend)}</legend>\n${channels}\n</fieldset>`,
  ];
  if (p.categories.length > 0) {
    const boxes = p.categories.map((c, i) =>
      checkbox(`category-${i}`, "category", c, p.chosenCategories.has(c), c),
    );
    fieldsets.push(`<fieldset><legend>${escapeHtml(copy.categoriesLegend)}</legend>
<p class="hint">${escapeHtml(copy.categoriesHint)}</p>
${boxes.join("\n")}
</fieldset>`);
  }
  const radios = FREQUENCIES.map((f) =>
    radio(`frequency-${f}`, "frequency", f, p.frequency === f, copy.frequency[f]),
  );
  fieldsets.push(
    `<fieldset><legend>${escapeHtml(copy.frequencyLegend)}</legend>\n${radios.join("\n")}\n</fieldset>`,
  );

  parts.push(`<form method="post" action="${escapeHtml(p.preferencesHref)}">
<input type="hidden" name="action" value="save">
${fieldsets.join("\n")}
${button(copy.saveButton)}
</form>`);
  return layout({
    locale: p.locale,
    title: copy.preferencesTitle,
    shopName: p.shopName,
    content: parts.join("\n"),
  });
}

/** A link that does not verify ("invalid") or names a shop or customer that is gone ("gone"). */
export function linkErrorPage(locale: Locale, kind: "invalid" | "gone"): string {
  const copy = COPY[locale];
  const lead = kind === "invalid" ? copy.invalidLinkLead : copy.goneLinkLead;
  return layout({ locale, title: copy.invalidLinkTitle, content: `<p>${escapeHtml(lead)}</p>` });
}

export function errorPage(locale: Locale): string {
  const copy = COPY[locale];
  return layout({ locale, title: copy.errorTitle, content: `<p>${escapeHtml(copy.errorLead)}</p>` });
}
