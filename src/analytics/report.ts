// The shape every report returns: named tables of typed columns, each with a hint of the chart that
// shows it best. The CLI prints the tables (table, CSV or JSON), the API returns them as they are, and
// the admin draws the charts from the same data.

export type ColumnKind = "text" | "integer" | "number" | "money" | "ratio" | "date" | "month";

export interface ReportColumn {
  key: string;
  label: string;
  kind: ColumnKind;
}

export type ReportValue = string | number | null;
export type ReportRow = Record<string, ReportValue>;

/** How the admin should draw a table: x axis column, the value columns, and an optional series column. */
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
  /** The moment the report describes (its "now"), ISO UTC. */
  asOf: string;
  timezone: string;
  currency: string;
  tables: Record<string, ReportTable>;
  /** Figures that are not rows: fitted parameters, totals, notes on what was left out. */
  summary?: Record<string, ReportValue>;
}

/** What every report needs to know about the shop and the moment it describes. */
export interface ReportContext {
  shopId: number;
  asOf: Date;
  timezone: string;
  currency: string;
}
