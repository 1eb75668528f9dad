// The database as it is, read from its own catalogue (sqlite_master / information_schema), so a table a
// later migration adds is covered without anyone remembering to: its tables and columns, every row of
// it as a comparable snapshot, and a search of every value for a piece of personal text.
import { sql } from "kysely";
import type { Db, Engine } from "../../src/db/index.js";

/** The application's tables (the migration bookkeeping left out). */
export async function tableNames(db: Db, engine: Engine): Promise<string[]> {
  const rows =
    engine === "sqlite"
      ? await sql<{ name: string }>`
          select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(db)
      : await sql<{ name: string }>`
          select table_name as name from information_schema.tables
          where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(db);
  return rows.rows
    .map((r) => r.name)
    .filter((n) => !n.startsWith("kysely_"))
    .sort();
}

export interface ColumnInfo {
  name: string;
  /** As the engine declares it (lower case): text, jsonb, bigint, timestamptz… */
  type: string;
}

export async function columnsOf(db: Db, engine: Engine, table: string): Promise<ColumnInfo[]> {
  const rows =
    engine === "sqlite"
      ? await sql<{ name: string; type: string }>`
          select name, type from pragma_table_info(${table})`.execute(db)
      : await sql<{ name: string; type: string }>`
          select column_name as name, data_type as type from information_schema.columns
          where table_schema = current_schema() and table_name = ${table}`.execute(db);
  return rows.rows.map((r) => ({ name: r.name, type: r.type.toLowerCase() }));
}

/** Every row of every table, each as sorted JSON text: equal snapshots mean nothing changed. */
export async function snapshot(db: Db, engine: Engine): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const table of await tableNames(db, engine)) {
    const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(db);
    out[table] = rows.map((r) => JSON.stringify(r, Object.keys(r).sort())).sort();
  }
  return out;
}

export interface Finding {
  table: string;
  column: string;
  needle: string;
}

/** Where any of the needles (compared without letter case) still appears, in any column of any table. */
export async function findText(db: Db, engine: Engine, needles: string[]): Promise<Finding[]> {
  const wanted = needles.filter((n) => n !== "").map((n) => n.toLowerCase());
  const found: Finding[] = [];
  for (const table of await tableNames(db, engine)) {
    const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(db);
    for (const row of rows) {
      for (const [column, value] of Object.entries(row)) {
        if (value === null || value === undefined) continue;
        const text = String(value).toLowerCase();
        for (const needle of wanted) if (text.includes(needle)) found.push({ table, column, needle });
      }
    }
  }
  return found;
}
