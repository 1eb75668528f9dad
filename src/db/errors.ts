// What a database failure means, in words an operator can act on: the file is read-only, the disk is
// full, the server cannot be reached. One place that knows the engines' error codes, used by the CLI
// for its exit message and by the worker to tell an outage (wait and retry) from a bug.
import { KizunaError } from "../core/errors.js";
import type { DbTarget } from "./connect.js";

export type DatabaseFault = "read_only" | "full" | "unreachable" | "cannot_open" | "corrupt" | "io";

// Node's socket errors and pg's own words for a connection that went away under it.
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
]);
const LOST_CONNECTION =
  /Connection terminated|not queryable|timeout exceeded when trying to connect|the database system is (starting up|shutting down)/i;

function faultOfOne(err: unknown): DatabaseFault | null {
  if (err === null || typeof err !== "object") return null;
  const code = String((err as { code?: unknown }).code ?? "");
  if (code.startsWith("SQLITE_READONLY")) return "read_only";
  if (code === "SQLITE_FULL") return "full";
  if (code.startsWith("SQLITE_CANTOPEN") || code === "SQLITE_PERM") return "cannot_open";
  if (code.startsWith("SQLITE_CORRUPT") || code === "SQLITE_NOTADB") return "corrupt";
  if (code.startsWith("SQLITE_IOERR")) return "io";
  // PostgreSQL: 25006 read-only transaction (a standby), 53100 disk full, class 08 connection
  // exceptions, 57P01–57P03 the server shutting down, restarting or not yet accepting connections.
  if (code === "25006") return "read_only";
  if (code === "53100") return "full";
  if (code.startsWith("08") || /^57P0[1-3]$/.test(code)) return "unreachable";
  if (NETWORK_CODES.has(code)) return "unreachable";
  if (err instanceof Error && LOST_CONNECTION.test(err.message)) return "unreachable";
  return null;
}

/** The fault behind an error, looking through causes and the failures a worker round gathers. */
export function databaseFault(err: unknown, depth = 0): DatabaseFault | null {
  const own = faultOfOne(err);
  if (own || depth > 4 || err === null || typeof err !== "object") return own;
  if (err instanceof AggregateError) {
    for (const inner of err.errors) {
      const fault = databaseFault(inner, depth + 1);
      if (fault) return fault;
    }
  }
  return databaseFault((err as { cause?: unknown }).cause, depth + 1);
}

/** The database cannot be reached now (down, restarting, connection cut): worth waiting for. */
export function isDatabaseUnreachable(err: unknown): boolean {
  return databaseFault(err) === "unreachable";
}

/** A database failure, said plainly, naming the database (never its password). */
export class DatabaseError extends KizunaError {
  constructor(
    message: string,
    readonly fault: DatabaseFault,
    options?: { cause?: unknown },
  ) {
    super(message, `database_${fault}`, 503);
    if (options?.cause !== undefined) this.cause = options.cause;
  }
}

/** Where the database is, for a message: the file, or host:port/name of the server. */
export function describeTarget(target: DbTarget): string {
  if (target.engine === "sqlite") return target.location;
  try {
    const url = new URL(target.location);
    return `postgres://${url.host}${url.pathname}`;
  } catch {
    return "the PostgreSQL server";
  }
}

function innermost(err: unknown): Error | null {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && current; depth++) {
    if (faultOfOne(current)) return current as Error;
    if (current instanceof AggregateError) current = current.errors.find((e) => databaseFault(e));
    else current = (current as { cause?: unknown }).cause;
  }
  return err instanceof Error ? err : null;
}

/**
 * The error as a DatabaseError when it is one of the known database faults, else unchanged. The
 * message names the database and the cause and says what to do.
 */
export function explainDatabaseError(err: unknown, target: DbTarget): unknown {
  if (err instanceof DatabaseError) return err;
  const fault = databaseFault(err);
  if (!fault) return err;
  const where = describeTarget(target);
  const source = innermost(err);
  const code = (source as { code?: unknown } | null)?.code;
  const detail = `${code ? `${String(code)}: ` : ""}${source?.message ?? String(err)}`;
  const folder = target.engine === "sqlite" ? " and its folder" : "";
  const messages: Record<DatabaseFault, string> = {
    read_only: `the database ${where} is read-only (${detail}); the user running kizuna needs write access to it${folder}`,
    full: `the database disk is full: ${where} could not be written (${detail}); the write that failed was rolled back: free some space and try again`,
    unreachable: `cannot reach the database ${where} (${detail}); is the server running?`,
    cannot_open: `cannot open the database ${where} (${detail}); check that the path exists and is readable`,
    corrupt: `the database ${where} is damaged (${detail}); restore it from a backup`,
    io: `disk error on the database ${where} (${detail})`,
  };
  return new DatabaseError(messages[fault], fault, { cause: err });
}
