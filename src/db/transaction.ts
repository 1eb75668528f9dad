// Transactions that survive the races of concurrent upserts: two requests creating the same customer
// or order at once make one of them hit a unique index; that one is retried and finds the row.
import type { Db } from "./connect.js";

export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code;
  return code === "23505" || code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY";
}

function isRetryable(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code;
  // 40001 serialization failure, 40P01 deadlock detected.
  return isUniqueViolation(err) || code === "40001" || code === "40P01";
}

export async function inTransaction<T>(db: Db, body: (trx: Db) => Promise<T>, attempts = 3): Promise<T> {
  // Already inside one (a simulation runs everything in a transaction it rolls back): join it.
  if (db.isTransaction) return body(db);
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute((trx) => body(trx as unknown as Db));
    } catch (err) {
      if (attempt >= attempts || !isRetryable(err)) throw err;
    }
  }
}
