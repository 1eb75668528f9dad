// The two small building blocks every integration leans on: decimal amounts to minor units without
// float errors, and secrets sealed under the instance secret.
import { describe, expect, it } from "vitest";
import { decryptSecret, encryptSecret, toMinorUnits } from "../../src/integrations/index.js";

describe("toMinorUnits", () => {
  it("uses the currency's exponent", () => {
    expect(toMinorUnits("1280", "JPY")).toBe(1280);
    expect(toMinorUnits("1280.00", "JPY")).toBe(1280);
    expect(toMinorUnits("19.99", "USD")).toBe(1999);
    expect(toMinorUnits("19.9", "USD")).toBe(1990);
    expect(toMinorUnits("12.345", "KWD")).toBe(12345);
    expect(toMinorUnits(42, "USD")).toBe(4200);
  });

  it("has no float errors and rounds half away from zero", () => {
    // 1.005 * 100 is 100.49999999999999 in floating point.
    expect(toMinorUnits("1.005", "USD")).toBe(101);
    expect(toMinorUnits("0.29", "USD")).toBe(29);
    expect(toMinorUnits("4.35", "USD")).toBe(435);
    expect(toMinorUnits("1280.5", "JPY")).toBe(1281);
    expect(toMinorUnits("1280.49", "JPY")).toBe(1280);
    expect(toMinorUnits("-3.50", "USD")).toBe(-350);
    expect(toMinorUnits("99999999.99", "USD")).toBe(9999999999);
  });

  it("refuses what is not an amount or not a currency", () => {
    expect(() => toMinorUnits("1,280", "JPY")).toThrow(/decimal amount/);
    expect(() => toMinorUnits("", "JPY")).toThrow(/decimal amount/);
    expect(() => toMinorUnits("1e3", "JPY")).toThrow(/decimal amount/);
    expect(() => toMinorUnits("10", "XX")).toThrow(/ISO 4217/);
  });
});

describe("encryptSecret / decryptSecret", () => {
  const instanceSecret = "instance-secret-0123456789";

  it("round-trips, with a fresh IV each time", () => {
    const a = encryptSecret("shpss_abc", instanceSecret, "shop:1:shopify:webhookSecret");
    const b = encryptSecret("shpss_abc", instanceSecret, "shop:1:shopify:webhookSecret");
    expect(a).not.toBe(b);
    expect(a).not.toContain("shpss_abc");
    expect(decryptSecret(a, instanceSecret, "shop:1:shopify:webhookSecret")).toBe("shpss_abc");
  });

  it("does not open under another instance secret, another purpose, or after tampering", () => {
    const sealed = encryptSecret("shpss_abc", instanceSecret, "shop:1:shopify:webhookSecret");
    expect(() => decryptSecret(sealed, "another-instance-secret", "shop:1:shopify:webhookSecret")).toThrow();
    expect(() => decryptSecret(sealed, instanceSecret, "shop:2:shopify:webhookSecret")).toThrow();
    const parts = sealed.split(".");
    parts[3] = Buffer.from("shpss_abd").toString("base64url");
    expect(() => decryptSecret(parts.join("."), instanceSecret, "shop:1:shopify:webhookSecret")).toThrow();
    expect(() => decryptSecret("plain-text", instanceSecret, "shop:1:shopify:webhookSecret")).toThrow();
  });
});
