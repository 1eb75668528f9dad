// The few places where SQLite and PostgreSQL differ, kept together so features stay engine-neutral.
import { type Kysely, type RawBuilder, sql } from "kysely";
import { type Db, engineOf } from "./connect.js";

export function toJson(value: unknown): string {
  return JSON.stringify(value ?? {});
}

export function fromJson<T = Record<string, unknown>>(text: string | null | undefined): T {
  if (text === null || text === undefined || text === "") return {} as T;
  return JSON.parse(text) as T;
}

/** A JSON value as a SQL parameter: cast to jsonb on PostgreSQL, plain text on SQLite. */
export function jsonParam(db: Kysely<unknown> | Db, value: unknown): RawBuilder<string> {
  const text = toJson(value);
  return engineOf(db) === "postgres" ? sql<string>`${text}::jsonb` : sql<string>`${text}`;
}

/**
 * Largest number of rows per multi-row INSERT: SQLite allows 32,766 bound parameters per statement,
 * PostgreSQL 65,535; callers divide by their column count.
 */
export function maxParams(db: Kysely<unknown> | Db): number {
  return engineOf(db) === "postgres" ? 65_000 : 32_000;
}

export function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Rows claimed by a worker: on PostgreSQL locked with SKIP LOCKED so concurrent workers take different
 * rows; SQLite has one writer at a time, so the transaction alone serialises workers.
 */
export function forClaim<QB extends { forUpdate(): QB; skipLocked(): QB }>(
  db: Kysely<unknown> | Db,
  query: QB,
): QB {
  return engineOf(db) === "postgres" ? query.forUpdate().skipLocked() : query;
}

/**
 * Rows matching a list of values, one statement per parameter limit's worth (less one for the shop
 * id), so a lookup of any size stays within both engines' limits on bound parameters.
 */
export async function selectIn<V, T>(
  db: Kysely<unknown> | Db,
  values: V[],
  select: (slice: V[]) => Promise<T[]>,
): Promise<T[]> {
  const out: T[] = [];
  for (const slice of chunk(values, maxParams(db) - 1)) out.push(...(await select(slice)));
  return out;
}

/** "MM-DD" of a date column (a `date` on PostgreSQL, "YYYY-MM-DD" text on SQLite). */
export function monthDayOf(db: Kysely<unknown> | Db, column: string): RawBuilder<string> {
  return engineOf(db) === "postgres"
    ? sql<string>`to_char(${sql.ref(column)}, 'MM-DD')`
    : sql<string>`substr(${sql.ref(column)}, 6, 5)`;
}

/** One top-level key of a JSON column, as text (null when absent). */
export function jsonTextOf(db: Kysely<unknown> | Db, column: string, key: string): RawBuilder<string | null> {
  return engineOf(db) === "postgres"
    ? sql<string | null>`(${sql.ref(column)}->>${key})`
    : sql<string | null>`json_extract(${sql.ref(column)}, ${`$."${key.replace(/"/g, "")}"`})`;
}

/** Whether a top-level key of a JSON column holds `true` (SQLite's json_extract gives 1 for it). */
export function jsonIsTrue(db: Kysely<unknown> | Db, column: string, key: string): RawBuilder<boolean> {
  return engineOf(db) === "postgres"
    ? sql<boolean>`(${sql.ref(column)}->>${key}) = 'true'`
    : sql<boolean>`json_extract(${sql.ref(column)}, ${`$."${key.replace(/"/g, "")}"`}) = 1`;
}

/**
 * `column IN (values)` as ONE parameter: `= any($1)` with an array on PostgreSQL, a json_each list on
 * SQLite. The statement text no longer depends on the number of values, so PostgreSQL does not parse
 * and plan a thousand-parameter list on every call and SQLite reuses one prepared statement. For lists
 * of ids or codes in hot paths (the worker's step pass).
 */
export function anyOf(
  db: Kysely<unknown> | Db,
  column: string,
  values: ReadonlyArray<number | string>,
): RawBuilder<boolean> {
  return engineOf(db) === "postgres"
    ? sql<boolean>`${sql.ref(column)} = any(${values})`
    : sql<boolean>`${sql.ref(column)} in (select value from json_each(${JSON.stringify(values)}))`;
}

/** Rows rewritten from which a PostgreSQL rewrite is followed by VACUUM, not ANALYZE alone. */
const VACUUM_FROM_ROWS = 10_000;

/**
 * Tidies `tables` after a bulk rewrite of `rows` rows (an import, a metrics rebuild). SQLite keeps no planner
 * statistics until asked: without them it reads a million customers through an index in kana order
 * instead of scanning the table, five times slower; and a sampled ANALYZE (analysis_limit) misjudges
 * shop_id the same way, so these tables are analysed whole (a second or two per million rows).
 * PostgreSQL gets VACUUM as well as ANALYZE: a daily rebuild leaves a million dead row versions that
 * every scan still reads until autovacuum (which may be off, or behind) reclaims them, and index-only
 * scans need the visibility map that only VACUUM sets (inside a transaction, where VACUUM cannot
 * run, ANALYZE alone).
 */
export async function tidyAfterRewrite(
  db: Kysely<unknown> | Db,
  tables: string[],
  options: { rows: number },
): Promise<void> {
  if (engineOf(db) === "sqlite") {
    await sql`pragma analysis_limit = 0`.execute(db);
    for (const table of tables) await sql`analyze ${sql.table(table)}`.execute(db);
    return;
  }
  // A small rewrite leaves little dead space, and VACUUM's fixed cost per table adds up where passes
  // repeat (a simulated year of daily passes in a test).
  const vacuum = !db.isTransaction && options.rows >= VACUUM_FROM_ROWS;
  const command = vacuum ? sql`vacuum (analyze)` : sql`analyze`;
  for (const table of tables) await sql`${command} ${sql.table(table)}`.execute(db);
}
