// The report shape GET /v1/reports/:name returns (src/analytics/report.ts): named tables of typed
// columns with a chart hint, and how one cell of each kind reads on screen.
import { formatMoney, type Language } from "../../i18n";

export type ColumnKind = "text" | "integer" | "number" | "money" | "ratio" | "date" | "month";
export type ReportValue = string | number | null;
export type ReportRow = Record<string, ReportValue>;

export interface ReportColumn {
  key: string;
  label: string;
  kind: ColumnKind;
}

export interface ChartHint {
  type: "bar" | "stacked-bar" | "line" | "heatmap" | "histogram" | "scatter";
  x: string;
  y: string[];
  series?: string;
}

export interface ReportTable {
  title: string;
  columns: ReportColumn[];
  rows: ReportRow[];
  chart?: ChartHint;
}

export interface Report {
  name: string;
  title: string;
  shopId: number;
  asOf: string;
  timezone: string;
  currency: string;
  tables: Record<string, ReportTable>;
  summary?: Record<string, ReportValue>;
}

/** What formatting a value needs beyond its kind: the shop's currency and the admin's language. */
export interface FormatContext {
  currency: string;
  timezone: string;
  language: Language;
}

const locale = (language: Language) => (language === "ja" ? "ja-JP" : "en-US");

/** A cell as the column's kind reads: money in the shop currency, ratios as %, months as months. */
export function formatValue(value: ReportValue, kind: ColumnKind, f: FormatContext): string {
  if (value === null || value === "") return "—";
  if (typeof value === "string") {
    if (kind === "month" && /^\d{4}-\d{2}$/.test(value)) return formatMonth(value, f.language);
    if (kind === "date") return formatDay(value, f);
    return value;
  }
  switch (kind) {
    case "money":
      return formatMoney(value, f.currency, f.language);
    case "ratio":
      return formatPercent(value, f.language);
    case "integer":
      return new Intl.NumberFormat(locale(f.language), { maximumFractionDigits: 0 }).format(value);
    default:
      return new Intl.NumberFormat(locale(f.language), { maximumFractionDigits: 3 }).format(value);
  }
}

export function formatPercent(ratio: number, language: Language): string {
  return new Intl.NumberFormat(locale(language), { style: "percent", maximumFractionDigits: 1 }).format(
    ratio,
  );
}

/** "2026-05" as 2026年5月 / May 2026. */
export function formatMonth(month: string, language: Language): string {
  const [year, m] = month.split("-").map(Number);
  if (language === "ja") return `${year}年${m}月`;
  return new Intl.DateTimeFormat("en-US", { year: "numeric", month: "short", timeZone: "UTC" }).format(
    Date.UTC(year, m - 1, 1),
  );
}

/** A calendar day, or an instant as its day in the shop's zone. */
function formatDay(value: string, f: FormatContext): string {
  const calendarDay = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const at = Date.parse(calendarDay ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(at)) return value;
  return new Intl.DateTimeFormat(locale(f.language), {
    dateStyle: "medium",
    timeZone: calendarDay ? "UTC" : f.timezone,
  }).format(at);
}

/** A value as a number for a chart or a shade; text and empty cells give null. */
export function numeric(value: ReportValue): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

/** The kind of column `key` in a table (text when unknown). */
export function kindOf(table: ReportTable, key: string): ColumnKind {
  return table.columns.find((c) => c.key === key)?.kind ?? "text";
}

/** Whether a column holds figures (right-aligned, tabular digits) rather than names or dates. */
export function isNumeric(kind: ColumnKind): boolean {
  return kind === "integer" || kind === "number" || kind === "money" || kind === "ratio";
}
