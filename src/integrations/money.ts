// Decimal amounts as platforms send them ("1280.00", "19.99") to integer minor units of the currency,
// with string arithmetic so no float rounding creeps in (0.1 + 0.2 is never involved).
import { ValidationError } from "../core/errors.js";

const DECIMAL = /^(-)?(\d+)(?:\.(\d*))?$/;

/** Digits after the decimal point in the currency's minor unit: JPY 0, USD 2, KWD 3. */
export function currencyExponent(currency: string, field = "currency"): number {
  try {
    const digits = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions()
      .maximumFractionDigits;
    return digits ?? 2;
  } catch {
    throw ValidationError.field(field, `"${currency}" is not an ISO 4217 currency code`);
  }
}

/**
 * "1280.00" JPY → 1280; "19.99" USD → 1999; digits beyond the currency's exponent are rounded half
 * away from zero ("0.5" JPY → 1). Numbers are accepted too (some payloads send them), via their
 * shortest decimal text.
 */
export function toMinorUnits(amount: string | number, currency: string, field = "amount"): number {
  const text = typeof amount === "number" ? String(amount) : amount.trim();
  const match = DECIMAL.exec(text);
  if (!match) throw ValidationError.field(field, `"${text}" is not a decimal amount`);
  const [, sign, whole, fraction = ""] = match;
  const exponent = currencyExponent(currency);
  const kept = fraction.padEnd(exponent, "0").slice(0, exponent);
  let units = BigInt(`${whole}${kept}`);
  if ((fraction[exponent] ?? "0") >= "5") units += 1n;
  const value = Number(sign ? -units : units);
  if (!Number.isSafeInteger(value)) throw ValidationError.field(field, `"${text}" is too large`);
  return value;
}
