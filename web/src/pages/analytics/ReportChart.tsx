// A report table drawn as its chart hint asks: lines or bars over the x column, one per value column,
// or one per value of the series column (products by month, channels by month).
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { useI18n } from "../../i18n";
import { columnLabel, textValue } from "./labels";
import {
  type ChartHint,
  type FormatContext,
  formatValue,
  kindOf,
  numeric,
  type ReportTable,
  type ReportValue,
} from "./report";

const COLOURS = ["#0969da", "#b3261e", "#1a7f37", "#8250df", "#bf8700", "#1b7c83", "#cf222e", "#57606a"];
/** More lines than this cannot be told apart; the table keeps them all. */
const MAX_SERIES = 8;

interface Series {
  key: string;
  name: string;
}

interface ChartData {
  points: Array<Record<string, ReportValue>>;
  series: Series[];
}

/** Rows as chart points: one point per x value, one series per value column (or series value). */
function chartData(table: ReportTable, hint: ChartHint, f: FormatContext): ChartData {
  const xKind = kindOf(table, hint.x);
  const xLabel = (v: ReportValue) => formatValue(textValue(v, f.language), xKind, f);
  const label = (key: string) => {
    const column = table.columns.find((c) => c.key === key);
    return column ? columnLabel(column, f.language) : key;
  };
  if (!hint.series) {
    return {
      points: table.rows.map((row) => {
        const point: Record<string, ReportValue> = { x: xLabel(row[hint.x]) };
        hint.y.forEach((y, i) => {
          point[`s${i}`] = numeric(row[y]);
        });
        return point;
      }),
      series: hint.y.map((y, i) => ({ key: `s${i}`, name: label(y) })),
    };
  }
  const seriesColumn = hint.series;
  const seriesValues = [...new Set(table.rows.map((r) => String(r[seriesColumn] ?? "")))].slice(
    0,
    MAX_SERIES,
  );
  const series: Series[] = [];
  seriesValues.forEach((value, si) => {
    hint.y.forEach((y, yi) => {
      const name = String(textValue(value, f.language));
      series.push({ key: `s${si}_${yi}`, name: hint.y.length > 1 ? `${name} · ${label(y)}` : name });
    });
  });
  const byX = new Map<string, Record<string, ReportValue>>();
  for (const row of table.rows) {
    const si = seriesValues.indexOf(String(row[seriesColumn] ?? ""));
    if (si < 0) continue;
    const x = xLabel(row[hint.x]);
    const point = byX.get(x) ?? { x };
    hint.y.forEach((y, yi) => {
      point[`s${si}_${yi}`] = numeric(row[y]);
    });
    byX.set(x, point);
  }
  return { points: [...byX.values()], series };
}

export function ReportChart(props: {
  table: ReportTable;
  hint: ChartHint;
  format: FormatContext;
  label: string;
}) {
  const { table, hint, format } = props;
  const { language } = useI18n();
  const { points, series } = chartData(table, hint, format);
  const yKind = kindOf(table, hint.y[0]);
  const tick = (v: number) =>
    yKind === "money" || yKind === "ratio"
      ? formatValue(v, yKind, format)
      : new Intl.NumberFormat(language === "ja" ? "ja-JP" : "en-US", { notation: "compact" }).format(v);
  const tooltip = (v: unknown) => (typeof v === "number" ? formatValue(v, yKind, format) : String(v ?? "—"));
  const common = (
    <>
      <CartesianGrid strokeDasharray="3 3" stroke="#d1d9e0" />
      <XAxis dataKey="x" tick={{ fontSize: 12 }} interval="preserveStartEnd" minTickGap={8} />
      <YAxis
        tickFormatter={tick}
        tick={{ fontSize: 12 }}
        width={yKind === "money" ? 84 : 56}
        allowDecimals={yKind !== "integer"}
      />
      <Tooltip formatter={tooltip} />
      {(series.length > 1 || hint.series !== undefined) && (
        <Legend wrapperStyle={{ fontSize: 12 }} itemSorter={null} />
      )}
    </>
  );
  const stacked = hint.type === "stacked-bar";
  return (
    <figure className="analytics-chart" data-chart={hint.type} aria-label={props.label}>
      <ResponsiveContainer width="100%" height={280}>
        {hint.type === "line" ? (
          <LineChart data={points} margin={{ top: 8, right: 12, bottom: 4, left: 4 }}>
            {common}
            {series.map((s, i) => (
              <Line
                key={s.key}
                type="linear"
                dataKey={s.key}
                name={s.name}
                stroke={COLOURS[i % COLOURS.length]}
                strokeWidth={2}
                dot={{ r: 3 }}
                connectNulls
                isAnimationActive={false}
              />
            ))}
          </LineChart>
        ) : (
          <BarChart data={points} margin={{ top: 8, right: 12, bottom: 4, left: 4 }}>
            {common}
            {series.map((s, i) => (
              <Bar
                key={s.key}
                dataKey={s.key}
                name={s.name}
                fill={COLOURS[i % COLOURS.length]}
                stackId={stacked ? "stack" : undefined}
                isAnimationActive={false}
              />
            ))}
          </BarChart>
        )}
      </ResponsiveContainer>
    </figure>
  );
}
