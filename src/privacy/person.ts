// The person behind a profile, as export and erasure need them: every profile id that is theirs (the
// profile and the duplicates merged into it), their storefront visitor ids, the addresses they were
// reached at, and the personal text (names, contact points, address) to strip from rows that are kept.
import { parsePhoneNumberFromString } from "libphonenumber-js/max";
import type { Channel, Customer, Db } from "../db/index.js";

export interface ContactPoint {
  channel: Channel;
  address: string;
}

export interface Person {
  shopId: number;
  /** The profile asked about (a survivor, never a merged duplicate). */
  id: number;
  /** It and every duplicate merged into it: rows of any of them are the person's. */
  customerIds: number[];
  /** External ids of those profiles. */
  externalIds: string[];
  visitorIds: string[];
  /** Email, phone, LINE user id of the profiles and every address a message of theirs went to. */
  contacts: ContactPoint[];
  /** Channels on which the person said no (consent withdrawn). */
  withdrawn: Channel[];
  /** Personal text as it may appear inside kept rows (names, contact points, postal address). */
  needles: string[];
}

const CONTACT_COLUMNS = [
  ["email", "email"],
  ["sms", "phone"],
  ["line", "line_user_id"],
] as const;

/** Gathers the person of `customer` (a live profile of `shopId`). */
export async function loadPerson(db: Db, shopId: number, customer: Customer): Promise<Person> {
  const profiles = await db
    .selectFrom("customers")
    .selectAll()
    .where("shop_id", "=", shopId)
    .where((eb) => eb.or([eb("id", "=", customer.id), eb("merged_into_id", "=", customer.id)]))
    .orderBy("id")
    .execute();
  const customerIds = profiles.map((p) => p.id);
  const visitors = await db
    .selectFrom("visitors")
    .select("visitor_id")
    .where("shop_id", "=", shopId)
    .where("customer_id", "in", customerIds)
    .orderBy("visitor_id")
    .execute();
  const sentTo = await db
    .selectFrom("messages")
    .select(["channel", "address"])
    .distinct()
    .where("shop_id", "=", shopId)
    .where("customer_id", "in", customerIds)
    .where("address", "is not", null)
    .where("channel", "in", ["email", "sms", "line"])
    .execute();
  const withdrawn = await db
    .selectFrom("consents")
    .select("channel")
    .distinct()
    .where("shop_id", "=", shopId)
    .where("customer_id", "in", customerIds)
    .where("granted", "=", 0)
    .execute();

  const contacts = new Map<string, ContactPoint>();
  const add = (channel: Channel, address: string | null) => {
    if (address) contacts.set(`${channel}:${address}`, { channel, address });
  };
  for (const p of profiles) for (const [channel, column] of CONTACT_COLUMNS) add(channel, p[column]);
  for (const m of sentTo) add(m.channel, m.address);

  return {
    shopId,
    id: customer.id,
    customerIds,
    externalIds: profiles.flatMap((p) => (p.external_id === null ? [] : [p.external_id])),
    visitorIds: visitors.map((v) => v.visitor_id),
    contacts: [...contacts.values()],
    withdrawn: withdrawn.map((w) => w.channel),
    needles: needlesOf(profiles, [...contacts.values()]),
  };
}

/** A phone number in the forms people and providers write it: +819012345678, 09012345678, 090-1234-5678. */
function phoneForms(e164: string): string[] {
  const parsed = parsePhoneNumberFromString(e164);
  if (!parsed) return [e164];
  const national = parsed.formatNational();
  return [e164, national, national.replace(/\D/g, ""), String(parsed.nationalNumber)];
}

function needlesOf(profiles: Customer[], contacts: ContactPoint[]): string[] {
  const found = new Set<string>();
  const add = (value: string | null) => {
    const v = value?.trim();
    if (v) found.add(v);
  };
  for (const p of profiles) {
    for (const column of ["first_name", "last_name", "first_name_kana", "last_name_kana", "address"] as const)
      add(p[column]);
    if (p.first_name && p.last_name) {
      add(`${p.last_name} ${p.first_name}`);
      add(`${p.last_name}${p.first_name}`);
    }
    if (p.postal_code) {
      add(p.postal_code);
      const digits = p.postal_code.replace(/\D/g, "");
      if (digits.length === 7) add(`${digits.slice(0, 3)}-${digits.slice(3)}`);
    }
  }
  for (const c of contacts) {
    if (c.channel === "sms") for (const form of phoneForms(c.address)) add(form);
    else add(c.address);
  }
  // Longest first, so "星空 七海" goes whole rather than leaving the space between its two halves.
  return [...found].sort((a, b) => b.length - a.length);
}

export const REDACTED = "[erased]";

/** Replaces every occurrence of the person's text (any letter case) in a string. */
export function redactor(needles: string[]): (text: string) => string {
  if (needles.length === 0) return (text) => text;
  const pattern = new RegExp(needles.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"), "giu");
  return (text) => text.replace(pattern, REDACTED);
}

/** The same through a parsed JSON value: every string in it, keys included. */
export function redactJson(value: unknown, redact: (text: string) => string): unknown {
  if (typeof value === "string") return redact(value);
  if (Array.isArray(value)) return value.map((v) => redactJson(v, redact));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [redact(k), redactJson(v, redact)] as const),
    );
  }
  return value;
}
