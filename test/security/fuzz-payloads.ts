// Payloads for fuzzing the ingestion API: mostly near-valid (a valid shape with one to three fields
// mutated into wrong types, huge or odd strings, odd numbers, deep nesting, extra or prototype keys,
// items duplicated within a batch), and some random JSON or not JSON at all. Payloads are serialised by
// toJsonText, which also writes raw JSON text a JS value cannot hold (1e400, 30-digit integers, nesting
// deeper than JSON.stringify would recurse).
import fc from "fast-check";
import { CHANNELS, EVENT_TYPES, ORDER_CHANNELS, ORDER_STATUSES } from "../../src/db/index.js";

/** JSON text written into the body as it is. */
export class RawJson {
  constructor(readonly text: string) {}
}

export function toJsonText(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  if (Array.isArray(value)) return `[${value.map(toJsonText).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const record = value as Record<string, unknown>;
    // Object.keys lists an own "__proto__" key, which JSON.stringify would too.
    return `{${Object.keys(record)
      .filter((k) => record[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${toJsonText(record[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** An object with these keys as own properties, "__proto__" included (a literal would set the prototype). */
function own(entries: Array<[string, unknown]>): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [k, v] of entries) {
    Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return o;
}

const nested = (depth: number, open: string, close: string) =>
  new RawJson(open.repeat(depth) + close.repeat(depth));

const ODD_STRINGS = [
  "",
  " ",
  "\u0000",
  "a\u0000b",
  "\ud800",
  "x\udfffy",
  "\ud83d",
  "😀👨‍👩‍👧",
  "\u202etxt.exe",
  "\ufeff",
  "\r\n\t",
  "'; drop table customers; --",
  "%00",
  "\\u0000",
  "null",
  "__proto__",
  "constructor",
  "NaN",
  "-1",
  "1e309",
  "=HYPERLINK(1)",
  "javascript:alert(1)",
  "https://",
  "http://[::1",
  // Dates a regex might pass and a Date cannot hold, or out of any sane range.
  "2026-02-30T00:00:00Z",
  "2026-13-01T00:00:00Z",
  "2026-06-01T24:00:00Z",
  "2026-06-01T00:00:60Z",
  "0000-01-01T00:00:00Z",
  "9999-12-31T23:59:59.999Z",
  "+275760-09-13T00:00:00.000Z",
  "-000001-01-01T00:00:00Z",
  "1970-01-01T00:00:00+24:00",
  "2026-06-01T00:00:00.0000000001Z",
  "1900-02-29",
  "2026-02-30",
];

const ODD_NUMBERS = [
  -1,
  0,
  -0,
  0.5,
  -0.5,
  1e308,
  -1e308,
  5e-324,
  2 ** 31 - 1,
  2 ** 31,
  -(2 ** 31) - 1,
  2 ** 32,
  2 ** 53,
  2 ** 53 + 2,
  Number.MAX_SAFE_INTEGER,
  Number.MIN_SAFE_INTEGER,
  1e21,
];

const RAW = [
  "1e400",
  "-1e400",
  "123456789012345678901234567890",
  "-123456789012345678901234567890",
  "0.1e-400",
  "1E+2",
  "-0.0",
];

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...ODD_STRINGS) },
  { weight: 3, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ minLength: 129, maxLength: 2_500 }) },
  { weight: 1, arbitrary: fc.constant("長".repeat(100_000)) },
);

export const hostileNumber: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...ODD_NUMBERS),
  fc.double(),
  fc.integer(),
  fc.maxSafeInteger(),
  fc.constantFrom(...RAW).map((t) => new RawJson(t)),
);

export const hostileKey: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom("__proto__", "constructor", "prototype", "hasOwnProperty", "toString", "", "\u0000", "a.b"),
  fc.string({ maxLength: 12 }),
);

export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: hostileString },
  { weight: 4, arbitrary: hostileNumber },
  { weight: 1, arbitrary: fc.constantFrom(true, false, null) },
  { weight: 1, arbitrary: fc.constantFrom([], {}, [null], [[]], [{}]) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      nested(64, "[", "]"),
      nested(5_000, "[", "]"),
      new RawJson(`${'{"a":'.repeat(5_000)}1${"}".repeat(5_000)}`),
      new RawJson(`${'{"a":'.repeat(100_000)}1${"}".repeat(100_000)}`),
    ),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      own([["__proto__", { polluted: true }]]),
      own([["constructor", { prototype: { polluted: true } }]]),
      own([["constructor", "x"]]),
      own([["__proto__", null]]),
    ),
  },
);

// ---- Mutations ---------------------------------------------------------------------------------

type Place = { parent: Record<string, unknown> | unknown[]; key: string | number };

function places(value: unknown): Place[] {
  const out: Place[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) {
      v.forEach((item, i) => {
        out.push({ parent: v, key: i });
        walk(item);
      });
    } else if (v !== null && typeof v === "object" && !(v instanceof RawJson)) {
      for (const k of Object.keys(v)) {
        out.push({ parent: v as Record<string, unknown>, key: k });
        walk((v as Record<string, unknown>)[k]);
      }
    }
  };
  walk(value);
  return out;
}

const containers = (value: unknown) => {
  const found: Array<Record<string, unknown> | unknown[]> = [];
  if (value !== null && typeof value === "object") found.push(value as Record<string, unknown>);
  for (const p of places(value)) {
    const v = (p.parent as Record<string, unknown>)[p.key as string];
    if (v !== null && typeof v === "object" && !(v instanceof RawJson))
      found.push(v as Record<string, unknown>);
  }
  return found;
};

type Mutation =
  | { kind: "set"; at: number; value: unknown }
  | { kind: "delete"; at: number }
  | { kind: "add"; at: number; key: string; value: unknown }
  | { kind: "duplicate"; at: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({ kind: fc.constant("set" as const), at: fc.nat(), value: hostileValue }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("delete" as const), at: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("add" as const),
      at: fc.nat(),
      key: hostileKey,
      value: hostileValue,
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("duplicate" as const), at: fc.nat() }) },
);

function clone(value: unknown): unknown {
  if (value instanceof RawJson) return value;
  if (Array.isArray(value)) return value.map(clone);
  if (value !== null && typeof value === "object") {
    return own(Object.keys(value).map((k) => [k, clone((value as Record<string, unknown>)[k])]));
  }
  return value;
}

function apply(value: unknown, m: Mutation): unknown {
  const v = clone(value);
  if (m.kind === "set" || m.kind === "delete") {
    const all = places(v);
    if (all.length === 0) return m.kind === "set" ? m.value : v;
    const { parent, key } = all[m.at % all.length];
    if (m.kind === "set") (parent as Record<string, unknown>)[key as string] = m.value;
    else if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key as string];
    return v;
  }
  if (m.kind === "add") {
    const objects = containers(v).filter((c) => !Array.isArray(c)) as Array<Record<string, unknown>>;
    if (objects.length === 0) return v;
    Object.defineProperty(objects[m.at % objects.length], m.key, {
      value: m.value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
    return v;
  }
  // Duplicate an item within an array: two customers with one externalId, two events with one eventId.
  const arrays = containers(v).filter(Array.isArray) as unknown[][];
  if (arrays.length === 0) return v;
  const array = arrays[m.at % arrays.length];
  if (array.length > 0) array.push(clone(array[m.at % array.length]));
  return v;
}

/** A valid shape with one to three mutations. */
export function nearValid(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc
    .tuple(valid, fc.array(mutation, { minLength: 1, maxLength: 3 }))
    .map(([v, ms]) => ms.reduce<unknown>((acc, m) => apply(acc, m), v));
}

/** What a request sends: mostly near-valid, sometimes valid, random JSON, or text that is not JSON. */
export function payloads(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 12, arbitrary: nearValid(valid) },
    { weight: 3, arbitrary: valid },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
    {
      weight: 1,
      arbitrary: fc
        .oneof(
          fc.string({ maxLength: 50 }),
          fc.constantFrom("{", '{"a":', "[1,]", "NaN", "{'a':1}", '{"a":1}{"b":2}', "\u0000"),
        )
        .map((text) => new RawJson(text)),
    },
  );
}

// ---- Valid shapes --------------------------------------------------------------------------------

/** A few of each, so that updates, merges and duplicates happen, not only creations. */
export const EXTERNAL_IDS = ["FUZZ-1", "FUZZ-2", "FUZZ-3", "M-100"];
export const SKUS = ["SKU-1", "SKU-2", "SKU-3"];

const externalId = fc.oneof(fc.constantFrom(...EXTERNAL_IDS), fc.string({ minLength: 1, maxLength: 16 }));
const isoTime = fc
  .date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2030-12-31T00:00:00Z"), noInvalidDate: true })
  .map((d) => d.toISOString());
const recentTime = fc
  .integer({ min: -80 * 86_400, max: 0 })
  .map((s) => new Date(Date.parse("2026-06-01T00:00:00Z") + s * 1000).toISOString());
const sentAtTime = fc
  .integer({ min: -120, max: 60 })
  .map((s) => new Date(Date.parse("2026-06-01T00:00:00Z") + s * 1000).toISOString());
const shortText = fc.oneof(fc.constantFrom("山田", "花子", "ヤマダ", "Tanaka"), fc.string({ maxLength: 20 }));
const attributes = fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 });
const consents = fc.record(
  Object.fromEntries(CHANNELS.map((c) => [c, fc.boolean()])) as Record<
    (typeof CHANNELS)[number],
    fc.Arbitrary<boolean>
  >,
  { requiredKeys: [] },
);

export const customerArb = fc.record(
  {
    externalId,
    email: fc.oneof(fc.constantFrom("a@example.jp", "b@example.jp", null), fc.emailAddress()),
    phone: fc.constantFrom("090-1234-5678", "+819012345678", "03-1234-5678", "+14155550100", null),
    lineUserId: fc.constantFrom(`U${"a".repeat(32)}`, `U${"b".repeat(32)}`, null),
    firstName: shortText,
    lastName: shortText,
    firstNameKana: fc.constantFrom("ハナコ", "たろう", null),
    lastNameKana: fc.constantFrom("ヤマダ", null),
    birthday: fc.constantFrom("1990-01-31", "2000-02-29", "1985-12-01", null),
    gender: fc.constantFrom("female", "male", "女性", "other", null),
    postalCode: fc.constantFrom("150-0001", "1500001", null),
    prefecture: fc.constantFrom("東京都", "大阪府", "北海道", null),
    address: fc.constantFrom("渋谷区神宮前1-2-3", null),
    memberRank: fc.constantFrom("gold", "一般", null),
    attributes,
    consents,
    createdAt: isoTime,
  },
  { requiredKeys: ["externalId"] },
);

const orderItem = fc.record(
  {
    sku: fc.oneof(fc.constantFrom(...SKUS), fc.string({ minLength: 1, maxLength: 12 })),
    name: fc.option(shortText),
    quantity: fc.integer({ min: 1, max: 5 }),
    unitPrice: fc.integer({ min: 0, max: 50_000 }),
    lineTotal: fc.integer({ min: 0, max: 250_000 }),
  },
  { requiredKeys: ["sku", "quantity", "unitPrice"] },
);

// The buyer by member id, or by a profile (whose externalId is the member id when both are given).
const buyer = fc.oneof(
  fc.record({ customerId: fc.constantFrom(...EXTERNAL_IDS) }),
  customerArb.map((customer) => ({ customer })),
  fc
    .tuple(fc.constantFrom(...EXTERNAL_IDS), customerArb)
    .map(([customerId, c]) => ({ customerId, customer: { ...c, externalId: customerId } })),
);

const orderFields = fc.record(
  {
    externalId: fc.oneof(fc.constantFrom("O-1", "O-2", "O-3"), fc.string({ minLength: 1, maxLength: 16 })),
    channel: fc.constantFrom(...ORDER_CHANNELS),
    storeId: fc.option(fc.constantFrom("shibuya", "umeda")),
    status: fc.constantFrom(...ORDER_STATUSES),
    orderedAt: isoTime,
    shippedAt: fc.option(isoTime),
    currency: fc.constantFrom("JPY", "USD"),
    subtotal: fc.integer({ min: 0, max: 500_000 }),
    discount: fc.integer({ min: 0, max: 5_000 }),
    shipping: fc.integer({ min: 0, max: 2_000 }),
    tax: fc.integer({ min: 0, max: 10_000 }),
    total: fc.integer({ min: 0, max: 500_000 }),
    couponCode: fc.option(fc.constantFrom("SPRING10", "WELCOME")),
    pointsUsed: fc.integer({ min: 0, max: 1_000 }),
    items: fc.array(orderItem, { minLength: 1, maxLength: 3 }),
  },
  { requiredKeys: ["externalId", "orderedAt", "items"] },
);

export const orderArb = fc.tuple(orderFields, buyer).map(([order, who]) => ({ ...order, ...who }));

export const productArb = fc.record(
  {
    sku: fc.oneof(fc.constantFrom(...SKUS), fc.string({ minLength: 1, maxLength: 12 })),
    name: fc.oneof(fc.constantFrom("煎茶", "急須"), fc.string({ minLength: 1, maxLength: 20 })),
    categoryPath: fc.option(fc.constantFrom("お茶/煎茶", "道具", "a/b/c")),
    price: fc.integer({ min: 0, max: 100_000 }),
    currency: fc.constantFrom("JPY", "USD"),
    stock: fc.option(fc.integer({ min: 0, max: 100 })),
    url: fc.option(fc.constantFrom("https://shop.example/p/1", "http://shop.example/p/2")),
    imageUrl: fc.option(fc.constantFrom("https://cdn.example/1.jpg")),
    replenishmentDays: fc.option(fc.integer({ min: 1, max: 3650 })),
    warrantyMonths: fc.option(fc.integer({ min: 1, max: 600 })),
    consumable: fc.boolean(),
    attributes,
  },
  { requiredKeys: ["sku", "name", "price"] },
);

const STOREFRONT_TYPES = EVENT_TYPES.filter((t) => t !== "restock");
export const eventArb = fc.record(
  {
    type: fc.constantFrom(...STOREFRONT_TYPES),
    customerId: fc.constantFrom(...EXTERNAL_IDS),
    visitorId: fc.constantFrom("v1", "v2", "v3"),
    sku: fc.constantFrom(...SKUS),
    properties: attributes,
    occurredAt: recentTime,
    eventId: fc.oneof(fc.constantFrom("e-1", "e-2"), fc.uuid()),
  },
  { requiredKeys: ["type", "visitorId", "sku"] },
);

export const eventsBodyArb = fc.oneof(
  eventArb,
  fc.record(
    // The sender's clock a little off the server's: occurredAt times are shifted by the difference.
    { events: fc.array(eventArb, { minLength: 1, maxLength: 5 }), sentAt: sentAtTime },
    { requiredKeys: ["events"] },
  ),
);

export const identifyArb = fc.record(
  {
    visitorId: fc.constantFrom("v1", "v2", "v9"),
    externalId,
    customer: customerArb.map(({ externalId: _, ...c }) => c),
  },
  { requiredKeys: ["externalId"] },
);

export const consentsArb = fc.record(
  { consents, source: fc.constantFrom("api", "store-form", "fuzz") },
  { requiredKeys: ["consents"] },
);

const pointsCommon = fc.record(
  {
    reason: shortText,
    orderExternalId: fc.constantFrom("O-1", "O-2"),
    externalId: fc.oneof(fc.constantFrom("p-1", "p-2"), fc.uuid()),
    occurredAt: recentTime,
  },
  { requiredKeys: [] },
);
// Earn (which may expire), small spends and expiries the balance can cover, signed adjustments.
const pointsEntry = fc.oneof(
  fc.record(
    { kind: fc.constant("earn"), points: fc.integer({ min: 1, max: 10_000 }), expiresAt: isoTime },
    { requiredKeys: ["kind", "points"] },
  ),
  fc.record({ kind: fc.constantFrom("spend", "expire"), points: fc.integer({ min: 1, max: 5 }) }),
  fc.record({ kind: fc.constant("adjust"), points: fc.integer({ min: -5, max: 1_000 }) }),
);
export const pointsArb = fc
  .tuple(pointsEntry, pointsCommon)
  .map(([entry, common]) => ({ ...common, ...entry }));

/** A customer's external id for the path: one that exists, one that does not, or something odd. */
export const pathIdArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom("FUZZ-1", "FUZZ-2") },
  {
    weight: 1,
    arbitrary: fc.constantFrom("nobody", "%00", "%ZZ", "%C0%AF", "..%2F..%2Fetc", "%F0%9F%98%80", "a%20b"),
  },
  { weight: 1, arbitrary: hostileString.map((s) => percentEncode(s.slice(0, 200)) || "x") },
);

/** Percent-encodes the UTF-8 bytes (a lone surrogate becomes U+FFFD, as any client would send it). */
function percentEncode(s: string): string {
  return [...Buffer.from(s, "utf8")].map((b) => `%${b.toString(16).padStart(2, "0")}`).join("");
}
