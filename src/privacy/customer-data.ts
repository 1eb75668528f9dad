// THE list of what each table holds about a customer and what erasing the customer does to it. Export
// reads every table here; erasure applies each entry, in this order, in one transaction. A new
// migration's table goes into CUSTOMER_DATA (it holds anything about a person) or NO_CUSTOMER_DATA (it
// does not, and why): test/privacy/customer-data.test.ts fails while a table of the migrated schema is
// in neither, or has a customer_id column and is not in CUSTOMER_DATA.
import type { Schema } from "../db/index.js";
import {
  type ErasureStep,
  eraseCoupons,
  eraseMessages,
  eraseScenarioRuns,
  eraseSegmentMemberships,
  tombstoneProfiles,
} from "./erase-steps.js";
import type { Finder, Strip } from "./rows.js";
import { hashSuppressions } from "./suppressions.js";

export type TableName = keyof Schema & string;

export type Erasure =
  /** The person's rows are deleted. */
  | { do: "delete" }
  /** Kept as they are: anonymous once the profile is a tombstone, or needed (see why). */
  | { do: "keep" }
  /** Kept, stripped: columns set, personal text redacted. */
  | ({ do: "strip" } & Strip)
  /** Something of its own (erase-steps.ts, suppressions.ts). */
  | { do: "custom"; step: ErasureStep };

export interface CustomerDataTable {
  table: TableName;
  /** What the table holds about a customer. */
  holds: string;
  find: Finder;
  /** Columns that identify and order a row (["id"] tables are exported in pages). */
  key: readonly string[];
  erase: Erasure;
  /** Why erasure does what it does here. */
  why: string;
  /** JSON columns (exported parsed). */
  json?: readonly string[];
  /** 0/1 columns (exported as booleans). */
  flags?: readonly string[];
  /** Left out of the export, because the rows say nothing the other tables do not (why says). */
  exported?: false;
  /** Only on these engines (otherwise on both). */
  engines?: readonly ("sqlite" | "postgres")[];
}

const id = ["id"] as const;

export const CUSTOMER_DATA: readonly CustomerDataTable[] = [
  {
    table: "consent_log",
    holds: "every consent given or withdrawn, per channel, with its source and time",
    find: "customer",
    key: id,
    erase: { do: "strip", redact: ["source"] },
    why: "kept as anonymous evidence that the messages sent (which stay in the statistics) had consent",
    flags: ["granted"],
  },
  {
    table: "consents",
    holds: "the current consent per channel",
    find: "customer",
    key: ["customer_id", "channel"],
    erase: { do: "delete" },
    why: "personal; an unsubscribe survives as a hashed suppression entry (suppressions below)",
    flags: ["granted"],
  },
  {
    table: "point_ledger",
    holds: "points earned, spent and expired",
    find: "customer",
    key: id,
    erase: { do: "delete" },
    why: "the points lapse with the person; no report reads the ledger",
  },
  {
    table: "point_balances",
    holds: "the point balance and next expiry",
    find: "customer",
    key: ["customer_id"],
    erase: { do: "delete" },
    why: "as the ledger",
  },
  {
    table: "coupons",
    holds: "coupons issued to the customer (codes, values, redemption)",
    find: "customer",
    key: id,
    erase: { do: "custom", step: eraseCoupons },
    why: "unused ones go; a redeemed one stays with its order (it explains the order's discount)",
  },
  {
    table: "orders",
    holds: "orders: channel, store, status, times, amounts, coupon code, points used",
    find: "customer",
    key: id,
    erase: { do: "keep" },
    why: "revenue and order reports must not change; they point at the anonymous tombstone (see customers)",
  },
  {
    table: "order_items",
    holds: "the lines of those orders",
    find: "order",
    key: id,
    erase: { do: "keep" },
    why: "as orders: product sales and pairs stay true",
  },
  {
    table: "events",
    holds: "storefront events (views, carts, searches…) of the customer and of their visitors before login",
    find: "customerOrVisitor",
    key: id,
    erase: { do: "delete" },
    why: "browsing history is personal and no revenue or order figure depends on it",
    json: ["properties"],
  },
  {
    table: "visitor_events",
    holds: "SQLite's index of anonymous events by visitor id",
    find: "visitor",
    key: ["visitor_id", "event_id"],
    erase: { do: "delete" },
    why: "goes with the events; not exported (its rows are event ids already in events)",
    exported: false,
    engines: ["sqlite"],
  },
  {
    table: "visitors",
    holds: "the storefront visitor ids (browser cookies) linked to the customer",
    find: "customer",
    key: ["visitor_id"],
    erase: { do: "delete" },
    why: "a visitor id tracks a person's browser",
  },
  {
    table: "push_subscriptions",
    holds: "web push subscriptions (the browser's endpoint and keys) of the customer or their visitors",
    find: "customerOrVisitor",
    key: id,
    erase: { do: "delete" },
    why: "a contact point",
  },
  {
    table: "line_link_codes",
    holds: "codes that linked (or would link) a LINE account, with the LINE user id",
    find: "customer",
    key: ["code"],
    erase: { do: "delete" },
    why: "a contact point",
  },
  {
    table: "customer_preferences",
    holds: "preference centre choices (categories, frequency)",
    find: "customer",
    key: ["customer_id"],
    erase: { do: "delete" },
    why: "personal",
    json: ["categories"],
  },
  {
    table: "customer_recommendations",
    holds: "the customer's list of recommended products",
    find: "customer",
    key: ["customer_id"],
    erase: { do: "delete" },
    why: "a profile of the person's taste",
    json: ["products"],
  },
  {
    table: "segment_memberships",
    holds: "which segments the customer was in, and when",
    find: "customer",
    key: id,
    erase: { do: "custom", step: eraseSegmentMemberships },
    why: "a profile of the person; the segments' member counts drop accordingly",
  },
  {
    table: "scenario_runs",
    holds: "the customer's journeys through scenarios and campaigns, with their context (cart, event)",
    find: "customer",
    key: id,
    erase: { do: "custom", step: eraseScenarioRuns },
    why: "running ones stop so nothing more is sent; all keep their row (scenario statistics) without context",
    json: ["context"],
    flags: ["holdout"],
  },
  {
    table: "scenario_run_steps",
    holds: "what each step of those runs did",
    find: "run",
    key: id,
    erase: { do: "strip", redact: ["outcome"] },
    why: "step statistics count them; outcomes are step results, stripped of any personal text",
  },
  {
    table: "messages",
    holds: "messages queued or sent to the customer: address, personalisation (payload), status, times",
    find: "customer",
    key: id,
    erase: { do: "custom", step: eraseMessages },
    why: "waiting ones are suppressed; all keep row, status and times (campaign, scenario and deliverability figures) and lose address and payload",
    json: ["payload"],
  },
  {
    table: "message_events",
    holds: "every state of those messages, opens, clicks, unsubscribes, with provider details",
    find: "message",
    key: id,
    erase: { do: "strip", redact: ["reason", "detail"] },
    why: "open and click rates count them; provider replies may quote the address, which is redacted",
    json: ["detail"],
  },
  {
    table: "short_links",
    holds: "the tracked SMS links of those messages",
    find: "message",
    key: ["code"],
    erase: { do: "strip", redact: ["url"] },
    why: "clicks count through them; a personalised URL is redacted",
  },
  {
    table: "suppressions",
    holds: "bounced, complained or blocked addresses of the customer (matched by address)",
    find: "address",
    key: ["channel", "address"],
    erase: {
      do: "custom",
      step: ({ trx, clock, secret, person }) => hashSuppressions(trx, clock, secret, person),
    },
    why: "the address must not become mailable by a re-import: kept only as a keyed hash (privacy/suppressions.ts)",
  },
  {
    table: "conversions",
    holds: "orders credited to the scenario or campaign messages the customer got",
    find: "customer",
    key: id,
    erase: { do: "keep" },
    why: "attributed revenue must not change; they point at the tombstone",
  },
  {
    table: "customer_metrics",
    holds: "the customer's order aggregates, RFM scores and predictions",
    find: "customer",
    key: ["customer_id"],
    erase: { do: "keep" },
    why: "the reports read them; on the tombstone they are anonymous",
  },
  {
    table: "first_order_products",
    holds: "the products of the customer's first order",
    find: "customer",
    key: ["customer_id", "product_id"],
    erase: { do: "keep" },
    why: "as customer_metrics (F2 and LTV by first product)",
    flags: ["first_of_category"],
  },
  {
    table: "webhook_resource_versions",
    holds: "the shop platform's customer id (the external id) and the time of its last synced version",
    find: "platformId",
    key: ["provider", "resource", "resource_id"],
    erase: { do: "keep" },
    why: "a late, older webhook delivery must stay stale rather than restore the profile's fields",
  },
  {
    table: "audit_log",
    holds: "admin and API actions; a target may carry a member id from a URL, never profile fields",
    find: "none",
    key: id,
    erase: { do: "keep" },
    why: "the security record of who did what; not per customer",
    json: ["target"],
  },
  {
    table: "customer_erasures",
    holds: "the record of an erasure: when, by which source, row counts",
    find: "customer",
    key: id,
    erase: { do: "keep" },
    why: "proves the erasure was done; holds nothing about the person",
    json: ["summary"],
  },
  {
    // Last: the steps above find the person's rows through the profile ids, never its fields.
    table: "customers",
    holds:
      "the profile (and profiles merged into it): names, kana, contact points, address, birthday, attributes",
    find: "profile",
    key: id,
    erase: { do: "custom", step: tombstoneProfiles },
    why: "becomes an anonymous tombstone, in place (erase-steps.ts says why)",
    json: ["attributes"],
  },
];

/** Tables that hold nothing about any one customer, and why. */
export const NO_CUSTOMER_DATA: Readonly<Partial<Record<TableName, string>>> = {
  instance_settings: "instance-wide settings (the signing secret, watermarks)",
  shops: "the shops",
  api_keys: "the shops' API keys",
  users: "admin users (staff), not customers",
  memberships: "admin users' shops and roles",
  sessions: "admin users' sign-ins",
  products: "the catalogue",
  integrations: "platform connection settings",
  webhook_receipts: "webhook delivery ids and outcomes",
  shopify_inventory_items: "inventory item → SKU",
  scenarios: "scenario definitions",
  scenario_versions: "scenario definitions",
  scenario_cursors: "trigger positions",
  templates: "message templates (Liquid, not rendered)",
  channel_settings: "channel providers and sealed credentials",
  campaigns: "campaign definitions",
  segments: "segment rules and counts",
  product_sales_months: "sales aggregates per product and month",
  category_sales_months: "sales aggregates per category and month",
  weekday_sales_months: "sales aggregates per weekday and month",
  cohort_sales_months: "sales aggregates per cohort and month",
  product_pair_months: "bought-together counts per month",
  order_moves: "old order times awaiting an analytics pass",
  analytics_models: "fitted model parameters per shop",
  ad_costs: "advertising spend per channel and month",
  recommendation_models: "the shop's recommendation model",
  recommendation_products: "per-product neighbours and popularity",
};

/** The entries that exist on an engine. */
export function customerDataOn(engine: "sqlite" | "postgres"): CustomerDataTable[] {
  return CUSTOMER_DATA.filter((t) => !t.engines || t.engines.includes(engine));
}
