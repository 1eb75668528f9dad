// The campaign shapes the API speaks (src/campaigns/routes.ts), and the shop-zone wall clock the form
// speaks: a marketer types "10:00 tomorrow" in the shop's time zone, the API wants an instant.
import type { ApiIssue } from "../../api";

export const CHANNELS = ["email", "line", "sms", "push", "postal"] as const;
export type Channel = (typeof CHANNELS)[number];
export type CampaignStatus = "draft" | "scheduled" | "sending" | "sent" | "cancelled";
export type MessageClass = "promotional" | "transactional";
export type Metric = "clicks" | "conversions";

export interface CampaignInput {
  name: string;
  audience?: { type: "segment"; key: string };
  channels: Channel[];
  messageClass: MessageClass;
  variants: Array<{ name: string; template: string }>;
  abTest?: { testPercent: number; winnerAfterHours: number; metric: Metric };
  holdoutPercent: number;
  conversionWindowHours: number;
}

export interface Campaign {
  id: number;
  name: string;
  status: CampaignStatus;
  definition: CampaignInput;
  scheduledAt: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  createdAt: string;
}

export interface ArmReport {
  arm: string;
  runs: number;
  sent: number;
  suppressed: number;
  opened: number;
  clicked: number;
  converted: number;
  revenue: number;
  conversionRate: number;
}

export interface CampaignReport {
  entered: number;
  arms: ArmReport[];
  winner: string | null;
  lift: { conversionRate: number; incrementalRevenue: number } | null;
}

export interface CampaignWithReport extends Campaign {
  report: CampaignReport;
}

export interface AudiencePreview {
  matching: number;
  reachable: number;
  sendable: number;
  holdout: number;
}

export interface SegmentSummary {
  key: string;
  name: string;
  status: "active" | "archived";
  members: number;
}

export interface TemplateSummary {
  key: string;
  channel: Channel;
  locale: string;
  subject: string | null;
}

/** Whether cancelling still changes something: it has not started, or a winner is still to be sent. */
export function cancellable(c: Campaign, report?: CampaignReport): boolean {
  if (c.status === "draft" || c.status === "scheduled" || c.status === "sending") return true;
  return c.status === "sent" && c.definition.variants.length > 1 && report?.winner === null;
}

/** The split the scenario makes (src/campaigns/definition.ts), in percent of the audience. */
export function splitOf(input: CampaignInput): { perVariant: number; rest: number; holdout: number } {
  const holdout = input.holdoutPercent * 10;
  const treated = 1000 - holdout;
  const ab = input.variants.length > 1 ? input.abTest : undefined;
  const test = ab ? Math.min(ab.testPercent * 10, treated) : treated;
  const perVariant = Math.floor(test / input.variants.length);
  const rest = ab ? treated - perVariant * input.variants.length : 0;
  return { perVariant: perVariant / 10, rest: rest / 10, holdout: holdout / 10 };
}

// ---- Issues by form field ---------------------------------------------------------------------------

/**
 * The form field an API issue names: zod paths (`variants[1].name`, `abTest.testPercent`) and the
 * template check's `variants.B.template`. Anything else is shown above the form.
 */
export function slotOf(field: string, variants: Array<{ name: string }>): string {
  const byIndex = /^variants\[(\d+)\]\.(name|template)$/.exec(field);
  if (byIndex) return `variant-${byIndex[1]}-${byIndex[2]}`;
  const byName = /^variants\.(.+)\.template$/.exec(field);
  if (byName) {
    const index = variants.findIndex((v) => v.name === byName[1]);
    return index >= 0 ? `variant-${index}-template` : "variants";
  }
  if (field.startsWith("audience")) return "segment";
  if (field.startsWith("channels")) return "channel";
  if (field.startsWith("variants")) return "variants";
  const abField = /^abTest\.(testPercent|winnerAfterHours|metric)$/.exec(field);
  if (abField) return abField[1];
  const known = ["name", "messageClass", "abTest", "holdoutPercent", "conversionWindowHours", "at"];
  return known.includes(field) ? field : "general";
}

export function issuesBySlot(issues: ApiIssue[], variants: Array<{ name: string }>) {
  const slots = new Map<string, ApiIssue[]>();
  for (const issue of issues) {
    const slot = slotOf(issue.field, variants);
    slots.set(slot, [...(slots.get(slot) ?? []), issue]);
  }
  return slots;
}

// ---- The shop's wall clock --------------------------------------------------------------------------

function wallParts(instant: number, timeZone: string) {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(new Date(instant));
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  return {
    year: get("year"),
    month: get("month"),
    day: get("day"),
    hour: get("hour"),
    minute: get("minute"),
    second: get("second"),
  };
}

/** The zone's offset from UTC at an instant, in minutes (Asia/Tokyo: 540). */
function offsetMinutes(instant: number, timeZone: string): number {
  const w = wallParts(instant, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return Math.round((asUtc - Math.floor(instant / 1000) * 1000) / 60_000);
}

const pad = (n: number) => String(n).padStart(2, "0");

/** Now in the shop's zone as a datetime-local value ("2026-12-08T10:00"), `days` later at `hour`:00. */
export function shopLocalValue(now: Date, timeZone: string, days = 0, hour?: number): string {
  const w = wallParts(now.getTime() + days * 86_400_000, timeZone);
  const h = hour ?? w.hour;
  const m = hour === undefined ? w.minute : 0;
  return `${w.year}-${pad(w.month)}-${pad(w.day)}T${pad(h)}:${pad(m)}`;
}

/**
 * A datetime-local value read in the shop's zone, as ISO 8601 with the zone's offset
 * ("2026-12-08T10:00:00+09:00"); null when it is not a date and time.
 */
export function shopLocalToIso(value: string, timeZone: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value);
  if (!m) return null;
  const wall = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]));
  // Two rounds find the offset in force at that wall time, across a daylight-saving change too.
  let instant = wall - offsetMinutes(wall, timeZone) * 60_000;
  instant = wall - offsetMinutes(instant, timeZone) * 60_000;
  const offset = offsetMinutes(instant, timeZone);
  const sign = offset < 0 ? "-" : "+";
  const abs = Math.abs(offset);
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:00${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}
