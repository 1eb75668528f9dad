// Date arithmetic that reports need, written once per engine. PostgreSQL converts to the shop's IANA
// zone exactly; SQLite has no zone database, so it shifts by the zone's UTC offset at the time of the
// report: exact for zones without daylight saving (Asia/Tokyo, the default), at most an hour off near
// a DST change elsewhere, which moves a handful of orders between adjacent days in a monthly report.
import { type RawBuilder, type SqlBool, sql } from "kysely";
import { DateTime } from "luxon";
import { toIso } from "../core/clock.js";
import { type Db, engineOf } from "../db/index.js";
import { NOT_PURCHASES } from "./metrics.js";

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

/** A timestamp column moved by whole days, in the column's own form (for range conditions on it). */
export function plusDays(db: Db, column: string, days: number): RawBuilder<string> {
  return engineOf(db) === "postgres"
    ? sql<string>`(${sql.ref(column)} + ${sql.lit(days)} * interval '1 day')`
    : sql<string>`strftime('%Y-%m-%dT%H:%M:%fZ', ${sql.ref(column)}, ${sql.lit(`+${days} days`)})`;
}

/**
 * Runs a report's statements with settings fit for a few big aggregations. On PostgreSQL: one
 * repeatable-read, read-only transaction (every table of the report sees the same orders), more memory
 * per sort and hash (the default 4 MB spills a million-customer aggregation to disk), and no JIT
 * compilation (it costs about a second per statement and gains little here). SQLite needs none of it.
 * Inside a caller's transaction the statements simply join it.
 */
export async function asReport<T>(
  db: Db,
  body: (db: Db) => Promise<T>,
  options: BigAggregateOptions = {},
): Promise<T> {
  if (engineOf(db) !== "postgres" || db.isTransaction) return body(db);
  return db
    .transaction()
    .setIsolationLevel("repeatable read")
    .execute(async (trx) => {
      await sql`set transaction read only`.execute(trx);
      await forBigAggregates(trx as unknown as Db, options);
      return body(trx as unknown as Db);
    });
}

export interface BigAggregateOptions {
  /**
   * false: no parallel workers. For segment counts, which are interactive and many: on two cores
   * busy with the API and the worker, a parallel plan that builds the same hash table in every
   * worker was 1.5–3× slower than the serial one (measured at 1M customers).
   */
  parallel?: boolean;
  /**
   * false: no hash joins. For segment counts: their conditions meet on customer ids, which the
   * customers, consents and metrics indexes all hold in id order, so merge joins walk them once side
   * by side where a hash join probes a million customers into a table of the metrics side (the
   * bench's repeat-buyer segment: 0.61 → 0.24 s at 1M customers; the windowed one unchanged).
   * PostgreSQL still hashes where no other join is possible.
   */
  hashJoins?: boolean;
}

/**
 * Within a PostgreSQL transaction: more memory per sort and hash and no JIT compilation, until it
 * ends. For the statements of a report or a segment refresh; nothing on SQLite.
 */
export async function forBigAggregates(trx: Db, options: BigAggregateOptions = {}): Promise<void> {
  if (engineOf(trx) !== "postgres") return;
  await sql`set local work_mem = '128MB'`.execute(trx);
  await sql`set local jit = off`.execute(trx);
  if (options.parallel === false) await sql`set local max_parallel_workers_per_gather = 0`.execute(trx);
  if (options.hashJoins === false) await sql`set local enable_hashjoin = off`.execute(trx);
}

/** Keys per statement of `inKeyRanges`: SQLite sorts up to this many rows in memory. */
const KEY_RANGE = 250_000;

/**
 * For a grouped statement whose partial groups the caller adds up: on SQLite, runs it over
 * consecutive ranges of the table's integer key and returns every range's rows; on PostgreSQL once,
 * over everything (`range` undefined). SQLite groups by sorting, and one sort of millions of rows
 * spills to temporary files: the performance report's pass over 2.9M messages took 6.3 s as one
 * statement and 3.1 s in ranges of 250,000 ids (the whole report 7.5 → 4.2 s). PostgreSQL aggregates
 * by hashing and needs none of it.
 */
export async function inKeyRanges<T>(
  db: Db,
  table: "messages" | "scenario_runs",
  run: (range?: { from: number; to: number }) => Promise<T[]>,
  keysPerRange = KEY_RANGE,
): Promise<T[]> {
  if (engineOf(db) === "postgres") return run();
  // Of the whole table, not the shop's: each end of the integer key is one probe (asked for in one
  // select, min and max together cost SQLite a scan).
  const ends = await sql<{ first: number | null; last: number | null }>`
    select (select min(id) from ${sql.table(table)}) as first, (select max(id) from ${sql.table(table)}) as last`.execute(
    db,
  );
  const { first, last } = ends.rows[0] ?? { first: null, last: null };
  if (first === null || last === null) return [];
  const rows: T[] = [];
  for (let from = Number(first); from <= Number(last); from += keysPerRange) {
    rows.push(...(await run({ from, to: from + keysPerRange })));
  }
  return rows;
}

/** The top-level part of a slash-separated category path ("food/rice" → "food"), null when empty. */
export function topCategory(db: Db, column: string): RawBuilder<string | null> {
  const c = sql.ref(column);
  return engineOf(db) === "postgres"
    ? sql<string | null>`nullif(split_part(${c}, '/', 1), '')`
    : sql<
        string | null
      >`nullif(case when instr(${c}, '/') > 0 then substr(${c}, 1, instr(${c}, '/') - 1) else ${c} end, '')`;
}

/**
 * A column in a form no index matches (SQLite's unary plus; PostgreSQL's planner needs no such hint),
 * for the few joins where SQLite would otherwise read a big table through the wrong index: by a
 * timestamp, in random order, instead of along the customer ids the join follows.
 */
export function unindexed(db: Db, column: string): RawBuilder<unknown> {
  return engineOf(db) === "postgres" ? sql`${sql.ref(column)}` : sql`+${sql.ref(column)}`;
}

/**
 * The orders every report counts, as a condition on the orders table under `alias`: the shop's,
 * neither cancelled nor returned, placed by `asOf`. With `scanning`, the shop and time are written so
 * that SQLite reads the orders front to back instead of by a time range, for passes over a large share
 * of them that look up each order's lines: lines are stored in order-id order, and rows found by time
 * are scattered over the table wherever ids do not follow time (imports, the benchmark's seed).
 */
export function countedOrder(alias: string, shopId: number, asOf: Date, scanning?: Db): RawBuilder<SqlBool> {
  const notPurchases = sql.join(NOT_PURCHASES.map((status) => sql.lit(status)));
  const column = (name: string) =>
    scanning ? unindexed(scanning, `${alias}.${name}`) : sql.ref(`${alias}.${name}`);
  return sql<SqlBool>`(${column("shop_id")} = ${shopId}
    and ${sql.ref(`${alias}.status`)} not in (${notPurchases})
    and ${column("ordered_at")} <= ${toIso(asOf)})`;
}

/**
 * The `count` local months that end with the one holding `asOf`, oldest first ("YYYY-MM"), with the UTC
 * instants they start at and the one the last ends at (`bounds`, one more than `months`), exact in
 * any zone: range conditions on indexed timestamp columns and `bucketOf` use them.
 */
export function lastMonths(
  zone: string,
  asOf: Date,
  count: number,
): { months: string[]; start: string; bounds: string[] } {
  const first = DateTime.fromJSDate(asOf, { zone })
    .startOf("month")
    .minus({ months: count - 1 });
  const run = monthsFrom(first.toJSDate(), asOf, zone);
  return { ...run, start: run.bounds[0] };
}

/** The local months from the one holding `from` to the one holding `to`, with their bounds as above. */
export function monthsFrom(from: Date, to: Date, zone: string): { months: string[]; bounds: string[] } {
  const last = DateTime.fromJSDate(to, { zone }).startOf("month");
  const months: string[] = [];
  const bounds: string[] = [];
  for (let m = DateTime.fromJSDate(from, { zone }).startOf("month"); m <= last; m = m.plus({ months: 1 })) {
    months.push(m.toFormat("yyyy-MM"));
    bounds.push(toIso(m.toJSDate()));
  }
  bounds.push(toIso(last.plus({ months: 1 }).toJSDate()));
  return { months, bounds };
}

/**
 * Which of the ranges [bounds[i], bounds[i + 1]) a timestamp column falls in, as 0 … n − 1, by a
 * balanced tree of comparisons: cheaper per row than formatting a date on either engine, and exact
 * in zones with daylight saving. Rows before bounds[0] or from the last bound on must be filtered out.
 */
export function bucketOf(column: string, bounds: string[]): RawBuilder<number>;
/** The same, naming each range by its label (labels[i] for [bounds[i], bounds[i + 1])). */
export function bucketOf(column: string, bounds: string[], labels: string[]): RawBuilder<string>;
export function bucketOf(column: string, bounds: string[], labels?: string[]): RawBuilder<unknown> {
  const ref = sql.ref(column);
  const pick = (lo: number, hi: number): RawBuilder<unknown> => {
    if (hi - lo <= 1) return labels ? sql`${sql.lit(labels[lo])}` : sql`${sql.lit(lo)}`;
    const mid = Math.floor((lo + hi) / 2);
    return sql`(case when ${ref} < ${bounds[mid]} then ${pick(lo, mid)} else ${pick(mid, hi)} end)`;
  };
  return pick(0, bounds.length - 1);
}

/** Calendar months from one "YYYY-MM" to another (negative when `to` is earlier). */
export function monthsBetween(from: string, to: string): number {
  const index = (month: string) => Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7));
  return index(to) - index(from);
}

export type ProductNames = Map<number, { sku: string; name: string; category: string | null }>;

/** SKU, name and category path of a few products (a report's top rows), by id. */
export async function productNames(db: Db, shopId: number, ids: number[]): Promise<ProductNames> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom("products")
    .select(["id", "sku", "name", "category_path"])
    .where("shop_id", "=", shopId)
    .where("id", "in", ids)
    .execute();
  return new Map(rows.map((r) => [Number(r.id), { sku: r.sku, name: r.name, category: r.category_path }]));
}
