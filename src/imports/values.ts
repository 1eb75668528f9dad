// Cell text to typed values: dates in a stated format and time zone, money scaled to minor units,
// integers, booleans, and the slug filter of derived values. Each parser returns the value or throws
// a CellError whose message becomes the row error's reason.

export class CellError extends Error {}

// ---------------------------------------------------------------------------------------------------
// Dates

export interface DateParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

/** Formats tried when a mapping names none; ISO 8601 with an offset is always accepted as well. */
export const DEFAULT_DATE_FORMATS = [
  "yyyy-MM-dd HH:mm:ss",
  "yyyy-MM-dd HH:mm",
  "yyyy-MM-dd",
  "yyyy/MM/dd HH:mm:ss",
  "yyyy/MM/dd HH:mm",
  "yyyy/MM/dd",
];

const TOKENS: Array<[token: string, pattern: string, part: keyof DateParts]> = [
  ["yyyy", "(\\d{4})", "year"],
  ["MM", "(\\d{1,2})", "month"],
  ["M", "(\\d{1,2})", "month"],
  ["dd", "(\\d{1,2})", "day"],
  ["d", "(\\d{1,2})", "day"],
  ["HH", "(\\d{1,2})", "hour"],
  ["H", "(\\d{1,2})", "hour"],
  ["mm", "(\\d{2})", "minute"],
  ["ss", "(\\d{2})", "second"],
];

export interface DateFormat {
  text: string;
  regex: RegExp;
  parts: Array<keyof DateParts>;
}

/**
 * Compiles a pattern such as `yyyy/MM/dd HH:mm:ss` or `dd-MM-yyyy`. A space also matches `T`, and
 * seconds may carry a fraction, so one pattern reads both `2024-05-01 10:00` and `2024-05-01T10:00`.
 */
export function compileDateFormat(text: string): DateFormat {
  let pattern = "";
  const parts: Array<keyof DateParts> = [];
  let i = 0;
  while (i < text.length) {
    const token = TOKENS.find(([t]) => text.startsWith(t, i));
    if (token) {
      pattern += token[1];
      parts.push(token[2]);
      if (token[2] === "second") {
        pattern += "(?:\\.(\\d{1,3})\\d*)?";
        parts.push("millisecond");
      }
      i += token[0].length;
    } else {
      const ch = text[i];
      pattern += ch === " " ? "[ T]" : ch.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      i += 1;
    }
  }
  if (!parts.includes("year") || !parts.includes("month") || !parts.includes("day")) {
    throw new CellError(`date format "${text}" needs yyyy, MM and dd`);
  }
  return { text, regex: new RegExp(`^${pattern}$`), parts };
}

const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Reads a local date-time by the first format that matches; null when none does. */
export function matchDate(value: string, formats: DateFormat[]): DateParts | null {
  for (const format of formats) {
    const m = format.regex.exec(value);
    if (!m) continue;
    const p: DateParts = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0, millisecond: 0 };
    format.parts.forEach((part, index) => {
      const text = m[index + 1];
      if (text === undefined) return;
      p[part] = part === "millisecond" ? Number(text.padEnd(3, "0")) : Number(text);
    });
    const valid =
      p.month >= 1 &&
      p.month <= 12 &&
      p.day >= 1 &&
      p.day <= daysInMonth(p.year, p.month) &&
      p.hour <= 23 &&
      p.minute <= 59 &&
      p.second <= 59;
    if (!valid) throw new CellError(`"${value}" is not a real date or time`);
    return p;
  }
  return null;
}

const offsetFormatters = new Map<string, Intl.DateTimeFormat>();
const offsetCache = new Map<string, number>();

/** Milliseconds the zone is ahead of UTC at this instant (Asia/Tokyo: +9 h). */
function zoneOffset(utcMs: number, timeZone: string): number {
  // Offsets change on the hour or half hour at most; a quarter-hour cache key is safe.
  const key = `${timeZone}|${Math.floor(utcMs / 900_000)}`;
  const cached = offsetCache.get(key);
  if (cached !== undefined) return cached;
  let formatter = offsetFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    offsetFormatters.set(timeZone, formatter);
  }
  const f: Record<string, number> = {};
  for (const part of formatter.formatToParts(new Date(utcMs))) {
    if (part.type !== "literal") f[part.type] = Number(part.value);
  }
  const asUtc = Date.UTC(f.year, f.month - 1, f.day, f.hour, f.minute, f.second);
  const offset = asUtc - Math.floor(utcMs / 1000) * 1000;
  if (offsetCache.size > 100_000) offsetCache.clear();
  offsetCache.set(key, offset);
  return offset;
}

/**
 * A wall-clock time in a zone to the UTC instant. When clocks go back, the earlier of the two; a time
 * skipped when clocks go forward is read as if the clocks had not yet moved (02:30 → 03:30 DST).
 */
export function zonedToUtc(p: DateParts, timeZone: string): Date {
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second, p.millisecond);
  const guess = wall - zoneOffset(wall, timeZone);
  const offset = zoneOffset(guess, timeZone);
  const corrected = wall - offset;
  if (corrected === guess || zoneOffset(corrected, timeZone) !== offset) return new Date(guess);
  return new Date(corrected);
}

export function parseTimestamp(value: string, formats: DateFormat[], timeZone: string): string {
  const text = value.normalize("NFKC");
  if (ISO_WITH_OFFSET.test(text)) {
    const d = new Date(text);
    if (Number.isNaN(d.getTime())) throw new CellError(`"${value}" is not a real date or time`);
    return d.toISOString();
  }
  const parts = matchDate(text, formats);
  if (!parts) throw new CellError(`"${value}" does not match ${formats.map((f) => f.text).join(" or ")}`);
  return zonedToUtc(parts, timeZone).toISOString();
}

/** A calendar date (birthdays): the format's date part, no time zone shift. */
export function parseCalendarDate(value: string, formats: DateFormat[]): string {
  const text = value.normalize("NFKC");
  const parts = matchDate(text, formats);
  if (!parts) throw new CellError(`"${value}" does not match ${formats.map((f) => f.text).join(" or ")}`);
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${pad(parts.year, 4)}-${pad(parts.month)}-${pad(parts.day)}`;
}

export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone });
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------------
// Numbers

const NUMBER_NOISE = /[,\s¥$€£円]/g;

/** Money as integer minor units: `1,280` → 1280; with scale 100, `11.77` (dollars) → 1177 (cents). */
export function parseMoney(value: string, scale: number): number {
  const text = value.normalize("NFKC").replace(NUMBER_NOISE, "");
  if (!/^-?\d+(\.\d+)?$/.test(text)) throw new CellError(`"${value}" is not an amount`);
  const scaled = Number(text) * scale;
  const rounded = Math.round(scaled);
  if (Math.abs(scaled - rounded) > 1e-6 * Math.max(1, Math.abs(scaled))) {
    throw new CellError(`"${value}" has more decimals than the currency's minor unit (moneyScale ${scale})`);
  }
  return rounded === 0 ? 0 : rounded;
}

export function parseInteger(value: string): number {
  const text = value.normalize("NFKC").replace(/[,\s]/g, "");
  if (!/^-?\d+$/.test(text)) throw new CellError(`"${value}" is not a whole number`);
  return Number(text);
}

const TRUE_WORDS = new Set(["1", "true", "yes", "y", "on", "はい", "する", "有", "あり", "希望する"]);
const FALSE_WORDS = new Set(["0", "false", "no", "n", "off", "いいえ", "しない", "無", "なし", "希望しない"]);

export function parseBoolean(value: string): boolean {
  const text = value.normalize("NFKC").trim().toLowerCase();
  if (TRUE_WORDS.has(text)) return true;
  if (FALSE_WORDS.has(text)) return false;
  throw new CellError(`"${value}" is not yes or no`);
}

// ---------------------------------------------------------------------------------------------------
// Text filters for derived values

/** Lower-case letters and digits joined by hyphens; letters of any script are kept (化粧水 stays). */
export function slugify(value: string): string {
  return value
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, "-")
    .replace(/^-+|-+$/g, "");
}

export const TEMPLATE_FILTERS: Record<string, (value: string) => string> = {
  slug: slugify,
  upper: (v) => v.toUpperCase(),
  lower: (v) => v.toLowerCase(),
};
