// Tuning a scenario (/scenarios/:key/edit): its name and, step by step, what a planner adjusts most —
// how long each wait is, which template and channels a message uses and when it goes out, a coupon's
// value and validity, points given. The flow's shape (branches, splits, where each step leads) is kept
// as it is. Saving writes a new version; the server's errors name the step and field
// (definition.steps.wait-1h.duration.hours) and are shown beside that input.
import { type FormEvent, type ReactNode, useEffect, useState } from "react";
import { Link, useNavigate, useParams } from "react-router";
import { ApiError, type ApiIssue, api } from "../../api";
import { minorUnitsPerMajor, useI18n, usePageText } from "../../i18n";
import { useCanEdit, useSession } from "../../session";
import type { FlowStep } from "./StepCard";

const CHANNELS = ["email", "line", "sms", "push", "postal"] as const;
type Duration = { days?: number; hours?: number; minutes?: number };
interface Definition {
  name: string;
  start: string;
  steps: FlowStep[];
  [field: string]: unknown;
}

const ja = {
  title: "シナリオを調整",
  back: "フローに戻る",
  name: "シナリオ名",
  days: "日",
  hours: "時間",
  minutes: "分",
  wait: "待つ時間",
  timeout: "待つ上限",
  template: "テンプレート",
  channels: "チャネル（上から優先）",
  up: "上へ",
  messageClass: "種別",
  promotional: "販促",
  transactional: "取引",
  sendTime: "送信時刻",
  sendNow: "すぐに送る",
  sendAt: "決まった時刻に送る",
  bestHour: "顧客ごとの最適な時間",
  at: "時刻",
  couponKind: "割引の種類",
  percent: "％引き",
  amount: "金額引き",
  couponValue: "割引（％ または 金額）",
  expiresInDays: "有効日数",
  minOrder: "最低購入金額",
  points: "ポイント",
  notEditable: "このステップはここでは変更できません（API で編集できます）。",
  save: "新しい版として保存",
  saving: "保存しています…",
  readOnly: "閲覧のみの権限です。",
  note: "保存すると新しい版になり、これから開始する顧客に使われます。実行中の顧客はそれぞれの版のまま進みます。",
  step_wait: "待つ",
  step_wait_for_event: "行動を待つ",
  step_send: "メッセージを送る",
  step_action: "アクション",
  step_other: "ステップ",
};
const en: typeof ja = {
  title: "Tune the scenario",
  back: "Back to the flow",
  name: "Scenario name",
  days: "Days",
  hours: "Hours",
  minutes: "Minutes",
  wait: "Wait for",
  timeout: "Wait at most",
  template: "Template",
  channels: "Channels (first preferred)",
  up: "Up",
  messageClass: "Class",
  promotional: "Promotional",
  transactional: "Transactional",
  sendTime: "Send time",
  sendNow: "At once",
  sendAt: "At a fixed time",
  bestHour: "Each customer's best hour",
  at: "Time",
  couponKind: "Discount",
  percent: "Percent off",
  amount: "Amount off",
  couponValue: "Discount (percent or amount)",
  expiresInDays: "Valid for (days)",
  minOrder: "Minimum order",
  points: "Points",
  notEditable: "This step cannot be changed here (the API can).",
  save: "Save as a new version",
  saving: "Saving…",
  readOnly: "Your role reads only.",
  note: "Saving makes a new version, which customers entering from now take. Customers on their way finish on theirs.",
  step_wait: "Wait",
  step_wait_for_event: "Wait for an action",
  step_send: "Send a message",
  step_action: "Action",
  step_other: "Step",
};
type Words = (key: keyof typeof ja) => string;

export function ScenarioEditor() {
  const { key = "" } = useParams();
  const p = usePageText({ ja, en });
  const { t } = useI18n();
  const { shop } = useSession();
  const canEdit = useCanEdit();
  const navigate = useNavigate();
  const [definition, setDefinition] = useState<Definition | null>(null);
  const [templates, setTemplates] = useState<string[]>([]);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [issues, setIssues] = useState<ApiIssue[]>([]);
  const [saveError, setSaveError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  // biome-ignore lint/correctness/useExhaustiveDependencies: the shop is sent as a header, so a new shop means a new answer.
  useEffect(() => {
    api<{ definition: Definition }>("GET", `/v1/scenarios/${encodeURIComponent(key)}`)
      .then((s) => setDefinition(s.definition))
      .catch((err: Error) => setLoadError(err.message));
    api<{ templates: Array<{ key: string }> }>("GET", "/v1/templates")
      .then((r) => setTemplates([...new Set(r.templates.map((x) => x.key))].sort()))
      .catch(() => setTemplates([]));
  }, [key, shop?.id]);

  if (loadError)
    return (
      <p role="alert" className="error">
        {loadError}
      </p>
    );
  if (!definition) return <p className="loading">{t("loading")}</p>;

  const setStep = (index: number, step: FlowStep) => {
    const steps = [...definition.steps];
    steps[index] = step;
    setDefinition({ ...definition, steps });
    setIssues([]);
  };

  async function save(event: FormEvent) {
    event.preventDefault();
    if (!definition) return;
    setSaving(true);
    setIssues([]);
    setSaveError(null);
    try {
      const saved = await api<{ version: number }>("PUT", `/v1/scenarios/${encodeURIComponent(key)}`, {
        definition,
      });
      navigate(`/scenarios/${encodeURIComponent(key)}`, { state: { savedVersion: saved.version } });
    } catch (err) {
      if (err instanceof ApiError && err.issues.length > 0) setIssues(err.issues);
      else setSaveError((err as Error).message);
    } finally {
      setSaving(false);
    }
  }

  const stepIssues = (stepId: string) =>
    issues.filter(
      (i) => i.field.startsWith(`definition.steps.${stepId}.`) || i.field === `definition.steps.${stepId}`,
    );
  const shown = new Set(definition.steps.flatMap((s) => stepIssues(s.id)).map((i) => i.field));
  const otherIssues = issues.filter((i) => !shown.has(i.field) && i.field !== "definition.name");

  return (
    <section className="scenarios scenario-editor">
      <p>
        <Link to={`/scenarios/${encodeURIComponent(key)}`}>← {p("back")}</Link>
      </p>
      <h1>{p("title")}</h1>
      {!canEdit && <p>{p("readOnly")}</p>}
      <form onSubmit={(e) => void save(e)} noValidate>
        <fieldset disabled={!canEdit || saving} className="scenario-editor-fields">
          <Field
            label={p("name")}
            id="scenario-name"
            issues={issues.filter((i) => i.field === "definition.name")}
          >
            <input
              id="scenario-name"
              value={definition.name}
              maxLength={200}
              onChange={(e) => setDefinition({ ...definition, name: e.target.value })}
            />
          </Field>
          <ol className="scenario-editor-steps">
            {definition.steps.map((step, index) => (
              <li key={step.id} className="flow-step" data-step={step.id}>
                <h2>
                  {stepTitle(step, p)} <code>{step.id}</code>
                </h2>
                <StepFields
                  step={step}
                  onChange={(next) => setStep(index, next)}
                  templates={templates}
                  issues={stepIssues(step.id)}
                  p={p}
                  currency={shop?.currency ?? "JPY"}
                />
              </li>
            ))}
          </ol>
        </fieldset>
        {otherIssues.length > 0 && (
          <ul className="error field-issues" role="alert">
            {otherIssues.map((i) => (
              <li key={`${i.field}:${i.message}`}>
                {i.field}: {i.message}
              </li>
            ))}
          </ul>
        )}
        {saveError && (
          <p role="alert" className="error">
            {saveError}
          </p>
        )}
        {canEdit && (
          <>
            <p className="scenarios-note">{p("note")}</p>
            <button type="submit" disabled={saving}>
              {saving ? p("saving") : p("save")}
            </button>
          </>
        )}
      </form>
    </section>
  );
}

function stepTitle(step: FlowStep, p: Words): string {
  switch (step.type) {
    case "wait":
    case "wait_for_event":
    case "send":
    case "action":
      return p(`step_${step.type}`);
    default:
      return p("step_other");
  }
}

function Field({
  label,
  id,
  issues,
  children,
}: {
  label: string;
  id: string;
  issues: ApiIssue[];
  children: ReactNode;
}) {
  return (
    <div className="scenario-editor-field">
      <label htmlFor={id}>{label}</label>
      {children}
      {issues.length > 0 && (
        <ul id={`${id}-issues`} className="error field-issues" role="alert">
          {issues.map((i) => (
            <li key={`${i.field}:${i.message}`}>{i.message}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** A number input that is empty for "not given" and sends integers. */
function NumberInput({
  id,
  value,
  onChange,
  min = 0,
  invalid,
}: {
  id: string;
  value: number | undefined;
  onChange(value: number | undefined): void;
  min?: number;
  invalid: boolean;
}) {
  return (
    <input
      id={id}
      type="number"
      inputMode="numeric"
      min={min}
      step={1}
      value={value ?? ""}
      aria-invalid={invalid}
      aria-describedby={invalid ? `${id}-issues` : undefined}
      onChange={(e) => onChange(e.target.value === "" ? undefined : Math.trunc(Number(e.target.value)))}
    />
  );
}

/** A labelled whole-number input with the server's errors about it beneath. */
function NumberField({
  label,
  id,
  issues,
  value,
  onChange,
  min,
}: {
  label: string;
  id: string;
  issues: ApiIssue[];
  value: number | undefined;
  onChange(value: number | undefined): void;
  min?: number;
}) {
  return (
    <Field label={label} id={id} issues={issues}>
      <NumberInput id={id} min={min} value={value} invalid={issues.length > 0} onChange={onChange} />
    </Field>
  );
}

function StepFields({
  step,
  onChange,
  templates,
  issues,
  p,
  currency,
}: {
  step: FlowStep;
  onChange(step: FlowStep): void;
  templates: string[];
  issues: ApiIssue[];
  p: Words;
  currency: string;
}) {
  const base = `definition.steps.${step.id}`;
  const at = (field: string) =>
    issues.filter(
      (i) =>
        i.field === `${base}.${field}` ||
        i.field.startsWith(`${base}.${field}.`) ||
        i.field.startsWith(`${base}.${field}[`),
    );
  const id = (field: string) => `step-${step.id}-${field}`.replace(/[^A-Za-z0-9_-]/g, "-");

  const durationFields = (field: "duration" | "timeout", label: string) => {
    const duration = (step[field] as Duration | undefined) ?? {};
    const set = (unit: keyof Duration, value: number | undefined) => {
      const next: Duration = { ...duration };
      if (value === undefined) delete next[unit];
      else next[unit] = value;
      onChange({ ...step, [field]: next });
    };
    return (
      <fieldset className="scenario-editor-duration">
        <legend>{label}</legend>
        {(["days", "hours", "minutes"] as const).map((unit) => (
          <NumberField
            key={unit}
            label={p(unit)}
            id={id(`${field}-${unit}`)}
            issues={at(`${field}.${unit}`)}
            value={duration[unit]}
            onChange={(v) => set(unit, v)}
          />
        ))}
        {issues
          .filter((i) => i.field === `${base}.${field}`)
          .map((i) => (
            <p key={i.message} className="error" role="alert">
              {i.message}
            </p>
          ))}
      </fieldset>
    );
  };

  if (step.type === "wait") return durationFields("duration", p("wait"));
  if (step.type === "wait_for_event") return durationFields("timeout", p("timeout"));
  if (step.type === "send")
    return <SendFields step={step} onChange={onChange} templates={templates} at={at} id={id} p={p} />;
  if (step.type === "action") {
    const action = step.action as Record<string, unknown>;
    const set = (patch: Record<string, unknown>) => onChange({ ...step, action: { ...action, ...patch } });
    if (action.type === "issue_coupon") {
      const factor = action.kind === "amount" ? minorUnitsPerMajor(currency) : 1;
      return (
        <div className="scenario-editor-row">
          <Field label={p("couponKind")} id={id("kind")} issues={at("action.kind")}>
            <select
              id={id("kind")}
              value={String(action.kind)}
              onChange={(e) => set({ kind: e.target.value })}
            >
              <option value="percent">{p("percent")}</option>
              <option value="amount">{p("amount")}</option>
            </select>
          </Field>
          <NumberField
            label={`${p("couponValue")}${action.kind === "amount" ? ` (${currency})` : " (%)"}`}
            id={id("value")}
            issues={at("action.value")}
            min={1}
            value={typeof action.value === "number" ? action.value / factor : undefined}
            onChange={(v) => set({ value: v === undefined ? undefined : v * factor })}
          />
          <NumberField
            label={p("expiresInDays")}
            id={id("expires")}
            issues={at("action.expiresInDays")}
            min={1}
            value={action.expiresInDays as number | undefined}
            onChange={(v) => set({ expiresInDays: v })}
          />
        </div>
      );
    }
    if (action.type === "add_points")
      return (
        <div className="scenario-editor-row">
          <NumberField
            label={p("points")}
            id={id("points")}
            issues={at("action.points")}
            min={1}
            value={action.points as number | undefined}
            onChange={(v) => set({ points: v })}
          />
          <NumberField
            label={p("expiresInDays")}
            id={id("points-expires")}
            issues={at("action.expiresInDays")}
            min={1}
            value={action.expiresInDays as number | undefined}
            onChange={(v) => set({ expiresInDays: v })}
          />
        </div>
      );
  }
  return <p className="scenario-editor-fixed">{p("notEditable")}</p>;
}

function SendFields({
  step,
  onChange,
  templates,
  at,
  id,
  p,
}: {
  step: FlowStep;
  onChange(step: FlowStep): void;
  templates: string[];
  at(field: string): ApiIssue[];
  id(field: string): string;
  p: Words;
}) {
  const channels = (step.channels as string[]) ?? [];
  const sendTime = step.sendTime as { type: "fixed"; at: string } | { type: "best_hour" } | undefined;
  const template = String(step.template ?? "");
  const choices = templates.includes(template) ? templates : [template, ...templates];
  const toggle = (channel: string, on: boolean) =>
    onChange({ ...step, channels: on ? [...channels, channel] : channels.filter((c) => c !== channel) });
  const moveUp = (channel: string) => {
    const i = channels.indexOf(channel);
    if (i <= 0) return;
    const next = [...channels];
    [next[i - 1], next[i]] = [next[i], next[i - 1]];
    onChange({ ...step, channels: next });
  };
  const ordered = [...channels, ...CHANNELS.filter((c) => !channels.includes(c))];
  return (
    <div className="scenario-editor-send">
      <Field label={p("template")} id={id("template")} issues={at("template")}>
        <select
          id={id("template")}
          value={template}
          onChange={(e) => onChange({ ...step, template: e.target.value })}
        >
          {choices.map((k) => (
            <option key={k} value={k}>
              {k}
            </option>
          ))}
        </select>
      </Field>
      <fieldset className="scenario-editor-channels">
        <legend>{p("channels")}</legend>
        {ordered.map((channel) => (
          <div key={channel} className="scenario-editor-channel">
            <label>
              <input
                type="checkbox"
                checked={channels.includes(channel)}
                onChange={(e) => toggle(channel, e.target.checked)}
              />{" "}
              {channel}
            </label>
            {channels.indexOf(channel) > 0 && (
              <button type="button" onClick={() => moveUp(channel)} aria-label={`${p("up")}: ${channel}`}>
                ↑
              </button>
            )}
          </div>
        ))}
        {at("channels").map((i) => (
          <p key={`${i.field}:${i.message}`} className="error" role="alert">
            {i.message}
          </p>
        ))}
      </fieldset>
      <div className="scenario-editor-row">
        <Field label={p("messageClass")} id={id("class")} issues={at("messageClass")}>
          <select
            id={id("class")}
            value={String(step.messageClass ?? "promotional")}
            onChange={(e) => onChange({ ...step, messageClass: e.target.value })}
          >
            <option value="promotional">{p("promotional")}</option>
            <option value="transactional">{p("transactional")}</option>
          </select>
        </Field>
        <Field label={p("sendTime")} id={id("send-time")} issues={at("sendTime")}>
          <select
            id={id("send-time")}
            value={sendTime?.type ?? "now"}
            onChange={(e) => {
              const { sendTime: _, ...rest } = step;
              const v = e.target.value;
              onChange(
                v === "now"
                  ? rest
                  : {
                      ...rest,
                      sendTime: v === "fixed" ? { type: "fixed", at: "10:00" } : { type: "best_hour" },
                    },
              );
            }}
          >
            <option value="now">{p("sendNow")}</option>
            <option value="fixed">{p("sendAt")}</option>
            <option value="best_hour">{p("bestHour")}</option>
          </select>
        </Field>
        {sendTime?.type === "fixed" && (
          <Field label={p("at")} id={id("at")} issues={at("sendTime.at")}>
            <input
              id={id("at")}
              type="time"
              value={sendTime.at}
              onChange={(e) => onChange({ ...step, sendTime: { type: "fixed", at: e.target.value } })}
            />
          </Field>
        )}
      </div>
    </div>
  );
}
