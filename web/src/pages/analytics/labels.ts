// The reports' words in the admin's language. The server names tables and columns in English (the CLI
// prints them as they are); here they get Japanese names, and anything not listed keeps the server's.
import type { Language } from "../../i18n";
import type { ReportColumn, ReportValue } from "./report";

export type ReportName =
  | "rfm"
  | "f2"
  | "cohorts"
  | "ltv"
  | "products"
  | "performance"
  | "economics"
  | "predictions";

/** Which of the API's parameters a report reads, shown as form inputs above it. */
export type ReportParameter = "months" | "fromDay" | "toDay" | "fromMonth" | "toMonth";

export interface ReportTab {
  name: ReportName;
  label: Record<Language, string>;
  intro: Record<Language, string>;
  parameters: ReportParameter[];
}

export const REPORT_TABS: ReportTab[] = [
  {
    name: "rfm",
    label: { ja: "RFM", en: "RFM" },
    intro: {
      ja: "最終購入日（R）と購入回数（F）で購入者を 5 段階に分けた分布と、購入金額（M）の五分位、顧客グループです。",
      en: "Buyers by recency (R) and frequency (F) scores 1–5, monetary (M) quintiles and named groups.",
    },
    parameters: [],
  },
  {
    name: "f2",
    label: { ja: "F2 転換", en: "F2 conversion" },
    intro: {
      ja: "初回購入者のうち 2 回目の購入に至った割合（F2 転換率）を、期間・初回購入月・チャネル・商品別に示します。",
      en: "The share of first-time buyers who order again, by window, first-order month, channel and product.",
    },
    parameters: [],
  },
  {
    name: "cohorts",
    label: { ja: "コホート", en: "Cohorts" },
    intro: {
      ja: "初回購入月ごとの顧客が、その後の各月に購入した割合・人数・売上です。M0 は初回購入の月です。",
      en: "Each first-order month's customers and how many ordered in each later month. M0 is the first order's month.",
    },
    parameters: ["months"],
  },
  {
    name: "ltv",
    label: { ja: "LTV", en: "LTV" },
    intro: {
      ja: "初回購入から 12 か月の顧客生涯価値（LTV）と、現在までの LTV です。",
      en: "Customer lifetime value over the 12 months from the first order, and to date.",
    },
    parameters: [],
  },
  {
    name: "products",
    label: { ja: "商品", en: "Products" },
    intro: {
      ja: "商品・カテゴリ別の売上と推移、曜日別の注文、併買、初回購入商品ごとのリピートです。",
      en: "Sales by product and category over time, orders by weekday, baskets and first purchases.",
    },
    parameters: ["months"],
  },
  {
    name: "performance",
    label: { ja: "配信成果", en: "Performance" },
    intro: {
      ja: "シナリオ・キャンペーン・ステップ・チャネル別の配信と成果の比較、A/B テスト、ホールドアウトの効果です。",
      en: "Sends and results compared by scenario, campaign, step and channel, with A/B tests and holdouts.",
    },
    parameters: ["fromDay", "toDay"],
  },
  {
    name: "economics",
    label: { ja: "獲得効率", en: "Acquisition" },
    intro: {
      ja: "獲得チャネル別の広告費、CPA・CPO、ROAS と回収までの月数です。",
      en: "Ad cost, CPA, CPO, ROAS and payback per acquisition channel.",
    },
    parameters: ["fromMonth", "toMonth"],
  },
  {
    name: "predictions",
    label: { ja: "予測", en: "Predictions" },
    intro: {
      ja: "BG/NBD と Gamma–Gamma モデルによる、顧客の生存確率と今後 365 日の予測 LTV です。",
      en: "P(alive) and predicted 365-day value from the BG/NBD and Gamma–Gamma models.",
    },
    parameters: [],
  },
];

const TABLE_TITLES_JA: Record<string, string> = {
  "rfm.grid": "R × F の分布（5 = 最近・回数が多い）",
  "rfm.monetary": "購入金額の五分位（5 = 金額が大きい）",
  "rfm.groups": "顧客グループ",
  "f2.windows": "N 日以内に 2 回目を購入した初回購入者の割合",
  "f2.byMonth": "初回購入月別の F2 転換率",
  "f2.byChannel": "獲得チャネル別の F2 転換率",
  "f2.byProduct": "初回購入商品別の F2 転換率",
  "f2.byCategory": "初回購入カテゴリ別の F2 転換率",
  "f2.daysToSecond": "初回から 2 回目の購入までの日数",
  "cohorts.retention": "継続率（k か月後に購入した割合）",
  "cohorts.active": "k か月後に購入した顧客数",
  "cohorts.revenue": "k か月後の売上",
  "cohorts.revenuePerCustomer": "k か月後の顧客あたり売上",
  "ltv.byCohort": "初回購入月別の LTV",
  "ltv.byFirstProduct": "初回購入商品別の LTV",
  "ltv.byAcquisitionChannel": "獲得チャネル別の LTV",
  "ltv.byFirstOrderChannel": "初回購入チャネル別の LTV",
  "products.products": "売上上位の商品",
  "products.productMonths": "上位商品の月別売上",
  "products.categoryMonths": "カテゴリ別の月別売上",
  "products.weekdays": "曜日別の注文",
  "products.pairs": "一緒に買われる商品",
  "products.firstProducts": "初回購入商品とリピート",
  "performance.scenarios": "シナリオ別",
  "performance.steps": "ステップ別",
  "performance.campaigns": "キャンペーン別",
  "performance.variants": "バリアント別",
  "performance.channels": "チャネル別",
  "performance.abTests": "A/B テスト（対照群との比較、有意水準 95 %）",
  "performance.holdouts": "ホールドアウト：効果と増分売上",
  "economics.channelMonths": "獲得チャネル・月別",
  "economics.channels": "獲得チャネル別（全期間）",
  "economics.paybackCurve": "初回購入からの月数ごとの累計売上と ROAS",
  "predictions.pAlive": "生存確率 P(alive) の分布",
  "predictions.topCustomers": "予測 LTV の高い顧客",
};

const COLUMNS_JA: Record<string, string> = {
  recency: "R",
  frequency: "F",
  score: "M",
  customers: "顧客数",
  share: "構成比",
  revenue: "売上",
  share_of_revenue: "売上構成比",
  min_revenue: "下限",
  max_revenue: "上限",
  group: "グループ",
  description: "内容",
  average_order_value: "平均注文額",
  average_order: "平均注文額",
  window: "期間",
  days: "日数",
  eligible: "対象の初回購入者（N 日以上前に初回購入）",
  repeated: "うち N 日以内に 2 回目を購入",
  rate: "F2 転換率",
  month: "月",
  cohort: "初回購入月",
  channel: "チャネル",
  sku: "SKU",
  name: "名前",
  category: "カテゴリ",
  buyers: "初回購入者",
  from_days: "開始（日）",
  qualified: "初回購入から 365 日以上の購入者",
  ltv_12m: "12 か月 LTV",
  ltv_to_date: "現在までの LTV",
  revenue_to_date: "現在までの売上",
  units: "数量",
  orders: "注文数",
  weekday: "曜日",
  sku_a: "SKU A",
  name_a: "商品 A",
  sku_b: "SKU B",
  name_b: "商品 B",
  support: "支持度（注文に占める割合）",
  confidence_ab: "確信度 A → B",
  confidence_ba: "確信度 B → A",
  lift: "リフト",
  repeat_buyers: "2 回目を購入",
  repeat_share: "リピート率",
  later_revenue_per_buyer: "その後の顧客あたり売上",
  scenario_id: "シナリオ ID",
  scenario: "シナリオ",
  campaign_id: "キャンペーン ID",
  campaign: "キャンペーン",
  step: "ステップ",
  variant: "バリアント",
  sent: "送信",
  suppressed: "抑止（未送信）",
  delivered: "到達",
  bounced: "不達",
  opened: "開封",
  clicked: "クリック",
  converted: "成果（注文）",
  unsubscribes: "配信停止",
  complaints: "苦情",
  blocks: "LINE ブロック",
  delivery_rate: "到達率",
  open_rate: "開封率",
  click_rate: "クリック率",
  conversion_rate: "成果率",
  revenue_per_sent: "送信あたり売上",
  unsubscribe_rate: "配信停止率",
  complaint_rate: "苦情率",
  block_rate: "ブロック率",
  arm: "アーム",
  role: "対照 / テスト",
  runs: "対象者数",
  click_p_value: "クリック率の p 値",
  clicks_significant: "クリック率の差は有意",
  conversion_p_value: "成果率の p 値",
  conversions_significant: "成果率の差は有意",
  revenue_per_run: "対象者あたり売上",
  treated_runs: "配信群の人数",
  holdout_runs: "ホールドアウト群の人数",
  treated_converted: "配信群で購入",
  holdout_converted: "ホールドアウト群で購入",
  treated_conversion_rate: "配信群の購入率",
  holdout_conversion_rate: "ホールドアウト群の購入率",
  conversion_lift: "購入率の差",
  treated_revenue: "配信群の売上",
  holdout_revenue: "ホールドアウト群の売上",
  revenue_per_treated: "配信群の顧客あたり売上",
  revenue_per_holdout: "ホールドアウト群の顧客あたり売上",
  revenue_lift: "リフト（顧客あたり売上）",
  incremental_revenue: "増分売上",
  incremental_low: "増分売上（95 % 下限）",
  incremental_high: "増分売上（95 % 上限）",
  revenue_p_value: "売上の p 値",
  significant: "売上の差は有意",
  ad_cost: "広告費",
  leads: "リード（登録）",
  new_customers: "新規顧客（初回購入）",
  cpa: "CPA（広告費 ÷ リード）",
  cpo: "CPO（広告費 ÷ 初回購入）",
  first_order_revenue: "初回購入の売上（フロントエンド）",
  first_order_roas: "初回 ROAS",
  back_end_revenue: "リピート売上（バックエンド）",
  lifetime_revenue: "累計売上",
  revenue_12m: "12 か月の売上",
  lifetime_roas: "累計 ROAS",
  marketing_ratio: "広告費率",
  payback_month: "回収月（0 = 初回購入月）",
  months: "月数",
  months_after: "初回購入からの月数",
  cumulative_revenue: "累計売上",
  roas: "累計 ROAS",
  bucket: "P(alive)",
  expected_orders: "今後 365 日の予測注文数",
  predicted_clv: "今後 365 日の予測 LTV",
  customer_id: "顧客 ID",
  external_id: "外部 ID",
  p_alive: "P(alive)",
  next_order_at: "次回注文の予測日",
};

export function tableTitle(report: string, table: string, fallback: string, language: Language): string {
  return language === "ja" ? (TABLE_TITLES_JA[`${report}.${table}`] ?? fallback) : fallback;
}

export function columnLabel(column: ReportColumn, language: Language): string {
  if (language !== "ja") return column.label;
  const window = /^f2_(\d+)$/.exec(column.key);
  if (window) return `${window[1]} 日以内`;
  if (/^m\d+$/.test(column.key)) return column.label;
  return COLUMNS_JA[column.key] ?? column.label;
}

const VALUES_JA: Record<string, string> = {
  champions: "優良顧客",
  loyal: "ロイヤル",
  potential: "育成候補",
  new: "新規",
  needs_attention: "要注意",
  at_risk: "離反リスク",
  dormant: "休眠",
  "Champions: recent and frequent": "最近も購入し、回数も多い",
  "Loyal: fairly recent, frequent": "比較的最近、回数が多い",
  "Potential: recent, few orders": "最近購入、回数は少ない",
  "New: one recent order": "最近はじめて購入",
  "Needs attention: middling recency, few orders": "購入がやや遠のき、回数は少ない",
  "At risk: frequent once, not lately": "以前はよく購入、最近はない",
  "Dormant: not lately, few orders": "最近購入がなく、回数も少ない",
  Sunday: "日曜",
  Monday: "月曜",
  Tuesday: "火曜",
  Wednesday: "水曜",
  Thursday: "木曜",
  Friday: "金曜",
  Saturday: "土曜",
  yes: "はい",
  no: "いいえ",
  control: "対照",
  variant: "テスト",
  "(unknown)": "（不明）",
  "(none)": "（なし）",
};

const EN_VALUES: Record<string, string> = {
  champions: "Champions",
  loyal: "Loyal",
  potential: "Potential",
  new: "New",
  needs_attention: "Needs attention",
  at_risk: "At risk",
  dormant: "Dormant",
};

/** A text cell in the admin's language: group names, weekdays, yes/no, "30 days". */
export function textValue(value: ReportValue, language: Language): ReportValue {
  if (typeof value !== "string") return value;
  if (language === "en") return EN_VALUES[value] ?? value;
  const days = /^(\d+) days$/.exec(value);
  if (days) return `${days[1]} 日以内`;
  return VALUES_JA[value] ?? value;
}
