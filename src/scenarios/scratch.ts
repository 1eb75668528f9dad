// A scratch copy of the data for a simulation, thrown away afterwards, so a backtest can clear runs and
// queue messages without touching the real outbox. SQLite: VACUUM INTO a temporary file (a consistent
// snapshot; the server keeps writing to the original meanwhile). PostgreSQL: one transaction that is
// always rolled back (feature code joins it, see inTransaction).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { type Db, type DbTarget, openDb } from "../db/index.js";

class Rollback extends Error {}

export async function withScratchCopy<T>(
  db: Db,
  target: DbTarget,
  body: (scratch: Db) => Promise<T>,
): Promise<T> {
  if (target.engine === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "kizuna-simulate-"));
    const file = join(dir, "scratch.db");
    try {
      await sql`vacuum into ${file}`.execute(db);
      const scratch = openDb({ engine: "sqlite", location: file });
      try {
        return await body(scratch);
      } finally {
        await scratch.destroy();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  let result: T | undefined;
  try {
    await db.transaction().execute(async (trx) => {
      result = await body(trx as unknown as Db);
      throw new Rollback();
    });
  } catch (err) {
    if (!(err instanceof Rollback)) throw err;
  }
  return result as T;
}
