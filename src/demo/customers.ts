// Who a demo customer is: name, contact details, where they live, when they joined, what they like, and
// the marketing permissions they gave. The purchase history is simulated from this persona (history.ts).
import type { Channel } from "../db/index.js";
import type { CatalogIndex, Interest, Sex } from "./catalog.js";
import {
  drawAddress,
  drawPostalCode,
  drawPrefecture,
  type Prefecture,
  STORES,
  type Store,
  storesIn,
} from "./geography.js";
import { drawGivenName, drawSurname, generationOf, type NamePart } from "./names.js";
import { type Random, WeightedTable } from "./random.js";
import { DAY, isStoreHour, jstDayStart, jstYear, MINUTE, spreadOverDay } from "./time.js";

export interface ConsentChange {
  channel: Channel;
  granted: boolean;
  source: string;
  at: number;
}

export interface Persona {
  /** 1-based position in the generated population; external ids and codes derive from it. */
  number: number;
  externalId: string;
  lastName: NamePart;
  firstName: NamePart;
  sex: Sex;
  gender: string | null;
  birthday: { year: number; month: number; day: number } | null;
  email: string | null;
  phone: string | null;
  prefecture: Prefecture;
  postalCode: string;
  address: string;
  createdAt: number;
  attributes: Record<string, unknown>;
  lineUserId: string | null;
  lineLinkedAt: number | null;
  /** Consent changes in time order; the consents table holds the last one per channel. */
  consentLog: ConsentChange[];
  interests: WeightedTable<Interest>;
  /** A skincare line the customer sticks to, if any. */
  favouriteLine: string | null;
  /** 0–1: how likely the customer keeps coming back. */
  loyalty: number;
  /** Multiplies replenishment cycles: some use products up faster than others. */
  pace: number;
  /** Storefront browsing sessions per month while active. */
  engagement: number;
  homeStore: Store | null;
  /** Signed up at a store counter (and bought there first). */
  joinedInStore: boolean;
  marketplaceShare: number;
  buyer: boolean;
  pointsUser: boolean;
  couponUser: boolean;
  visitorIds: string[];
  /** When the second device (if any) first logged in. */
  secondDeviceAt: number | null;
}

const AGE_BANDS = WeightedTable.of([
  [[20, 24], 6],
  [[25, 29], 9],
  [[30, 34], 12],
  [[35, 39], 14],
  [[40, 44], 15],
  [[45, 49], 14],
  [[50, 54], 11],
  [[55, 59], 8],
  [[60, 64], 6],
  [[65, 69], 4],
  [[70, 79], 3],
] as const);

const SKIN_TYPES = WeightedTable.of([
  ["乾燥肌", 30],
  ["混合肌", 28],
  ["普通肌", 18],
  ["脂性肌", 12],
  ["敏感肌", 12],
] as const);

const CONCERNS_YOUNG = ["ニキビ", "毛穴", "乾燥", "テカリ"];
const CONCERNS_OLDER = ["シミ・くすみ", "シワ・たるみ", "乾燥", "毛穴", "ハリ不足"];

const ACQUISITION = WeightedTable.of([
  ["instagram", 24],
  ["google_search", 22],
  ["line", 12],
  ["friend_referral", 10],
  ["youtube", 8],
  ["marketplace", 6],
  ["magazine", 4],
  ["store", 0],
] as const);

const EMAIL_DOMAINS = WeightedTable.of([
  ["example.com", 35],
  ["example.jp", 35],
  ["example.net", 15],
  ["example.org", 15],
] as const);

// Beauty appliances come to about one order line in twenty-five: enough that, in any recent month, dozens
// of 12- and 24-month warranties bought a year or two earlier are about to end.
const BASE_INTERESTS: Record<"female" | "male", Record<Interest, number>> = {
  female: {
    skincare: 1,
    makeup: 0.45,
    haircare: 0.35,
    bodycare: 0.3,
    health: 0.45,
    device: 0.22,
    goods: 0.12,
    gift: 0.05,
  },
  male: {
    skincare: 0.7,
    makeup: 0.01,
    haircare: 0.45,
    bodycare: 0.25,
    health: 0.9,
    device: 0.25,
    goods: 0.12,
    gift: 0.08,
  },
};

export interface PersonaContext {
  catalog: CatalogIndex;
  historyStart: number;
  now: number;
  /** How many customers the shop gets in all (member numbers follow sign-up order). */
  customers: number;
}

/**
 * Sign-up time of member `number` of `total`. Sign-ups grow over the two years (the shop is growing:
 * the density rises linearly by a factor of 2.3), and member numbers follow sign-up order, as a shop's
 * member numbers do: each member draws within their own slice of the distribution.
 */
function signupTime(rng: Random, ctx: PersonaContext, number: number): number {
  const a = 0.6;
  const b = 1.4;
  const u = (number - 1 + rng.next()) / ctx.customers;
  // Inverse CDF of the density a + (b - a) x on [0, 1].
  const x = (-a + Math.sqrt(a * a + (b * b - a * a) * u)) / (b - a);
  const latest = ctx.now - 10 * MINUTE;
  const t = ctx.historyStart + x * (latest - ctx.historyStart);
  const day = jstDayStart(t);
  const placed = spreadOverDay(day, (t - day) / DAY);
  return placed <= latest ? placed : t;
}

function emailFor(rng: Random, first: NamePart, last: NamePart, n: number): string {
  const f = first.romaji;
  const l = last.romaji;
  const local = rng.pick([
    `${f}.${l}${n}`,
    `${l}.${f}${n}`,
    `${f}_${l}${n}`,
    `${f}${l}${n}`,
    `${l}${f[0]}${n}`,
  ]);
  return `${local}@${EMAIL_DOMAINS.draw(rng)}`.toLowerCase();
}

export function createPersona(rng: Random, ctx: PersonaContext, number: number): Persona {
  const { now } = ctx;
  const genderRoll = rng.next();
  const sex: Sex = genderRoll < 0.8 ? "female" : genderRoll < 0.96 ? "male" : "unknown";
  const nameSex = sex === "unknown" ? (rng.chance(0.5) ? "female" : "male") : sex;
  const [minAge, maxAge] = AGE_BANDS.draw(rng);
  const age = rng.int(minAge, maxAge);
  const birthYear = jstYear(now) - age - (rng.chance(0.5) ? 1 : 0);
  const dayOfYear = rng.int(0, 364);
  const birthDate = new Date(Date.UTC(birthYear, 0, 1) + dayOfYear * DAY);
  const birthday = rng.chance(0.85)
    ? { year: birthYear, month: birthDate.getUTCMonth() + 1, day: birthDate.getUTCDate() }
    : null;
  const lastName = drawSurname(rng);
  const firstName = drawGivenName(rng, nameSex, generationOf(birthYear));
  const prefecture = drawPrefecture(rng);
  const createdAt = signupTime(rng, ctx, number);
  const nearbyStores = storesIn(prefecture.name);
  const homeStore =
    nearbyStores.length > 0 && rng.chance(0.3)
      ? rng.pick(nearbyStores)
      : rng.chance(0.01)
        ? rng.pick(STORES)
        : null;
  const joinedInStore = homeStore !== null && rng.chance(0.5) && isStoreHour(createdAt);

  const email = joinedInStore && rng.chance(0.25) ? null : emailFor(rng, firstName, lastName, number);
  const phone = rng.chance(joinedInStore ? 0.9 : 0.65)
    ? `+81${rng.pick(["90", "80", "70"])}${rng.digits(8)}`
    : null;

  const lineShare = (age < 40 ? 0.45 : age < 60 ? 0.36 : 0.22) * (sex === "male" ? 0.8 : 1);
  const lineLinkedAt = rng.chance(lineShare)
    ? rng.chance(0.5)
      ? createdAt
      : createdAt + rng.next() * (now - createdAt)
    : null;

  const attributes: Record<string, unknown> = {
    acquisition: joinedInStore ? "store" : ACQUISITION.draw(rng),
  };
  if (rng.chance(0.8)) attributes.skin_type = SKIN_TYPES.draw(rng);
  const concerns = age < 30 ? CONCERNS_YOUNG : CONCERNS_OLDER;
  const concernCount = rng.int(0, 2);
  if (concernCount > 0) {
    attributes.skin_concerns = [...new Set(Array.from({ length: concernCount }, () => rng.pick(concerns)))];
  }

  const base = BASE_INTERESTS[nameSex];
  const healthFocus = rng.chance(0.25) ? 3 : 1;
  const interestEntries = (Object.keys(base) as Interest[]).map(
    (k) =>
      [k, base[k] * rng.lognormal(0.7) * (k === "health" ? healthFocus * (age >= 50 ? 1.5 : 1) : 1)] as const,
  );
  const favouriteLine =
    sex !== "male" && rng.chance(0.6)
      ? age >= 45 && rng.chance(0.4)
        ? "agelessrich"
        : age < 28 && rng.chance(0.4)
          ? "pureclear"
          : rng.pick(ctx.catalog.skincareLines)
      : sex === "male" && rng.chance(0.5)
        ? "kizunamen"
        : null;

  // The storefront snippet keeps a random 128-bit visitor id per browser.
  const visitorIds = [rng.hex(32)];
  const secondDeviceAt = rng.chance(0.35) ? createdAt + rng.next() * (now - createdAt) : null;
  if (secondDeviceAt !== null) visitorIds.push(rng.hex(32));

  return {
    number,
    externalId: `M${String(number).padStart(6, "0")}`,
    lastName,
    firstName,
    sex,
    gender: sex === "unknown" ? null : sex,
    birthday,
    email,
    phone,
    prefecture,
    postalCode: drawPostalCode(rng, prefecture),
    address: drawAddress(rng, prefecture),
    createdAt,
    attributes,
    lineUserId: lineLinkedAt === null ? null : `U${rng.hex(32)}`,
    lineLinkedAt,
    consentLog: drawConsents(rng, { createdAt, now, email, phone, lineLinkedAt }),
    interests: WeightedTable.of(interestEntries),
    favouriteLine,
    loyalty: rng.next() ** 1.15,
    pace: rng.uniform(0.85, 1.3),
    engagement: rng.exponential(0.35),
    homeStore,
    joinedInStore,
    marketplaceShare: rng.chance(0.1) ? 0.5 : 0.02,
    buyer: rng.chance(joinedInStore ? 0.97 : 0.74),
    pointsUser: rng.chance(0.6),
    couponUser: rng.chance(0.7),
    visitorIds,
    secondDeviceAt,
  };
}

interface ConsentInput {
  createdAt: number;
  now: number;
  email: string | null;
  phone: string | null;
  lineLinkedAt: number | null;
}

/** The choices made on the sign-up form, at LINE friend-add and at the web push prompt, and later changes. */
function drawConsents(rng: Random, c: ConsentInput): ConsentChange[] {
  const log: ConsentChange[] = [];
  const later = (after: number) => after + rng.next() * (c.now - after);
  if (c.email !== null) {
    const granted = rng.chance(0.62);
    log.push({ channel: "email", granted, source: "signup_form", at: c.createdAt });
    if (granted && rng.chance(0.12)) {
      log.push({ channel: "email", granted: false, source: "unsubscribe_link", at: later(c.createdAt) });
    } else if (!granted && rng.chance(0.06)) {
      log.push({ channel: "email", granted: true, source: "preference_center", at: later(c.createdAt) });
    }
  }
  if (c.phone !== null)
    log.push({ channel: "sms", granted: rng.chance(0.2), source: "signup_form", at: c.createdAt });
  log.push({ channel: "postal", granted: rng.chance(0.35), source: "signup_form", at: c.createdAt });
  if (c.lineLinkedAt !== null) {
    log.push({ channel: "line", granted: true, source: "line_friend_add", at: c.lineLinkedAt });
    if (rng.chance(0.1))
      log.push({ channel: "line", granted: false, source: "line_block", at: later(c.lineLinkedAt) });
  }
  if (rng.chance(0.35)) {
    log.push({
      channel: "push",
      granted: rng.chance(0.55),
      source: "web_push_prompt",
      at: later(c.createdAt),
    });
  }
  return log.sort((a, b) => a.at - b.at);
}

/** Whether the shop could reach the customer with a campaign at a moment (e-mail or LINE allowed). */
export function reachableAt(persona: Persona, at: number): boolean {
  const state = new Map<Channel, boolean>();
  for (const change of persona.consentLog) {
    if (change.at > at) break;
    state.set(change.channel, change.granted);
  }
  return state.get("email") === true || state.get("line") === true;
}
