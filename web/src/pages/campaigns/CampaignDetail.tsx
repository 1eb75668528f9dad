// One campaign: its status and plan, what each arm did (variants, the rest that got the winner, the
// holdout), the winner and the lift over the holdout, and a cancel (asked twice) while it can still
// change something.
import { useState } from "react";
import { Link, useParams } from "react-router";
import { api } from "../../api";
import { formatDateTime, formatMoney, useI18n, usePageText } from "../../i18n";
import { useCanEdit, useSession } from "../../session";
import { useLoad } from "../../useLoad";
import { type ArmReport, type CampaignWithReport, cancellable, type SegmentSummary, splitOf } from "./model";
import { CampaignStatusBadge } from "./StatusBadge";

const ja = {
  back: "キャンペーン一覧",
  audience: "配信対象",
  everyone: "全顧客",
  segment: "セグメント: {key}",
  channels: "チャネル",
  variants: "テンプレート",
  abTest: "A/B テスト",
  abPlan: "各パターン {per}%、{hours} 時間後に{metric}で勝者を決めて残り {rest}% に送信",
  noAb: "なし",
  holdout: "ホールドアウト",
  window: "コンバージョンを数える期間",
  hours: "{n} 時間",
  scheduledAt: "予約日時",
  startedAt: "開始日時",
  finishedAt: "終了日時",
  createdAt: "作成日時",
  results: "結果",
  noResults: "配信が始まると、ここにパターンごとの結果が表示されます。",
  entered: "対象者 {n} 人",
  arm: "グループ",
  runs: "対象者",
  sent: "送信",
  suppressed: "見送り",
  opened: "開封",
  clicked: "クリック",
  converted: "コンバージョン",
  rate: "CVR",
  revenue: "売上",
  holdoutArm: "ホールドアウト（送信なし）",
  restArm: "残り（勝者を受け取る）",
  variantArm: "パターン {name}",
  winner: "勝者",
  winnerPending: "まだ決まっていません",
  lift: "ホールドアウトに対する効果",
  liftRate: "CVR の差",
  liftRevenue: "増分売上",
  noLift: "ホールドアウトがないため算出できません",
  cancel: "キャンペーンを中止",
  cancelAsk: "このキャンペーンを中止しますか？まだ送っていないメッセージは送られません。元には戻せません。",
  cancelYes: "中止する",
  cancelNo: "やめる",
  cancelled: "中止しました。",
  metricClicks: "クリック数",
  metricConversions: "コンバージョン数",
};
const en: typeof ja = {
  back: "All campaigns",
  audience: "Audience",
  everyone: "Every customer",
  segment: "Segment: {key}",
  channels: "Channels",
  variants: "Templates",
  abTest: "A/B test",
  abPlan: "{per}% per variant; after {hours} h the winner by {metric} goes to the other {rest}%",
  noAb: "None",
  holdout: "Holdout",
  window: "Orders counted for",
  hours: "{n} h",
  scheduledAt: "Scheduled for",
  startedAt: "Started",
  finishedAt: "Finished",
  createdAt: "Created",
  results: "Results",
  noResults: "Once the campaign starts, each variant's results appear here.",
  entered: "{n} customers entered",
  arm: "Group",
  runs: "Customers",
  sent: "Sent",
  suppressed: "Held back",
  opened: "Opened",
  clicked: "Clicked",
  converted: "Conversions",
  rate: "Conv. rate",
  revenue: "Revenue",
  holdoutArm: "Holdout (not sent)",
  restArm: "Rest (gets the winner)",
  variantArm: "Variant {name}",
  winner: "Winner",
  winnerPending: "Not chosen yet",
  lift: "Lift over the holdout",
  liftRate: "Conversion rate difference",
  liftRevenue: "Incremental revenue",
  noLift: "No holdout to compare with",
  cancel: "Cancel the campaign",
  cancelAsk: "Cancel this campaign? Messages not sent yet will not be sent. This cannot be undone.",
  cancelYes: "Yes, cancel it",
  cancelNo: "Keep it",
  cancelled: "Cancelled.",
  metricClicks: "clicks",
  metricConversions: "conversions",
};

export function CampaignDetail() {
  const { id } = useParams();
  const { t, language } = useI18n();
  const p = usePageText({ ja, en });
  const canEdit = useCanEdit();
  const { shop } = useSession();
  const zone = shop?.timezone ?? "Asia/Tokyo";
  const { data, error, reload } = useLoad<CampaignWithReport>(
    `/v1/campaigns/${encodeURIComponent(id ?? "")}`,
  );
  const segments = useLoad<{ segments: SegmentSummary[] }>("/v1/segments");
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);

  async function cancel() {
    setBusy(true);
    setActionError(null);
    try {
      await api("POST", `/v1/campaigns/${data?.id}/cancel`, {});
      setAsking(false);
      setMessage(p("cancelled"));
      reload();
    } catch (err) {
      setActionError((err as Error).message);
    } finally {
      setBusy(false);
    }
  }

  const back = (
    <p>
      <Link to="/campaigns">← {p("back")}</Link>
    </p>
  );
  if (error)
    return (
      <section className="campaigns">
        {back}
        <p role="alert" className="error">
          {error}
        </p>
      </section>
    );
  if (!data) return <p className="loading">{t("loading")}</p>;
  const d = data.definition;
  const split = splitOf(d);
  const ab = d.variants.length > 1 && d.abTest;
  const when = (iso: string | null) => formatDateTime(iso, zone, language);
  return (
    <section className="campaigns campaigns-detail">
      {back}
      <div className="campaigns-head">
        <h1>{data.name}</h1>
        <CampaignStatusBadge status={data.status} />
      </div>
      {message && (
        <p role="status" className="campaigns-flash">
          {message}
        </p>
      )}
      {actionError && (
        <p role="alert" className="error">
          {actionError}
        </p>
      )}
      <dl className="facts">
        <dt>{p("audience")}</dt>
        <dd>
          {d.audience?.type === "segment"
            ? p("segment").replace(
                "{key}",
                segments.data?.segments.find((s) => s.key === d.audience?.key)?.name ?? d.audience.key,
              )
            : p("everyone")}
        </dd>
        <dt>{p("channels")}</dt>
        <dd>{d.channels.join(" → ")}</dd>
        <dt>{p("variants")}</dt>
        <dd>
          {d.variants
            .map((v) => (d.variants.length > 1 ? `${v.name}: ${v.template}` : v.template))
            .join(", ")}
        </dd>
        <dt>{p("abTest")}</dt>
        <dd>
          {ab
            ? p("abPlan")
                .replace("{per}", String(split.perVariant))
                .replace("{hours}", String(ab.winnerAfterHours))
                .replace("{metric}", p(ab.metric === "clicks" ? "metricClicks" : "metricConversions"))
                .replace("{rest}", String(split.rest))
            : p("noAb")}
        </dd>
        <dt>{p("holdout")}</dt>
        <dd>{d.holdoutPercent}%</dd>
        <dt>{p("window")}</dt>
        <dd>{p("hours").replace("{n}", String(d.conversionWindowHours))}</dd>
        <dt>{p("scheduledAt")}</dt>
        <dd data-testid="detail-scheduled-at">{when(data.scheduledAt)}</dd>
        <dt>{p("startedAt")}</dt>
        <dd>{when(data.startedAt)}</dd>
        <dt>{p("finishedAt")}</dt>
        <dd>{when(data.finishedAt)}</dd>
        <dt>{p("createdAt")}</dt>
        <dd>{when(data.createdAt)}</dd>
      </dl>

      {canEdit && cancellable(data, data.report) && (
        <div className="campaigns-cancel">
          {!asking && (
            <button type="button" onClick={() => setAsking(true)}>
              {p("cancel")}
            </button>
          )}
          {asking && (
            <div role="alertdialog" aria-label={p("cancel")} className="campaigns-ask">
              <p>{p("cancelAsk")}</p>
              <div className="campaigns-actions">
                <button type="button" onClick={() => setAsking(false)} disabled={busy}>
                  {p("cancelNo")}
                </button>
                <button type="button" className="campaigns-primary" onClick={cancel} disabled={busy}>
                  {p("cancelYes")}
                </button>
              </div>
            </div>
          )}
        </div>
      )}

      <h2>{p("results")}</h2>
      <Results campaign={data} />
    </section>
  );
}

function Results({ campaign }: { campaign: CampaignWithReport }) {
  const { language } = useI18n();
  const p = usePageText({ ja, en });
  const { shop } = useSession();
  const { report } = campaign;
  const locale = language === "ja" ? "ja-JP" : "en-US";
  const number = (n: number) => n.toLocaleString(locale);
  const percent = (rate: number) =>
    new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 1 }).format(rate);
  const money = (n: number) => formatMoney(n, shop?.currency ?? "JPY", language);
  if (report.arms.length === 0) return <p className="campaigns-note">{p("noResults")}</p>;
  const armName = (a: ArmReport) =>
    a.arm === "holdout"
      ? p("holdoutArm")
      : a.arm === "rest"
        ? p("restArm")
        : p("variantArm").replace("{name}", a.arm);
  const ab = campaign.definition.variants.length > 1;
  // Variants in their order, then the rest that got the winner, then the holdout.
  const order = (arm: string) => {
    const i = campaign.definition.variants.findIndex((v) => v.name === arm);
    return i >= 0 ? i : arm === "rest" ? 100 : 101;
  };
  const arms = [...report.arms].sort((x, y) => order(x.arm) - order(y.arm));
  return (
    <>
      <p>{p("entered").replace("{n}", number(report.entered))}</p>
      <div className="table-wrap">
        <table aria-label={p("results")} className="campaigns-table">
          <thead>
            <tr>
              <th>{p("arm")}</th>
              <th className="campaigns-num">{p("runs")}</th>
              <th className="campaigns-num">{p("sent")}</th>
              <th className="campaigns-num">{p("suppressed")}</th>
              <th className="campaigns-num">{p("opened")}</th>
              <th className="campaigns-num">{p("clicked")}</th>
              <th className="campaigns-num">{p("converted")}</th>
              <th className="campaigns-num">{p("rate")}</th>
              <th className="campaigns-num">{p("revenue")}</th>
            </tr>
          </thead>
          <tbody>
            {arms.map((a) => (
              <tr key={a.arm} data-arm={a.arm} className={a.arm === report.winner ? "campaigns-winner" : ""}>
                <td>
                  {armName(a)}
                  {a.arm === report.winner && <span className="campaigns-winner-mark"> ★ {p("winner")}</span>}
                </td>
                <td className="campaigns-num">{number(a.runs)}</td>
                <td className="campaigns-num">{number(a.sent)}</td>
                <td className="campaigns-num">{number(a.suppressed)}</td>
                <td className="campaigns-num">{number(a.opened)}</td>
                <td className="campaigns-num">{number(a.clicked)}</td>
                <td className="campaigns-num">{number(a.converted)}</td>
                <td className="campaigns-num">{percent(a.conversionRate)}</td>
                <td className="campaigns-num">{money(a.revenue)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <dl className="facts campaigns-outcome">
        {ab && (
          <>
            <dt>{p("winner")}</dt>
            <dd data-testid="winner">
              {report.winner ? p("variantArm").replace("{name}", report.winner) : p("winnerPending")}
            </dd>
          </>
        )}
        <dt>{p("lift")}</dt>
        <dd data-testid="lift">
          {report.lift
            ? `${p("liftRate")} ${report.lift.conversionRate >= 0 ? "+" : ""}${(report.lift.conversionRate * 100).toFixed(1)} pt · ${p("liftRevenue")} ${money(report.lift.incrementalRevenue)}`
            : p("noLift")}
        </dd>
      </dl>
    </>
  );
}
