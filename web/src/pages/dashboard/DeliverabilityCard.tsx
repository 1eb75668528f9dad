// Email deliverability over the last days: bounce, complaint and unsubscribe rates against the early-
// warning levels and the shop's pause limits (email pauses itself above those), with a warning for each
// rate over its level, and the pause itself when email is stopped.
import { Link } from "react-router";
import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from "recharts";
import { formatDateTime, useI18n, usePageText } from "../../i18n";
import { type DashboardData, formatCount, formatPercent, type RateKind } from "./types";

const ja = {
  title: "メールの到達率",
  intro: "過去 {days} 日間に送信したメール {sent} 通。",
  kind: "指標",
  rate: "実績",
  count: "件数",
  warnAbove: "注意の目安",
  pauseAbove: "自動停止の基準",
  bounce: "バウンス率",
  complaint: "苦情率",
  unsubscribe: "配信停止率",
  warning: "{kind}が {rate} で、注意の目安 {level} を超えています。",
  overPause:
    "{kind}が {rate} で、自動停止の基準 {level} を超えています。1 日の率がこのままならメール配信は一時停止されます。",
  fewSends: "（送信数が {min} 通未満のあいだは自動停止しません）",
  paused: "メール配信は {at} から一時停止中です：{reason}",
  channels: "チャネル設定を開く",
  allGood: "すべての指標が目安の範囲内です。",
  chartDesc: "バウンス率・苦情率・配信停止率の実績と注意の目安の棒グラフ",
};
const en: typeof ja = {
  title: "Email deliverability",
  intro: "{sent} emails sent in the last {days} days.",
  kind: "Measure",
  rate: "Actual",
  count: "Count",
  warnAbove: "Warning level",
  pauseAbove: "Automatic pause",
  bounce: "Bounce rate",
  complaint: "Complaint rate",
  unsubscribe: "Unsubscribe rate",
  warning: "The {kind} is {rate}, above the warning level of {level}.",
  overPause:
    "The {kind} is {rate}, above the pause limit of {level}: if a day's rate stays there, email pauses itself.",
  fewSends: "(no automatic pause under {min} emails)",
  paused: "Email has been paused since {at}: {reason}",
  channels: "Open channel settings",
  allGood: "Every measure is within its level.",
  chartDesc: "Bars of the bounce, complaint and unsubscribe rates against their warning levels",
};

const KINDS: RateKind[] = ["bounce", "complaint", "unsubscribe"];

const fill = (text: string, values: Record<string, string>) =>
  text.replace(/\{(\w+)\}/g, (_, key: string) => values[key] ?? "");

export function DeliverabilityCard({ data }: { data: DashboardData }) {
  const { language } = useI18n();
  const p = usePageText({ ja, en });
  const d = data.deliverability;
  const pct = (r: number) => formatPercent(r, language);
  const rows = KINDS.map((kind) => ({
    kind,
    label: p(kind),
    rate: { bounce: d.bounceRate, complaint: d.complaintRate, unsubscribe: d.unsubscribeRate }[kind],
    count: { bounce: d.bounced, complaint: d.complaints, unsubscribe: d.unsubscribes }[kind],
    warn: d.warnAbove[kind],
    pause: d.pauseAbove[kind],
  }));
  const over = rows.filter((r) => d.sent > 0 && r.rate > r.warn);
  const label = language === "ja" ? (kind: string) => kind : (kind: string) => kind.toLowerCase();

  return (
    <section
      className="dashboard-card dashboard-deliverability"
      aria-labelledby="dashboard-deliverability-title"
    >
      <h2 id="dashboard-deliverability-title">{p("title")}</h2>
      <p className="dashboard-note">
        {fill(p("intro"), { days: String(d.days), sent: formatCount(d.sent, language) })}
      </p>
      {d.emailPaused && (
        <p className="dashboard-warning dashboard-paused" role="alert" data-testid="email-paused">
          {fill(p("paused"), {
            at: formatDateTime(d.emailPaused.at, data.timezone, language),
            reason: d.emailPaused.reason ?? "",
          })}{" "}
          <Link to="/settings/channels">{p("channels")}</Link>
        </p>
      )}
      {over.length > 0 ? (
        <ul className="dashboard-warnings" role="alert">
          {over.map((r) => {
            const pausing = r.rate > r.pause;
            return (
              <li
                key={r.kind}
                className={`dashboard-warning${pausing ? " dashboard-danger" : ""}`}
                data-testid={`warning-${r.kind}`}
              >
                <span aria-hidden="true">⚠ </span>
                {fill(p(pausing ? "overPause" : "warning"), {
                  kind: label(r.label),
                  rate: pct(r.rate),
                  level: pct(pausing ? r.pause : r.warn),
                })}
                {pausing &&
                  d.sent < d.minSends &&
                  ` ${fill(p("fewSends"), { min: formatCount(d.minSends, language) })}`}
              </li>
            );
          })}
        </ul>
      ) : (
        d.sent > 0 && <p className="dashboard-ok">{p("allGood")}</p>
      )}
      <figure className="dashboard-chart" data-testid="deliverability-chart">
        <BarChart
          responsive
          style={{ width: "100%", height: 200 }}
          data={rows.map((r) => ({ name: r.label, rate: r.rate, warn: r.warn }))}
          title={p("title")}
          desc={p("chartDesc")}
          margin={{ top: 8, right: 8, bottom: 0, left: 0 }}
        >
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="name" tick={{ fontSize: 12 }} />
          <YAxis tickFormatter={(v: number) => pct(v)} width={56} />
          <Tooltip formatter={(v) => pct(Number(v))} />
          <Legend itemSorter={null} />
          <Bar dataKey="rate" name={p("rate")} fill="#b3261e" />
          <Bar dataKey="warn" name={p("warnAbove")} fill="#d4a72c" />
        </BarChart>
      </figure>
      <div className="table-wrap">
        <table className="dashboard-table" data-testid="deliverability-table">
          <thead>
            <tr>
              <th scope="col">{p("kind")}</th>
              <th scope="col">{p("rate")}</th>
              <th scope="col">{p("count")}</th>
              <th scope="col">{p("warnAbove")}</th>
              <th scope="col">{p("pauseAbove")}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.kind} data-kind={r.kind} className={over.includes(r) ? "dashboard-over" : undefined}>
                <th scope="row">{r.label}</th>
                <td>{pct(r.rate)}</td>
                <td>{formatCount(r.count, language)}</td>
                <td>{pct(r.warn)}</td>
                <td>{pct(r.pause)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
