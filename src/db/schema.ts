// The one description of every table, shared by both engines. Conventions that hold on SQLite and
// PostgreSQL alike (the pg type parsers in connect.ts make the driver agree with SQLite):
// - timestamps are UTC ISO-8601 strings (`2026-01-02T03:04:05.000Z`); calendar dates are `YYYY-MM-DD`
// - JSON columns are read and written as JSON text (jsonb on PostgreSQL, text on SQLite)
// - flags are integers 0/1; money is integer minor units next to a currency code
// - every row carries shop_id, and every query filters by it
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from "kysely";

type Id = Generated<number>;
type Timestamp = string;
type JsonText = string;

export const CHANNELS = ["email", "line", "sms", "push", "postal"] as const;
export type Channel = (typeof CHANNELS)[number];

export const ORDER_CHANNELS = ["online", "store", "marketplace"] as const;
export type OrderChannel = (typeof ORDER_CHANNELS)[number];

export const ORDER_STATUSES = ["pending", "paid", "shipped", "completed", "cancelled", "returned"] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const EVENT_TYPES = [
  "product_view",
  "cart_add",
  "cart_remove",
  "checkout_start",
  "favourite",
  "restock_request",
  "search",
  "login",
  "page_view",
  "restock",
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const POINT_KINDS = ["earn", "spend", "expire", "adjust"] as const;
export type PointKind = (typeof POINT_KINDS)[number];

export interface InstanceSettingTable {
  key: string;
  value: string;
}

export interface ShopTable {
  id: Id;
  name: string;
  timezone: string;
  currency: string;
  locale: string;
  /** Shop-wide settings document (e.g. guardrail defaults for scenarios). */
  settings: Generated<JsonText>;
  created_at: Timestamp;
}

export interface ApiKeyTable {
  id: Id;
  shop_id: number;
  kind: "secret" | "public";
  key_hash: string;
  /** First characters of the key, shown in the admin so a person can tell keys apart. */
  key_prefix: string;
  created_at: Timestamp;
  revoked_at: Timestamp | null;
  /** What the owner calls it ("storefront", "ERP sync"); migration 0016. */
  label: string | null;
  /** Written at most every few minutes (accounts/api-keys.ts), not on every request. */
  last_used_at: Timestamp | null;
}

export interface CustomerTable {
  id: Id;
  shop_id: number;
  external_id: string | null;
  email: string | null;
  phone: string | null;
  line_user_id: string | null;
  first_name: string | null;
  last_name: string | null;
  first_name_kana: string | null;
  last_name_kana: string | null;
  birthday: string | null;
  gender: string | null;
  postal_code: string | null;
  prefecture: string | null;
  address: string | null;
  member_rank: string | null;
  attributes: JsonText;
  /** Set when this profile was merged into another; merged profiles are kept as tombstones. */
  merged_into_id: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ConsentTable {
  shop_id: number;
  customer_id: number;
  channel: Channel;
  granted: number;
  source: string;
  updated_at: Timestamp;
}

/** Every consent change, append-only: who said yes or no, through what, when. */
export interface ConsentLogTable {
  id: Id;
  shop_id: number;
  customer_id: number;
  channel: Channel;
  granted: number;
  source: string;
  recorded_at: Timestamp;
}

export interface ProductTable {
  id: Id;
  shop_id: number;
  sku: string;
  name: string;
  category_path: string | null;
  price: number;
  currency: string;
  stock: number | null;
  url: string | null;
  image_url: string | null;
  replenishment_days: number | null;
  warranty_months: number | null;
  consumable: Generated<number>;
  attributes: JsonText;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface OrderTable {
  id: Id;
  shop_id: number;
  external_id: string;
  customer_id: number | null;
  channel: OrderChannel;
  store_id: string | null;
  status: OrderStatus;
  ordered_at: Timestamp;
  shipped_at: Timestamp | null;
  currency: string;
  subtotal: number;
  discount: number;
  shipping: number;
  tax: number;
  total: number;
  coupon_code: string | null;
  points_used: number;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface OrderItemTable {
  id: Id;
  shop_id: number;
  order_id: number;
  line_no: number;
  product_id: number | null;
  sku: string;
  name: string | null;
  quantity: number;
  unit_price: number;
  line_total: number;
}

export interface EventTable {
  id: Id;
  shop_id: number;
  customer_id: number | null;
  visitor_id: string | null;
  type: EventType;
  product_id: number | null;
  sku: string | null;
  properties: JsonText;
  occurred_at: Timestamp;
  received_at: Timestamp;
  /** Optional client-supplied id; a retried batch with the same ids is not stored twice. */
  event_key: string | null;
}

export interface VisitorTable {
  shop_id: number;
  visitor_id: string;
  customer_id: number | null;
  first_seen_at: Timestamp;
  linked_at: Timestamp | null;
}

/** SQLite only: anonymous events by visitor, filled in batches (events/visitor-index.ts). */
export interface VisitorEventTable {
  shop_id: number;
  visitor_id: string;
  event_id: number;
}

export interface RecommendationModelTable {
  shop_id: number;
  config: JsonText;
  as_of: Timestamp;
  trained_at: Timestamp;
  cursor: JsonText;
}

export interface RecommendationProductTable {
  shop_id: number;
  product_id: number;
  neighbours: JsonText;
  repurchase_rate: number;
  cycle_days: number | null;
  regularity: number | null;
  popularity_rank: number | null;
  popularity_share: number;
  trending_share: number;
  factors: JsonText | null;
}

export interface CustomerRecommendationTable {
  shop_id: number;
  customer_id: number;
  products: JsonText;
  computed_at: Timestamp;
}

export interface PointLedgerTable {
  id: Id;
  shop_id: number;
  customer_id: number;
  kind: PointKind;
  /** Signed: positive for earn, negative for spend and expire. */
  points: number;
  expires_at: Timestamp | null;
  reason: string | null;
  order_external_id: string | null;
  /** Caller's idempotency key: the same entry sent twice is recorded once. */
  external_id: string | null;
  occurred_at: Timestamp;
}

export interface PointBalanceTable {
  shop_id: number;
  customer_id: number;
  balance: number;
  next_expiry_at: Timestamp | null;
  next_expiry_points: number;
  updated_at: Timestamp;
}

export interface CouponTable {
  id: Id;
  shop_id: number;
  code: string;
  customer_id: number | null;
  kind: "amount" | "percent";
  value: number;
  currency: string;
  min_order: number;
  expires_at: Timestamp | null;
  redeemed_at: Timestamp | null;
  redeemed_order_external_id: string | null;
  created_at: Timestamp;
}

export interface Schema {
  instance_settings: InstanceSettingTable;
  shops: ShopTable;
  api_keys: ApiKeyTable;
  customers: CustomerTable;
  consents: ConsentTable;
  consent_log: ConsentLogTable;
  products: ProductTable;
  orders: OrderTable;
  order_items: OrderItemTable;
  events: EventTable;
  visitors: VisitorTable;
  visitor_events: VisitorEventTable;
  recommendation_models: RecommendationModelTable;
  recommendation_products: RecommendationProductTable;
  customer_recommendations: CustomerRecommendationTable;
  point_ledger: PointLedgerTable;
  point_balances: PointBalanceTable;
  coupons: CouponTable;
  integrations: IntegrationTable;
  webhook_receipts: WebhookReceiptTable;
  webhook_resource_versions: WebhookResourceVersionTable;
  shopify_inventory_items: ShopifyInventoryItemTable;
  scenarios: ScenarioTable;
  scenario_versions: ScenarioVersionTable;
  scenario_runs: ScenarioRunTable;
  scenario_run_steps: ScenarioRunStepTable;
  scenario_cursors: ScenarioCursorTable;
  templates: TemplateTable;
  messages: MessageTable;
  message_events: MessageEventTable;
  channel_settings: ChannelSettingTable;
  push_subscriptions: PushSubscriptionTable;
  line_link_codes: LineLinkCodeTable;
  customer_preferences: CustomerPreferenceTable;
  short_links: ShortLinkTable;
  suppressions: SuppressionTable;
  conversions: ConversionTable;
  campaigns: CampaignTable;
  segments: SegmentTable;
  segment_memberships: SegmentMembershipTable;
  customer_metrics: CustomerMetricsTable;
  first_order_products: FirstOrderProductTable;
  product_sales_months: ProductSalesMonthTable;
  category_sales_months: CategorySalesMonthTable;
  weekday_sales_months: WeekdaySalesMonthTable;
  cohort_sales_months: CohortSalesMonthTable;
  product_pair_months: ProductPairMonthTable;
  order_moves: OrderMoveTable;
  analytics_models: AnalyticsModelTable;
  ad_costs: AdCostTable;
  users: UserTable;
  memberships: MembershipTable;
  sessions: SessionTable;
  audit_log: AuditLogTable;
  customer_erasures: CustomerErasureTable;
}

export type Shop = Selectable<ShopTable>;
export type Customer = Selectable<CustomerTable>;
export type NewCustomer = Insertable<CustomerTable>;
export type CustomerUpdate = Updateable<CustomerTable>;
export type Product = Selectable<ProductTable>;
export type Order = Selectable<OrderTable>;
export type OrderItem = Selectable<OrderItemTable>;
export type StorefrontEvent = Selectable<EventTable>;
export type NewStorefrontEvent = Insertable<EventTable>;
export type PointLedgerEntry = Selectable<PointLedgerTable>;
export type Coupon = Selectable<CouponTable>;

// Re-exported so feature code need not import kysely for column helper types.
export type { ColumnType };

// Integrations with shop platforms (migration 0002).

/** One connection per shop and provider; secrets inside `settings` are encrypted (integrations/crypto.ts). */
export interface IntegrationTable {
  id: Id;
  shop_id: number;
  provider: string;
  settings: JsonText;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export const WEBHOOK_OUTCOMES = ["processed", "ignored", "stale", "failed"] as const;
export type WebhookOutcome = (typeof WEBHOOK_OUTCOMES)[number];

/** One row per webhook delivery, keyed by the provider's delivery id: a retried delivery is recognised. */
export interface WebhookReceiptTable {
  id: Id;
  shop_id: number;
  provider: string;
  webhook_id: string;
  topic: string;
  outcome: WebhookOutcome;
  received_at: Timestamp;
}

/** The newest version (the resource's updated_at) applied per synced resource, so late deliveries lose. */
export interface WebhookResourceVersionTable {
  shop_id: number;
  provider: string;
  resource: string;
  resource_id: string;
  version: Timestamp;
}

/** Shopify inventory item → SKU, learnt from product webhooks; inventory webhooks name only the item. */
export interface ShopifyInventoryItemTable {
  shop_id: number;
  inventory_item_id: string;
  sku: string;
  /** Units available per Shopify location id, as last reported by inventory webhooks. */
  levels: JsonText;
  updated_at: Timestamp;
}

export type Integration = Selectable<IntegrationTable>;

// Scenarios, templates and the message outbox (migration 0003).

export const SCENARIO_STATUSES = ["draft", "active", "paused", "archived"] as const;
export type ScenarioStatus = (typeof SCENARIO_STATUSES)[number];

export interface ScenarioTable {
  id: Id;
  shop_id: number;
  key: string;
  name: string;
  /** The library scenario it was made from, if any. */
  library_key: string | null;
  status: ScenarioStatus;
  /** The current version: new runs enter it; runs already going finish on the one they entered. */
  version: number;
  /** "journey" (shown and edited as a scenario) or "campaign" (runs a campaign, see campaigns/). */
  kind: Generated<"journey" | "campaign">;
  activated_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ScenarioVersionTable {
  id: Id;
  shop_id: number;
  scenario_id: number;
  version: number;
  definition: JsonText;
  created_at: Timestamp;
}

export const RUN_STATUSES = ["active", "completed", "exited"] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export interface ScenarioRunTable {
  id: Id;
  shop_id: number;
  scenario_id: number;
  version: number;
  customer_id: number;
  entry_key: string;
  status: RunStatus;
  step_id: string | null;
  step_seq: number;
  next_at: Timestamp | null;
  waiting_for: string | null;
  arm: string | null;
  holdout: Generated<number>;
  context: JsonText;
  entered_at: Timestamp;
  ended_at: Timestamp | null;
  end_reason: string | null;
}

export interface ScenarioRunStepTable {
  id: Id;
  shop_id: number;
  run_id: number;
  scenario_id: number;
  seq: number;
  step_id: string;
  outcome: string;
  at: Timestamp;
}

export interface ScenarioCursorTable {
  shop_id: number;
  scenario_id: number;
  source: string;
  position: string;
  updated_at: Timestamp;
}

export interface TemplateTable {
  id: Id;
  shop_id: number;
  key: string;
  channel: Channel;
  locale: string;
  message_class: "promotional" | "transactional";
  subject: string | null;
  preheader: string | null;
  body: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export const MESSAGE_STATUSES = [
  "queued",
  "rendering",
  "sending",
  "sent",
  "delivered",
  "deferred",
  "bounced",
  "failed",
  "suppressed",
] as const;
export type MessageStatus = (typeof MESSAGE_STATUSES)[number];

export interface MessageTable {
  id: Id;
  shop_id: number;
  customer_id: number;
  channel: Channel;
  template_key: string;
  message_class: "promotional" | "transactional";
  status: MessageStatus;
  status_reason: string | null;
  idempotency_key: string;
  scenario_id: number | null;
  scenario_version: number | null;
  run_id: number | null;
  step_id: string | null;
  campaign_id: number | null;
  variant: string | null;
  payload: JsonText;
  queued_at: Timestamp;
  sent_at: Timestamp | null;
  opened_at: Timestamp | null;
  clicked_at: Timestamp | null;
  updated_at: Timestamp;
  /** When the delivery worker may take it (queued, deferred) or take it over (its lease, while rendering or sending). */
  due_at: Timestamp | null;
  attempts: Generated<number>;
  /** The address it went to (email, phone, LINE user id, push endpoint), as it was at sending. */
  address: string | null;
  /** The provider's id for it (SMTP queue id, Twilio SID, LINE request id). */
  provider_id: string | null;
  delivered_at: Timestamp | null;
  converted_at: Timestamp | null;
}

/** Every state change of a message, and what happened to it (open, click, unsubscribe, complaint). */
export interface MessageEventTable {
  id: Id;
  shop_id: number;
  message_id: number;
  type: string;
  reason: string | null;
  detail: JsonText | null;
  at: Timestamp;
}

export interface ChannelSettingTable {
  shop_id: number;
  channel: Channel;
  provider: string;
  settings: JsonText;
  sealed_secrets: string | null;
  paused_at: Timestamp | null;
  paused_reason: string | null;
  updated_at: Timestamp;
}

export interface PushSubscriptionTable {
  id: Id;
  shop_id: number;
  customer_id: number | null;
  visitor_id: string | null;
  endpoint: string;
  p256dh: string;
  auth: string;
  created_at: Timestamp;
  revoked_at: Timestamp | null;
}

export interface LineLinkCodeTable {
  shop_id: number;
  code: string;
  customer_id: number;
  expires_at: Timestamp;
  used_at: Timestamp | null;
  line_user_id: string | null;
}

export interface ShortLinkTable {
  code: string;
  shop_id: number;
  message_id: number;
  url: string;
  created_at: Timestamp;
}

export interface CustomerPreferenceTable {
  shop_id: number;
  customer_id: number;
  categories: JsonText;
  frequency: "all" | "weekly" | "monthly";
  updated_at: Timestamp;
}

export interface SuppressionTable {
  shop_id: number;
  channel: Channel;
  address: string;
  reason: string;
  created_at: Timestamp;
}

export interface ConversionTable {
  id: Id;
  shop_id: number;
  customer_id: number;
  order_id: number;
  scenario_id: number | null;
  scenario_version: number | null;
  run_id: number | null;
  step_id: string | null;
  message_id: number | null;
  campaign_id: number | null;
  revenue: number;
  currency: string;
  converted_at: Timestamp;
}

export type Scenario = Selectable<ScenarioTable>;
export type ScenarioRun = Selectable<ScenarioRunTable>;
export type NewScenarioRun = Insertable<ScenarioRunTable>;
export type Template = Selectable<TemplateTable>;
export type Message = Selectable<MessageTable>;
export type NewMessage = Insertable<MessageTable>;

// Campaigns (migration 0004).

export const CAMPAIGN_STATUSES = ["draft", "scheduled", "sending", "sent", "cancelled"] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

export interface CampaignTable {
  id: Id;
  shop_id: number;
  name: string;
  status: CampaignStatus;
  definition: JsonText;
  scenario_id: number | null;
  scheduled_at: Timestamp | null;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type Campaign = Selectable<CampaignTable>;

export interface SegmentTable {
  id: Id;
  shop_id: number;
  key: string;
  name: string;
  description: string | null;
  definition: JsonText;
  version: Generated<number>;
  status: Generated<"active" | "archived">;
  member_count: Generated<number>;
  refreshed_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** One stay of a customer in a segment; current members have no exited_at. */
export interface SegmentMembershipTable {
  id: Id;
  shop_id: number;
  segment_id: number;
  customer_id: number;
  entered_at: Timestamp;
  exited_at: Timestamp | null;
}

/** Per-customer aggregates, scores and predictions, kept up to date by the analytics job. */
export interface CustomerMetricsTable {
  shop_id: number;
  customer_id: number;
  orders_count: Generated<number>;
  revenue: Generated<number>;
  first_order_id: number | null;
  first_order_at: Timestamp | null;
  second_order_at: Timestamp | null;
  last_order_at: Timestamp | null;
  purchase_days: Generated<number>;
  first_order_channel: OrderChannel | null;
  acquisition_channel: string | null;
  online_orders: Generated<number>;
  store_orders: Generated<number>;
  coupon_orders: Generated<number>;
  recency_score: number | null;
  frequency_score: number | null;
  monetary_score: number | null;
  rfm_group: string | null;
  p_alive: number | null;
  expected_orders_365: number | null;
  next_order_at: Timestamp | null;
  predicted_clv_365: number | null;
  refreshed_at: Timestamp;
  /** "YYYY-MM" of the first order in the shop's time zone. */
  first_order_month: string | null;
  first_order_total: number | null;
  /** Revenue of the orders in the 365 days from the first (included). */
  revenue_first_year: number | null;
}

/** Sales per local month ("YYYY-MM"), rebuilt month by month by the analytics pass. */
export interface ProductSalesMonthTable {
  shop_id: number;
  month: string;
  product_id: number;
  units: number;
  revenue: number;
  orders: number;
}

export interface CategorySalesMonthTable {
  shop_id: number;
  month: string;
  /** Top-level category; '' for products without one. */
  category: string;
  orders: number;
}

export interface WeekdaySalesMonthTable {
  shop_id: number;
  month: string;
  /** 0 = Sunday, in the shop's time zone. */
  weekday: number;
  orders: number;
  revenue: number;
}

/** Orders per local month of each cohort (first-order month × acquisition channel). */
export interface CohortSalesMonthTable {
  shop_id: number;
  month: string;
  cohort: string;
  /** '' when unknown. */
  channel: string;
  customers: number;
  orders: number;
  revenue: number;
}

/** An order's ordered_at before a write moved it, until the analytics pass rebuilds that month. */
export interface OrderMoveTable {
  shop_id: number;
  ordered_at_before: Timestamp;
  moved_at: Timestamp;
}

/** Orders holding both products (product_a < product_b) per local month. */
export interface ProductPairMonthTable {
  shop_id: number;
  month: string;
  product_a: number;
  product_b: number;
  orders: number;
}

/** The distinct products of each buyer's first order (kept with customer_metrics). */
export interface FirstOrderProductTable {
  shop_id: number;
  customer_id: number;
  product_id: number;
  /** 1 on one product per category of the order, so a category counts each buyer once. */
  first_of_category: number;
}

export interface AnalyticsModelTable {
  shop_id: number;
  kind: string;
  params: JsonText;
  fitted_at: Timestamp;
}

export interface AdCostTable {
  shop_id: number;
  channel: string;
  month: string;
  amount: number;
  currency: string;
  updated_at: Timestamp;
}

export type Segment = Selectable<SegmentTable>;
export type CustomerMetrics = Selectable<CustomerMetricsTable>;

// Accounts (migration 0016): people who sign in to the admin, their shops and roles, sessions, audit log.

export interface UserTable {
  id: Id;
  email: string;
  name: string;
  password_hash: string;
  locale: ColumnType<string, string | undefined, string>;
  failed_logins: ColumnType<number, number | undefined, number>;
  locked_until: Timestamp | null;
  last_login_at: Timestamp | null;
  disabled_at: Timestamp | null;
  created_at: Timestamp;
}

export interface MembershipTable {
  user_id: number;
  shop_id: number;
  role: "owner" | "marketer" | "analyst";
  created_at: Timestamp;
  /** Null while an invitation the person has not accepted. */
  accepted_at: Timestamp | null;
}

export interface SessionTable {
  id: Id;
  user_id: number;
  token_hash: string;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  expires_at: Timestamp;
}

export interface AuditLogTable {
  id: Id;
  shop_id: number | null;
  actor_kind: "user" | "api_key" | "cli" | "system";
  actor_id: number | null;
  actor_label: string;
  action: string;
  target: string;
  status: number | null;
  at: Timestamp;
}

/** One customer erased on request (migration 0017); nothing about the person, only what was done. */
export interface CustomerErasureTable {
  id: Id;
  shop_id: number;
  /** The anonymous tombstone the profile became. */
  customer_id: number;
  /** "api_key:<id>", "cli". */
  source: string;
  erased_at: Timestamp;
  /** JSON {table: rows affected}. */
  summary: JsonText;
}
