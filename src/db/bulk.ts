// Bulk writes with ONE JSON parameter: the rows travel as a JSON array of arrays that the database
// unpacks (json_each on SQLite, jsonb_array_elements on PostgreSQL: jsonb is parsed once, where json
// would be parsed again for every column extracted). The statement text is the same
// whatever the row count, so nothing is built per value, there is no bound-parameter limit to chunk
// around, and the prepared statement is reused. Measured on 1,000-row event inserts against a Kysely
// multi-row VALUES insert: a quarter less CPU on SQLite, two thirds less on PostgreSQL; for updates it
// replaces one statement per row.
import { CompiledQuery } from "kysely";
import { type Db, engineOf } from "./connect.js";

/** A column and its PostgreSQL type (SQLite takes the JSON values as they are). */
export type BulkColumn = readonly [
  name: string,
  pgType: "bigint" | "integer" | "text" | "jsonb" | "timestamptz",
];

function extract(db: Db, column: BulkColumn, index: number, alias: string): string {
  return engineOf(db) === "postgres"
    ? `(${alias}.value->>${index})::${column[1]}`
    : `${alias}.value->>${index}`;
}

function source(db: Db, alias: string): string {
  return engineOf(db) === "postgres"
    ? `jsonb_array_elements($1::jsonb) with ordinality as ${alias}(value, n)`
    : `json_each(?) as ${alias}`;
}

const statements = new Map<string, string>();

function cached(key: string, build: () => string): string {
  let text = statements.get(key);
  if (!text) {
    text = build();
    statements.set(key, text);
  }
  return text;
}

export interface BulkInsertOptions {
  /** Rows hitting this unique key are skipped. */
  conflictColumns?: readonly string[];
  /** Columns to return for the rows inserted. */
  returning?: readonly string[];
}

/** Inserts rows (arrays in `columns` order). Returns how many were inserted, and `returning` columns. */
export async function bulkInsert<R = Record<string, unknown>>(
  db: Db,
  table: string,
  columns: readonly BulkColumn[],
  rows: unknown[][],
  options: BulkInsertOptions = {},
): Promise<{ count: number; rows: R[] }> {
  if (rows.length === 0) return { count: 0, rows: [] };
  const engine = engineOf(db);
  const { conflictColumns, returning } = options;
  const key = `i:${engine}:${table}:${columns.map((c) => c[0]).join()}:${conflictColumns?.join() ?? ""}:${returning?.join() ?? ""}`;
  const text = cached(key, () => {
    const names = columns.map((c) => c[0]).join(", ");
    const values = columns.map((c, i) => extract(db, c, i, "r")).join(", ");
    // PostgreSQL: keep the array's order. SQLite: "where true" tells the upsert clause from a join.
    const order = engine === "postgres" ? " order by r.n" : " where true";
    const conflict = conflictColumns ? ` on conflict (${conflictColumns.join(", ")}) do nothing` : "";
    const back = returning ? ` returning ${returning.join(", ")}` : "";
    return `insert into ${table} (${names}) select ${values} from ${source(db, "r")}${order}${conflict}${back}`;
  });
  const result = await db.executeQuery<R>(CompiledQuery.raw(text, [JSON.stringify(rows)]));
  if (returning) return { count: result.rows.length, rows: result.rows };
  return { count: Number(result.numAffectedRows ?? 0n), rows: [] };
}

/** Updates rows by key: each row is [key, ...values in `columns` order]. */
export async function bulkUpdate(
  db: Db,
  table: string,
  key: BulkColumn,
  columns: readonly BulkColumn[],
  rows: unknown[][],
): Promise<void> {
  if (rows.length === 0) return;
  const engine = engineOf(db);
  const text = cached(`u:${engine}:${table}:${key[0]}:${columns.map((c) => c[0]).join()}`, () => {
    const sets = columns.map((c, i) => `${c[0]} = ${extract(db, c, i + 1, "u")}`).join(", ");
    return `update ${table} set ${sets} from ${source(db, "u")} where ${table}.${key[0]} = ${extract(db, key, 0, "u")}`;
  });
  await db.executeQuery(CompiledQuery.raw(text, [JSON.stringify(rows)]));
}
