// Campaigns: one-off sends to a segment, now or scheduled, with A/B variants and a holdout. The list
// (with results once sent), a new campaign with a confirmation of its audience (/campaigns/new), and
// each campaign's results per arm (/campaigns/:id).
import { Link, Route, Routes, useLocation } from "react-router";
import { formatDateTime, formatMoney, useI18n, usePageText } from "../i18n";
import { useCanEdit, useSession } from "../session";
import { useLoad } from "../useLoad";
import "./Campaigns.css";
import { CampaignDetail } from "./campaigns/CampaignDetail";
import type { Campaign, CampaignWithReport } from "./campaigns/model";
import { NewCampaign } from "./campaigns/NewCampaign";
import { CampaignStatusBadge } from "./campaigns/StatusBadge";

const ja = {
  create: "新しいキャンペーン",
  none: "キャンペーンはまだありません。",
  name: "名前",
  status: "状態",
  scheduledAt: "予約日時",
  startedAt: "開始日時",
  sent: "送信数",
  converted: "コンバージョン",
  revenue: "売上",
  list: "キャンペーン一覧",
  readOnly: "閲覧のみの権限です。キャンペーンの作成・中止はマーケターまたはオーナーが行えます。",
  zoneNote: "日時はショップのタイムゾーン（{zone}）で表示しています。",
};
const en: typeof ja = {
  create: "New campaign",
  none: "No campaigns yet.",
  name: "Name",
  status: "Status",
  scheduledAt: "Scheduled for",
  startedAt: "Started",
  sent: "Sent",
  converted: "Conversions",
  revenue: "Revenue",
  list: "Campaigns",
  readOnly: "Your role reads only. A marketer or an owner can create and cancel campaigns.",
  zoneNote: "Times are in the shop's time zone ({zone}).",
};

export function Campaigns() {
  return (
    <Routes>
      <Route index element={<CampaignList />} />
      <Route path="new" element={<NewCampaign />} />
      <Route path=":id" element={<CampaignDetail />} />
    </Routes>
  );
}

function CampaignList() {
  const { t } = useI18n();
  const p = usePageText({ ja, en });
  const canEdit = useCanEdit();
  const { shop } = useSession();
  const location = useLocation();
  const flash = (location.state as { flash?: string } | null)?.flash;
  const { data, error } = useLoad<{ campaigns: Campaign[] }>("/v1/campaigns");
  const zone = shop?.timezone ?? "Asia/Tokyo";

  return (
    <section className="campaigns">
      <div className="campaigns-head">
        <h1>{t("campaigns")}</h1>
        {canEdit && (
          <Link className="campaigns-button" to="/campaigns/new">
            {p("create")}
          </Link>
        )}
      </div>
      {flash && (
        <p role="status" className="campaigns-flash">
          {flash}
        </p>
      )}
      {!canEdit && <p className="campaigns-note">{p("readOnly")}</p>}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {!data && !error && <p className="loading">{t("loading")}</p>}
      {data && data.campaigns.length === 0 && <p>{p("none")}</p>}
      {data && data.campaigns.length > 0 && (
        <>
          <p className="campaigns-note">{p("zoneNote").replace("{zone}", zone)}</p>
          <div className="table-wrap">
            <table aria-label={p("list")} className="campaigns-table">
              <thead>
                <tr>
                  <th>{p("name")}</th>
                  <th>{p("status")}</th>
                  <th>{p("scheduledAt")}</th>
                  <th>{p("startedAt")}</th>
                  <th className="campaigns-num">{p("sent")}</th>
                  <th className="campaigns-num">{p("converted")}</th>
                  <th className="campaigns-num">{p("revenue")}</th>
                </tr>
              </thead>
              <tbody>
                {data.campaigns.map((c) => (
                  <CampaignRow key={c.id} campaign={c} />
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}

function CampaignRow({ campaign: c }: { campaign: Campaign }) {
  const { language } = useI18n();
  const { shop } = useSession();
  const zone = shop?.timezone ?? "Asia/Tokyo";
  return (
    <tr data-id={c.id}>
      <td className="campaigns-name">
        <Link to={`/campaigns/${c.id}`}>{c.name}</Link>
      </td>
      <td>
        <CampaignStatusBadge status={c.status} />
      </td>
      <td data-testid="scheduled-at">{formatDateTime(c.scheduledAt, zone, language)}</td>
      <td>{formatDateTime(c.startedAt, zone, language)}</td>
      {c.startedAt ? (
        <RowResults id={c.id} />
      ) : (
        <>
          <td className="campaigns-num">—</td>
          <td className="campaigns-num">—</td>
          <td className="campaigns-num">—</td>
        </>
      )}
    </tr>
  );
}

/** Totals over the arms, for a campaign that has started (a draft or a scheduled one has none). */
function RowResults({ id }: { id: number }) {
  const { language } = useI18n();
  const { shop } = useSession();
  const { data } = useLoad<CampaignWithReport>(`/v1/campaigns/${id}`);
  const arms = data?.report.arms ?? [];
  const sum = (pick: (a: (typeof arms)[number]) => number) => arms.reduce((s, a) => s + pick(a), 0);
  const cell = (value: string) => <td className="campaigns-num">{data ? value : "…"}</td>;
  const number = new Intl.NumberFormat(language === "ja" ? "ja-JP" : "en-US");
  return (
    <>
      {cell(number.format(sum((a) => a.sent)))}
      {cell(number.format(sum((a) => a.converted)))}
      {cell(
        formatMoney(
          sum((a) => a.revenue),
          shop?.currency ?? "JPY",
          language,
        ),
      )}
    </>
  );
}
