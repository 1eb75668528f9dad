// One step of a scenario's flow as a card: what it does in plain words, where it leads, and its counts.
import { formatMoney, useI18n, usePageText } from "../../i18n";

export interface FlowStep {
  id: string;
  type: string;
  next?: string;
  [field: string]: unknown;
}

export interface StepStats {
  stepId: string;
  type: string;
  entered: number;
  sent: number;
  suppressed: number;
  opened: number;
  clicked: number;
  converted: number;
  revenue: number;
}

const ja = {
  type_wait: "待つ",
  type_wait_until: "時間帯まで待つ",
  type_wait_for_event: "行動を待つ",
  type_branch: "条件で分岐",
  type_send: "メッセージを送る",
  type_action: "アクション",
  type_send_winner: "勝ちパターンを送る",
  type_split: "ランダムに振り分け",
  type_end: "終了",
  days: "日",
  hours: "時間",
  minutes: "分",
  between: "時間帯: ",
  waitFor: "待つ行動: ",
  timeout: "待つ上限: ",
  template: "テンプレート: ",
  channels: "チャネル（優先順）: ",
  coupon: "クーポン発行: ",
  percentOff: "% 引き",
  amountOff: " 引き",
  validDays: "有効 {n} 日",
  points: "ポイント付与: ",
  setAttribute: "属性を設定: ",
  addTag: "タグを付ける: ",
  yes: "はい → ",
  no: "いいえ → ",
  nextStep: "次へ → ",
  onTimeout: "来なければ → ",
  runEnds: "ここで終了",
  holdout: "（配信なし・効果測定用）",
  condition: "条件",
  entered: "通過",
  sent: "送信",
  suppressed: "送信停止",
  opened: "開封",
  clicked: "クリック",
  converted: "コンバージョン",
  revenue: "売上",
  noCounts: "まだ集計はありません",
};
const en: typeof ja = {
  type_wait: "Wait",
  type_wait_until: "Wait for a time of day",
  type_wait_for_event: "Wait for an action",
  type_branch: "Branch on a condition",
  type_send: "Send a message",
  type_action: "Action",
  type_send_winner: "Send the winner",
  type_split: "Random split",
  type_end: "End",
  days: " days",
  hours: " hours",
  minutes: " minutes",
  between: "Between ",
  waitFor: "Waits for: ",
  timeout: "At most: ",
  template: "Template: ",
  channels: "Channels (in order): ",
  coupon: "Issues a coupon: ",
  percentOff: "% off",
  amountOff: " off",
  validDays: "valid {n} days",
  points: "Adds points: ",
  setAttribute: "Sets attribute: ",
  addTag: "Adds tag: ",
  yes: "Yes → ",
  no: "No → ",
  nextStep: "Then → ",
  onTimeout: "If not → ",
  runEnds: "The run ends here",
  holdout: " (holdout: gets nothing)",
  condition: "Condition",
  entered: "Passed",
  sent: "Sent",
  suppressed: "Held back",
  opened: "Opened",
  clicked: "Clicked",
  converted: "Conversions",
  revenue: "Revenue",
  noCounts: "No counts yet",
};

type Text = (key: keyof typeof ja) => string;

function duration(d: unknown, p: Text): string {
  const { days, hours, minutes } = (d ?? {}) as { days?: number; hours?: number; minutes?: number };
  return (
    [
      days ? `${days}${p("days")}` : "",
      hours ? `${hours}${p("hours")}` : "",
      minutes ? `${minutes}${p("minutes")}` : "",
    ]
      .filter(Boolean)
      .join(" ") || `0${p("minutes")}`
  );
}

function details(step: FlowStep, p: Text, money: (minor: number) => string): string[] {
  switch (step.type) {
    case "wait":
      return [duration(step.duration, p)];
    case "wait_until":
      return [`${p("between")}${String(step.from)}–${String(step.to)}`];
    case "wait_for_event":
      return [
        p("waitFor") + ((step.eventTypes as string[]) ?? []).join(", "),
        p("timeout") + duration(step.timeout, p),
      ];
    case "send":
      return [
        p("template") + String(step.template),
        p("channels") + ((step.channels as string[]) ?? []).join(" → "),
      ];
    case "send_winner":
      return [p("channels") + ((step.channels as string[]) ?? []).join(" → ")];
    case "action": {
      const action = (step.action ?? {}) as Record<string, unknown>;
      if (action.type === "issue_coupon") {
        const off =
          action.kind === "percent"
            ? `${action.value}${p("percentOff")}`
            : `${money(Number(action.value))}${p("amountOff")}`;
        return [`${p("coupon")}${off}, ${p("validDays").replace("{n}", String(action.expiresInDays))}`];
      }
      if (action.type === "add_points") return [p("points") + String(action.points)];
      if (action.type === "set_attribute")
        return [`${p("setAttribute")}${String(action.name)} = ${JSON.stringify(action.value)}`];
      if (action.type === "add_tag") return [p("addTag") + String(action.tag)];
      return [String(action.type)];
    }
    default:
      return [];
  }
}

function exits(step: FlowStep, p: Text): string[] {
  switch (step.type) {
    case "branch":
      return [p("yes") + String(step.yes ?? p("runEnds")), p("no") + String(step.no ?? p("runEnds"))];
    case "wait_for_event":
      return [
        p("nextStep") + (step.next ?? p("runEnds")),
        p("onTimeout") + String(step.timeoutNext ?? p("runEnds")),
      ];
    case "split":
      return (
        (step.arms as Array<{ name: string; weight: number; next?: string; holdout?: boolean }>) ?? []
      ).map(
        (arm) =>
          `${arm.name} (${arm.weight})${arm.holdout ? p("holdout") : ""} → ${arm.next ?? p("runEnds")}`,
      );
    case "end":
      return [p("runEnds")];
    default:
      return [step.next ? p("nextStep") + step.next : p("runEnds")];
  }
}

const MESSAGE_STEPS = new Set(["send", "send_winner"]);

export function StepCard(props: { step: FlowStep; stats: StepStats | undefined; currency: string }) {
  const { language } = useI18n();
  const p = usePageText({ ja, en });
  const { step, stats } = props;
  const money = (minor: number) => formatMoney(minor, props.currency, language);
  const kind = MESSAGE_STEPS.has(step.type) ? "send" : step.type;
  const counts: Array<[keyof typeof ja, string]> = stats
    ? [
        ["entered", stats.entered.toLocaleString()],
        ...(MESSAGE_STEPS.has(step.type)
          ? ([
              ["sent", stats.sent.toLocaleString()],
              ["suppressed", stats.suppressed.toLocaleString()],
              ["opened", stats.opened.toLocaleString()],
              ["clicked", stats.clicked.toLocaleString()],
              ["converted", stats.converted.toLocaleString()],
              ["revenue", money(stats.revenue)],
            ] as Array<[keyof typeof ja, string]>)
          : []),
      ]
    : [];
  return (
    <li className={`flow-step flow-${kind}`} data-step={step.id}>
      <h3>
        {p(`type_${step.type}` as keyof typeof ja) ?? step.type} <code>{step.id}</code>
      </h3>
      {details(step, p, money).map((line) => (
        <p key={line}>{line}</p>
      ))}
      {step.type === "branch" && (
        <details>
          <summary>{p("condition")}</summary>
          <pre>{JSON.stringify(step.condition, null, 2)}</pre>
        </details>
      )}
      <ul className="flow-exits">
        {exits(step, p).map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
      {counts.length > 0 ? (
        <dl className="step-counts">
          {counts.map(([label, value]) => (
            <div key={label}>
              <dt>{p(label)}</dt>
              <dd data-count={label}>{value}</dd>
            </div>
          ))}
        </dl>
      ) : (
        <p className="scenarios-note">{p("noCounts")}</p>
      )}
    </li>
  );
}
