// The small rules the delivery worker will lean on (frequency windows, category matching) and the
// parsing of what recipients' browsers and mailbox providers post.
import { describe, expect, it } from "vitest";
import { chooseLocale } from "../../../src/messaging/preferences/copy.js";
import { multipartBoundary, multipartFields } from "../../../src/messaging/preferences/form.js";
import {
  categoriesAllow,
  frequencyAllows,
  frequencyWindowDays,
  topLevelCategory,
} from "../../../src/messaging/preferences/index.js";

describe("preference rules", () => {
  it("limits promotional sends to one per window for weekly and monthly, none for all", () => {
    expect(frequencyWindowDays("all")).toBeNull();
    expect(frequencyWindowDays("weekly")).toBe(7);
    expect(frequencyWindowDays("monthly")).toBe(30);
    expect(frequencyAllows("all", 12)).toBe(true);
    expect(frequencyAllows("weekly", 0)).toBe(true);
    expect(frequencyAllows("weekly", 1)).toBe(false);
    expect(frequencyAllows("monthly", 0)).toBe(true);
    expect(frequencyAllows("monthly", 2)).toBe(false);
  });

  it("matches products by their top-level category; no choice means every category", () => {
    expect(topLevelCategory("スキンケア/化粧水")).toBe("スキンケア");
    expect(topLevelCategory(" メイクアップ / 下地")).toBe("メイクアップ");
    expect(topLevelCategory("ギフト")).toBe("ギフト");
    expect(topLevelCategory("")).toBeNull();
    expect(topLevelCategory(null)).toBeNull();
    expect(categoriesAllow([], null)).toBe(true);
    expect(categoriesAllow(["スキンケア"], "スキンケア/美容液")).toBe(true);
    expect(categoriesAllow(["スキンケア"], "メイクアップ/下地")).toBe(false);
    expect(categoriesAllow(["スキンケア"], null)).toBe(false);
  });

  it("chooses ?lang=, then the browser's languages by weight, then the shop's locale", () => {
    expect(chooseLocale("en", "ja", "ja")).toBe("en");
    expect(chooseLocale("fr", undefined, "en")).toBe("en");
    expect(chooseLocale(undefined, "fr-FR,en;q=0.8,ja;q=0.9", "en")).toBe("ja");
    expect(chooseLocale(undefined, "ja;q=0,en", "ja")).toBe("en");
    expect(chooseLocale(undefined, "*", "en")).toBe("en");
    expect(chooseLocale(undefined, undefined, undefined)).toBe("ja");
  });
});

describe("multipart one-click bodies", () => {
  it("reads the boundary, quoted or not", () => {
    expect(multipartBoundary("multipart/form-data; boundary=abc123")).toBe("abc123");
    expect(multipartBoundary('multipart/form-data; charset=utf-8; boundary="a b"')).toBe("a b");
    expect(multipartBoundary("multipart/form-data")).toBeNull();
  });

  it("reads plain fields and skips files and malformed parts", () => {
    const body = [
      "--XX",
      'Content-Disposition: form-data; name="List-Unsubscribe"',
      "",
      "One-Click",
      "--XX",
      'Content-Disposition: form-data; name="upload"; filename="List-Unsubscribe"',
      "Content-Type: text/plain",
      "",
      "One-Click",
      "--XX",
      "no headers here",
      "--XX",
      'Content-Disposition: form-data; name="__proto__"',
      "",
      "polluted?",
      "--XX--",
      "",
    ].join("\r\n");
    const fields = multipartFields(body, "XX");
    expect(fields.getAll("List-Unsubscribe")).toEqual(["One-Click"]);
    expect(fields.get("upload")).toBeNull();
    expect(fields.get("__proto__")).toBe("polluted?");
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
