// Shopify customers → Kizuna profiles. The Shopify customer id is the member id (externalId, as
// digits: the same value `{{ customer.id }}` gives in a theme). Contact points Shopify holds that
// Kizuna cannot use (a foreign postal code, a malformed phone) are left out instead of failing the
// delivery, so one odd field does not stop a whole profile from syncing.
import { type Clock, toIso } from "../../core/clock.js";
import {
  type CustomerInput,
  customerInputSchema,
  ensureCustomerByExternalId,
  normalizeCustomerInput,
  normalizeEmail,
  normalizePhone,
  normalizePostalCode,
  normalizePrefecture,
  upsertCustomer,
} from "../../customers/index.js";
import type { Customer, Db } from "../../db/index.js";
import { advanceResourceVersion } from "../receipts.js";
import { idFromGid, parsePayload, type ShopifyCustomer, tagList } from "./payloads.js";
import { SHOPIFY } from "./provider.js";

export const CONSENT_SOURCE = "shopify";

/** The customer's id as exact digits (the GraphQL id is a string; the JSON number may be rounded). */
export function shopifyCustomerId(customer: ShopifyCustomer): string {
  return idFromGid(customer.admin_graphql_api_id) ?? customer.id;
}

function usable(value: string | null | undefined, check: (v: string) => unknown): string | undefined {
  const v = value?.trim();
  if (!v) return undefined;
  try {
    check(v);
    return v;
  } catch {
    return undefined;
  }
}

/** Shopify's marketing consent state → granted (true), withdrawn or never given (false), or unknown. */
export function consentFromState(state: string | null | undefined): boolean | undefined {
  switch (state) {
    case "subscribed":
      return true;
    case "not_subscribed":
    case "unsubscribed":
    case "redacted":
    case "invalid":
      return false;
    default:
      // "pending" (double opt-in not yet confirmed) and unknown states change nothing.
      return undefined;
  }
}

/** Shopify writes Japanese prefectures as "JP-13" codes and romaji with macrons ("Tōkyō"). */
function prefectureOf(address: NonNullable<ShopifyCustomer["default_address"]>): string | undefined {
  const code = /^JP-(\d{2})$/.exec(address.province_code ?? "")?.[1];
  if (code) return usable(String(Number(code)), (v) => normalizePrefecture(v));
  const name = address.province?.normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  return usable(name, (v) => normalizePrefecture(v));
}

function addressColumns(address: ShopifyCustomer["default_address"]): Partial<CustomerInput> {
  if (!address || (address.country_code && address.country_code !== "JP")) return {};
  const street = [address.city, address.address1].map((p) => p?.trim() ?? "").join("");
  const line = [street, address.address2?.trim()].filter(Boolean).join(" ");
  return {
    postalCode: usable(address.zip, (v) => normalizePostalCode(v)),
    prefecture: prefectureOf(address),
    address: line ? line.slice(0, 500) : undefined,
  };
}

export function customerInputFrom(customer: ShopifyCustomer, fallbackEmail?: string | null): CustomerInput {
  const email = customer.email_marketing_consent
    ? consentFromState(customer.email_marketing_consent.state)
    : (customer.accepts_marketing ?? undefined);
  const sms = consentFromState(customer.sms_marketing_consent?.state);
  const consents = {
    ...(email !== undefined && { email }),
    ...(sms !== undefined && { sms }),
  };
  const input: CustomerInput = {
    externalId: shopifyCustomerId(customer),
    email: usableEmail(customer.email) ?? usableEmail(fallbackEmail),
    phone: usable(customer.phone, (v) => normalizePhone(v)),
    firstName: customer.first_name?.trim().slice(0, 100) || undefined,
    lastName: customer.last_name?.trim().slice(0, 100) || undefined,
    ...addressColumns(customer.default_address),
    attributes: { tags: tagList(customer.tags), ...(customer.state && { shopifyState: customer.state }) },
    ...(Object.keys(consents).length > 0 && { consents }),
    ...(customer.created_at && { createdAt: toIso(customer.created_at) }),
  };
  return input;
}

/**
 * Upserts the profile a payload carries, unless a newer version of the same customer was applied
 * already (then the profile is only looked up). Used for customers/* and for the customer embedded in
 * orders and checkouts, so a late order delivery cannot undo a newer unsubscribe.
 */
export async function syncShopifyCustomer(
  trx: Db,
  clock: Clock,
  shopId: number,
  customer: ShopifyCustomer,
  fallbackEmail?: string | null,
): Promise<{ customer: Customer; stale: boolean }> {
  const externalId = shopifyCustomerId(customer);
  const fresh =
    !customer.updated_at ||
    (await advanceResourceVersion(trx, {
      shopId,
      provider: SHOPIFY,
      resource: "customer",
      resourceId: externalId,
      version: customer.updated_at,
    }));
  if (!fresh)
    return { customer: await ensureCustomerByExternalId(trx, clock, shopId, externalId), stale: true };
  const checked = parsePayload(customerInputSchema, customerInputFrom(customer, fallbackEmail));
  const input = normalizeCustomerInput(checked, clock, "customer.");
  const result = await upsertCustomer(trx, clock, shopId, input, CONSENT_SOURCE);
  return { customer: result.customer, stale: false };
}

export function usableEmail(email: string | null | undefined): string | undefined {
  return usable(email, (v) => normalizeEmail(v));
}

/** A guest (no Shopify account) known by email only; undefined when the email is not usable. */
export async function syncGuest(
  trx: Db,
  clock: Clock,
  shopId: number,
  email: string | null | undefined,
): Promise<Customer | undefined> {
  const usable = usableEmail(email);
  if (!usable) return undefined;
  const input = normalizeCustomerInput({ email: usable }, clock, "customer.");
  return (await upsertCustomer(trx, clock, shopId, input, CONSENT_SOURCE)).customer;
}
