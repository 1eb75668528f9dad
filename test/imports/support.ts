// Shared by the import stories: where the datasets and samples live, a shop on a fresh database, and
// the samples re-encoded as shops send them (UTF-8 with BOM, CP932).
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import iconv from "iconv-lite";
import pg from "pg";
import { ManualClock } from "../../src/core/clock.js";
import { migrateToLatest, openDb, type Shop } from "../../src/db/index.js";
import { createShop } from "../../src/shops/index.js";
import { createTestDb, type TestDb, testEngine } from "../support/db.js";

export const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
export const datasets = resolve(repoRoot, "../shared/datasets");
export const CDNOW = join(datasets, "cdnow/CDNOW_master.csv");
export const GROCERIES = join(datasets, "groceries/Groceries_dataset.csv");
export const mappings = join(repoRoot, "examples/mappings");
export const mappingFile = (name: string) => join(mappings, name);

/**
 * Databases of runs that were killed before their cleanup: older than two hours and with nobody
 * connected (a plain DROP DATABASE refuses while anyone is).
 */
async function dropAbandonedDatabases(admin: pg.Client): Promise<void> {
  const { rows } = await admin
    .query<{ datname: string }>(
      `select datname from pg_database
        where datname like 'kizuna\\_import\\_%'
          and (pg_stat_file('base/' || oid || '/PG_VERSION')).modification < now() - interval '2 hours'`,
    )
    .catch(() => ({ rows: [] as Array<{ datname: string }> })); // pg_stat_file needs a superuser
  for (const { datname } of rows) {
    await admin.query(`DROP DATABASE IF EXISTS ${datname}`).catch(() => undefined);
  }
}

/**
 * A fresh migrated database. On PostgreSQL each file gets a database of its own rather than a schema
 * in the shared one: Kysely's migrator looks for its bookkeeping tables in every schema of the
 * database, so while one schema holds a migrated database (the dataset imports run for minutes) a new
 * schema cannot migrate; a separate database keeps these files and everyone else's apart.
 */
async function isolatedTestDb(): Promise<TestDb> {
  const url = process.env.DATABASE_URL;
  if (testEngine() !== "postgres" || !url) return createTestDb();
  const name = `kizuna_import_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await dropAbandonedDatabases(admin);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const own = new URL(url);
  own.pathname = `/${name}`;
  const db = openDb({ engine: "postgres", location: own.href }, { poolSize: 6 });
  await migrateToLatest(db);
  return {
    db,
    engine: "postgres",
    url: own.href,
    env: { DATABASE_URL: own.href },
    async cleanup() {
      await db.destroy();
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export interface ImportWorld {
  testDb: TestDb;
  clock: ManualClock;
  shop: Shop;
  /** A scratch directory for files the story writes. */
  dir: string;
  close(): Promise<void>;
}

export async function createImportWorld(
  shop: { currency?: string; timezone?: string } = {},
): Promise<ImportWorld> {
  const testDb = await isolatedTestDb();
  const clock = new ManualClock("2026-06-01T00:00:00.000Z");
  const created = await createShop(testDb.db, clock, { name: "Import Shop", ...shop });
  const dir = mkdtempSync(join(tmpdir(), "kizuna-import-"));
  return {
    testDb,
    clock,
    shop: created.shop,
    dir,
    async close() {
      await testDb.cleanup();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Writes `text` into the scratch directory as UTF-8 with BOM or as CP932 and returns the path. */
export function writeEncoded(
  dir: string,
  name: string,
  text: string,
  encoding: "utf8-bom" | "cp932" | "utf8",
) {
  const path = join(dir, name);
  const bytes =
    encoding === "cp932"
      ? iconv.encode(text, "cp932")
      : Buffer.from(encoding === "utf8-bom" ? `\uFEFF${text}` : text, "utf8");
  writeFileSync(path, bytes);
  return path;
}

export const readText = (path: string) => readFileSync(path, "utf8");
