// Time arithmetic for the simulation, in epoch milliseconds. The demo shop is in Asia/Tokyo (UTC+9, no
// daylight saving), so shopping hours and birthdays are placed on Japanese calendar days.
import type { Random } from "./random.js";
import { WeightedTable } from "./random.js";

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;
const JST_OFFSET = 9 * HOUR;

/** UTC ISO-8601 with milliseconds, the stored form of timestamps. */
export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** The instant a Japanese calendar day starts (00:00 JST). */
export function jstDayStart(ms: number): number {
  return Math.floor((ms + JST_OFFSET) / DAY) * DAY - JST_OFFSET;
}

/** A wall-clock time in Japan, month 1–12. */
export function jst(year: number, month: number, day: number, hour = 0): number {
  return Date.UTC(year, month - 1, day, hour) - JST_OFFSET;
}

export function jstYear(ms: number): number {
  return new Date(ms + JST_OFFSET).getUTCFullYear();
}

// Relative traffic of online shopping by hour in Japan: a lunch bump and a late-evening peak.
const HOURLY_TRAFFIC = [
  2, 1, 0.5, 0.3, 0.2, 0.3, 0.8, 1.5, 2, 2.5, 3, 3.5, 4.5, 4, 3.5, 3.5, 3.5, 4, 4.5, 5, 6, 6.5, 6, 4,
];
const ONLINE_HOURS = WeightedTable.of(HOURLY_TRAFFIC.map((w, hour) => [hour, w] as const));
/**
 * A moment within a Japanese day, placed by the online traffic curve: `fraction` 0–1 maps monotonically
 * onto the day, so ordered fractions give ordered times (sign-ups keep member numbers in time order).
 */
export function spreadOverDay(dayStart: number, fraction: number): number {
  const weights = HOURLY_TRAFFIC;
  const total = weights.reduce((a, b) => a + b, 0);
  let target = fraction * total;
  for (let hour = 0; hour < 24; hour++) {
    if (target < weights[hour] || hour === 23) {
      return dayStart + hour * HOUR + Math.min(HOUR - 1, Math.floor((target / weights[hour]) * HOUR));
    }
    target -= weights[hour];
  }
  return dayStart;
}

// Stores open 10:00–20:00 with busier afternoons.
const STORE_HOURS = WeightedTable.of(
  [1, 1.5, 2, 2.5, 2.5, 2.5, 2.5, 3, 3, 2].map((w, i) => [10 + i, w] as const),
);

export function isStoreHour(ms: number): boolean {
  const hour = Math.floor((ms - jstDayStart(ms)) / HOUR);
  return hour >= 10 && hour < 20;
}

/** A moment on the same Japanese day as `ms`, at a typical hour for the channel. */
export function timeOfDay(rng: Random, ms: number, channel: "online" | "store"): number {
  const hour = (channel === "store" ? STORE_HOURS : ONLINE_HOURS).draw(rng);
  return jstDayStart(ms) + hour * HOUR + Math.floor(rng.next() * HOUR);
}
