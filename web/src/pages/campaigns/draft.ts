// The new-campaign form's state as typed (numbers as text, the time as the shop's wall clock), and the
// campaign input and schedule it stands for.
import type { CampaignInput, Channel, MessageClass, Metric } from "./model";
import { shopLocalToIso } from "./model";

export interface CampaignDraft {
  name: string;
  /** A segment key, or "" before one is chosen. */
  segment: string;
  channel: Channel;
  /** Tried when the customer cannot be reached on the first channel; "" for none. */
  fallback: Channel | "";
  messageClass: MessageClass;
  variants: Array<{ name: string; template: string }>;
  testPercent: string;
  winnerAfterHours: string;
  metric: Metric;
  holdoutPercent: string;
  conversionWindowHours: string;
  when: "now" | "later";
  /** datetime-local value in the shop's zone. */
  at: string;
}

export const VARIANT_NAMES = ["A", "B", "C", "D", "E"];

export function emptyDraft(at: string): CampaignDraft {
  return {
    name: "",
    segment: "",
    channel: "email",
    fallback: "",
    messageClass: "promotional",
    variants: [{ name: "A", template: "" }],
    testPercent: "20",
    winnerAfterHours: "4",
    metric: "clicks",
    holdoutPercent: "0",
    conversionWindowHours: "72",
    when: "now",
    at,
  };
}

/** Text to a number for the API; what is not a number is passed on as is, for the API to name. */
function numberOf(text: string): number {
  return text.trim() === "" ? Number.NaN : Number(text);
}

export function toCampaignInput(d: CampaignDraft): CampaignInput {
  const ab = d.variants.length > 1;
  return {
    name: d.name.trim(),
    ...(d.segment ? { audience: { type: "segment" as const, key: d.segment } } : {}),
    channels: d.fallback && d.fallback !== d.channel ? [d.channel, d.fallback] : [d.channel],
    messageClass: d.messageClass,
    variants: d.variants.map((v) => ({ name: v.name, template: v.template })),
    ...(ab
      ? {
          abTest: {
            testPercent: numberOf(d.testPercent),
            winnerAfterHours: numberOf(d.winnerAfterHours),
            metric: d.metric,
          },
        }
      : {}),
    holdoutPercent: numberOf(d.holdoutPercent),
    conversionWindowHours: numberOf(d.conversionWindowHours),
  };
}

/** The `at` to schedule for (undefined: now), or the reason it cannot be used. */
export function scheduleOf(
  d: CampaignDraft,
  timeZone: string,
  now: Date,
): { at?: string; problem?: "missing" | "past" } {
  if (d.when === "now") return {};
  const at = shopLocalToIso(d.at, timeZone);
  if (!at) return { problem: "missing" };
  if (Date.parse(at) <= now.getTime()) return { problem: "past" };
  return { at };
}
