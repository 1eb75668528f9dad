// Wall-clock time in the shop's time zone: scenarios speak in local dates and times ("09:00 on the
// birthday", "no SMS after 21:00"), storage in UTC. Luxon does the zone arithmetic (DST included, for
// shops outside Japan).
import { DateTime } from "luxon";

function local(at: Date, zone: string): DateTime {
  return DateTime.fromJSDate(at, { zone });
}

function withTime(day: DateTime, hhmm: string): DateTime {
  const [hour, minute] = hhmm.split(":").map(Number);
  return day.set({ hour, minute, second: 0, millisecond: 0 });
}

/** The shop-local calendar date of an instant, "YYYY-MM-DD". */
export function localDate(at: Date, zone: string): string {
  return local(at, zone).toISODate()!;
}

/** The instant of a local date and time. */
export function atLocalTime(date: string, hhmm: string, zone: string): Date {
  return withTime(DateTime.fromISO(date, { zone }), hhmm).toJSDate();
}

/** The UTC bounds [start, end) of a local calendar date, as ISO strings for range queries. */
export function localDayBounds(date: string, zone: string): { start: string; end: string } {
  const start = DateTime.fromISO(date, { zone }).startOf("day");
  return { start: start.toUTC().toISO()!, end: start.plus({ days: 1 }).toUTC().toISO()! };
}

export function addDays(date: string, days: number): string {
  return DateTime.fromISO(date, { zone: "UTC" }).plus({ days }).toISODate()!;
}

export function addMonths(date: string, months: number): string {
  return DateTime.fromISO(date, { zone: "UTC" }).plus({ months }).toISODate()!;
}

/** The next instant at or after `from` whose local time is `hhmm`. */
export function nextLocalTime(from: Date, hhmm: string, zone: string): Date {
  const now = local(from, zone);
  let candidate = withTime(now, hhmm);
  if (candidate < now) candidate = withTime(now.plus({ days: 1 }), hhmm);
  return candidate.toJSDate();
}

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(":").map(Number);
  return h * 60 + m;
}

/** Whether a local time of day falls in [from, to), a window that may wrap past midnight. */
function inWindow(minute: number, from: string, to: string): boolean {
  const a = minutesOf(from);
  const b = minutesOf(to);
  return a <= b ? minute >= a && minute < b : minute >= a || minute < b;
}

/**
 * The first instant at or after `from` inside the local window [fromTime, toTime) on one of the
 * weekdays (0 = Sunday), or `from` itself when it already is.
 */
export function nextWindowStart(
  from: Date,
  fromTime: string,
  toTime: string,
  zone: string,
  weekdays?: number[],
): Date {
  const now = local(from, zone);
  const dayOk = (d: DateTime) => !weekdays || weekdays.includes(d.weekday % 7);
  if (dayOk(now) && inWindow(now.hour * 60 + now.minute, fromTime, toTime)) return from;
  for (let i = 0; i <= 7; i++) {
    const day = now.plus({ days: i });
    const start = withTime(day, fromTime);
    if (start >= now && dayOk(start)) return start.toJSDate();
  }
  return from;
}

/** The end of the quiet period `from` falls in ([fromTime, toTime) local, may wrap), or null. */
export function quietUntil(from: Date, fromTime: string, toTime: string, zone: string): Date | null {
  const now = local(from, zone);
  if (!inWindow(now.hour * 60 + now.minute, fromTime, toTime)) return null;
  return nextLocalTime(from, toTime, zone);
}

/** Local hour (0–23) of an instant. */
export function localHour(at: Date | string, zone: string): number {
  return local(typeof at === "string" ? new Date(at) : at, zone).hour;
}

/** The latest slot at or before `now` of a daily/weekly/monthly schedule at a local time. */
export function latestScheduleSlot(
  now: Date,
  zone: string,
  every: "day" | "week" | "month",
  at: string,
  weekday = 1,
  dayOfMonth = 1,
): Date {
  const n = local(now, zone);
  let slot = withTime(n, at);
  if (every === "day") {
    if (slot > n) slot = slot.minus({ days: 1 });
  } else if (every === "week") {
    const back = (n.weekday % 7) - weekday;
    slot = slot.minus({ days: (back + 7) % 7 });
    if (slot > n) slot = slot.minus({ days: 7 });
  } else {
    slot = slot.set({ day: dayOfMonth });
    if (slot > n) slot = slot.minus({ months: 1 }).set({ day: dayOfMonth });
  }
  return slot.toJSDate();
}
