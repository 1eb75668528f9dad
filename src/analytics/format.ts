// A report as people read it in a terminal (aligned tables, money with its currency, ratios as
// percentages) and as spreadsheets take it (CSV of one table, raw numbers: minor units, ratios 0–1).
import { csvLine } from "../core/csv.js";
import type { Report, ReportColumn, ReportTable, ReportValue } from "./report.js";

/** Digits after the decimal point per currency (ISO 4217); most have 2, these have none. */
const ZERO_DECIMAL = new Set(["JPY", "KRW", "VND", "CLP", "ISK", "UGX", "XAF", "XOF"]);

export function formatMoney(minor: number, currency: string): string {
  const digits = ZERO_DECIMAL.has(currency) ? 0 : 2;
  const value = minor / 10 ** digits;
  return `${value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits })} ${currency}`;
}

function formatCell(value: ReportValue, column: ReportColumn, currency: string): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  switch (column.kind) {
    case "money":
      return formatMoney(value, currency);
    case "ratio":
      return `${(value * 100).toFixed(1)}%`;
    case "integer":
      return Math.round(value).toLocaleString("en-US");
    case "number":
      return Number.isInteger(value) ? String(value) : value.toFixed(3);
    default:
      return String(value);
  }
}

// Japanese text takes two terminal columns per character; formatTable in cli/output.ts knows that, but
// analytics must not import the CLI, so the alignment is done here the same way.
const WIDE =
  /[\u1100-\u115F\u2E80-\u303E\u3041-\u33FF\u3400-\u4DBF\u4E00-\u9FFF\uA000-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6]/g;
const width = (text: string) => text.length + (text.match(WIDE)?.length ?? 0);

export function renderTable(table: ReportTable, currency: string): string {
  if (table.rows.length === 0) return `${table.title}\n(no rows)`;
  const header = table.columns.map((c) => c.label);
  const body = table.rows.map((row) => table.columns.map((c) => formatCell(row[c.key] ?? null, c, currency)));
  const widths = header.map((h, i) => Math.max(width(h), ...body.map((r) => width(r[i]))));
  const numeric = table.columns.map((c) => c.kind !== "text" && c.kind !== "month" && c.kind !== "date");
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => {
        const gap = " ".repeat(Math.max(0, widths[i] - width(cell)));
        return numeric[i] ? gap + cell : cell + gap;
      })
      .join("  ")
      .trimEnd();
  return [table.title, line(header), line(widths.map((w) => "-".repeat(w))), ...body.map(line)].join("\n");
}

export function renderReport(report: Report, only?: string): string {
  const parts = [`${report.title} — as of ${report.asOf} (${report.timezone}, ${report.currency})`];
  if (report.summary && Object.keys(report.summary).length > 0) {
    parts.push(
      Object.entries(report.summary)
        .map(
          ([k, v]) =>
            `${k}: ${typeof v === "number" && !Number.isInteger(v) ? v.toPrecision(4) : String(v ?? "")}`,
        )
        .join("\n"),
    );
  }
  for (const [name, table] of Object.entries(report.tables)) {
    if (only && name !== only) continue;
    parts.push(`[${name}] ${renderTable(table, report.currency)}`);
  }
  return parts.join("\n\n");
}

/** One table as CSV: a header of column keys, raw values (money in minor units, ratios as 0–1). */
export function reportTableCsv(table: ReportTable): string {
  const lines = [csvLine(table.columns.map((c) => c.key))];
  for (const row of table.rows) lines.push(csvLine(table.columns.map((c) => row[c.key] ?? null)));
  return `${lines.join("\r\n")}\r\n`;
}
