// What every kind of import shares: the shop, the plan, the report, the writer settings, and the shape
// of a row sink (rows in, records written in chunks).
import type { z } from "zod";
import type { Clock } from "../core/clock.js";
import type { Db, Shop } from "../db/index.js";
import type { Mapping } from "./mapping.js";
import type { MappedRow, RowPlan } from "./plan.js";
import type { ReportBuilder, RowIssue } from "./report.js";
import { ChunkedWriter, type ChunkWrite, type WriterOptions } from "./writer.js";

export interface ImportContext {
  db: Db;
  clock: Clock;
  shop: Shop;
  mapping: Mapping;
  plan: RowPlan;
  report: ReportBuilder;
  dryRun: boolean;
  chunkSize: number;
  /** Chunks written in parallel where records allow it (see WriterOptions.lanes). */
  concurrency: number;
  /** Recorded with consents stated by the file, e.g. "import:customers.csv". */
  source: string;
  /** After each chunk: records written so far. */
  onWritten?(records: number): void;
  /** The file is read; `records` held back until now (scattered orders) are about to be written. */
  onFinalWrite?(records: number): void;
}

export interface RowSink {
  add(row: MappedRow): Promise<void>;
  /** Writes what is still held; called once at the end of the file. */
  finish(): Promise<void>;
}

export type LocatedIssue = RowIssue & { line: number };

export function createWriter<P>(
  ctx: ImportContext,
  write: ChunkWrite<P>,
  parallel?: Pick<WriterOptions<P>, "laneOf" | "beforeBatch">,
): ChunkedWriter<P> {
  return new ChunkedWriter<P>({
    ...parallel,
    // A dry run creates nothing up front (beforeBatch), so parallel chunks would wait on each other's
    // uncommitted new products, or deadlock: it writes one chunk at a time.
    lanes: ctx.dryRun ? 1 : ctx.concurrency,
    db: ctx.db,
    dryRun: ctx.dryRun,
    chunkSize: ctx.chunkSize,
    report: ctx.report,
    write,
    columnOf: (field) => ctx.plan.columnOf(field),
    onChunk: ctx.onWritten,
  });
}

/** Schema issues of one row's record, named by field and source column. */
export function schemaIssues(
  error: z.ZodError,
  ctx: ImportContext,
  line: number,
  fieldPrefix = "",
): LocatedIssue[] {
  return error.issues.map((issue) => {
    const field = fieldPrefix + issue.path.join(".");
    // A value the file does not give at all reads better as "required" than as a type mismatch.
    const missing = issue.code === "invalid_type" && /received undefined$/.test(issue.message);
    return {
      line,
      field: field || null,
      column: ctx.plan.columnOf(field),
      reason: missing ? "required" : issue.message,
    };
  });
}

export const rowIssues = (row: MappedRow): LocatedIssue[] =>
  row.issues.map((issue) => ({ ...issue, line: row.line }));
