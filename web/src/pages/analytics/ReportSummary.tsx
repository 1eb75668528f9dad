// A report's figures that are not rows (buyers, totals, fitted parameters) and its notes on what it
// counts. The summary has no column kinds, so a figure's kind is read from its name.
import { usePageText } from "../../i18n";
import { type ColumnKind, type FormatContext, formatValue, type ReportValue } from "./report";

const ja = {
  summary: "概要",
  note: "集計方法の注記（英語）",
  buyers: "購入者",
  revenue: "売上",
  first_time_buyers: "初回購入者",
  repeat_buyers: "リピート購入者",
  repeat_share: "リピート率",
  from: "開始",
  to: "終了",
  months: "月数",
  customers: "顧客数",
  qualified_for_12_months: "12 か月 LTV の対象者",
  ltv_12m: "12 か月 LTV",
  ltv_to_date: "現在までの LTV",
  orders: "注文数",
  ad_cost: "広告費",
  new_customers: "新規顧客",
  lifetime_revenue: "累計売上",
  lifetime_roas: "累計 ROAS",
  marketing_ratio: "広告費率",
  sent: "送信",
  opened: "開封",
  clicked: "クリック",
  converted: "成果（注文）",
  open_rate: "開封率",
  click_rate: "クリック率",
  conversion_rate: "成果率",
  delivered: "到達",
  bounced: "不達",
  unsubscribes: "配信停止",
  fitCustomers: "モデルの学習に使った顧客",
  repeatCustomers: "リピート顧客",
  meanRepeatValue: "リピート購入の平均額",
  fittedAsOf: "モデルの学習時点",
  r: "r",
  alpha: "α",
  a: "a",
  b: "b",
  p: "p",
  q: "q",
  gamma: "γ",
};
const en: typeof ja = {
  summary: "Summary",
  note: "How this is counted",
  buyers: "Buyers",
  revenue: "Revenue",
  first_time_buyers: "First-time buyers",
  repeat_buyers: "Repeat buyers",
  repeat_share: "Repeat share",
  from: "From",
  to: "To",
  months: "Months",
  customers: "Customers",
  qualified_for_12_months: "Buyers for the 12-month LTV",
  ltv_12m: "12-month LTV",
  ltv_to_date: "LTV to date",
  orders: "Orders",
  ad_cost: "Ad cost",
  new_customers: "New customers",
  lifetime_revenue: "Lifetime revenue",
  lifetime_roas: "Lifetime ROAS",
  marketing_ratio: "Marketing ratio",
  sent: "Sent",
  opened: "Opened",
  clicked: "Clicked",
  converted: "Orders credited",
  open_rate: "Open rate",
  click_rate: "Click rate",
  conversion_rate: "Conversion rate",
  delivered: "Delivered",
  bounced: "Bounced",
  unsubscribes: "Unsubscribes",
  fitCustomers: "Customers the model was fitted on",
  repeatCustomers: "Repeat customers",
  meanRepeatValue: "Mean repeat purchase value",
  fittedAsOf: "Model fitted as of",
  r: "r",
  alpha: "α",
  a: "a",
  b: "b",
  p: "p",
  q: "q",
  gamma: "γ",
};

function kindOfFigure(key: string, value: ReportValue): ColumnKind {
  if (typeof value !== "number") {
    if (/^\d{4}-\d{2}$/.test(String(value))) return "month";
    return /^\d{4}-\d{2}-\d{2}(T|$)/.test(String(value)) ? "date" : "text";
  }
  if (/revenue|ltv|ad_cost|clv|value$/i.test(key)) return "money";
  if (/rate|share|ratio|roas/i.test(key)) return "ratio";
  return Number.isInteger(value) ? "integer" : "number";
}

export function ReportSummary(props: { summary: Record<string, ReportValue>; format: FormatContext }) {
  const p = usePageText({ ja, en });
  const { note, ...figures } = props.summary;
  // The performance summary repeats every metric of its tables; the main ones are enough up top.
  const shown = Object.entries(figures).filter(([key, value]) => value !== null && key in ja);
  const label = (key: string) => (key in ja ? p(key as keyof typeof ja) : key);
  return (
    <section className="analytics-summary" aria-label={p("summary")}>
      {shown.length > 0 && (
        <dl>
          {shown.map(([key, value]) => (
            <div key={key} data-figure={key}>
              <dt>{label(key)}</dt>
              <dd>{formatValue(value, kindOfFigure(key, value), props.format)}</dd>
            </div>
          ))}
        </dl>
      )}
      {typeof note === "string" &&
        (props.format.language === "en" ? (
          <p className="analytics-note">{note}</p>
        ) : (
          <details className="analytics-details">
            <summary>{p("note")}</summary>
            <p className="analytics-note" lang="en">
              {note}
            </p>
          </details>
        ))}
    </section>
  );
}
