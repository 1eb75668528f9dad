// Money and dates as a customer reads them in a message: in the message's language and the shop's
// time zone ("¥3,980", "2025年4月1日" / "April 1, 2025").
const moneyFormats = new Map<string, Intl.NumberFormat>();
const dateFormats = new Map<string, Intl.DateTimeFormat>();

function moneyFormat(locale: string, currency: string): Intl.NumberFormat {
  const key = `${locale}:${currency}`;
  let f = moneyFormats.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, { style: "currency", currency });
    moneyFormats.set(key, f);
  }
  return f;
}

/** Minor units (yen, cents) of a currency, formatted; JPY has none, USD two. */
export function formatMoney(minor: number, currency: string, locale: string): string {
  const f = moneyFormat(locale, currency);
  const digits = f.resolvedOptions().maximumFractionDigits ?? 0;
  return f.format(minor / 10 ** digits);
}

/** A UTC timestamp or a calendar date (YYYY-MM-DD) as a long local date. */
export function formatDate(value: string | null | undefined, locale: string, timeZone: string): string {
  if (!value) return "";
  const isCalendarDate = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const zone = isCalendarDate ? "UTC" : timeZone;
  const key = `${locale}:${zone}`;
  let f = dateFormats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, { year: "numeric", month: "long", day: "numeric", timeZone: zone });
    dateFormats.set(key, f);
  }
  const date = new Date(isCalendarDate ? `${value}T00:00:00Z` : value);
  return Number.isNaN(date.getTime()) ? "" : f.format(date);
}

/** A coupon's headline: "10%OFF" / "¥500OFF" in Japanese, "10% off" / "¥500 off" in English. */
export function couponLabel(kind: string, value: number, currency: string, locale: string): string {
  const amount = kind === "percent" ? `${value}%` : formatMoney(value, currency, locale);
  return locale === "ja" ? `${amount}OFF` : `${amount} off`;
}
