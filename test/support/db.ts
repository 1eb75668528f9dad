// A fresh, migrated database per test file on the engine DATABASE_URL selects: a temporary SQLite file,
// or a new PostgreSQL schema (dropped afterwards). The same tests run on both engines in CI.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import pg from "pg";
import { type Db, type Engine, migrateToLatest, openDb, parseDatabaseUrl } from "../../src/db/index.js";

export interface TestDb {
  db: Db;
  engine: Engine;
  /** The DATABASE_URL-style location, for running the CLI against the same database. */
  url: string;
  /** Extra environment for a child process (the CLI) to reach this database. */
  env: Record<string, string>;
  cleanup(): Promise<void>;
}

export function testEngine(): Engine {
  const url = process.env.DATABASE_URL;
  return url && parseDatabaseUrl(url).engine === "postgres" ? "postgres" : "sqlite";
}

export async function createTestDb(options: { migrate?: boolean } = {}): Promise<TestDb> {
  const url = process.env.DATABASE_URL;
  if (url && parseDatabaseUrl(url).engine === "postgres") {
    const schema = `t_${randomBytes(6).toString("hex")}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    await admin.end();
    const db = openDb({ engine: "postgres", location: url, schema }, { poolSize: 5 });
    const cleanup = async () => {
      await db.destroy();
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
    };
    if (options.migrate !== false) {
      try {
        await migrateToLatest(db);
      } catch (err) {
        await cleanup();
        throw err;
      }
    }
    const separator = url.includes("?") ? "&" : "?";
    const schemaUrl = `${url}${separator}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
    return { db, engine: "postgres", url: schemaUrl, env: { DATABASE_URL: schemaUrl }, cleanup };
  }
  const dir = mkdtempSync(join(tmpdir(), "kizuna-test-"));
  const file = join(dir, "kizuna.db");
  const db = openDb({ engine: "sqlite", location: file });
  if (options.migrate !== false) await migrateToLatest(db);
  return {
    db,
    engine: "sqlite",
    url: `sqlite:${file}`,
    env: { DATABASE_URL: `sqlite:${file}` },
    async cleanup() {
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Counts rows of a table, for asserting that nothing was half-written. */
export async function countRows(db: Db, table: string): Promise<number> {
  const row = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(db);
  return Number(row.rows[0].n);
}
