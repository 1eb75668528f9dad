// The active scenarios and what each earned: a bar chart of revenue this month against last month, and a
// table with messages sent and orders credited, each name a link to the scenario's flow.
import { Link } from "react-router";
import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from "recharts";
import { formatMoney, useI18n, usePageText } from "../../i18n";
import { compactMoney, type DashboardData, formatCount } from "./types";

const ja = {
  title: "配信中のシナリオ",
  none: "配信中のシナリオはありません。",
  toScenarios: "シナリオを始める",
  name: "シナリオ",
  sent: "今月の送信数",
  conversions: "今月のコンバージョン",
  revenue: "今月の売上",
  lastMonthRevenue: "先月の売上",
  thisMonth: "今月",
  lastMonth: "先月",
  chartDesc: "配信中のシナリオごとの今月と先月の売上の棒グラフ",
};
const en: typeof ja = {
  title: "Active scenarios",
  none: "No scenario is active.",
  toScenarios: "Start a scenario",
  name: "Scenario",
  sent: "Sent this month",
  conversions: "Conversions this month",
  revenue: "Revenue this month",
  lastMonthRevenue: "Revenue last month",
  thisMonth: "This month",
  lastMonth: "Last month",
  chartDesc: "Bars of each active scenario's revenue this month and last month",
};

export function ScenariosCard({ data }: { data: DashboardData }) {
  const { language } = useI18n();
  const p = usePageText({ ja, en });
  const money = (minor: number) => formatMoney(minor, data.currency, language);
  const chart = data.scenarios.map((s) => ({
    name: s.name,
    thisMonth: s.thisMonth.revenue,
    lastMonth: s.lastMonth.revenue,
  }));

  return (
    <section className="dashboard-card dashboard-scenarios" aria-labelledby="dashboard-scenarios-title">
      <h2 id="dashboard-scenarios-title">{p("title")}</h2>
      {data.scenarios.length === 0 ? (
        <p>
          {p("none")} <Link to="/scenarios">{p("toScenarios")}</Link>
        </p>
      ) : (
        <>
          <figure className="dashboard-chart" data-testid="scenarios-chart">
            <BarChart
              responsive
              style={{ width: "100%", height: 60 + 48 * chart.length }}
              data={chart}
              layout="vertical"
              title={p("title")}
              desc={p("chartDesc")}
              margin={{ top: 4, right: 12, bottom: 0, left: 0 }}
            >
              <CartesianGrid strokeDasharray="3 3" horizontal={false} />
              <XAxis type="number" tickFormatter={(v: number) => compactMoney(v, data.currency, language)} />
              <YAxis type="category" dataKey="name" width={130} tick={{ fontSize: 12 }} />
              <Tooltip formatter={(v) => money(Number(v))} />
              <Legend itemSorter={null} />
              <Bar dataKey="thisMonth" name={p("thisMonth")} fill="#b3261e" />
              <Bar dataKey="lastMonth" name={p("lastMonth")} fill="#9aa5b1" />
            </BarChart>
          </figure>
          <div className="table-wrap">
            <table className="dashboard-table" data-testid="scenarios-table">
              <thead>
                <tr>
                  <th scope="col">{p("name")}</th>
                  <th scope="col">{p("sent")}</th>
                  <th scope="col">{p("conversions")}</th>
                  <th scope="col">{p("revenue")}</th>
                  <th scope="col">{p("lastMonthRevenue")}</th>
                </tr>
              </thead>
              <tbody>
                {data.scenarios.map((s) => (
                  <tr key={s.key} data-key={s.key}>
                    <th scope="row">
                      <Link to={`/scenarios/${encodeURIComponent(s.key)}`}>{s.name}</Link>
                    </th>
                    <td>{formatCount(s.sentThisMonth, language)}</td>
                    <td>{formatCount(s.thisMonth.orders, language)}</td>
                    <td>{money(s.thisMonth.revenue)}</td>
                    <td>{money(s.lastMonth.revenue)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
