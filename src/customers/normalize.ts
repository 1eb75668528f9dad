// Contact points and profile fields normalised on the way in, so that identity matching and
// deduplication compare like with like. Each function throws a ValidationError naming the field.
// The full metadata: the default (min) set only checks lengths, so it takes a mobile number with a
// digit missing (090-1234-567) for a valid one.
import { parsePhoneNumberFromString } from "libphonenumber-js/max";
import { ValidationError } from "../core/errors.js";
import { canonicalPrefecture, prefectureByCode } from "./prefectures.js";

// Pragmatic address check (RFC 5322 allows more, but a shop cannot deliver to those).
const EMAIL = /^[^\s@"<>(),;:\\[\]]+@[^\s@"<>(),;:\\[\]]+\.[^\s@"<>(),;:\\[\]]+$/;

export function normalizeEmail(value: string, field = "email"): string {
  const email = value.normalize("NFKC").trim().toLowerCase();
  if (!EMAIL.test(email) || email.length > 254)
    throw ValidationError.field(field, `"${value}" is not an email address`);
  return email;
}

/** Phone numbers to E.164; numbers without a country code are read as Japanese (090-1234-5678 → +819012345678). */
export function normalizePhone(value: string, field = "phone", defaultCountry: "JP" = "JP"): string {
  const parsed = parsePhoneNumberFromString(value.normalize("NFKC"), defaultCountry);
  if (!parsed?.isValid()) throw ValidationError.field(field, `"${value}" is not a valid phone number`);
  return parsed.number;
}

/** Japanese postal codes are 7 digits; 〒, hyphens and full-width digits are accepted and removed. */
export function normalizePostalCode(value: string, field = "postalCode"): string {
  // Japanese input methods type the hyphen as a minus sign (−), a dash or the long vowel mark (ー).
  const digits = value.normalize("NFKC").replace(/[〒\s\-‐‒–—―−ー]/g, "");
  if (!/^\d{7}$/.test(digits)) throw ValidationError.field(field, `"${value}" is not a 7-digit postal code`);
  return digits;
}

export function normalizePrefecture(value: string, field = "prefecture"): string {
  const trimmed = value.normalize("NFKC").trim();
  const byName = canonicalPrefecture(trimmed);
  if (byName) return byName;
  if (/^\d{1,2}$/.test(trimmed)) {
    const byCode = prefectureByCode(Number(trimmed));
    if (byCode) return byCode;
  }
  throw ValidationError.field(field, `"${value}" is not one of Japan's 47 prefectures`);
}

/** Readings are stored in full-width katakana: half-width and hiragana input are converted. */
export function normalizeKana(value: string, field: string): string {
  const nfkc = value.normalize("NFKC").trim().replace(/\s+/g, " ");
  const katakana = nfkc.replace(/[\u3041-\u3096]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) + 0x60));
  if (!/^[\u30A0-\u30FF\u3000 ]+$/.test(katakana))
    throw ValidationError.field(field, `"${value}" is not kana`);
  return katakana;
}

/** A calendar date YYYY-MM-DD (slashes accepted) that exists and is not in the future. */
export function normalizeBirthday(value: string, today: Date, field = "birthday"): string {
  const m = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$/.exec(value.normalize("NFKC").trim());
  if (!m) throw ValidationError.field(field, `"${value}" is not a date (YYYY-MM-DD)`);
  const iso = `${m[1]}-${m[2].padStart(2, "0")}-${m[3].padStart(2, "0")}`;
  const date = new Date(`${iso}T00:00:00Z`);
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== iso) {
    throw ValidationError.field(field, `"${value}" is not a calendar date`);
  }
  if (date.getTime() > today.getTime()) throw ValidationError.field(field, "must not be in the future");
  if (Number(m[1]) < 1900) throw ValidationError.field(field, "must be after 1900");
  return iso;
}

export const GENDERS = ["female", "male", "other", "unknown"] as const;
export type Gender = (typeof GENDERS)[number];

const GENDER_ALIASES: Record<string, Gender> = {
  female: "female",
  f: "female",
  woman: "female",
  女性: "female",
  女: "female",
  male: "male",
  m: "male",
  man: "male",
  男性: "male",
  男: "male",
  other: "other",
  その他: "other",
  unknown: "unknown",
  不明: "unknown",
  未回答: "unknown",
  "": "unknown",
};

export function normalizeGender(value: string, field = "gender"): Gender {
  const key = value.normalize("NFKC").trim().toLowerCase();
  // Own keys only: "constructor" or "toString" would otherwise find Object.prototype's functions.
  const g = Object.hasOwn(GENDER_ALIASES, key) ? GENDER_ALIASES[key] : undefined;
  if (!g) throw ValidationError.field(field, `"${value}" is not one of ${GENDERS.join(", ")}`);
  return g;
}
