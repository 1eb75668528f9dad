// Opens a Kysely handle on SQLite (a file, the embedded default) or PostgreSQL, chosen by DATABASE_URL.
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import SqliteDatabase from "better-sqlite3";
import {
  Kysely,
  PostgresDialect,
  SqliteDialect,
  type SqliteDatabase as SqliteDialectDatabase,
  type SqliteStatement,
} from "kysely";
import pg from "pg";
import type { Schema } from "./schema.js";
import {
  BACKSTOP_AUTOCHECKPOINT_PAGES,
  type Checkpointer,
  startCheckpointer,
} from "./sqlite-checkpointer.js";

export type Db = Kysely<Schema>;
export type Engine = "sqlite" | "postgres";

export interface DbTarget {
  engine: Engine;
  /** SQLite: file path (or ":memory:"); PostgreSQL: the connection string. */
  location: string;
  /** PostgreSQL only: the schema to work in (tests use one schema per test file). */
  schema?: string;
}

export function parseDatabaseUrl(url: string): DbTarget {
  if (url.startsWith("postgres://") || url.startsWith("postgresql://")) {
    return { engine: "postgres", location: url };
  }
  if (url.startsWith("sqlite:")) {
    const path = url.slice("sqlite:".length).replace(/^\/\//, "");
    if (!path) throw new Error("DATABASE_URL: sqlite: needs a file path, e.g. sqlite:./data/kizuna.db");
    return { engine: "sqlite", location: path };
  }
  throw new Error(
    `DATABASE_URL: unsupported scheme in "${url.split(":")[0]}:"; use sqlite:PATH or postgres://…`,
  );
}

// PostgreSQL type OIDs whose default parsing would differ from what SQLite returns.
const PG_INT8 = 20;
const PG_NUMERIC = 1700;
const PG_TIMESTAMPTZ = 1184;
const PG_TIMESTAMP = 1114;
const PG_DATE = 1082;
const PG_JSON = 114;
const PG_JSONB = 3802;

function pgTypeParser(oid: number, format?: string): (value: string) => unknown {
  switch (oid) {
    case PG_INT8:
    case PG_NUMERIC:
      return (v) => Number(v);
    case PG_TIMESTAMPTZ:
      return (v) => new Date(v).toISOString();
    case PG_TIMESTAMP:
      return (v) => new Date(`${v.replace(" ", "T")}Z`).toISOString();
    case PG_DATE:
    case PG_JSON:
    case PG_JSONB:
      return (v) => v;
    default:
      return pg.types.getTypeParser(oid, format as "text");
  }
}

// Kysely prepares every query afresh; on SQLite preparing costs as much as running a small query, and
// the same few hundred statements repeat, so prepared statements are kept (bounded, oldest dropped).
const STATEMENT_CACHE_SIZE = 500;

// SQLite rolls a transaction back by itself on some errors (SQLITE_FULL, SQLITE_IOERR, SQLITE_NOMEM).
// Kysely's ROLLBACK after one of them would fail with "cannot rollback - no transaction is active" and
// that error would replace the one that says what happened (the disk is full); so it does nothing.
const NOTHING_TO_ROLL_BACK: SqliteStatement = {
  reader: false,
  all: () => [],
  run: () => ({ changes: 0, lastInsertRowid: 0 }),
  iterate: () => [][Symbol.iterator](),
};

function withStatementCache(database: SqliteDatabase.Database, onClose?: () => void): SqliteDialectDatabase {
  const cache = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => {
      database.close();
      onClose?.();
    },
    prepare(sql: string) {
      if (sql === "rollback" && !database.inTransaction) return NOTHING_TO_ROLL_BACK;
      let statement = cache.get(sql);
      if (statement && !statement.busy) return statement;
      statement = database.prepare(sql);
      if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
      cache.set(sql, statement);
      return statement;
    },
  };
}

export interface OpenOptions {
  /** PostgreSQL pool size; the default fits a 2-core machine serving the API and worker. */
  poolSize?: number;
  /**
   * SQLite file only: checkpoint the WAL from a background thread instead of inside commits (see
   * sqlite-checkpointer.ts). For long-running processes (serve, worker, benchmarks); a short-lived
   * command or a test gains nothing from the extra thread.
   */
  backgroundCheckpoints?: boolean;
}

export function openDb(target: DbTarget, options: OpenOptions = {}): Db {
  if (target.engine === "sqlite") {
    if (target.location !== ":memory:") mkdirSync(dirname(resolve(target.location)), { recursive: true });
    const database = new SqliteDatabase(target.location);
    // WAL lets readers run beside the writer; NORMAL sync is durable across process crashes (the WAL
    // is fsynced at checkpoints), which is the embedded mode's promise.
    database.pragma("journal_mode = WAL");
    database.pragma("synchronous = NORMAL");
    database.pragma("foreign_keys = ON");
    database.pragma("busy_timeout = 5000");
    // Reads of a large shop's tables (a segment count visits a million rows) spend most of their time
    // copying pages from the OS when the page cache is SQLite's default 16 MB: a 128 MB cache (taken
    // only as it fills) and memory-mapped reads of the first 2 GB (SQLite's ceiling) make them 2–3×
    // faster.
    database.pragma("cache_size = -131072");
    database.pragma("mmap_size = 2147418112");
    let checkpointer: Checkpointer | undefined;
    if (options.backgroundCheckpoints && target.location !== ":memory:") {
      database.pragma(`wal_autocheckpoint = ${BACKSTOP_AUTOCHECKPOINT_PAGES}`);
      checkpointer = startCheckpointer(resolve(target.location));
    }
    const db = new Kysely<Schema>({
      dialect: new SqliteDialect({
        database: withStatementCache(database, () => void checkpointer?.stop()),
      }),
    });
    if (checkpointer) {
      checkpointers.set(db, checkpointer);
      // Kysely's SQLite driver calls close() and does not wait on anything it returns, so the thread is
      // stopped here first: destroy() resolves only once the thread has closed its own connection.
      // Otherwise a short command's thread could still open the file, or recreate its -wal and -shm,
      // after the caller believes the database closed (and is removing its directory).
      const stopThread = checkpointer;
      const closeConnection = db.destroy.bind(db);
      db.destroy = async () => {
        await stopThread.stop();
        await closeConnection();
      };
    }
    return db;
  }
  const pool = new pg.Pool({
    connectionString: target.location,
    max: options.poolSize ?? 10,
    types: { getTypeParser: pgTypeParser } as pg.CustomTypesConfig,
    options: target.schema ? `-c search_path=${target.schema}` : undefined,
  });
  // An idle connection closed by the server (restart, failover, admin termination) is an 'error' event
  // on the pool; unhandled it would kill the process. The pool drops that client and opens a new one
  // on next use, so there is nothing more to do here.
  pool.on("error", () => {});
  // The same loss while a client is checked out (between the statements of a transaction) is an
  // 'error' event on the client itself, which the pool does not listen to then. The statement under
  // way, or the next one, fails instead, and the pool drops the broken client when it comes back.
  pool.on("connect", (client) => client.on("error", () => {}));
  return new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
}

const checkpointers = new WeakMap<Db, Checkpointer>();

/** The background checkpointer of a SQLite handle opened with `backgroundCheckpoints`, if any. */
export function checkpointerOf(db: Db): Checkpointer | undefined {
  return checkpointers.get(db);
}

const engines = new WeakMap<Db, Engine>();

/** Which engine a handle talks to, for the few places where SQL differs (see dialect.ts). */
export function engineOf(db: Kysely<unknown> | Db): Engine {
  const known = engines.get(db as Db);
  if (known) return known;
  const adapterName = db.getExecutor().adapter.constructor.name;
  const engine: Engine = adapterName.startsWith("Postgres") ? "postgres" : "sqlite";
  engines.set(db as Db, engine);
  return engine;
}
