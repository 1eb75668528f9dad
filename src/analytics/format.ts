// A report as people read it in a terminal (aligned tables, money with its currency, ratios as
// percentages) and as spreadsheets take it (CSV of one table, raw numbers: minor units, ratios 0–1).
import { csvLine } from "../core/csv.js";
import { displayWidth } from "../core/text.js";
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

export function renderTable(table: ReportTable, currency: string): string {
  if (table.rows.length === 0) return `${table.title}\n(no rows)`;
  const header = table.columns.map((c) => c.label);
  const body = table.rows.map((row) => table.columns.map((c) => formatCell(row[c.key] ?? null, c, currency)));
  const widths = header.map((h, i) => Math.max(displayWidth(h), ...body.map((r) => displayWidth(r[i]))));
  const numeric = table.columns.map((c) => c.kind !== "text" && c.kind !== "month" && c.kind !== "date");
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => {
        const gap = " ".repeat(Math.max(0, widths[i] - displayWidth(cell)));
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
