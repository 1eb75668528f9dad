// CSV as print vendors open it: RFC 4180 quoting, CRLF line ends, UTF-8 with a BOM (so Excel reads it
// as UTF-8) or Shift_JIS (CP932) for vendors whose systems take nothing else. Cells a spreadsheet would
// run as a formula are defused with a leading apostrophe (OWASP's advice on CSV injection).
import iconv from "iconv-lite";
import { defuseFormula, toCsv } from "../../core/csv.js";

export { defuseFormula, toCsv };

export const CSV_ENCODINGS = ["utf8", "cp932"] as const;
export type CsvEncoding = (typeof CSV_ENCODINGS)[number];

// The "wave dash problem": JIS X 0208 characters that Unicode (and macOS, and Japanese input on the
// web) writes with code points CP932 does not have; Windows writes the look-alikes on the right. An
// address typed as 1−2−3 would otherwise be printed 1?2?3.
const CP932_LOOKALIKES: Record<string, string> = {
  "\u301C": "\uFF5E", // 〜 wave dash → ～
  "\u2212": "\uFF0D", // − minus → －
  "\u2014": "\u2015", // — em dash → ―
  "\u2016": "\u2225", // ‖ → ∥
  "\u00A2": "\uFFE0", // ¢
  "\u00A3": "\uFFE1", // £
  "\u00AC": "\uFFE2", // ¬
};
const LOOKALIKE = new RegExp(`[${Object.keys(CP932_LOOKALIKES).join("")}]`, "g");

function toCp932Lookalikes(text: string): string {
  return text.replace(LOOKALIKE, (ch) => CP932_LOOKALIKES[ch]);
}

/** Whether CP932 can carry the text (it lacks emoji and some kanji, e.g. 𠮷, which become "?"). */
export function fitsCp932(text: string): boolean {
  const mapped = toCp932Lookalikes(text);
  return iconv.decode(iconv.encode(mapped, "cp932"), "cp932") === mapped;
}

export function encodeCsv(text: string, encoding: CsvEncoding): Buffer {
  if (encoding === "cp932") return iconv.encode(toCp932Lookalikes(text), "cp932");
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, "utf8")]);
}

export function csvContentType(encoding: CsvEncoding): string {
  return encoding === "cp932" ? "text/csv; charset=Shift_JIS" : "text/csv; charset=utf-8";
}
