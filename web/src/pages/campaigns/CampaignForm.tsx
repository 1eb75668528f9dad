// The new campaign's fields: who (a segment), how (channel, class, template or A/B variants with the
// test share, when and by what the winner is chosen), the holdout, and when it goes out. Each field
// shows the server's complaints about it right under it.
import type { FormEvent, ReactNode } from "react";
import { Link } from "react-router";
import type { ApiIssue } from "../../api";
import { usePageText } from "../../i18n";
import { type CampaignDraft, VARIANT_NAMES } from "./draft";
import { CHANNELS, type Channel, type SegmentSummary, type TemplateSummary } from "./model";

const ja = {
  name: "キャンペーン名",
  audience: "配信対象",
  segment: "セグメント",
  chooseSegment: "セグメントを選んでください",
  members: "{n} 人",
  noSegments: "セグメントがまだありません。",
  makeSegment: "セグメントを作る",
  channel: "チャネル",
  fallback: "届かない顧客には次のチャネルで",
  noFallback: "使わない",
  messageClass: "メッセージの種別",
  promotional: "販促（配信同意のある顧客のみ）",
  transactional: "取引・お知らせ（同意がなくても送信）",
  content: "内容",
  variant: "パターン {name}",
  template: "テンプレート",
  chooseTemplate: "テンプレートを選んでください",
  noTemplates: "このチャネルのテンプレートがまだありません。",
  makeTemplate: "テンプレートを作る",
  addVariant: "A/B テストのパターンを追加",
  removeVariant: "パターン {name} を削除",
  abTest: "A/B テスト",
  abIntro: "まず対象の一部に各パターンを送り、指定した時間のあとに成績のよいパターンを残りの全員に送ります。",
  testPercent: "テストに使う割合（%）",
  winnerAfterHours: "勝者を決めるまでの時間（時間）",
  metric: "勝者を決める指標",
  clicks: "クリック数",
  conversions: "コンバージョン数",
  measurement: "効果測定",
  holdoutPercent: "ホールドアウト（送らずに比較する割合、%）",
  conversionWindowHours: "コンバージョンを数える期間（時間）",
  when: "配信日時",
  now: "今すぐ配信",
  later: "日時を指定して予約",
  at: "配信日時（{zone}）",
  review: "配信対象を確認",
  reviewing: "確認しています…",
};
const en: typeof ja = {
  name: "Campaign name",
  audience: "Audience",
  segment: "Segment",
  chooseSegment: "Choose a segment",
  members: "{n} members",
  noSegments: "No segments yet.",
  makeSegment: "Make a segment",
  channel: "Channel",
  fallback: "Customers it cannot reach get it on",
  noFallback: "No other channel",
  messageClass: "Message class",
  promotional: "Promotional (only customers who consented)",
  transactional: "Transactional / notice (sent without consent)",
  content: "Content",
  variant: "Variant {name}",
  template: "Template",
  chooseTemplate: "Choose a template",
  noTemplates: "No templates for this channel yet.",
  makeTemplate: "Make a template",
  addVariant: "Add an A/B test variant",
  removeVariant: "Remove variant {name}",
  abTest: "A/B test",
  abIntro:
    "Each variant first goes to a share of the audience; after the hours you set, the best one goes to everyone else.",
  testPercent: "Share tested first (%)",
  winnerAfterHours: "Choose the winner after (hours)",
  metric: "Winner by",
  clicks: "Clicks",
  conversions: "Conversions",
  measurement: "Measurement",
  holdoutPercent: "Holdout: share not sent, for comparison (%)",
  conversionWindowHours: "Count orders for (hours)",
  when: "When",
  now: "Send now",
  later: "Schedule for a date and time",
  at: "Send at ({zone})",
  review: "Review the audience",
  reviewing: "Reviewing…",
};

type Text = (key: keyof typeof ja) => string;

const issueId = (slot: string) => `campaign-issues-${slot}`;

/** The complaints about one field, under it. */
export function FieldIssues({ slot, slots }: { slot: string; slots: Map<string, ApiIssue[]> }) {
  const issues = slots.get(slot) ?? [];
  if (issues.length === 0) return null;
  return (
    <ul id={issueId(slot)} className="error campaigns-issues" role="alert">
      {issues.map((i) => (
        <li key={`${i.field}:${i.message}`}>{i.message}</li>
      ))}
    </ul>
  );
}

const controlId = (slot: string) => `campaign-field-${slot}`;

/** The control's id for its label, and the aria attributes tying it to its complaints. */
function described(slot: string, slots: Map<string, ApiIssue[]>) {
  const id = controlId(slot);
  return slots.has(slot) ? { id, "aria-invalid": true, "aria-describedby": issueId(slot) } : { id };
}

function Field(props: { label: string; slot: string; slots: Map<string, ApiIssue[]>; children: ReactNode }) {
  return (
    <div className="campaigns-field">
      <label htmlFor={controlId(props.slot)}>{props.label}</label>
      {props.children}
      <FieldIssues slot={props.slot} slots={props.slots} />
    </div>
  );
}

export function CampaignForm(props: {
  draft: CampaignDraft;
  onChange(draft: CampaignDraft): void;
  slots: Map<string, ApiIssue[]>;
  segments: SegmentSummary[];
  templates: TemplateSummary[];
  timeZone: string;
  busy: boolean;
  onSubmit(event: FormEvent): void;
}) {
  const p = usePageText({ ja, en });
  const { draft, slots } = props;
  const set = (change: Partial<CampaignDraft>) => props.onChange({ ...draft, ...change });
  const ab = draft.variants.length > 1;

  return (
    <form className="campaigns-form" onSubmit={props.onSubmit}>
      <Field label={p("name")} slot="name" slots={slots}>
        <input
          value={draft.name}
          onChange={(e) => set({ name: e.target.value })}
          required
          maxLength={200}
          {...described("name", slots)}
        />
      </Field>

      <fieldset>
        <legend>{p("audience")}</legend>
        <Field label={p("segment")} slot="segment" slots={slots}>
          <select
            value={draft.segment}
            onChange={(e) => set({ segment: e.target.value })}
            required
            {...described("segment", slots)}
          >
            <option value="">{p("chooseSegment")}</option>
            {props.segments.map((s) => (
              <option key={s.key} value={s.key}>
                {s.name} ({p("members").replace("{n}", s.members.toLocaleString())})
              </option>
            ))}
          </select>
        </Field>
        {props.segments.length === 0 && (
          <p className="campaigns-note">
            {p("noSegments")} <Link to="/segments">{p("makeSegment")}</Link>
          </p>
        )}
      </fieldset>

      <fieldset>
        <legend>{p("content")}</legend>
        <ChannelFields p={p} draft={draft} set={set} slots={slots} />
        <FieldIssues slot="variants" slots={slots} />
        {draft.variants.map((v, index) => (
          <VariantRow
            key={v.name}
            p={p}
            index={index}
            draft={draft}
            set={set}
            slots={slots}
            templates={props.templates}
          />
        ))}
        {draft.variants.length < VARIANT_NAMES.length && (
          <button
            type="button"
            onClick={() => {
              const name = VARIANT_NAMES.find((n) => !draft.variants.some((v) => v.name === n)) ?? "E";
              set({ variants: [...draft.variants, { name, template: "" }] });
            }}
          >
            {p("addVariant")}
          </button>
        )}
      </fieldset>

      {ab && (
        <fieldset className="campaigns-ab" {...described("abTest", slots)}>
          <legend>{p("abTest")}</legend>
          <p className="campaigns-note">{p("abIntro")}</p>
          <FieldIssues slot="abTest" slots={slots} />
          <div className="campaigns-row">
            <Field label={p("testPercent")} slot="testPercent" slots={slots}>
              <input
                type="number"
                min={2}
                max={100}
                required
                value={draft.testPercent}
                onChange={(e) => set({ testPercent: e.target.value })}
                {...described("testPercent", slots)}
              />
            </Field>
            <Field label={p("winnerAfterHours")} slot="winnerAfterHours" slots={slots}>
              <input
                type="number"
                min={1}
                max={168}
                required
                value={draft.winnerAfterHours}
                onChange={(e) => set({ winnerAfterHours: e.target.value })}
                {...described("winnerAfterHours", slots)}
              />
            </Field>
            <Field label={p("metric")} slot="metric" slots={slots}>
              <select
                value={draft.metric}
                onChange={(e) => set({ metric: e.target.value as CampaignDraft["metric"] })}
                {...described("metric", slots)}
              >
                <option value="clicks">{p("clicks")}</option>
                <option value="conversions">{p("conversions")}</option>
              </select>
            </Field>
          </div>
        </fieldset>
      )}

      <fieldset>
        <legend>{p("measurement")}</legend>
        <div className="campaigns-row">
          <Field label={p("holdoutPercent")} slot="holdoutPercent" slots={slots}>
            <input
              type="number"
              min={0}
              max={50}
              required
              value={draft.holdoutPercent}
              onChange={(e) => set({ holdoutPercent: e.target.value })}
              {...described("holdoutPercent", slots)}
            />
          </Field>
          <Field label={p("conversionWindowHours")} slot="conversionWindowHours" slots={slots}>
            <input
              type="number"
              min={1}
              max={720}
              required
              value={draft.conversionWindowHours}
              onChange={(e) => set({ conversionWindowHours: e.target.value })}
              {...described("conversionWindowHours", slots)}
            />
          </Field>
        </div>
      </fieldset>

      <fieldset>
        <legend>{p("when")}</legend>
        <label className="campaigns-choice">
          <input
            type="radio"
            name="campaign-when"
            checked={draft.when === "now"}
            onChange={() => set({ when: "now" })}
          />
          {p("now")}
        </label>
        <label className="campaigns-choice">
          <input
            type="radio"
            name="campaign-when"
            checked={draft.when === "later"}
            onChange={() => set({ when: "later" })}
          />
          {p("later")}
        </label>
        {draft.when === "later" && (
          <Field label={p("at").replace("{zone}", props.timeZone)} slot="at" slots={slots}>
            <input
              type="datetime-local"
              required
              value={draft.at}
              onChange={(e) => set({ at: e.target.value })}
              {...described("at", slots)}
            />
          </Field>
        )}
      </fieldset>

      <button type="submit" disabled={props.busy}>
        {props.busy ? p("reviewing") : p("review")}
      </button>
    </form>
  );
}

function ChannelFields(props: {
  p: Text;
  draft: CampaignDraft;
  set(change: Partial<CampaignDraft>): void;
  slots: Map<string, ApiIssue[]>;
}) {
  const { p, draft, set, slots } = props;
  return (
    <div className="campaigns-row">
      <Field label={p("channel")} slot="channel" slots={slots}>
        <select
          value={draft.channel}
          onChange={(e) => {
            const channel = e.target.value as Channel;
            set({ channel, fallback: draft.fallback === channel ? "" : draft.fallback });
          }}
          {...described("channel", slots)}
        >
          {CHANNELS.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      </Field>
      <Field label={p("fallback")} slot="fallback" slots={slots}>
        <select
          value={draft.fallback}
          onChange={(e) => set({ fallback: e.target.value as Channel | "" })}
          {...described("fallback", slots)}
        >
          <option value="">{p("noFallback")}</option>
          {CHANNELS.filter((c) => c !== draft.channel).map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      </Field>
      <Field label={p("messageClass")} slot="messageClass" slots={slots}>
        <select
          value={draft.messageClass}
          onChange={(e) => set({ messageClass: e.target.value as CampaignDraft["messageClass"] })}
          {...described("messageClass", slots)}
        >
          <option value="promotional">{p("promotional")}</option>
          <option value="transactional">{p("transactional")}</option>
        </select>
      </Field>
    </div>
  );
}

function VariantRow(props: {
  p: Text;
  index: number;
  draft: CampaignDraft;
  set(change: Partial<CampaignDraft>): void;
  slots: Map<string, ApiIssue[]>;
  templates: TemplateSummary[];
}) {
  const { p, index, draft, set, slots } = props;
  const variant = draft.variants[index];
  // One option per key: a template is chosen by key, its language follows the customer.
  const keys = [...new Set(props.templates.filter((t) => t.channel === draft.channel).map((t) => t.key))];
  const subjectOf = (key: string) =>
    props.templates.find((t) => t.key === key && t.channel === draft.channel)?.subject;
  const ab = draft.variants.length > 1;
  const label = ab ? `${p("variant").replace("{name}", variant.name)}: ${p("template")}` : p("template");
  const templateSlot = `variant-${index}-template`;
  const changeTemplate = (template: string) =>
    set({ variants: draft.variants.map((v, i) => (i === index ? { ...v, template } : v)) });
  return (
    <div className="campaigns-variant" data-variant={variant.name}>
      <Field label={label} slot={templateSlot} slots={slots}>
        <select
          value={variant.template}
          onChange={(e) => changeTemplate(e.target.value)}
          required
          {...described(templateSlot, slots)}
        >
          <option value="">{p("chooseTemplate")}</option>
          {variant.template && !keys.includes(variant.template) && (
            <option value={variant.template}>{variant.template}</option>
          )}
          {keys.map((key) => {
            const subject = subjectOf(key);
            return (
              <option key={key} value={key}>
                {subject ? `${key} — ${subject}` : key}
              </option>
            );
          })}
        </select>
      </Field>
      <FieldIssues slot={`variant-${index}-name`} slots={slots} />
      {keys.length === 0 && index === 0 && (
        <p className="campaigns-note">
          {p("noTemplates")} <Link to="/templates">{p("makeTemplate")}</Link>
        </p>
      )}
      {ab && (
        <button
          type="button"
          className="campaigns-remove"
          onClick={() => set({ variants: draft.variants.filter((_, i) => i !== index) })}
        >
          {p("removeVariant").replace("{name}", variant.name)}
        </button>
      )}
    </div>
  );
}
