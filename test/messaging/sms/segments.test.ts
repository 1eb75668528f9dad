// SMS segment counting: what a shop pays for a text, in English (GSM-7) and Japanese (UCS-2), at the
// lengths where one more character means one more segment.
import { describe, expect, it } from "vitest";
import { smsSegments } from "../../../src/messaging/channels/sms/segments.js";

describe("SMS segments", () => {
  it("counts plain English as GSM-7: 160 in one segment, 153 a part beyond", () => {
    expect(smsSegments("Your order has shipped.")).toEqual({
      encoding: "gsm7",
      length: 23,
      segments: 1,
      perSegment: 160,
    });
    expect(smsSegments("a".repeat(160))).toMatchObject({ encoding: "gsm7", segments: 1, perSegment: 160 });
    expect(smsSegments("a".repeat(161))).toMatchObject({ length: 161, segments: 2, perSegment: 153 });
    expect(smsSegments("a".repeat(306))).toMatchObject({ segments: 2 });
    expect(smsSegments("a".repeat(307))).toMatchObject({ segments: 3 });
  });

  it("keeps GSM-7 for its accented letters, symbols and newlines", () => {
    expect(smsSegments("Café à Zürich: 20€? ¥500 @ Ñoño\r\n§¿¡")).toMatchObject({ encoding: "gsm7" });
    // GSM-7 has ù and é but not ú or ê: one of them makes the whole text UCS-2.
    expect(smsSegments("Ñandú")).toMatchObject({ encoding: "ucs2" });
    expect(smsSegments("Crêpe")).toMatchObject({ encoding: "ucs2" });
    expect(smsSegments("ΔΦΓΛΩΠΨΣΘΞ")).toMatchObject({ encoding: "gsm7", length: 10 });
  });

  it("counts extension characters (€ [ ] { } ~ ^ | \\) as two septets", () => {
    expect(smsSegments("€5")).toMatchObject({ encoding: "gsm7", length: 3 });
    expect(smsSegments("{}[]~^|\\€")).toMatchObject({ encoding: "gsm7", length: 18 });
    // 159 plain + one € = 161 septets: no longer one segment.
    expect(smsSegments(`${"a".repeat(158)}€`)).toMatchObject({ length: 160, segments: 1 });
    expect(smsSegments(`${"a".repeat(159)}€`)).toMatchObject({ length: 161, segments: 2 });
  });

  it("never splits an escape sequence across parts", () => {
    // 152 plain then €: the € would straddle the first part's end, so it starts the second one.
    const text = `${"a".repeat(152)}€${"b".repeat(152)}`;
    expect(smsSegments(text)).toMatchObject({ length: 306, segments: 3 });
    expect(smsSegments(`${"a".repeat(151)}€${"b".repeat(153)}`)).toMatchObject({ length: 306, segments: 2 });
  });

  it("counts Japanese as UCS-2: 70 in one segment, 67 a part beyond", () => {
    expect(smsSegments("ご注文の商品を発送しました。")).toEqual({
      encoding: "ucs2",
      length: 14,
      segments: 1,
      perSegment: 70,
    });
    expect(smsSegments("あ".repeat(70))).toMatchObject({ segments: 1, perSegment: 70 });
    expect(smsSegments("あ".repeat(71))).toMatchObject({ segments: 2, perSegment: 67 });
    expect(smsSegments("あ".repeat(134))).toMatchObject({ segments: 2 });
    expect(smsSegments("あ".repeat(135))).toMatchObject({ segments: 3 });
  });

  it("turns a whole English text to UCS-2 for one character outside GSM-7", () => {
    expect(smsSegments(`${"a".repeat(69)}’`)).toMatchObject({ encoding: "ucs2", length: 70, segments: 1 });
    expect(smsSegments(`Sale ends today “50% off”`)).toMatchObject({ encoding: "ucs2" });
    // 100 characters: one GSM-7 segment, but two UCS-2 ones once a Japanese word joins.
    expect(smsSegments("a".repeat(100))).toMatchObject({ segments: 1 });
    expect(smsSegments(`${"a".repeat(99)}円`)).toMatchObject({ encoding: "ucs2", segments: 2 });
  });

  it("counts an emoji as two UTF-16 units, and never splits one across parts", () => {
    expect(smsSegments("🎉")).toMatchObject({ encoding: "ucs2", length: 2, segments: 1 });
    expect(smsSegments(`${"あ".repeat(68)}🎉`)).toMatchObject({ length: 70, segments: 1 });
    expect(smsSegments(`${"あ".repeat(69)}🎉`)).toMatchObject({ length: 71, segments: 2 });
    // 66 units then an emoji at the part boundary: it moves whole to the second part.
    expect(smsSegments(`${"あ".repeat(66)}🎉${"い".repeat(66)}`)).toMatchObject({ length: 134, segments: 3 });
    expect(smsSegments(`${"あ".repeat(65)}🎉${"い".repeat(67)}`)).toMatchObject({ length: 134, segments: 2 });
  });

  it("says an empty text takes no segment", () => {
    expect(smsSegments("")).toEqual({ encoding: "gsm7", length: 0, segments: 0, perSegment: 160 });
  });
});
