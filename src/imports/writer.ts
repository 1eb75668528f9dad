// Writes validated records in chunks, one transaction per chunk (one fsync per few hundred records
// instead of one per record). If a chunk still fails on write, it is retried record by record so the
// bad one is found and its chunk-mates land. A dry run does the same work and rolls every chunk back.
import { ZodError } from "zod";
import { KizunaError } from "../core/errors.js";
import { type Db, inTransaction } from "../db/index.js";
import type { Outcome, ReportBuilder, RowIssue } from "./report.js";

export interface WriteUnit<P> {
  /** The file lines this record came from. */
  lines: number[];
  /** How errors name the record: "order O-1", "customer M1". */
  label: string;
  payload: P;
  /** The line and column to blame for an error on a field (default: the first line). */
  locate?(field: string): { line: number; column: string | null };
}

/** Writes the units inside the given transaction and says what became of each. */
export type ChunkWrite<P> = (trx: Db, units: Array<WriteUnit<P>>) => Promise<Outcome[]>;

export interface WriterOptions<P> {
  db: Db;
  dryRun: boolean;
  chunkSize: number;
  report: ReportBuilder;
  write: ChunkWrite<P>;
  columnOf(field: string): string | null;
  /** Called after each chunk with the number of records written so far. */
  onChunk?(written: number): void;
  /**
   * Chunks written at once, each in its own transaction on its own connection (PostgreSQL): round
   * trips overlap instead of adding up. Records with the same lane key always share a chunk, so two
   * transactions never race to create the same row.
   */
  lanes?: number;
  laneOf?(unit: WriteUnit<P>): string;
  /** Before a batch of parallel chunks, in its own transaction: rows they would all race to create. */
  beforeBatch?(trx: Db, units: Array<WriteUnit<P>>): Promise<void>;
}

class RolledBack<T> {
  constructor(readonly result: T) {}
}

async function inChunkTransaction<T>(db: Db, dryRun: boolean, body: (trx: Db) => Promise<T>): Promise<T> {
  if (!dryRun) return inTransaction(db, body);
  try {
    await inTransaction(db, async (trx) => {
      throw new RolledBack(await body(trx));
    });
  } catch (err) {
    if (err instanceof RolledBack) return err.result as T;
    throw err;
  }
  throw new Error("unreachable");
}

/**
 * Errors a single record causes (bad data, a conflict between identities), as opposed to the database
 * being unreachable or full, which stop the import.
 */
export function isRecordError(err: unknown): boolean {
  if (err instanceof KizunaError || err instanceof ZodError || err instanceof RangeError) return true;
  const code = String((err as { code?: unknown } | null)?.code ?? "");
  // PostgreSQL classes 22 (data exception) and 23 (integrity constraint); their SQLite counterparts.
  return /^2[23]/.test(code) || /^SQLITE_(CONSTRAINT|MISMATCH|TOOBIG|RANGE)/.test(code);
}

export function issuesOf(err: unknown): Array<{ field: string | null; reason: string }> {
  if (err instanceof KizunaError) {
    return err.issues.length > 0
      ? err.issues.map((i) => ({ field: i.field, reason: i.message }))
      : [{ field: null, reason: err.message }];
  }
  if (err instanceof ZodError) {
    return err.issues.map((i) => ({ field: i.path.join(".") || null, reason: i.message }));
  }
  return [{ field: null, reason: `database: ${(err as Error).message}` }];
}

/** A stable lane for a key (FNV-1a), so one customer's orders always go to the same lane. */
function laneNumber(key: string, lanes: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % lanes;
}

export class ChunkedWriter<P> {
  private pending: Array<WriteUnit<P>> = [];
  private written = 0;

  constructor(private readonly options: WriterOptions<P>) {}

  private get lanes(): number {
    return this.options.laneOf ? Math.max(1, this.options.lanes ?? 1) : 1;
  }

  async add(unit: WriteUnit<P>): Promise<void> {
    this.pending.push(unit);
    if (this.pending.length >= this.options.chunkSize * this.lanes) await this.flush();
  }

  async flush(): Promise<void> {
    const units = this.pending;
    this.pending = [];
    if (units.length === 0) return;
    if (this.lanes === 1) return this.writeChunk(units);
    const { db, dryRun, beforeBatch, laneOf } = this.options;
    if (beforeBatch && !dryRun) await inTransaction(db, (trx) => beforeBatch(trx, units));
    const chunks: Array<Array<WriteUnit<P>>> = Array.from({ length: this.lanes }, () => []);
    for (const unit of units) chunks[laneNumber(laneOf!(unit), this.lanes)].push(unit);
    const settled = await Promise.allSettled(chunks.map((chunk) => this.writeChunk(chunk)));
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
    if (failed) throw failed.reason;
  }

  private async writeChunk(units: Array<WriteUnit<P>>): Promise<void> {
    if (units.length === 0) return;
    const { db, dryRun, write, report } = this.options;
    try {
      const outcomes = await inChunkTransaction(db, dryRun, (trx) => write(trx, units));
      for (const outcome of outcomes) report.count(outcome);
    } catch (err) {
      if (!isRecordError(err)) throw err;
      for (const unit of units) {
        try {
          const [outcome] = await inChunkTransaction(db, dryRun, (trx) => write(trx, [unit]));
          report.count(outcome);
        } catch (unitErr) {
          if (!isRecordError(unitErr)) throw unitErr;
          this.reject(unit, unitErr);
        }
      }
    }
    this.written += units.length;
    this.options.onChunk?.(this.written);
  }

  private reject(unit: WriteUnit<P>, err: unknown): void {
    const issues = issuesOf(err).map((issue) => {
      const where = issue.field && unit.locate ? unit.locate(issue.field) : undefined;
      return {
        line: where?.line ?? unit.lines[0],
        field: issue.field,
        column: where ? where.column : issue.field ? this.options.columnOf(issue.field) : null,
        reason: issue.reason,
      } satisfies RowIssue & { line: number };
    });
    this.options.report.reject(unit.lines, issues, unit.label);
  }
}
