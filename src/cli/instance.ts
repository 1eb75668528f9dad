// Opens the instance the CLI works on: configuration, database (migrated), secret.
import { type Config, loadConfig } from "../core/config.js";
import {
  type Db,
  type Engine,
  explainDatabaseError,
  migrateToLatest,
  openDb,
  parseDatabaseUrl,
} from "../db/index.js";

export interface Instance {
  config: Config;
  db: Db;
  engine: Engine;
  close(): Promise<void>;
}

export async function openInstance(options: { migrate?: boolean } = {}): Promise<Instance> {
  const config = loadConfig();
  const target = parseDatabaseUrl(config.databaseUrl);
  // Commands run long (serve, worker) or write a lot (import, demo): checkpoint SQLite's WAL off the
  // main thread.
  const db = openDb(target, { backgroundCheckpoints: true });
  if (options.migrate !== false) await migrateToLatest(db);
  return { config, db, engine: target.engine, close: () => db.destroy() };
}

/** Runs a command body with an open instance and always closes it, so the process can exit. */
export async function withInstance<T>(body: (instance: Instance) => Promise<T>): Promise<T> {
  const instance = await openInstance();
  try {
    return await body(instance);
  } finally {
    await instance.close();
  }
}

/**
 * A database failure as a message naming the configured database and the cause (read-only, disk full,
 * unreachable…); any other error unchanged.
 */
export function explainFailure(err: unknown): unknown {
  let target: ReturnType<typeof parseDatabaseUrl>;
  try {
    target = parseDatabaseUrl(loadConfig().databaseUrl);
  } catch {
    return err;
  }
  return explainDatabaseError(err, target);
}
