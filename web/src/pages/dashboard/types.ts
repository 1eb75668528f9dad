// The dashboard's figures as GET /v1/reports/dashboard returns them (src/analytics/dashboard-routes.ts), and the
// number formats its cards share. Money is integer minor units of the shop's currency.
import type { Language } from "../../i18n";

export interface Figures {
  orders: number;
  revenue: number;
}

export interface MonthFigures {
  month: string;
  from: string;
  to: string;
  attributed: Figures;
  scenarios: Figures;
  campaigns: Figures;
  sales: Figures;
}

export interface ScenarioFigures {
  key: string;
  name: string;
  libraryKey: string | null;
  activatedAt: string | null;
  sentThisMonth: number;
  thisMonth: Figures;
  lastMonth: Figures;
}

export type RateKind = "bounce" | "complaint" | "unsubscribe";
export type Levels = Record<RateKind, number>;

export interface Deliverability {
  since: string;
  days: number;
  sent: number;
  bounced: number;
  complaints: number;
  unsubscribes: number;
  bounceRate: number;
  complaintRate: number;
  unsubscribeRate: number;
  warnAbove: Levels;
  pauseAbove: Levels;
  minSends: number;
  emailPaused: { at: string; reason: string | null } | null;
}

export const RFM_GROUPS = [
  "champions",
  "loyal",
  "potential",
  "new",
  "needs_attention",
  "at_risk",
  "dormant",
] as const;
export type RfmGroup = (typeof RFM_GROUPS)[number];

export interface DashboardData {
  asOf: string;
  timezone: string;
  currency: string;
  thisMonth: MonthFigures;
  lastMonth: MonthFigures;
  scenarios: ScenarioFigures[];
  deliverability: Deliverability;
  rfm: { buyers: number; groups: Array<{ group: RfmGroup; customers: number; revenue: number }> };
}

const locale = (language: Language) => (language === "ja" ? "ja-JP" : "en-US");

/** Short money for chart axes (¥1.2万, $12K). */
export function compactMoney(minor: number, currency: string, language: Language): string {
  const digits =
    new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 0;
  return new Intl.NumberFormat(locale(language), { style: "currency", currency, notation: "compact" }).format(
    minor / 10 ** digits,
  );
}

export function formatPercent(ratio: number, language: Language): string {
  return new Intl.NumberFormat(locale(language), { style: "percent", maximumFractionDigits: 2 }).format(
    ratio,
  );
}

export function formatCount(n: number, language: Language): string {
  return new Intl.NumberFormat(locale(language)).format(n);
}

/** "2026-06" as "2026年6月" or "June 2026". */
export function formatMonth(month: string, language: Language): string {
  return new Intl.DateTimeFormat(locale(language), {
    year: "numeric",
    month: "long",
    timeZone: "UTC",
  }).format(new Date(`${month}-15T00:00:00Z`));
}
