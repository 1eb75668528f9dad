// Date arithmetic that reports need, written once per engine. PostgreSQL converts to the shop's IANA
// zone exactly; SQLite has no zone database, so it shifts by the zone's UTC offset at the time of the
// report: exact for zones without daylight saving (Asia/Tokyo, the default), at most an hour off near
// a DST change elsewhere, which moves a handful of orders between adjacent days in a monthly report.
import { type RawBuilder, sql } from "kysely";
import { DateTime } from "luxon";
import { type Db, engineOf } from "../db/index.js";

/** The zone's offset from UTC in minutes at `at`. */
export function zoneOffsetMinutes(zone: string, at: Date = new Date()): number {
  return DateTime.fromJSDate(at, { zone }).offset;
}

function sqliteShift(zone: string): string {
  const minutes = zoneOffsetMinutes(zone);
  return `${minutes >= 0 ? "+" : ""}${minutes} minutes`;
}

/** "YYYY-MM" of a timestamp column in the shop's zone. */
export function localMonth(db: Db, column: string, zone: string): RawBuilder<string> {
  return engineOf(db) === "postgres"
    ? sql<string>`to_char(${sql.ref(column)} at time zone ${zone}, 'YYYY-MM')`
    : sql<string>`strftime('%Y-%m', ${sql.ref(column)}, ${sqliteShift(zone)})`;
}

/** "YYYY-MM-DD" of a timestamp column in the shop's zone. */
export function localDate(db: Db, column: string, zone: string): RawBuilder<string> {
  return engineOf(db) === "postgres"
    ? sql<string>`to_char(${sql.ref(column)} at time zone ${zone}, 'YYYY-MM-DD')`
    : sql<string>`strftime('%Y-%m-%d', ${sql.ref(column)}, ${sqliteShift(zone)})`;
}

/** Day of the week of a timestamp column in the shop's zone: 0 = Sunday … 6 = Saturday. */
export function localWeekday(db: Db, column: string, zone: string): RawBuilder<number> {
  return engineOf(db) === "postgres"
    ? sql<number>`cast(extract(dow from ${sql.ref(column)} at time zone ${zone}) as integer)`
    : sql<number>`cast(strftime('%w', ${sql.ref(column)}, ${sqliteShift(zone)}) as integer)`;
}

/** A timestamp column as fractional days since 1970-01-01 UTC, for differences in days. */
export function epochDays(db: Db, column: string): RawBuilder<number> {
  return engineOf(db) === "postgres"
    ? sql<number>`(extract(epoch from ${sql.ref(column)}) / 86400.0)`
    : sql<number>`(julianday(${sql.ref(column)}) - 2440587.5)`;
}
