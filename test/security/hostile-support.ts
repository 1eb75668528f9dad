// What the hostile-input and fuzz tests share: a test app made under the migration lock (PostgreSQL test
// files migrating their schemas at the same moment trip over Kysely's bookkeeping table, as
// test/events/support.ts explains), and a count of every table's rows, for "nothing was half-written".
import { sql } from "kysely";
import pg from "pg";
import type { Db } from "../../src/db/index.js";
import type { BuildAppOptions } from "../../src/http/app.js";
import { createTestApp, type TestApp } from "../support/app.js";
import { type TestDb, testEngine } from "../support/db.js";

const MIGRATION_LOCK = 4_710_001;

export async function createHostileTestApp(
  start = "2026-06-01T00:00:00.000Z",
  options: BuildAppOptions = {},
): Promise<TestApp> {
  const url = process.env.DATABASE_URL;
  if (testEngine() !== "postgres" || !url) return createTestApp(start, options);
  const lock = new pg.Client({ connectionString: url });
  await lock.connect();
  try {
    await lock.query("select pg_advisory_lock($1)", [MIGRATION_LOCK]);
    return await createTestApp(start, options);
  } finally {
    await lock.end();
  }
}

/** The application's tables (not the migrator's) in the test's own database or schema. */
export async function tableNames(testDb: TestDb): Promise<string[]> {
  const query =
    testDb.engine === "postgres"
      ? sql<{ name: string }>`select table_name as name from information_schema.tables
          where table_schema = current_schema() and table_type = 'BASE TABLE'`
      : sql<{ name: string }>`select name from sqlite_master where type = 'table'`;
  const rows = await query.execute(testDb.db);
  return rows.rows
    .map((r) => r.name)
    .filter((name) => !name.startsWith("kysely_") && !name.startsWith("sqlite_"))
    .sort();
}

/** Rows per table, in one statement so a count is one snapshot. */
export async function rowCounts(db: Db, tables: string[]): Promise<Record<string, number>> {
  const parts = tables.map(
    (name) => sql`select ${sql.lit(name)} as name, count(*) as n from ${sql.table(name)}`,
  );
  const rows = await sql<{ name: string; n: number | string }>`${sql.join(parts, sql` union all `)}`.execute(
    db,
  );
  return Object.fromEntries(rows.rows.map((r) => [r.name, Number(r.n)]));
}
