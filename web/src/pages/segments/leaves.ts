// What the rule builder knows about each kind of condition: the fields a marketer fills in, how each
// is edited, a valid starting value, and the words for them in both languages. The server's schema
// (src/segments/schema.ts) stays the authority: anything it refuses comes back with the field's path
// and is shown beside that field.

export type Leaf = { type: string } & Record<string, unknown>;
export type Rule = Leaf | { type: "all" | "any"; conditions: Rule[] } | { type: "not"; condition: Rule };

export const CHANNELS = ["email", "line", "sms", "push", "postal"] as const;
const ORDER_CHANNELS = ["online", "store", "marketplace"] as const;
const EVENT_TYPES = [
  "product_view",
  "cart_add",
  "cart_remove",
  "checkout_start",
  "favourite",
  "restock_request",
  "search",
  "login",
  "page_view",
] as const;
const PROFILE_FIELDS = [
  "gender",
  "prefecture",
  "member_rank",
  "email",
  "phone",
  "line_user_id",
  "postal_code",
  "birthday",
  "external_id",
] as const;
const RFM_GROUPS = [
  "champions",
  "loyal",
  "potential",
  "new",
  "needs_attention",
  "at_risk",
  "dormant",
] as const;
const SCORES = [1, 2, 3, 4, 5] as const;
const MONTHS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12] as const;

export type FieldSpec = {
  name: string;
  optional?: boolean;
  /** Shown only when this holds for the condition as it is now (e.g. a value only for some operators). */
  showIf?: (leaf: Leaf) => boolean;
} & (
  | { kind: "select"; options: readonly string[] }
  | { kind: "number"; min?: number; money?: (leaf: Leaf) => boolean }
  | { kind: "text" }
  /** Several strings typed comma-separated, sent as a list. */
  | { kind: "list" }
  /** Several of a few choices, as checkboxes. */
  | { kind: "checks"; options: readonly (string | number)[] }
  | { kind: "bool" }
  /** Another segment of the shop, by key. */
  | { kind: "segment" }
);

export interface LeafKind {
  type: string;
  fields: FieldSpec[];
  initial: Leaf;
}

const noValueOps = new Set(["exists", "missing"]);
const listOps = new Set(["in", "not_in"]);

export const LEAF_KINDS: LeafKind[] = [
  {
    type: "orders",
    initial: { type: "orders", measure: "count", min: 1 },
    fields: [
      { name: "measure", kind: "select", options: ["count", "revenue"] },
      { name: "min", kind: "number", optional: true, min: 0, money: (l) => l.measure === "revenue" },
      { name: "max", kind: "number", optional: true, min: 0, money: (l) => l.measure === "revenue" },
      { name: "withinDays", kind: "number", optional: true, min: 1 },
      { name: "channels", kind: "checks", options: ORDER_CHANNELS, optional: true },
      { name: "withCoupon", kind: "bool", optional: true },
    ],
  },
  {
    type: "order_date",
    initial: { type: "order_date", which: "last", withinDays: 30 },
    fields: [
      { name: "which", kind: "select", options: ["first", "last"] },
      { name: "withinDays", kind: "number", optional: true, min: 1 },
      { name: "olderThanDays", kind: "number", optional: true, min: 1 },
    ],
  },
  {
    type: "bought",
    initial: { type: "bought", category: "", minTimes: 1 },
    fields: [
      { name: "category", kind: "text", optional: true },
      { name: "skus", kind: "list", optional: true },
      { name: "withinDays", kind: "number", optional: true, min: 1 },
      { name: "minTimes", kind: "number", min: 1 },
    ],
  },
  {
    type: "rfm",
    initial: { type: "rfm", groups: ["champions"] },
    fields: [
      { name: "groups", kind: "checks", options: RFM_GROUPS, optional: true },
      { name: "recency", kind: "checks", options: SCORES, optional: true },
      { name: "frequency", kind: "checks", options: SCORES, optional: true },
      { name: "monetary", kind: "checks", options: SCORES, optional: true },
    ],
  },
  {
    type: "event",
    initial: { type: "event", eventType: "product_view", withinDays: 7, minCount: 1 },
    fields: [
      { name: "eventType", kind: "select", options: EVENT_TYPES },
      { name: "withinDays", kind: "number", min: 1 },
      { name: "minCount", kind: "number", min: 1 },
      { name: "category", kind: "text", optional: true },
      { name: "skus", kind: "list", optional: true },
    ],
  },
  {
    type: "abandoned_cart",
    initial: { type: "abandoned_cart", withinDays: 3 },
    fields: [{ name: "withinDays", kind: "number", min: 1 }],
  },
  {
    type: "engagement",
    initial: { type: "engagement", action: "opened", withinDays: 90 },
    fields: [
      { name: "action", kind: "select", options: ["received", "opened", "clicked"] },
      { name: "withinDays", kind: "number", min: 1 },
      { name: "channel", kind: "select", options: CHANNELS, optional: true },
    ],
  },
  {
    type: "reachable",
    initial: { type: "reachable", channel: "email" },
    fields: [{ name: "channel", kind: "select", options: CHANNELS }],
  },
  {
    type: "consent",
    initial: { type: "consent", channel: "email", granted: true },
    fields: [
      { name: "channel", kind: "select", options: CHANNELS },
      { name: "granted", kind: "bool" },
    ],
  },
  {
    type: "profile",
    initial: { type: "profile", field: "prefecture", op: "eq", value: "" },
    fields: [
      { name: "field", kind: "select", options: PROFILE_FIELDS },
      {
        name: "op",
        kind: "select",
        options: ["eq", "neq", "in", "not_in", "starts_with", "exists", "missing"],
      },
      {
        name: "value",
        kind: "text",
        showIf: (l) => !noValueOps.has(String(l.op)) && !listOps.has(String(l.op)),
      },
      { name: "value", kind: "list", showIf: (l) => listOps.has(String(l.op)) },
    ],
  },
  {
    type: "birthday_month",
    initial: { type: "birthday_month", months: [new Date().getMonth() + 1] },
    fields: [{ name: "months", kind: "checks", options: MONTHS }],
  },
  {
    type: "signed_up",
    initial: { type: "signed_up", withinDays: 30 },
    fields: [
      { name: "withinDays", kind: "number", optional: true, min: 1 },
      { name: "olderThanDays", kind: "number", optional: true, min: 1 },
    ],
  },
  {
    type: "points",
    initial: { type: "points", min: 1 },
    fields: [
      { name: "min", kind: "number", optional: true, min: 0 },
      { name: "max", kind: "number", optional: true, min: 0 },
    ],
  },
  {
    type: "points_expiring",
    initial: { type: "points_expiring", withinDays: 30, min: 1 },
    fields: [
      { name: "withinDays", kind: "number", min: 1 },
      { name: "min", kind: "number", min: 0 },
    ],
  },
  {
    type: "prediction",
    initial: { type: "prediction", field: "p_alive", min: 0.5 },
    fields: [
      { name: "field", kind: "select", options: ["p_alive", "expected_orders_365", "predicted_clv_365"] },
      { name: "min", kind: "number", optional: true, money: (l) => l.field === "predicted_clv_365" },
      { name: "max", kind: "number", optional: true, money: (l) => l.field === "predicted_clv_365" },
    ],
  },
  {
    type: "next_order_due",
    initial: { type: "next_order_due", withinDays: 14 },
    fields: [{ name: "withinDays", kind: "number", min: 1 }],
  },
  {
    type: "attribute",
    initial: { type: "attribute", name: "", op: "eq", value: "" },
    fields: [
      { name: "name", kind: "text" },
      { name: "op", kind: "select", options: ["eq", "neq", "gt", "gte", "lt", "lte", "exists", "missing"] },
      { name: "value", kind: "text", showIf: (l) => !noValueOps.has(String(l.op)) },
    ],
  },
  { type: "tag", initial: { type: "tag", tag: "" }, fields: [{ name: "tag", kind: "text" }] },
  { type: "segment", initial: { type: "segment", key: "" }, fields: [{ name: "key", kind: "segment" }] },
];

export const leafKind = (type: string): LeafKind | undefined => LEAF_KINDS.find((k) => k.type === type);

/** Drops what the current operator does not use, so the rule sent is the one the marketer sees. */
export function tidyLeaf(leaf: Leaf): Leaf {
  const kind = leafKind(leaf.type);
  if (!kind) return leaf;
  const shown = new Set(kind.fields.filter((f) => !f.showIf || f.showIf(leaf)).map((f) => f.name));
  const out: Leaf = { type: leaf.type };
  for (const [name, value] of Object.entries(leaf)) {
    if (name === "type" || !shown.has(name)) continue;
    if (value === undefined || value === "" || (Array.isArray(value) && value.length === 0)) {
      // An optional field left empty is left out; a required one is sent empty so the server names it.
      if (kind.fields.find((f) => f.name === name)?.optional) continue;
    }
    out[name] = value;
  }
  if (leaf.type === "attribute" && ["gt", "gte", "lt", "lte"].includes(String(leaf.op))) {
    const n = Number(out.value);
    if (out.value !== "" && Number.isFinite(n)) out.value = n;
  }
  return out;
}

/** The rule as the server takes it: empty optional fields dropped, in every leaf of the tree. */
export function tidyRule(rule: Rule): Rule {
  if (rule.type === "all" || rule.type === "any") {
    const group = rule as { type: "all" | "any"; conditions: Rule[] };
    return { type: group.type, conditions: group.conditions.map(tidyRule) };
  }
  if (rule.type === "not")
    return { type: "not", condition: tidyRule((rule as { condition: Rule }).condition) };
  return tidyLeaf(rule as Leaf);
}

/** A saved rule in the builder's shape: always a group at the top. */
export function asGroup(rule: Rule | null | undefined): { type: "all" | "any"; conditions: Rule[] } {
  if (!rule) return { type: "all", conditions: [] };
  if (rule.type === "all" || rule.type === "any") return rule as { type: "all" | "any"; conditions: Rule[] };
  return { type: "all", conditions: [rule] };
}

// Words. Keys: `kind.<type>`, `field.<name>`, `opt.<value>`; a missing key shows the raw name.
const ja: Record<string, string> = {
  "kind.orders": "購入回数・購入金額",
  "kind.order_date": "初回・最終購入日",
  "kind.bought": "購入した商品",
  "kind.rfm": "RFM",
  "kind.event": "サイト行動",
  "kind.abandoned_cart": "カゴ落ち",
  "kind.engagement": "メッセージへの反応",
  "kind.reachable": "配信可能",
  "kind.consent": "配信同意",
  "kind.profile": "プロフィール",
  "kind.birthday_month": "誕生月",
  "kind.signed_up": "会員登録日",
  "kind.points": "ポイント残高",
  "kind.points_expiring": "失効予定ポイント",
  "kind.prediction": "予測",
  "kind.next_order_due": "次回購入予測",
  "kind.attribute": "カスタム属性",
  "kind.tag": "タグ",
  "kind.segment": "他のセグメント",
  "field.measure": "数える対象",
  "field.min": "以上",
  "field.max": "以下",
  "field.withinDays": "直近（日）",
  "field.olderThanDays": "より前（日）",
  "field.channels": "購入チャネル",
  "field.withCoupon": "クーポン利用",
  "field.which": "どの購入",
  "field.category": "カテゴリ",
  "field.skus": "SKU（カンマ区切り）",
  "field.minTimes": "最低回数",
  "field.groups": "RFM グループ",
  "field.recency": "R スコア",
  "field.frequency": "F スコア",
  "field.monetary": "M スコア",
  "field.eventType": "行動",
  "field.minCount": "最低回数",
  "field.action": "反応",
  "field.channel": "チャネル",
  "field.granted": "同意",
  "field.field": "項目",
  "field.op": "比較",
  "field.value": "値",
  "field.months": "月",
  "field.name": "属性名",
  "field.tag": "タグ",
  "field.key": "セグメント",
  "opt.count": "回数",
  "opt.revenue": "金額",
  "opt.online": "オンライン",
  "opt.store": "店舗",
  "opt.marketplace": "モール",
  "opt.first": "初回購入",
  "opt.last": "最終購入",
  "opt.champions": "優良",
  "opt.loyal": "ロイヤル",
  "opt.potential": "育成",
  "opt.new": "新規",
  "opt.needs_attention": "要注意",
  "opt.at_risk": "離反リスク",
  "opt.dormant": "休眠",
  "opt.product_view": "商品閲覧",
  "opt.cart_add": "カート追加",
  "opt.cart_remove": "カート削除",
  "opt.checkout_start": "購入手続き開始",
  "opt.favourite": "お気に入り",
  "opt.restock_request": "再入荷リクエスト",
  "opt.search": "検索",
  "opt.login": "ログイン",
  "opt.page_view": "ページ閲覧",
  "opt.received": "受信",
  "opt.opened": "開封",
  "opt.clicked": "クリック",
  "opt.email": "メール",
  "opt.line": "LINE",
  "opt.sms": "SMS",
  "opt.push": "Web プッシュ",
  "opt.postal": "DM（郵送）",
  "opt.gender": "性別",
  "opt.prefecture": "都道府県",
  "opt.member_rank": "会員ランク",
  "opt.phone": "電話番号",
  "opt.line_user_id": "LINE ユーザー ID",
  "opt.postal_code": "郵便番号",
  "opt.birthday": "誕生日",
  "opt.external_id": "顧客 ID",
  "opt.eq": "と等しい",
  "opt.neq": "と等しくない",
  "opt.in": "のいずれか",
  "opt.not_in": "のいずれでもない",
  "opt.starts_with": "で始まる",
  "opt.exists": "が登録されている",
  "opt.missing": "が未登録",
  "opt.gt": "より大きい",
  "opt.gte": "以上",
  "opt.lt": "より小さい",
  "opt.lte": "以下",
  "opt.p_alive": "稼働確率（0〜1）",
  "opt.expected_orders_365": "今後 1 年の予測購入回数",
  "opt.predicted_clv_365": "今後 1 年の予測 LTV",
  "opt.yes": "あり",
  "opt.no": "なし",
  "opt.any": "指定しない",
};

const en: Record<string, string> = {
  "kind.orders": "Orders: count or amount",
  "kind.order_date": "First or last order date",
  "kind.bought": "Bought a product",
  "kind.rfm": "RFM",
  "kind.event": "Storefront behaviour",
  "kind.abandoned_cart": "Abandoned cart",
  "kind.engagement": "Message engagement",
  "kind.reachable": "Reachable",
  "kind.consent": "Consent",
  "kind.profile": "Profile",
  "kind.birthday_month": "Birthday month",
  "kind.signed_up": "Signed up",
  "kind.points": "Point balance",
  "kind.points_expiring": "Points expiring",
  "kind.prediction": "Prediction",
  "kind.next_order_due": "Next order due",
  "kind.attribute": "Custom attribute",
  "kind.tag": "Tag",
  "kind.segment": "Another segment",
  "field.measure": "Measure",
  "field.min": "At least",
  "field.max": "At most",
  "field.withinDays": "In the last (days)",
  "field.olderThanDays": "More than (days) ago",
  "field.channels": "Order channels",
  "field.withCoupon": "With a coupon",
  "field.which": "Which order",
  "field.category": "Category",
  "field.skus": "SKUs (comma-separated)",
  "field.minTimes": "At least (times)",
  "field.groups": "RFM groups",
  "field.recency": "R score",
  "field.frequency": "F score",
  "field.monetary": "M score",
  "field.eventType": "Behaviour",
  "field.minCount": "At least (times)",
  "field.action": "Action",
  "field.channel": "Channel",
  "field.granted": "Consent",
  "field.field": "Field",
  "field.op": "Comparison",
  "field.value": "Value",
  "field.months": "Months",
  "field.name": "Attribute",
  "field.tag": "Tag",
  "field.key": "Segment",
  "opt.count": "Number of orders",
  "opt.revenue": "Amount spent",
  "opt.online": "Online",
  "opt.store": "Store",
  "opt.marketplace": "Marketplace",
  "opt.first": "First order",
  "opt.last": "Last order",
  "opt.champions": "Champions",
  "opt.loyal": "Loyal",
  "opt.potential": "Potential",
  "opt.new": "New",
  "opt.needs_attention": "Needs attention",
  "opt.at_risk": "At risk",
  "opt.dormant": "Dormant",
  "opt.product_view": "Viewed a product",
  "opt.cart_add": "Added to cart",
  "opt.cart_remove": "Removed from cart",
  "opt.checkout_start": "Started checkout",
  "opt.favourite": "Favourited",
  "opt.restock_request": "Asked for restock",
  "opt.search": "Searched",
  "opt.login": "Signed in",
  "opt.page_view": "Viewed a page",
  "opt.received": "Received",
  "opt.opened": "Opened",
  "opt.clicked": "Clicked",
  "opt.email": "Email",
  "opt.line": "LINE",
  "opt.sms": "SMS",
  "opt.push": "Web push",
  "opt.postal": "Postal DM",
  "opt.gender": "Gender",
  "opt.prefecture": "Prefecture",
  "opt.member_rank": "Member rank",
  "opt.phone": "Phone",
  "opt.line_user_id": "LINE user id",
  "opt.postal_code": "Postal code",
  "opt.birthday": "Birthday",
  "opt.external_id": "Customer id",
  "opt.eq": "equals",
  "opt.neq": "does not equal",
  "opt.in": "is one of",
  "opt.not_in": "is none of",
  "opt.starts_with": "starts with",
  "opt.exists": "is set",
  "opt.missing": "is not set",
  "opt.gt": "greater than",
  "opt.gte": "at least",
  "opt.lt": "less than",
  "opt.lte": "at most",
  "opt.p_alive": "Probability still active (0–1)",
  "opt.expected_orders_365": "Expected orders, next year",
  "opt.predicted_clv_365": "Predicted CLV, next year",
  "opt.yes": "Yes",
  "opt.no": "No",
  "opt.any": "Either",
};

export const RULE_WORDS = { ja, en };
