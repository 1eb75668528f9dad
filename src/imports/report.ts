// What an import did: counts, and one error per rejected row naming the line, the source column,
// the Kizuna field and the reason.
import { csvCell } from "../core/csv.js";
import type { Encoding } from "./decode.js";
import type { ImportKind } from "./fields.js";

export interface ImportRowError {
  /** Line in the file, header = line 1. */
  row: number;
  /** The source column (as the file's header names it), when one is to blame. */
  column: string | null;
  /** The Kizuna field, when one is to blame. */
  field: string | null;
  reason: string;
}

export interface ImportReport {
  kind: ImportKind;
  encoding: Encoding;
  dryRun: boolean;
  /** Data rows read (header and blank lines not counted). */
  rows: number;
  /** Rows left out on purpose by keepRowsWhere / skipRowsWhere. */
  skipped: number;
  /** Rows not imported because of an error (theirs or, for orders, another row of the same order). */
  rejected: number;
  /** Customers, products or orders the accepted rows make up, and what became of them. */
  created: number;
  updated: number;
  unchanged: number;
  /** The first `maxErrors` errors, by row. */
  errors: ImportRowError[];
  /** Errors beyond those listed. */
  moreErrors: number;
  /** Things worth knowing that rejected nothing: ignored columns, mapped columns the file lacks. */
  warnings: string[];
  elapsedMs: number;
}

export type Outcome = "created" | "updated" | "unchanged";

export interface RowIssue {
  field: string | null;
  column: string | null;
  reason: string;
}

/** Collects counts and errors while an import runs. */
export class ReportBuilder {
  readonly report: ImportReport;
  private readonly started = Date.now();

  constructor(
    kind: ImportKind,
    dryRun: boolean,
    private readonly maxErrors: number,
    private readonly onError?: (error: ImportRowError) => void,
  ) {
    this.report = {
      kind,
      encoding: "utf8",
      dryRun,
      rows: 0,
      skipped: 0,
      rejected: 0,
      created: 0,
      updated: 0,
      unchanged: 0,
      errors: [],
      moreErrors: 0,
      warnings: [],
      elapsedMs: 0,
    };
  }

  count(outcome: Outcome): void {
    this.report[outcome] += 1;
  }

  error(row: number, issue: RowIssue): void {
    const error: ImportRowError = { row, column: issue.column, field: issue.field, reason: issue.reason };
    if (this.report.errors.length < this.maxErrors) this.report.errors.push(error);
    else this.report.moreErrors += 1;
    this.onError?.(error);
  }

  /** Rejects rows together: `issues` name their own lines; the other lines are rejected with them. */
  reject(lines: number[], issues: Array<RowIssue & { line: number }>, what: string): void {
    this.report.rejected += lines.length;
    for (const issue of issues) this.error(issue.line, issue);
    const blamed = new Set(issues.map((i) => i.line));
    const first = issues[0]?.line;
    for (const line of lines) {
      if (!blamed.has(line)) {
        this.error(line, { field: null, column: null, reason: `${what} rejected: see line ${first}` });
      }
    }
  }

  finish(): ImportReport {
    this.report.errors.sort((a, b) => a.row - b.row);
    this.report.elapsedMs = Date.now() - this.started;
    return this.report;
  }
}

export const ERROR_CSV_HEADER = "row,column,field,reason\r\n";

/** One line of the errors CSV (row,column,field,reason), CRLF-terminated as spreadsheets expect. */
export function errorCsvLine(error: ImportRowError): string {
  return `${[error.row, error.column, error.field, error.reason].map(csvCell).join(",")}\r\n`;
}
