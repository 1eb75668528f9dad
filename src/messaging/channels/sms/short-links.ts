// Short tracked links for SMS, where every character is paid for: each http(s) URL in a text becomes
// `${baseUrl}/s/<code>`, and the redirect behind it (routes.ts) records the click. Codes are random, not
// derived from anything, so one cannot be guessed from another.
import { randomInt } from "node:crypto";
import type { Db } from "../../../db/index.js";

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/**
 * 10 characters is about 60 bits: with millions of links stored, guessing one (an unsubscribe or
 * preference link among them) stays out of reach, for three characters more than the shortest codes.
 */
export const SHORT_CODE_LENGTH = 10;
export const SHORT_CODE = /^[0-9A-Za-z]{7,64}$/;

export function randomShortCode(length = SHORT_CODE_LENGTH): string {
  let code = "";
  for (let i = 0; i < length; i++) code += BASE62[randomInt(BASE62.length)];
  return code;
}

/**
 * URLs as they appear in an SMS: ASCII only, so Japanese text right after a link (「https://…から」)
 * is not taken into it; trailing sentence punctuation is trimmed below.
 */
const URL_IN_TEXT = /https?:\/\/[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]+/gi;
const TRAILING_PUNCTUATION = /[.,;:!?'*]+$/;

function trimUrl(candidate: string): string {
  let url = candidate.replace(TRAILING_PUNCTUATION, "");
  // A closing bracket belongs to the URL only when the URL opened one: "(see https://x.jp/a)".
  while (url.endsWith(")") && count(url, ")") > count(url, "(")) {
    url = url.slice(0, -1).replace(TRAILING_PUNCTUATION, "");
  }
  return url;
}

const count = (text: string, char: string) => text.split(char).length - 1;

function isWebUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "";
  } catch {
    return false;
  }
}

export interface ShortenLinksInput {
  shopId: number;
  messageId: number;
  text: string;
  /** The instance's public address (PUBLIC_URL); short links are `${baseUrl}/s/<code>`. */
  baseUrl: string;
  /** ISO timestamp stored as the links' created_at. */
  now: string;
  /** Makes codes; tests pass their own to force a collision. */
  newCode?: () => string;
}

const MAX_ATTEMPTS = 5;

/**
 * Replaces each distinct http(s) URL in the text with a short link and stores the links, in one
 * statement in the usual case (a code already taken is redrawn and inserted again). Links already under
 * `${baseUrl}/s/` are left alone, so running it on its own output changes nothing.
 */
export async function shortenLinks(db: Db, input: ShortenLinksInput): Promise<string> {
  const base = input.baseUrl.replace(/\/+$/, "");
  const ownPrefix = `${base}/s/`;
  const urls = new Set<string>();
  for (const match of input.text.matchAll(URL_IN_TEXT)) {
    const url = trimUrl(match[0]);
    if (isWebUrl(url) && !url.startsWith(ownPrefix)) urls.add(url);
  }
  if (urls.size === 0) return input.text;

  const codes = await storeLinks(db, input, [...urls]);
  return input.text.replace(URL_IN_TEXT, (match) => {
    const url = trimUrl(match);
    const code = codes.get(url);
    return code ? `${ownPrefix}${code}${match.slice(url.length)}` : match;
  });
}

/** Inserts one row per URL under fresh codes; returns URL → code. */
async function storeLinks(db: Db, input: ShortenLinksInput, urls: string[]): Promise<Map<string, string>> {
  const newCode = input.newCode ?? randomShortCode;
  const stored = new Map<string, string>();
  let pending = urls;
  for (let attempt = 1; pending.length > 0; attempt++) {
    if (attempt > MAX_ATTEMPTS) throw new Error(`no free short link code after ${MAX_ATTEMPTS} attempts`);
    // A code drawn twice in one round leaves its second URL for the next round.
    const drawn = new Set<string>();
    const rows = [];
    for (const url of pending) {
      const code = newCode();
      if (drawn.has(code)) continue;
      drawn.add(code);
      rows.push({ code, shop_id: input.shopId, message_id: input.messageId, url, created_at: input.now });
    }
    // "do nothing" rather than an error: on PostgreSQL an error would abort the caller's transaction.
    const inserted = await db
      .insertInto("short_links")
      .values(rows)
      .onConflict((oc) => oc.column("code").doNothing())
      .returning("code")
      .execute();
    const taken = new Set(inserted.map((r) => r.code));
    for (const row of rows) if (taken.has(row.code)) stored.set(row.url, row.code);
    pending = pending.filter((url) => !stored.has(url));
  }
  return stored;
}
