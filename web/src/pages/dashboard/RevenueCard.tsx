// Revenue the shop's messages earned this month against last month: the two totals with the change, a
// stacked bar per month (scenarios, campaigns), and the same figures as a table.
import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from "recharts";
import { formatMoney, useI18n, usePageText } from "../../i18n";
import { compactMoney, type DashboardData, formatCount, formatMonth, formatPercent } from "./types";

const ja = {
  title: "CRM 経由の売上",
  intro: "メッセージが貢献した注文の売上（ショップのタイムゾーンの暦月）。",
  thisMonth: "今月",
  lastMonth: "先月",
  change: "先月比",
  scenarios: "シナリオ",
  campaigns: "キャンペーン",
  total: "合計",
  orders: "注文数",
  share: "全売上に占める割合",
  sales: "ショップ全体の売上",
  month: "月",
  chartDesc: "今月と先月の CRM 経由売上を、シナリオとキャンペーンに分けた積み上げ棒グラフ",
  noLastMonth: "先月の実績なし",
};
const en: typeof ja = {
  title: "Revenue from CRM",
  intro: "Orders credited to the shop's messages, by calendar month in the shop's time zone.",
  thisMonth: "This month",
  lastMonth: "Last month",
  change: "vs last month",
  scenarios: "Scenarios",
  campaigns: "Campaigns",
  total: "Total",
  orders: "Orders",
  share: "Share of all sales",
  sales: "All sales of the shop",
  month: "Month",
  chartDesc: "Stacked bars of CRM revenue this month and last month, split into scenarios and campaigns",
  noLastMonth: "nothing last month",
};

export function RevenueCard({ data }: { data: DashboardData }) {
  const { language } = useI18n();
  const p = usePageText({ ja, en });
  const money = (minor: number) => formatMoney(minor, data.currency, language);
  const months = [
    { label: p("lastMonth"), figures: data.lastMonth },
    { label: p("thisMonth"), figures: data.thisMonth },
  ];
  const now = data.thisMonth.attributed.revenue;
  const before = data.lastMonth.attributed.revenue;
  const change =
    before === 0
      ? p("noLastMonth")
      : `${now >= before ? "+" : ""}${formatPercent((now - before) / before, language)}`;
  const share = (m: typeof data.thisMonth) =>
    m.sales.revenue === 0 ? "—" : formatPercent(m.attributed.revenue / m.sales.revenue, language);
  const chart = months.map((m) => ({
    name: m.label,
    scenarios: m.figures.scenarios.revenue,
    campaigns: m.figures.campaigns.revenue,
  }));

  return (
    <section className="dashboard-card dashboard-revenue" aria-labelledby="dashboard-revenue-title">
      <h2 id="dashboard-revenue-title">{p("title")}</h2>
      <p className="dashboard-note">{p("intro")}</p>
      <div className="dashboard-kpis">
        <div className="dashboard-kpi">
          <span>
            {p("thisMonth")} ({formatMonth(data.thisMonth.month, language)})
          </span>
          <strong data-testid="revenue-this-month">{money(now)}</strong>
          <span data-testid="revenue-change">
            {p("change")} {change}
          </span>
        </div>
        <div className="dashboard-kpi">
          <span>
            {p("lastMonth")} ({formatMonth(data.lastMonth.month, language)})
          </span>
          <strong data-testid="revenue-last-month">{money(before)}</strong>
        </div>
      </div>
      <figure className="dashboard-chart" data-testid="revenue-chart">
        <BarChart
          responsive
          style={{ width: "100%", height: 220 }}
          data={chart}
          title={p("title")}
          desc={p("chartDesc")}
          margin={{ top: 8, right: 8, bottom: 0, left: 0 }}
        >
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="name" tick={{ fontSize: 12 }} />
          <YAxis tickFormatter={(v: number) => compactMoney(v, data.currency, language)} width={64} />
          <Tooltip formatter={(v) => money(Number(v))} />
          <Legend itemSorter={null} />
          <Bar dataKey="scenarios" name={p("scenarios")} stackId="crm" fill="#b3261e" />
          <Bar dataKey="campaigns" name={p("campaigns")} stackId="crm" fill="#e8a09a" />
        </BarChart>
        <figcaption className="dashboard-sr-only">{p("chartDesc")}</figcaption>
      </figure>
      <div className="table-wrap">
        <table className="dashboard-table" data-testid="revenue-table">
          <thead>
            <tr>
              <th scope="col">{p("month")}</th>
              <th scope="col">{p("scenarios")}</th>
              <th scope="col">{p("campaigns")}</th>
              <th scope="col">{p("total")}</th>
              <th scope="col">{p("orders")}</th>
              <th scope="col">{p("share")}</th>
            </tr>
          </thead>
          <tbody>
            {[...months].reverse().map((m) => (
              <tr key={m.figures.month} data-month={m.figures.month}>
                <th scope="row">{formatMonth(m.figures.month, language)}</th>
                <td>{money(m.figures.scenarios.revenue)}</td>
                <td>{money(m.figures.campaigns.revenue)}</td>
                <td>{money(m.figures.attributed.revenue)}</td>
                <td>{formatCount(m.figures.attributed.orders, language)}</td>
                <td title={`${p("sales")}: ${money(m.figures.sales.revenue)}`}>{share(m.figures)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
