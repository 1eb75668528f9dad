// One table of a report: its title, its chart as the hint asks, the rows as a table, and a link to
// the same table as CSV from the API.
import { type MouseEvent, useState } from "react";
import { usePageText } from "../../i18n";
import { useSession } from "../../session";
import { ColumnHeads } from "./ColumnHeads";
import { GridHeatmap, HeatTable } from "./Heatmap";
import { columnLabel, tableTitle, textValue } from "./labels";
import { ReportChart } from "./ReportChart";
import { type ChartHint, type FormatContext, formatValue, isNumeric, type ReportTable } from "./report";

const ja = {
  downloadCsv: "CSV をダウンロード",
  downloading: "ダウンロードしています…",
  showTable: "表で見る",
  rows: "行",
  empty: "まだデータがありません。",
  rates: "開封率・クリック率・成果率",
};
const en: typeof ja = {
  downloadCsv: "Download CSV",
  downloading: "Downloading…",
  showTable: "Show as a table",
  rows: "rows",
  empty: "No data yet.",
  rates: "open, click and conversion rates",
};

export function ReportSection(props: {
  report: string;
  name: string;
  table: ReportTable;
  format: FormatContext;
  /** The report's query (its parameters), which the CSV repeats. */
  query: URLSearchParams;
}) {
  const { report, name, table, format } = props;
  const p = usePageText({ ja, en });
  const title = tableTitle(report, name, table.title, format.language);
  const hint = table.chart;
  const id = `analytics-${report}-${name}`;
  const gridHeatmap = hint?.type === "heatmap" && hint.series !== undefined;
  const heatTable = hint?.type === "heatmap" && hint.series === undefined;
  const chart = hint && !gridHeatmap && !heatTable && table.rows.length > 0;
  const rates = rateHint(table);
  return (
    <section className="analytics-section" aria-labelledby={id} data-table={name}>
      <div className="analytics-section-head">
        <h2 id={id}>{title}</h2>
        <CsvLink report={report} table={name} query={props.query} label={`${p("downloadCsv")}: ${title}`} />
      </div>
      {table.rows.length === 0 && <p className="analytics-note">{p("empty")}</p>}
      {gridHeatmap && hint && <GridHeatmap table={table} hint={hint} format={format} label={title} />}
      {heatTable && hint && <HeatTable table={table} hint={hint} format={format} label={title} />}
      {chart && <ReportChart table={table} hint={hint} format={format} label={title} />}
      {chart && rates && (
        <ReportChart table={table} hint={rates} format={format} label={`${title}: ${p("rates")}`} />
      )}
      {!heatTable && table.rows.length > 0 && (
        <details className="analytics-details" open={!hint}>
          <summary>
            {p("showTable")} ({table.rows.length} {p("rows")})
          </summary>
          <DataTable table={table} format={format} label={title} />
        </details>
      )}
    </section>
  );
}

const RATE_COLUMNS = ["open_rate", "click_rate", "conversion_rate"];

/**
 * Counts alone do not compare a scenario that sent 10,000 mails with one that sent 100: where a table's
 * chart shows message counts and the table has the rates, the rates get a chart of their own.
 */
function rateHint(table: ReportTable): ChartHint | null {
  const hint = table.chart;
  if (!hint || hint.type !== "bar" || !hint.y.includes("sent")) return null;
  const y = RATE_COLUMNS.filter((key) => table.columns.some((c) => c.key === key));
  return y.length > 0 ? { type: "bar", x: hint.x, y } : null;
}

export function DataTable(props: { table: ReportTable; format: FormatContext; label: string }) {
  const { table, format } = props;
  return (
    <div className="table-wrap">
      <table className="analytics-table" aria-label={props.label}>
        <ColumnHeads table={table} language={format.language} />
        <tbody>
          {table.rows.map((row, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: report rows have no id; their order is the report's.
            <tr key={i}>
              {table.columns.map((c) => (
                <td key={c.key} data-column={c.key} className={isNumeric(c.kind) ? "num" : undefined}>
                  {formatValue(
                    c.kind === "text" ? textValue(row[c.key], format.language) : row[c.key],
                    c.kind,
                    format,
                  )}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * The API's CSV of one table. A plain link works for a member of one shop (the session picks it); the
 * click fetches it with the shop header instead, so a member of several shops gets the shop on screen.
 */
function CsvLink(props: { report: string; table: string; query: URLSearchParams; label: string }) {
  const { shop } = useSession();
  const p = usePageText({ ja, en });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const query = new URLSearchParams(props.query);
  query.set("format", "csv");
  query.set("table", props.table);
  const href = `/v1/reports/${encodeURIComponent(props.report)}?${query}`;
  const filename = `${props.report}-${props.table}.csv`;

  async function download(event: MouseEvent<HTMLAnchorElement>) {
    if (!shop) return;
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const response = await fetch(href, {
        headers: { "x-kizuna-shop": String(shop.id), accept: "text/csv" },
        credentials: "same-origin",
      });
      if (!response.ok) {
        const body = await response.json().catch(() => null);
        throw new Error(body?.error?.message ?? response.statusText);
      }
      const url = URL.createObjectURL(await response.blob());
      const link = document.createElement("a");
      link.href = url;
      link.download = filename;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <span className="analytics-csv">
      <a href={href} download={filename} onClick={download} aria-label={props.label} aria-busy={busy}>
        {busy ? p("downloading") : p("downloadCsv")}
      </a>
      {error && (
        <span role="alert" className="error">
          {error}
        </span>
      )}
    </span>
  );
}
