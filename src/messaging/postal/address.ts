// A customer's profile as the lines of a Japanese postal address, or why it cannot be one. Profiles
// keep the address below the prefecture in one field; imports join the building to the street with a
// space (Shopify's address2) or a line break, so the first break splits it into 住所1 and 住所2.
import { parsePhoneNumberFromString } from "libphonenumber-js/max";
import { PREFECTURE_NAMES } from "../../customers/index.js";
import type { Customer } from "../../db/index.js";

export interface PostalAddress {
  /** 123-4567 */
  postalCode: string;
  prefecture: string;
  address1: string;
  address2: string;
  name: string;
  nameKana: string;
  /** National format (090-1234-5678) for Japanese numbers. */
  phone: string;
}

export type PostalAddressResult =
  | { ok: true; address: PostalAddress }
  | { ok: false; reason: "no_postal_address" | "no_postal_name"; missing: string[] };

export type PostalFields = Pick<
  Customer,
  | "postal_code"
  | "prefecture"
  | "address"
  | "first_name"
  | "last_name"
  | "first_name_kana"
  | "last_name_kana"
  | "phone"
>;

const clean = (value: string | null) =>
  value?.trim().replace(/\s+/g, (ws) => (ws.includes("\n") ? "\n" : " ")) ?? "";

/** Family name first, with the full-width space Japanese print uses between the parts. */
const joinName = (last: string | null, first: string | null) =>
  [clean(last), clean(first)].filter(Boolean).join("\u3000");

function phoneLine(phone: string | null): string {
  if (!phone) return "";
  const parsed = parsePhoneNumberFromString(phone);
  if (!parsed) return phone;
  return parsed.country === "JP" ? parsed.formatNational() : parsed.formatInternational();
}

/** Splits "渋谷区神宮前1-2-3 グリーンビル201" after the street; an address given with its prefecture loses it. */
function addressLines(address: string, prefecture: string): [string, string] {
  const rest =
    prefecture && address.startsWith(prefecture) ? address.slice(prefecture.length).trim() : address;
  const m = /^(\S+?)\s+([\s\S]+)$/.exec(rest);
  return m ? [m[1], m[2].replace(/\s+/g, " ").trim()] : [rest, ""];
}

export function postalAddressOf(customer: PostalFields): PostalAddressResult {
  const postalCode = (customer.postal_code ?? "").replace(/\D/g, "");
  const address = clean(customer.address);
  const missing: string[] = [];
  if (!/^\d{7}$/.test(postalCode)) missing.push("postalCode");
  if (!address) missing.push("address");
  if (missing.length > 0) return { ok: false, reason: "no_postal_address", missing };
  const name = joinName(customer.last_name, customer.first_name);
  if (!name) return { ok: false, reason: "no_postal_name", missing: ["lastName", "firstName"] };

  const prefecture =
    clean(customer.prefecture) || (PREFECTURE_NAMES.find((p) => address.startsWith(p)) ?? "");
  const [address1, address2] = addressLines(address, prefecture);
  return {
    ok: true,
    address: {
      postalCode: `${postalCode.slice(0, 3)}-${postalCode.slice(3)}`,
      prefecture,
      address1,
      address2,
      name,
      nameKana: joinName(customer.last_name_kana, customer.first_name_kana),
      phone: phoneLine(customer.phone),
    },
  };
}
