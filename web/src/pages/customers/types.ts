// The shapes the Customers page reads from the API (src/customers, segments, analytics, recommend).

export const CHANNELS = ["email", "line", "sms", "push", "postal"] as const;
export type Channel = (typeof CHANNELS)[number];

export interface CustomerSummary {
  id: number;
  externalId: string | null;
  email: string | null;
  phone: string | null;
  lineUserId: string | null;
  firstName: string | null;
  lastName: string | null;
  firstNameKana: string | null;
  lastNameKana: string | null;
  memberRank: string | null;
  prefecture: string | null;
  createdAt: string;
}

export interface ConsentState {
  granted: boolean;
  source: string;
  updatedAt: string;
}

export interface CustomerProfile extends CustomerSummary {
  birthday: string | null;
  consents: Partial<Record<Channel, ConsentState>>;
  points: { balance: number; nextExpiryAt: string | null; nextExpiryPoints: number };
}

export type TimelineEntry =
  | {
      kind: "order";
      id: number;
      at: string;
      externalId: string;
      channel: string;
      status: string;
      total: number;
      currency: string;
      couponCode: string | null;
      pointsUsed: number;
    }
  | {
      kind: "event";
      id: number;
      at: string;
      type: string;
      sku: string | null;
      properties: Record<string, unknown>;
    }
  | {
      kind: "message";
      id: number;
      at: string;
      channel: string;
      template: string;
      status: string;
      sentAt: string | null;
      openedAt: string | null;
      clickedAt: string | null;
    };

export interface Timeline {
  entries: TimelineEntry[];
  nextBefore: string | null;
}

export interface Coupon {
  code: string;
  kind: "amount" | "percent";
  value: number;
  currency: string;
  minOrder: number;
  expiresAt: string | null;
  redeemedAt: string | null;
  redeemedOrderExternalId: string | null;
  createdAt: string;
}

export interface CustomerMetrics {
  orders: number;
  revenue: number;
  lastOrderAt?: string | null;
  rfm: { recency: number; frequency: number; monetary: number; group: string } | null;
  predictions: {
    pAlive: number;
    expectedOrders365: number;
    nextOrderAt: string | null;
    clv365: number;
  } | null;
  refreshedAt?: string;
}

export interface Product {
  sku: string;
  name: string;
  price: number;
  currency: string;
  url: string | null;
  imageUrl: string | null;
}

/** "山田 花子" in the Japanese order (family name first), or null when neither part is known. */
export function fullName(c: { lastName: string | null; firstName: string | null }): string | null {
  const name = [c.lastName, c.firstName].filter(Boolean).join(" ");
  return name || null;
}

export function fullKana(c: { lastNameKana: string | null; firstNameKana: string | null }): string | null {
  const kana = [c.lastNameKana, c.firstNameKana].filter(Boolean).join(" ");
  return kana || null;
}

export const customerPath = (externalId: string) => `/customers/${encodeURIComponent(externalId)}`;
export const apiPath = (externalId: string) => `/v1/customers/${encodeURIComponent(externalId)}`;

/**
 * A Japanese number as people write it (+819012345678 → 090-1234-5678); mobile and 050 numbers get
 * their hyphens, other domestic numbers (whose area codes vary in length) just the leading 0.
 */
export function domesticPhone(e164: string): string {
  if (!e164.startsWith("+81")) return e164;
  const national = `0${e164.slice(3)}`;
  const m = /^(0[5789]0)(\d{4})(\d{4})$/.exec(national);
  return m ? `${m[1]}-${m[2]}-${m[3]}` : national;
}
