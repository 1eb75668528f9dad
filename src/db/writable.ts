// Whether this process may write to its database, asked before a long-running writer (the worker)
// starts: a read-only file or a read-only server is then said once, at start, instead of failing every
// round of work in the log.
import { sql } from "kysely";
import { type Db, engineOf } from "./connect.js";

class ProbeDone extends Error {}

/** Throws the engine's own read-only error (SQLITE_READONLY…, 25006) when the database cannot be written. */
export async function assertWritable(db: Db): Promise<void> {
  if (engineOf(db) === "postgres") {
    const { rows } = await sql<{ transaction_read_only: string }>`show transaction_read_only`.execute(db);
    if (rows[0]?.transaction_read_only === "on") {
      throw Object.assign(
        new Error("the server accepts reads only (a standby, or default_transaction_read_only)"),
        {
          code: "25006",
        },
      );
    }
    return;
  }
  // Setting user_version to the value it has rewrites the header page: a real write, rolled back. (A
  // SQLite file its user cannot write opens read-only without complaint; only a write tells.)
  try {
    await db.transaction().execute(async (trx) => {
      const { rows } = await sql<{ user_version: number }>`pragma user_version`.execute(trx);
      await sql.raw(`pragma user_version = ${Number(rows[0].user_version)}`).execute(trx);
      throw new ProbeDone();
    });
  } catch (err) {
    if (!(err instanceof ProbeDone)) throw err;
  }
}
