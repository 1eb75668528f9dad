// Heatmaps: a grid of series × x cells (RFM: recency rows, frequency columns) and a table whose value
// cells are shaded (cohorts: a row per first-order month, a column per month after it).
import type { CSSProperties } from "react";
import { ColumnHeads } from "./ColumnHeads";
import { columnLabel, textValue } from "./labels";
import {
  type ChartHint,
  type FormatContext,
  formatValue,
  isNumeric,
  kindOf,
  numeric,
  type ReportTable,
  type ReportValue,
} from "./report";

/** The cell colour for a value's share of the largest: white to deep blue, text turning white. */
export function shade(value: number | null, max: number): CSSProperties {
  if (value === null || max <= 0) return {};
  const t = Math.max(0, Math.min(1, value / max));
  return {
    background: `hsl(212 85% ${Math.round(97 - 60 * t)}%)`,
    color: t > 0.55 ? "#fff" : undefined,
  };
}

/** A series × x grid: each cell shows the first value column, the others in its title. */
export function GridHeatmap(props: {
  table: ReportTable;
  hint: ChartHint;
  format: FormatContext;
  label: string;
}) {
  const { table, hint, format } = props;
  const series = hint.series ?? "";
  const [measure, ...others] = hint.y;
  const order = (values: Array<string | number | null>) =>
    [...new Set(values)].sort((a, b) => (typeof a === "number" && typeof b === "number" ? a - b : 0));
  const xs = order(table.rows.map((r) => r[hint.x]));
  // The highest score at the top, as the scores are read (5 = most recent).
  const ys = order(table.rows.map((r) => r[series])).reverse();
  const max = Math.max(0, ...table.rows.map((r) => numeric(r[measure]) ?? 0));
  const column = (key: string) => table.columns.find((c) => c.key === key);
  const name = (key: string) => {
    const c = column(key);
    return c ? columnLabel(c, format.language) : key;
  };
  const style = { "--analytics-grid-columns": xs.length } as CSSProperties;
  const cell = (y: ReportValue, x: ReportValue) => {
    const row = table.rows.find((r) => r[series] === y && r[hint.x] === x);
    const value = row ? numeric(row[measure]) : null;
    const details = row
      ? others.length > 0
        ? others
        : table.columns.map((c) => c.key).filter((k) => k !== measure && k !== series && k !== hint.x)
      : [];
    const title = [
      `${name(series)}${y} × ${name(hint.x)}${x}`,
      ...details.map((k) => `${name(k)}: ${formatValue(row?.[k] ?? null, kindOf(table, k), format)}`),
    ].join("\n");
    const share = details.find((k) => kindOf(table, k) === "ratio");
    return (
      <td
        key={String(x)}
        className="analytics-heatmap-cell"
        data-series={String(y)}
        data-x={String(x)}
        data-value={value ?? ""}
        title={title}
        style={shade(value, max)}
      >
        <strong>{formatValue(value, kindOf(table, measure), format)}</strong>
        {share && <small>{formatValue(row?.[share] ?? null, "ratio", format)}</small>}
      </td>
    );
  };
  return (
    <table className="analytics-heatmap" aria-label={props.label} style={style}>
      <thead>
        <tr>
          <th scope="col" className="analytics-heatmap-corner">
            {name(series)} \ {name(hint.x)}
          </th>
          {xs.map((x) => (
            <th scope="col" key={String(x)} className="analytics-heatmap-head">
              {name(hint.x)}
              {x}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {ys.map((y) => (
          <tr key={String(y)}>
            <th scope="row" className="analytics-heatmap-head">
              {name(series)}
              {y}
            </th>
            {xs.map((x) => cell(y, x))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The table itself as the heatmap: the value columns of the hint shaded against their largest value. */
export function HeatTable(props: {
  table: ReportTable;
  hint: ChartHint;
  format: FormatContext;
  label: string;
}) {
  const { table, hint, format } = props;
  const shaded = new Set(hint.y);
  const max = Math.max(0, ...table.rows.flatMap((r) => hint.y.map((k) => numeric(r[k]) ?? 0)));
  return (
    <div className="table-wrap">
      <table className="analytics-table analytics-heat-table" aria-label={props.label}>
        <ColumnHeads table={table} language={format.language} />
        <tbody>
          {table.rows.map((row, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: report rows have no id; their order is the report's.
            <tr key={i} data-row={String(row[hint.x] ?? i)}>
              {table.columns.map((c) =>
                c.key === hint.x ? (
                  <th key={c.key} scope="row">
                    {formatValue(textValue(row[c.key], format.language), c.kind, format)}
                  </th>
                ) : (
                  <td
                    key={c.key}
                    data-column={c.key}
                    className={isNumeric(c.kind) ? "num" : undefined}
                    style={shaded.has(c.key) ? shade(numeric(row[c.key]), max) : undefined}
                  >
                    {formatValue(row[c.key], c.kind, format)}
                  </td>
                ),
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
