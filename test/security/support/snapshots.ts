// What "shop A is unchanged" means, read two ways: every row of A's in every table that has a shop_id
// (and A's row in shops), and the answers A's own secret key gets from the API for all of A's data.
import { sql } from "kysely";
import type { Db } from "../../../src/db/index.js";

/** Tables that hold tenant rows, found in the database itself so a new table is covered unasked. */
export async function tenantTables(db: Db, engine: "sqlite" | "postgres"): Promise<string[]> {
  const schema =
    engine === "postgres"
      ? String((await sql<{ s: string }>`select current_schema() as s`.execute(db)).rows[0].s)
      : undefined;
  const tables = await db.introspection.getTables();
  return tables
    .filter(
      (t) => (schema === undefined || t.schema === schema) && t.columns.some((c) => c.name === "shop_id"),
    )
    .map((t) => t.name)
    .sort();
}

/** Per table: A's rows, each as JSON, sorted (so the order a query returns them in does not matter). */
export type RowSnapshot = Record<string, string[]>;

export async function snapshotRows(db: Db, tables: string[], shopId: number): Promise<RowSnapshot> {
  const snapshot: RowSnapshot = {};
  for (const table of tables) {
    const rows = await sql<
      Record<string, unknown>
    >`select * from ${sql.table(table)} where shop_id = ${shopId}`.execute(db);
    snapshot[table] = rows.rows.map((r) => JSON.stringify(r)).sort();
  }
  const shop = await sql<Record<string, unknown>>`select * from shops where id = ${shopId}`.execute(db);
  snapshot.shops = shop.rows.map((r) => JSON.stringify(r));
  // People have no shop_id (one login may serve several shops): A's are those with a membership of A.
  if (tables.includes("memberships")) {
    const members = sql`select user_id from memberships where shop_id = ${shopId}`;
    const users = await sql<Record<string, unknown>>`select * from users where id in (${members})`.execute(
      db,
    );
    snapshot["users (A's members)"] = users.rows.map((r) => JSON.stringify(r)).sort();
    const sessions = await sql<
      Record<string, unknown>
    >`select * from sessions where user_id in (${members})`.execute(db);
    snapshot["sessions (A's members)"] = sessions.rows.map((r) => JSON.stringify(r)).sort();
  }
  return snapshot;
}

/** The tables whose rows differ between two snapshots, with the row counts before and after. */
export function changedTables(before: RowSnapshot, after: RowSnapshot): string[] {
  const changed: string[] = [];
  for (const table of Object.keys(before)) {
    const was = before[table];
    const now = after[table] ?? [];
    if (was.length !== now.length || was.some((row, i) => row !== now[i])) {
      changed.push(`${table} (${was.length} rows → ${now.length})`);
    }
  }
  return changed;
}
