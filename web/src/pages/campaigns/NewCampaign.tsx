// A new campaign in two steps: the form, then a confirmation of who it will reach now (matching the
// segment → reachable with consent and not suppressed → sendable under the frequency caps, and the
// holdout), from which the marketer creates and schedules it in one go.
import { type FormEvent, useMemo, useState } from "react";
import { Link, useNavigate } from "react-router";
import { ApiError, type ApiIssue, api } from "../../api";
import { formatDateTime, useI18n, usePageText } from "../../i18n";
import { useCanEdit, useSession } from "../../session";
import { useLoad } from "../../useLoad";
import { CampaignForm, FieldIssues } from "./CampaignForm";
import { type CampaignDraft, emptyDraft, scheduleOf, toCampaignInput } from "./draft";
import {
  type AudiencePreview,
  type Campaign,
  type CampaignInput,
  issuesBySlot,
  type SegmentSummary,
  shopLocalValue,
  splitOf,
  type TemplateSummary,
} from "./model";

const ja = {
  title: "新しいキャンペーン",
  back: "キャンペーン一覧",
  readOnly: "閲覧のみの権限です。キャンペーンの作成はマーケターまたはオーナーが行えます。",
  confirmTitle: "配信対象の確認",
  confirmIntro: "いまの時点で数えた人数です。配信の開始時にもう一度数え直します。",
  matching: "セグメントに該当",
  reachable: "送信可能（配信同意あり・配信停止なし）",
  sendable: "配信頻度の上限内",
  holdout: "うちホールドアウト（送らずに比較）",
  notReachable: "同意なし・宛先なし・配信停止: {n} 人",
  capped: "配信頻度の上限で見送り: {n} 人",
  people: "{n} 人",
  summary: "内容",
  name: "キャンペーン名",
  segment: "セグメント",
  channels: "チャネル",
  templates: "テンプレート",
  split: "配分",
  splitAb:
    "各パターン {per}%・{hours} 時間後に{metric}で勝者を決めて残り {rest}% に送信・ホールドアウト {holdout}%",
  splitOne: "送信 {per}%・ホールドアウト {holdout}%",
  clicks: "クリック数",
  conversions: "コンバージョン数",
  when: "配信日時",
  now: "今すぐ",
  edit: "修正する",
  createNow: "作成して今すぐ配信",
  createLater: "作成して予約",
  creating: "作成しています…",
  scheduledFlash: "「{name}」を {at} に予約しました。",
  startedFlash: "「{name}」の配信を開始しました。",
  atMissing: "配信日時を入れてください",
  atPast: "これから先の日時を指定してください",
  draftLeft: "下書きとして保存されましたが、予約できませんでした: ",
};
const en: typeof ja = {
  title: "New campaign",
  back: "All campaigns",
  readOnly: "Your role reads only. A marketer or an owner can create campaigns.",
  confirmTitle: "Confirm the audience",
  confirmIntro: "Counted now; the audience is counted again when the campaign starts.",
  matching: "Match the segment",
  reachable: "Reachable (consented, not suppressed)",
  sendable: "Within frequency caps",
  holdout: "Of whom held out (not sent, for comparison)",
  notReachable: "No consent, no address or suppressed: {n}",
  capped: "Held back by frequency caps: {n}",
  people: "{n}",
  summary: "Content",
  name: "Name",
  segment: "Segment",
  channels: "Channels",
  templates: "Templates",
  split: "Split",
  splitAb:
    "{per}% per variant; after {hours} h the winner by {metric} goes to the other {rest}%; holdout {holdout}%",
  splitOne: "Sent to {per}%; holdout {holdout}%",
  clicks: "clicks",
  conversions: "conversions",
  when: "When",
  now: "Now",
  edit: "Edit",
  createNow: "Create and send now",
  createLater: "Create and schedule",
  creating: "Creating…",
  scheduledFlash: "“{name}” is scheduled for {at}.",
  startedFlash: "“{name}” is starting now.",
  atMissing: "Enter the date and time",
  atPast: "Choose a time in the future",
  draftLeft: "Saved as a draft, but it could not be scheduled: ",
};

interface Reviewed {
  input: CampaignInput;
  at: string | undefined;
  preview: AudiencePreview;
}

export function NewCampaign() {
  const { t, language } = useI18n();
  const p = usePageText({ ja, en });
  const canEdit = useCanEdit();
  const { shop } = useSession();
  const navigate = useNavigate();
  const zone = shop?.timezone ?? "Asia/Tokyo";
  const segments = useLoad<{ segments: SegmentSummary[] }>("/v1/segments");
  const templates = useLoad<{ templates: TemplateSummary[] }>("/v1/templates");
  const [draft, setDraft] = useState<CampaignDraft>(() =>
    emptyDraft(shopLocalValue(new Date(), zone, 1, 10)),
  );
  const [issues, setIssues] = useState<ApiIssue[]>([]);
  const [reviewed, setReviewed] = useState<Reviewed | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const slots = useMemo(() => issuesBySlot(issues, draft.variants), [issues, draft.variants]);

  /** A refusal: its issues go beside their fields, a plain failure above the form. */
  function refused(err: unknown) {
    if (err instanceof ApiError && err.issues.length > 0) setIssues(err.issues);
    else setError((err as Error).message);
  }

  async function review(event: FormEvent) {
    event.preventDefault();
    setIssues([]);
    setError(null);
    const schedule = scheduleOf(draft, zone, new Date());
    if (schedule.problem) {
      setIssues([{ field: "at", message: p(schedule.problem === "past" ? "atPast" : "atMissing") }]);
      return;
    }
    const input = toCampaignInput(draft);
    setBusy(true);
    try {
      const preview = await api<AudiencePreview>("POST", "/v1/campaigns/preview", input);
      setReviewed({ input, at: schedule.at, preview });
    } catch (err) {
      refused(err);
    } finally {
      setBusy(false);
    }
  }

  async function confirm() {
    if (!reviewed) return;
    setBusy(true);
    setError(null);
    let created: Campaign;
    try {
      created = await api<Campaign>("POST", "/v1/campaigns", reviewed.input);
    } catch (err) {
      // The template check happens on create: back to the form, with the complaint by its field.
      setReviewed(null);
      refused(err);
      setBusy(false);
      return;
    }
    try {
      const scheduled = await api<Campaign>(
        "POST",
        `/v1/campaigns/${created.id}/schedule`,
        reviewed.at ? { at: reviewed.at } : {},
      );
      const flash = reviewed.at
        ? p("scheduledFlash")
            .replace("{name}", scheduled.name)
            .replace("{at}", formatDateTime(scheduled.scheduledAt, zone, language))
        : p("startedFlash").replace("{name}", scheduled.name);
      navigate("/campaigns", { state: { flash } });
    } catch (err) {
      setError(p("draftLeft") + (err as Error).message);
      setBusy(false);
    }
  }

  const loadError = segments.error ?? templates.error;
  return (
    <section className="campaigns campaigns-new">
      <p>
        <Link to="/campaigns">← {p("back")}</Link>
      </p>
      <h1>{reviewed ? p("confirmTitle") : p("title")}</h1>
      {!canEdit && <p className="campaigns-note">{p("readOnly")}</p>}
      {(error ?? loadError) && (
        <p role="alert" className="error">
          {error ?? loadError}
        </p>
      )}
      <FieldIssues slot="general" slots={slots} />
      {canEdit && !reviewed && segments.data && templates.data && (
        <CampaignForm
          draft={draft}
          onChange={setDraft}
          slots={slots}
          segments={segments.data.segments.filter((s) => s.status === "active")}
          templates={templates.data.templates}
          timeZone={zone}
          busy={busy}
          onSubmit={review}
        />
      )}
      {canEdit && !reviewed && !(segments.data && templates.data) && !loadError && (
        <p className="loading">{t("loading")}</p>
      )}
      {canEdit && reviewed && (
        <ConfirmAudience
          p={p}
          reviewed={reviewed}
          segmentName={segments.data?.segments.find((s) => s.key === draft.segment)?.name ?? draft.segment}
          busy={busy}
          onEdit={() => setReviewed(null)}
          onConfirm={confirm}
        />
      )}
    </section>
  );
}

function ConfirmAudience(props: {
  p: (key: keyof typeof ja) => string;
  reviewed: Reviewed;
  segmentName: string;
  busy: boolean;
  onEdit(): void;
  onConfirm(): void;
}) {
  const { p, reviewed } = props;
  const { language } = useI18n();
  const { shop } = useSession();
  const { preview, input } = reviewed;
  const zone = shop?.timezone ?? "Asia/Tokyo";
  const number = (n: number) => n.toLocaleString(language === "ja" ? "ja-JP" : "en-US");
  const people = (n: number) => p("people").replace("{n}", number(n));
  const split = splitOf(input);
  const splitText = (input.abTest && input.variants.length > 1 ? p("splitAb") : p("splitOne"))
    .replace("{per}", String(split.perVariant))
    .replace("{rest}", String(split.rest))
    .replace("{holdout}", String(split.holdout))
    .replace("{hours}", String(input.abTest?.winnerAfterHours ?? ""))
    .replace("{metric}", input.abTest ? p(input.abTest.metric) : "");
  const steps: Array<[keyof typeof ja, number, string]> = [
    ["matching", preview.matching, "matching"],
    ["reachable", preview.reachable, "reachable"],
    ["sendable", preview.sendable, "sendable"],
  ];
  return (
    <div className="campaigns-confirm">
      <p className="campaigns-note">{p("confirmIntro")}</p>
      <ol className="campaigns-funnel" aria-label={p("confirmTitle")}>
        {steps.map(([label, n, id]) => (
          <li key={id}>
            <span className="campaigns-funnel-label">{p(label)}</span>
            <strong data-testid={`audience-${id}`}>{people(n)}</strong>
            {id === "reachable" && preview.matching > preview.reachable && (
              <span className="campaigns-note">
                {p("notReachable").replace("{n}", number(preview.matching - preview.reachable))}
              </span>
            )}
            {id === "sendable" && preview.reachable > preview.sendable && (
              <span className="campaigns-note">
                {p("capped").replace("{n}", number(preview.reachable - preview.sendable))}
              </span>
            )}
          </li>
        ))}
        <li className="campaigns-funnel-holdout">
          <span className="campaigns-funnel-label">{p("holdout")}</span>
          <strong data-testid="audience-holdout">{people(preview.holdout)}</strong>
        </li>
      </ol>
      <h2>{p("summary")}</h2>
      <dl className="facts">
        <dt>{p("name")}</dt>
        <dd>{input.name}</dd>
        <dt>{p("segment")}</dt>
        <dd>{props.segmentName}</dd>
        <dt>{p("channels")}</dt>
        <dd>{input.channels.join(" → ")}</dd>
        <dt>{p("templates")}</dt>
        <dd>
          {input.variants
            .map((v) => (input.variants.length > 1 ? `${v.name}: ${v.template}` : v.template))
            .join(", ")}
        </dd>
        <dt>{p("split")}</dt>
        <dd>{splitText}</dd>
        <dt>{p("when")}</dt>
        <dd data-testid="confirm-when">
          {reviewed.at ? `${formatDateTime(reviewed.at, zone, language)} (${zone})` : p("now")}
        </dd>
      </dl>
      <div className="campaigns-actions">
        <button type="button" onClick={props.onEdit} disabled={props.busy}>
          {p("edit")}
        </button>
        <button type="button" className="campaigns-primary" onClick={props.onConfirm} disabled={props.busy}>
          {props.busy ? p("creating") : reviewed.at ? p("createLater") : p("createNow")}
        </button>
      </div>
    </div>
  );
}
