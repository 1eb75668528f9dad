// One scenario's flow (/scenarios/:key): its trigger, then each step top to bottom in the order a run
// meets them (waits, sends, branches, exits), with the counts the server keeps per step.
import { useState } from "react";
import { Link, useLocation, useParams } from "react-router";
import { api } from "../../api";
import { formatDateTime, formatMoney, useI18n, usePageText } from "../../i18n";
import { useCanEdit, useSession } from "../../session";
import { useLoad } from "../../useLoad";
import { ScenarioVersions } from "./ScenarioVersions";
import { type ScenarioSummary, StatusBadge } from "./StatusBadge";
import { type FlowStep, StepCard, type StepStats } from "./StepCard";

interface Definition {
  name: string;
  description?: string;
  trigger: { type: string; [field: string]: unknown };
  start: string;
  steps: FlowStep[];
  exitGoals?: Array<{ type: string; eventTypes?: string[] }>;
}

interface ScenarioDetail extends ScenarioSummary {
  definition: Definition;
  steps: StepStats[];
}

const ja = {
  back: "シナリオ一覧へ",
  tune: "調整する",
  savedVersion: "新しい版を保存しました: v",
  version: "版",
  activatedAt: "開始日時",
  updatedAt: "更新日時",
  pause: "一時停止",
  resume: "再開",
  flow: "フロー",
  trigger: "開始のきっかけ",
  exitGoals: "途中で終了する条件",
  noGoals: "なし（最後のステップまで進みます）",
  goalOrder: "購入したら終了（コンバージョンとして計上）",
  goalEvent: "次の行動があったら終了: ",
  totals: "合計",
  sent: "送信",
  converted: "コンバージョン",
  revenue: "売上",
  countsNote: "件数はすべての版の合計です。",
  trig_event: "ストアでの行動: ",
  trig_order: "注文があったとき",
  trig_signup: "会員登録したとき",
  trig_campaign: "キャンペーンの送信時",
  trig_date: "日付をもとに: ",
  trig_schedule: "定期実行: ",
  trig_segment_entry: "セグメントに入ったとき: ",
  trig_restock: "再入荷したとき",
};
const en: typeof ja = {
  back: "All scenarios",
  tune: "Tune",
  savedVersion: "Saved as a new version: v",
  version: "Version",
  activatedAt: "Started",
  updatedAt: "Updated",
  pause: "Pause",
  resume: "Resume",
  flow: "Flow",
  trigger: "What starts it",
  exitGoals: "Ends early when",
  noGoals: "Nothing (runs to the last step)",
  goalOrder: "The customer buys (counted as a conversion)",
  goalEvent: "The customer does: ",
  totals: "Totals",
  sent: "Sent",
  converted: "Conversions",
  revenue: "Revenue",
  countsNote: "Counts are for all versions together.",
  trig_event: "A storefront action: ",
  trig_order: "An order is placed",
  trig_signup: "A customer signs up",
  trig_campaign: "A campaign is sent",
  trig_date: "A date: ",
  trig_schedule: "On a schedule: ",
  trig_segment_entry: "Entering a segment: ",
  trig_restock: "A product is back in stock",
};

/** Steps in the order a run meets them from the start (breadth first), then any left over. */
function flowOrder(definition: Definition): FlowStep[] {
  const byId = new Map(definition.steps.map((s) => [s.id, s]));
  const seen = new Set<string>();
  const queue = [definition.start];
  const out: FlowStep[] = [];
  while (queue.length > 0) {
    const id = queue.shift() as string;
    const step = byId.get(id);
    if (!step || seen.has(id)) continue;
    seen.add(id);
    out.push(step);
    for (const nextId of successorsOf(step)) if (nextId) queue.push(nextId);
  }
  return [...out, ...definition.steps.filter((s) => !seen.has(s.id))];
}

function successorsOf(step: FlowStep): Array<string | undefined> {
  if (step.type === "branch") return [step.yes as string | undefined, step.no as string | undefined];
  if (step.type === "wait_for_event") return [step.next, step.timeoutNext as string | undefined];
  if (step.type === "split") return ((step.arms as Array<{ next?: string }>) ?? []).map((a) => a.next);
  return [step.next];
}

export function ScenarioFlow() {
  const { key = "" } = useParams();
  const { t, language } = useI18n();
  const p = usePageText({ ja, en });
  const { shop } = useSession();
  const canEdit = useCanEdit();
  const { data, error, reload } = useLoad<ScenarioDetail>(`/v1/scenarios/${encodeURIComponent(key)}`);
  const savedVersion = (useLocation().state as { savedVersion?: number } | null)?.savedVersion;
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  const timezone = shop?.timezone ?? "Asia/Tokyo";
  const currency = shop?.currency ?? "JPY";

  async function setStatus(status: "active" | "paused") {
    setBusy(true);
    setActionError(null);
    try {
      await api("POST", `/v1/scenarios/${encodeURIComponent(key)}/status`, { status });
      reload();
    } catch (err) {
      setActionError((err as Error).message);
    } finally {
      setBusy(false);
    }
  }

  const shownError = actionError ?? error;
  const stats = new Map((data?.steps ?? []).map((s) => [s.stepId, s]));
  const sum = (field: "sent" | "converted" | "revenue") =>
    (data?.steps ?? []).reduce((total, s) => total + s[field], 0);

  return (
    <section className="scenarios scenario-detail">
      <p>
        <Link to="/scenarios">← {p("back")}</Link>
      </p>
      {shownError && (
        <p role="alert" className="error">
          {shownError}
        </p>
      )}
      {!data && !error && <p className="loading">{t("loading")}</p>}
      {data && (
        <>
          <h1>{data.name}</h1>
          {data.definition.description && <p>{data.definition.description}</p>}
          <div className="scenario-head">
            <StatusBadge status={data.status} />
            <span>
              {p("version")}: v{data.version}
            </span>
            <span>
              {p("activatedAt")}: {formatDateTime(data.activatedAt, timezone, language)}
            </span>
            <span>
              {p("updatedAt")}: {formatDateTime(data.updatedAt, timezone, language)}
            </span>
            {canEdit && (
              <Link className="button" to={`/scenarios/${encodeURIComponent(data.key)}/edit`}>
                {p("tune")}
              </Link>
            )}
            {canEdit && data.status === "active" && (
              <button type="button" disabled={busy} onClick={() => setStatus("paused")}>
                {p("pause")}
              </button>
            )}
            {canEdit && data.status === "paused" && (
              <button type="button" disabled={busy} onClick={() => setStatus("active")}>
                {p("resume")}
              </button>
            )}
          </div>
          {savedVersion && (
            <p role="status" className="notice">
              {p("savedVersion")}
              {savedVersion}
            </p>
          )}
          <dl className="scenario-totals" aria-label={p("totals")}>
            <div>
              <dt>{p("sent")}</dt>
              <dd data-testid="total-sent">{sum("sent").toLocaleString()}</dd>
            </div>
            <div>
              <dt>{p("converted")}</dt>
              <dd>{sum("converted").toLocaleString()}</dd>
            </div>
            <div>
              <dt>{p("revenue")}</dt>
              <dd>{formatMoney(sum("revenue"), currency, language)}</dd>
            </div>
          </dl>
          <h2>{p("flow")}</h2>
          <ol className="scenario-flow" aria-label={p("flow")}>
            <li className="flow-step flow-trigger">
              <h3>{p("trigger")}</h3>
              <p>{describeTrigger(data.definition.trigger, p)}</p>
            </li>
            {flowOrder(data.definition).map((step) => (
              <StepCard key={step.id} step={step} stats={stats.get(step.id)} currency={currency} />
            ))}
            <li className="flow-step flow-exit">
              <h3>{p("exitGoals")}</h3>
              <ul>
                {(data.definition.exitGoals ?? []).length === 0 && <li>{p("noGoals")}</li>}
                {(data.definition.exitGoals ?? []).map((goal) => (
                  <li key={`${goal.type}-${(goal.eventTypes ?? []).join()}`}>
                    {goal.type === "order_placed"
                      ? p("goalOrder")
                      : p("goalEvent") + (goal.eventTypes ?? []).join(", ")}
                  </li>
                ))}
              </ul>
            </li>
          </ol>
          <p className="scenarios-note">{p("countsNote")}</p>
          <ScenarioVersions scenarioKey={data.key} onRestored={reload} />
        </>
      )}
    </section>
  );
}

function describeTrigger(trigger: Definition["trigger"], p: (key: keyof typeof ja) => string): string {
  const label = p(`trig_${trigger.type}` as keyof typeof ja) ?? trigger.type;
  switch (trigger.type) {
    case "event":
      return label + ((trigger.eventTypes as string[]) ?? []).join(", ");
    case "date": {
      const source = (trigger.source as { kind: string; attribute?: string }) ?? { kind: "?" };
      const offset = Number(trigger.offsetDays ?? 0);
      const shift = offset === 0 ? "" : ` ${offset > 0 ? "+" : ""}${offset}d`;
      return `${label}${source.attribute ?? source.kind}${shift} @ ${String(trigger.at ?? "09:00")}`;
    }
    case "schedule":
      return `${label}${String(trigger.every)} @ ${String(trigger.at ?? "10:00")}`;
    case "segment_entry":
      return label + String(trigger.segment);
    default:
      return label;
  }
}
