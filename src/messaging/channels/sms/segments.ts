// How many SMS segments a text costs. Carriers bill per segment, so the template editor and the library's
// length checks need the count a phone network would make: GSM-7 when every character is in GSM 03.38
// (extension characters take an escape septet too), UCS-2 otherwise, which is every Japanese text.

/** GSM 03.38 default alphabet: one septet each. */
const GSM7_BASIC = new Set(
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà",
);
/** GSM 03.38 extension table: an escape septet plus one, so two each. */
const GSM7_EXTENSION = new Set("^{}\\[~]|€\f");

export type SmsEncoding = "gsm7" | "ucs2";

export interface SmsSegments {
  encoding: SmsEncoding;
  /** Septets for GSM-7, UTF-16 code units for UCS-2 (an emoji counts two). */
  length: number;
  /** Segments the text is sent in; 0 for an empty text. */
  segments: number;
  /** Room in each segment: 160 / 70 for a single one, 153 / 67 once split (the rest is the UDH). */
  perSegment: number;
}

const LIMITS: Record<SmsEncoding, { single: number; part: number }> = {
  gsm7: { single: 160, part: 153 },
  ucs2: { single: 70, part: 67 },
};

/** The cost of each character in the encoding the text needs: septets, or UTF-16 code units. */
function unitCosts(text: string): { encoding: SmsEncoding; costs: number[] } {
  const chars = [...text];
  if (chars.every((c) => GSM7_BASIC.has(c) || GSM7_EXTENSION.has(c))) {
    return { encoding: "gsm7", costs: chars.map((c) => (GSM7_EXTENSION.has(c) ? 2 : 1)) };
  }
  return { encoding: "ucs2", costs: chars.map((c) => c.length) };
}

/**
 * Fills parts greedily the way handsets and gateways split: an escape sequence or a surrogate pair is never
 * cut in two, so a character that does not fit whole starts the next part (one more than length / 153
 * when that happens at a boundary).
 */
function countParts(costs: number[], room: number): number {
  let parts = 1;
  let used = 0;
  for (const cost of costs) {
    if (used + cost > room) {
      parts++;
      used = 0;
    }
    used += cost;
  }
  return parts;
}

export function smsSegments(text: string): SmsSegments {
  const { encoding, costs } = unitCosts(text);
  const length = costs.reduce((sum, c) => sum + c, 0);
  const { single, part } = LIMITS[encoding];
  if (length === 0) return { encoding, length, segments: 0, perSegment: single };
  if (length <= single) return { encoding, length, segments: 1, perSegment: single };
  return { encoding, length, segments: countParts(costs, part), perSegment: part };
}
