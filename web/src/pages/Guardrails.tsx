// Settings → Guardrails: the shop's frequency caps (at most N promotional messages per D days, on one
// channel or across all) and quiet hours per channel in the shop's time zone. Scenarios may override
// them; transactional messages are exempt. Owners change them, as with the channels; others read.
import { type FormEvent, useEffect, useState } from "react";
import { ApiError, type ApiIssue, api } from "../api";
import { useI18n, usePageText } from "../i18n";
import { useCanEdit, useSession } from "../session";
import { useLoad } from "../useLoad";
import "./Settings.css";

const QUIET_CHANNELS = ["email", "line", "sms", "push"] as const;
type QuietChannel = (typeof QUIET_CHANNELS)[number];
const CAP_CHANNELS = ["", "email", "line", "sms", "push", "postal"] as const;

interface Cap {
  max: number;
  perDays: number;
  channel?: string;
}
interface Window {
  from: string;
  to: string;
}
interface GuardrailsView {
  frequencyCaps: Cap[];
  quietHours: Record<string, Window | null>;
  defaults: { frequencyCaps: Cap[]; quietHours: Record<string, Window | null> };
}

/** A cap as the form holds it: numbers as typed, so a bad one reaches the server and is named. */
interface CapRow {
  key: number;
  max: string;
  perDays: string;
  channel: string;
}
interface QuietRow {
  on: boolean;
  from: string;
  to: string;
}

const ja = {
  lead: "顧客に送りすぎないためのルールです。取引メッセージ（注文確認など）には適用されません。シナリオごとに上書きできます。",
  readOnly: "閲覧のみの権限です。配信ルールの変更はオーナーかマーケターが行います。",
  caps: "送信回数の上限",
  capsLead: "一人の顧客に送る販促メッセージの数を、期間ごとに制限します。",
  max: "上限（通）",
  perDays: "期間（日）",
  channel: "チャネル",
  allChannels: "すべてのチャネル",
  remove: "削除",
  removeCap: "上限 {n} を削除",
  addCap: "上限を追加",
  noCaps: "上限はありません。販促メッセージは回数の制限なく送られます。",
  capSentence: "{days} 日間に {max} 通まで",
  capSentenceDay: "1 日に {max} 通まで",
  quiet: "送信しない時間帯",
  quietLead:
    "この時間帯に届く販促メッセージは、時間帯が明けてから送ります。時刻はショップのタイムゾーン（{zone}）です。",
  quietOn: "{channel} で時間帯を設ける",
  from: "開始",
  to: "終了",
  off: "なし",
  save: "保存",
  saving: "保存しています…",
  saved: "保存しました。",
  defaults: "初期設定に戻す",
  failed: "保存できませんでした。赤字の項目を確認してください。",
  email: "メール",
  line: "LINE",
  sms: "SMS",
  push: "Web プッシュ",
  postal: "郵送 DM",
};
const en: typeof ja = {
  lead: "Rules that keep the shop from tiring its customers. Transactional messages (order confirmations…) are exempt; a scenario may override them.",
  readOnly: "Read-only access: owners and marketers change guardrails.",
  caps: "Frequency caps",
  capsLead: "How many promotional messages one customer may get in a period.",
  max: "At most (messages)",
  perDays: "Per (days)",
  channel: "Channel",
  allChannels: "All channels",
  remove: "Remove",
  removeCap: "Remove cap {n}",
  addCap: "Add a cap",
  noCaps: "No caps: promotional messages go out without a limit.",
  capSentence: "at most {max} in {days} days",
  capSentenceDay: "at most {max} a day",
  quiet: "Quiet hours",
  quietLead:
    "Promotional messages due in these hours wait until they end. Times are in the shop's time zone ({zone}).",
  quietOn: "Quiet hours for {channel}",
  from: "From",
  to: "To",
  off: "None",
  save: "Save",
  saving: "Saving…",
  saved: "Saved.",
  defaults: "Restore defaults",
  failed: "Not saved: see the fields marked in red.",
  email: "Email",
  line: "LINE",
  sms: "SMS",
  push: "Web push",
  postal: "Postal DM",
};

let nextKey = 1;
const capRows = (caps: Cap[]): CapRow[] =>
  caps.map((c) => ({
    key: nextKey++,
    max: String(c.max),
    perDays: String(c.perDays),
    channel: c.channel ?? "",
  }));
const quietRows = (quiet: Record<string, Window | null>) =>
  Object.fromEntries(
    QUIET_CHANNELS.map((c) => {
      const w = quiet[c];
      return [c, w ? { on: true, ...w } : { on: false, from: "21:00", to: "08:00" }];
    }),
  ) as Record<QuietChannel, QuietRow>;

/** A typed number, or what was typed (so the server names the field) when it is not one. */
const numberOrText = (v: string): number | string | null =>
  v.trim() === "" ? null : Number.isFinite(Number(v)) ? Number(v) : v;

function Issues({ id, issues }: { id: string; issues: ApiIssue[] }) {
  if (issues.length === 0) return null;
  return (
    <ul id={id} className="error settings-issues" role="alert">
      {issues.map((i) => (
        <li key={i.message}>{i.message}</li>
      ))}
    </ul>
  );
}

export function Guardrails() {
  const { t } = useI18n();
  const p = usePageText({ ja, en });
  const { shop } = useSession();
  const canEdit = useCanEdit();
  const zone = shop?.timezone ?? "Asia/Tokyo";
  const { data, error } = useLoad<GuardrailsView>("/v1/shop/guardrails");
  const [caps, setCaps] = useState<CapRow[]>([]);
  const [quiet, setQuiet] = useState<Record<QuietChannel, QuietRow> | null>(null);
  const [issues, setIssues] = useState<ApiIssue[]>([]);
  const [status, setStatus] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    if (!data) return;
    setCaps(capRows(data.frequencyCaps));
    setQuiet(quietRows(data.quietHours));
  }, [data]);

  const issuesOf = (field: string) => issues.filter((i) => i.field === field);
  const known = (field: string) =>
    /^frequencyCaps\[\d+\]\.(max|perDays|channel)$/.test(field) || /^quietHours\.\w+\.(from|to)$/.test(field);
  const general = issues.filter((i) => !known(i.field));
  const fill = (s: string, values: Record<string, string | number>) =>
    s.replace(/\{(\w+)\}/g, (_, k: string) => String(values[k] ?? ""));

  function updateCap(index: number, patch: Partial<CapRow>) {
    setCaps(caps.map((c, i) => (i === index ? { ...c, ...patch } : c)));
  }

  async function save(event: FormEvent) {
    event.preventDefault();
    if (!quiet) return;
    setStatus(null);
    setIssues([]);
    setSaving(true);
    const body = {
      frequencyCaps: caps.map((c) => ({
        max: numberOrText(c.max),
        perDays: numberOrText(c.perDays),
        ...(c.channel ? { channel: c.channel } : {}),
      })),
      quietHours: Object.fromEntries(
        QUIET_CHANNELS.map((c) => [c, quiet[c].on ? { from: quiet[c].from, to: quiet[c].to } : null]),
      ),
    };
    try {
      const saved = await api<GuardrailsView>("PUT", "/v1/shop/guardrails", body);
      setCaps(capRows(saved.frequencyCaps));
      setQuiet(quietRows(saved.quietHours));
      setStatus(p("saved"));
    } catch (err) {
      if (err instanceof ApiError && err.issues.length > 0) setIssues(err.issues);
      else setIssues([{ field: "", message: err instanceof Error ? err.message : String(err) }]);
    } finally {
      setSaving(false);
    }
  }

  function restoreDefaults() {
    if (!data) return;
    setCaps(capRows(data.defaults.frequencyCaps));
    setQuiet(quietRows(data.defaults.quietHours));
    setIssues([]);
    setStatus(null);
  }

  const described = (id: string, list: ApiIssue[]) => (list.length > 0 ? id : undefined);

  return (
    <section className="settings">
      <h1>{t("guardrails")}</h1>
      <p className="settings-note">{p("lead")}</p>
      {!canEdit && <p className="settings-readonly">{p("readOnly")}</p>}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {data && quiet && (
        <form className="settings-form" onSubmit={save} noValidate>
          <fieldset disabled={!canEdit || saving}>
            <article className="settings-card" aria-labelledby="caps-title">
              <h2 id="caps-title">{p("caps")}</h2>
              <p className="settings-note">{p("capsLead")}</p>
              {caps.length === 0 && <p>{p("noCaps")}</p>}
              <ol className="settings-caps">
                {caps.map((cap, i) => {
                  const maxIssues = issuesOf(`frequencyCaps[${i}].max`);
                  const daysIssues = issuesOf(`frequencyCaps[${i}].perDays`);
                  const channelIssues = issuesOf(`frequencyCaps[${i}].channel`);
                  return (
                    <li key={cap.key} className="settings-cap" data-testid="cap-row">
                      <div className="settings-field">
                        <label htmlFor={`cap-${i}-max`}>{p("max")}</label>
                        <input
                          id={`cap-${i}-max`}
                          type="number"
                          inputMode="numeric"
                          min={1}
                          max={1000}
                          value={cap.max}
                          aria-invalid={maxIssues.length > 0}
                          aria-describedby={described(`cap-${i}-max-issues`, maxIssues)}
                          onChange={(e) => updateCap(i, { max: e.target.value })}
                        />
                        <Issues id={`cap-${i}-max-issues`} issues={maxIssues} />
                      </div>
                      <div className="settings-field">
                        <label htmlFor={`cap-${i}-days`}>{p("perDays")}</label>
                        <input
                          id={`cap-${i}-days`}
                          type="number"
                          inputMode="numeric"
                          min={1}
                          max={365}
                          value={cap.perDays}
                          aria-invalid={daysIssues.length > 0}
                          aria-describedby={described(`cap-${i}-days-issues`, daysIssues)}
                          onChange={(e) => updateCap(i, { perDays: e.target.value })}
                        />
                        <Issues id={`cap-${i}-days-issues`} issues={daysIssues} />
                      </div>
                      <div className="settings-field">
                        <label htmlFor={`cap-${i}-channel`}>{p("channel")}</label>
                        <select
                          id={`cap-${i}-channel`}
                          value={cap.channel}
                          aria-invalid={channelIssues.length > 0}
                          onChange={(e) => updateCap(i, { channel: e.target.value })}
                        >
                          {CAP_CHANNELS.map((c) => (
                            <option key={c} value={c}>
                              {c === "" ? p("allChannels") : p(c)}
                            </option>
                          ))}
                        </select>
                        <Issues id={`cap-${i}-channel-issues`} issues={channelIssues} />
                      </div>
                      <p className="settings-cap-sentence">
                        {Number(cap.max) > 0 && Number(cap.perDays) > 0
                          ? `${cap.channel ? p(cap.channel as (typeof CAP_CHANNELS)[number] & keyof typeof ja) : p("allChannels")}: ${fill(p(Number(cap.perDays) === 1 ? "capSentenceDay" : "capSentence"), { max: cap.max, days: cap.perDays })}`
                          : ""}
                      </p>
                      {canEdit && (
                        <button
                          type="button"
                          aria-label={fill(p("removeCap"), { n: i + 1 })}
                          onClick={() => setCaps(caps.filter((_, j) => j !== i))}
                        >
                          {p("remove")}
                        </button>
                      )}
                    </li>
                  );
                })}
              </ol>
              {canEdit && (
                <button
                  type="button"
                  onClick={() => setCaps([...caps, { key: nextKey++, max: "1", perDays: "1", channel: "" }])}
                >
                  {p("addCap")}
                </button>
              )}
            </article>

            <article className="settings-card" aria-labelledby="quiet-title">
              <h2 id="quiet-title">{p("quiet")}</h2>
              <p className="settings-note">{fill(p("quietLead"), { zone })}</p>
              <div className="settings-quiet">
                {QUIET_CHANNELS.map((c) => {
                  const row = quiet[c];
                  const fromIssues = issuesOf(`quietHours.${c}.from`);
                  const toIssues = issuesOf(`quietHours.${c}.to`);
                  const set = (patch: Partial<QuietRow>) => setQuiet({ ...quiet, [c]: { ...row, ...patch } });
                  return (
                    <fieldset key={c} className="settings-quiet-row" data-channel={c}>
                      <legend>{p(c)}</legend>
                      <label className="settings-check">
                        <input
                          type="checkbox"
                          checked={row.on}
                          onChange={(e) => set({ on: e.target.checked })}
                        />
                        {fill(p("quietOn"), { channel: p(c) })}
                      </label>
                      {row.on ? (
                        <div className="settings-times">
                          <div className="settings-field">
                            <label htmlFor={`quiet-${c}-from`}>{p("from")}</label>
                            <input
                              id={`quiet-${c}-from`}
                              type="time"
                              value={row.from}
                              aria-invalid={fromIssues.length > 0}
                              aria-describedby={described(`quiet-${c}-from-issues`, fromIssues)}
                              onChange={(e) => set({ from: e.target.value })}
                            />
                            <Issues id={`quiet-${c}-from-issues`} issues={fromIssues} />
                          </div>
                          <div className="settings-field">
                            <label htmlFor={`quiet-${c}-to`}>{p("to")}</label>
                            <input
                              id={`quiet-${c}-to`}
                              type="time"
                              value={row.to}
                              aria-invalid={toIssues.length > 0}
                              aria-describedby={described(`quiet-${c}-to-issues`, toIssues)}
                              onChange={(e) => set({ to: e.target.value })}
                            />
                            <Issues id={`quiet-${c}-to-issues`} issues={toIssues} />
                          </div>
                        </div>
                      ) : (
                        <p className="settings-note">{p("off")}</p>
                      )}
                    </fieldset>
                  );
                })}
              </div>
            </article>

            {general.length > 0 && (
              <ul className="error settings-issues" role="alert">
                {general.map((i) => (
                  <li key={`${i.field}:${i.message}`}>{i.field ? `${i.field}: ${i.message}` : i.message}</li>
                ))}
              </ul>
            )}
            {issues.length > 0 && general.length === 0 && (
              <p className="error" role="alert">
                {p("failed")}
              </p>
            )}
            {canEdit && (
              <div className="settings-actions">
                <button type="submit">{saving ? p("saving") : p("save")}</button>
                <button type="button" onClick={restoreDefaults}>
                  {p("defaults")}
                </button>
              </div>
            )}
          </fieldset>
        </form>
      )}
      {status && (
        <p role="status" className="settings-ok">
          {status}
        </p>
      )}
    </section>
  );
}
