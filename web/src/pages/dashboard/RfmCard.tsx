// Buyers per RFM group (the groups the analytics job assigns, src/analytics/metrics.ts) as bars and as
// a table with each group's revenue.
import { Bar, BarChart, CartesianGrid, Tooltip, XAxis, YAxis } from "recharts";
import { formatMoney, useI18n, usePageText } from "../../i18n";
import { type DashboardData, formatCount, formatPercent } from "./types";

const ja = {
  title: "RFM グループ別の顧客",
  intro: "購入のある顧客 {buyers} 人を、最終購入日・購入回数・購入金額で分けたグループ。",
  group: "グループ",
  customers: "顧客数",
  share: "割合",
  revenue: "累計売上",
  chartDesc: "RFM グループごとの顧客数の棒グラフ",
  champions: "優良顧客",
  loyal: "ロイヤル顧客",
  potential: "成長見込み",
  new: "新規顧客",
  needs_attention: "要注意",
  at_risk: "離反予備軍",
  dormant: "休眠顧客",
};
const en: typeof ja = {
  title: "Customers by RFM group",
  intro: "The {buyers} customers who bought, grouped by recency, frequency and spend.",
  group: "Group",
  customers: "Customers",
  share: "Share",
  revenue: "Revenue to date",
  chartDesc: "Bars of the number of customers in each RFM group",
  champions: "Champions",
  loyal: "Loyal",
  potential: "Potential",
  new: "New",
  needs_attention: "Needs attention",
  at_risk: "At risk",
  dormant: "Dormant",
};

export function RfmCard({ data }: { data: DashboardData }) {
  const { language } = useI18n();
  const p = usePageText({ ja, en });
  const { buyers, groups } = data.rfm;
  const chart = groups.map((g) => ({ name: p(g.group), customers: g.customers }));

  return (
    <section className="dashboard-card dashboard-rfm" aria-labelledby="dashboard-rfm-title">
      <h2 id="dashboard-rfm-title">{p("title")}</h2>
      <p className="dashboard-note">{p("intro").replace("{buyers}", formatCount(buyers, language))}</p>
      <figure className="dashboard-chart" data-testid="rfm-chart">
        <BarChart
          responsive
          style={{ width: "100%", height: 240 }}
          data={chart}
          title={p("title")}
          desc={p("chartDesc")}
          margin={{ top: 8, right: 8, bottom: 0, left: 0 }}
        >
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis
            dataKey="name"
            tick={{ fontSize: 11 }}
            interval={0}
            angle={-30}
            textAnchor="end"
            height={56}
          />
          <YAxis allowDecimals={false} width={40} />
          <Tooltip formatter={(v) => formatCount(Number(v), language)} />
          <Bar dataKey="customers" name={p("customers")} fill="#0969da" />
        </BarChart>
      </figure>
      <div className="table-wrap">
        <table className="dashboard-table" data-testid="rfm-table">
          <thead>
            <tr>
              <th scope="col">{p("group")}</th>
              <th scope="col">{p("customers")}</th>
              <th scope="col">{p("share")}</th>
              <th scope="col">{p("revenue")}</th>
            </tr>
          </thead>
          <tbody>
            {groups.map((g) => (
              <tr key={g.group} data-group={g.group}>
                <th scope="row">{p(g.group)}</th>
                <td>{formatCount(g.customers, language)}</td>
                <td>{buyers === 0 ? "—" : formatPercent(g.customers / buyers, language)}</td>
                <td>{formatMoney(g.revenue, data.currency, language)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
