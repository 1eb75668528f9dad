// Cell texts as shops write them, read into Kizuna's values: local times to UTC (with daylight saving),
// money to minor units, numbers with separators, yes/no in two languages.
import { describe, expect, it } from "vitest";
import {
  compileDateFormat,
  parseBoolean,
  parseCalendarDate,
  parseMoney,
  parseTimestamp,
  slugify,
} from "../../src/imports/values.js";

const formats = (...f: string[]) => f.map(compileDateFormat);

describe("import values", () => {
  it("reads local times in the file's zone and stores UTC", () => {
    const f = formats("yyyy/MM/dd HH:mm:ss", "yyyy/MM/dd HH:mm", "dd-MM-yyyy");
    expect(parseTimestamp("2024/05/01 13:45:12", f, "Asia/Tokyo")).toBe("2024-05-01T04:45:12.000Z");
    expect(parseTimestamp("2024/5/1 9:05", f, "Asia/Tokyo")).toBe("2024-05-01T00:05:00.000Z");
    expect(parseTimestamp("２０２４/０５/０１ １３:４５", f, "Asia/Tokyo")).toBe("2024-05-01T04:45:00.000Z");
    expect(parseTimestamp("27-04-2015", f, "Europe/Berlin")).toBe("2015-04-26T22:00:00.000Z");
    expect(parseTimestamp("2024-05-01T10:00:00+09:00", f, "UTC")).toBe("2024-05-01T01:00:00.000Z");
    expect(() => parseTimestamp("2024/02/30 10:00", f, "Asia/Tokyo")).toThrow(/not a real date/);
    expect(() => parseTimestamp("01.05.2024", f, "Asia/Tokyo")).toThrow(/does not match/);
  });

  it("handles the hours daylight saving adds and removes", () => {
    const f = formats("yyyy-MM-dd HH:mm");
    // New York falls back at 02:00 EDT: 01:30 happens twice; the first (EDT) is taken.
    expect(parseTimestamp("2024-11-03 01:30", f, "America/New_York")).toBe("2024-11-03T05:30:00.000Z");
    // It springs forward at 02:00 EST: 02:30 never happens; read as 03:30 EDT.
    expect(parseTimestamp("2024-03-10 02:30", f, "America/New_York")).toBe("2024-03-10T07:30:00.000Z");
    expect(parseTimestamp("2024-07-01 12:00", f, "America/New_York")).toBe("2024-07-01T16:00:00.000Z");
  });

  it("keeps birthdays as calendar dates", () => {
    expect(parseCalendarDate("1985-04-12 00:00:00", formats("yyyy-MM-dd HH:mm:ss"))).toBe("1985-04-12");
    expect(parseCalendarDate("1985/4/2", formats("yyyy/MM/dd"))).toBe("1985-04-02");
  });

  it("reads money in minor units, scaled when the file is in dollars", () => {
    expect(parseMoney("1,280", 1)).toBe(1280);
    expect(parseMoney("¥1,280", 1)).toBe(1280);
    expect(parseMoney("１２８０円", 1)).toBe(1280);
    expect(parseMoney("11.77", 100)).toBe(1177);
    expect(parseMoney("0.00", 100)).toBe(0);
    expect(() => parseMoney("11.775", 100)).toThrow(/more decimals/);
    expect(() => parseMoney("12 dollars", 100)).toThrow(/not an amount/);
  });

  it("reads yes and no, and slugs names", () => {
    expect([parseBoolean("はい"), parseBoolean("TRUE"), parseBoolean("0")]).toEqual([true, true, false]);
    expect(() => parseBoolean("maybe")).toThrow();
    expect(slugify("fruit/vegetable juice")).toBe("fruit-vegetable-juice");
    expect(slugify("cream cheese ")).toBe("cream-cheese");
    expect(slugify("化粧水 ＳＰＦ50")).toBe("化粧水-spf50");
  });
});
