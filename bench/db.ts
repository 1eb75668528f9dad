// A fresh, migrated database for one benchmark run: a temporary SQLite file, or a new PostgreSQL
// database on the given server, dropped afterwards.
//
// A database rather than a schema (the trick test/support/db.ts uses): Kysely's migrator looks for its
// bookkeeping tables in every schema it can see, so a leftover or concurrent schema with those tables
// (another test run on the same database) makes it skip creating its own and fail. A database of its
// own also matches how Kizuna runs in production (the public schema). Benches do not import from test/.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { type Db, type Engine, migrateToLatest, openDb } from "../src/db/index.js";

export interface BenchDb {
  db: Db;
  engine: Engine;
  /** Where other processes reach the same database. */
  url: string;
  cleanup(): Promise<void>;
}

export async function createBenchDb(engine: Engine, postgresUrl: string): Promise<BenchDb> {
  if (engine === "postgres") {
    const name = `kizuna_bench_${randomBytes(6).toString("hex")}`;
    await adminQuery(postgresUrl, `CREATE DATABASE ${name}`);
    const url = new URL(postgresUrl);
    url.pathname = `/${name}`;
    const db = openDb({ engine, location: url.toString() });
    await migrateToLatest(db);
    return {
      db,
      engine,
      url: url.toString(),
      async cleanup() {
        await db.destroy();
        await adminQuery(postgresUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), "kizuna-bench-"));
  // As `kizuna serve` opens it (src/cli/instance.ts).
  const db = openDb({ engine, location: join(dir, "kizuna.db") }, { backgroundCheckpoints: true });
  await migrateToLatest(db);
  return {
    db,
    engine,
    url: `sqlite:${join(dir, "kizuna.db")}`,
    async cleanup() {
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function adminQuery(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
