// The erasure steps that are more than "delete the rows" or "strip these columns": the profile becomes
// an anonymous tombstone, queued messages and running scenarios stop, personal coupons go, segment
// counts follow the memberships removed. Each runs inside the erasure's one transaction.
import type { Clock } from "../core/clock.js";
import { type Db, fromJson, toJson } from "../db/index.js";
import { recordMessageEvents } from "../messaging/outbox.js";
import type { Person } from "./person.js";
import { stripPersonRows, type TableRef } from "./rows.js";

export interface ErasureContext {
  trx: Db;
  clock: Clock;
  /** The instance secret (keys the hashed suppression entries). */
  secret: string;
  person: Person;
  /** The erasure's moment, ISO. */
  now: string;
}

export type ErasureStep = (
  ctx: ErasureContext,
  ref: TableRef & { json: readonly string[] },
) => Promise<number>;

export const ERASED_REASON = "customer erased";

/** Statuses a message waits in before a worker takes it; rendering and sending are a worker's now. */
const WAITING = ["queued", "deferred"] as const;

/**
 * Messages waiting to go are settled as suppressed (with the event saying why); then every message of
 * the person loses its address, its personalisation (payload) and any personal text in its reason. The
 * rows, statuses and times stay: campaign, scenario and deliverability figures count them.
 */
export const eraseMessages: ErasureStep = async ({ trx, person, now }, ref) => {
  const waiting = await trx
    .selectFrom("messages")
    .select("id")
    .where("shop_id", "=", person.shopId)
    .where("customer_id", "in", person.customerIds)
    .where("status", "in", [...WAITING])
    .execute();
  if (waiting.length > 0) {
    await trx
      .updateTable("messages")
      .set({ status: "suppressed", status_reason: ERASED_REASON, due_at: null, updated_at: now })
      .where("shop_id", "=", person.shopId)
      .where(
        "id",
        "in",
        waiting.map((m) => m.id),
      )
      .execute();
    await recordMessageEvents(
      trx,
      waiting.map((m) => ({
        shopId: person.shopId,
        messageId: m.id,
        type: "suppressed",
        reason: ERASED_REASON,
        at: now,
      })),
    );
  }
  return stripPersonRows(
    trx,
    ref,
    person,
    { set: { address: null, payload: "{}" }, redact: ["status_reason"] },
    ref.json,
  );
};

/**
 * Runs still going end now (exited, "customer_erased"), so no later step sends anything; every run
 * forgets its context (cart contents, event properties). Runs stay, so entry and exit counts hold.
 */
export const eraseScenarioRuns: ErasureStep = async ({ trx, person, now }, ref) => {
  await trx
    .updateTable("scenario_runs")
    .set({
      status: "exited",
      end_reason: "customer_erased",
      ended_at: now,
      next_at: null,
      waiting_for: null,
    })
    .where("shop_id", "=", person.shopId)
    .where("customer_id", "in", person.customerIds)
    .where("status", "=", "active")
    .execute();
  return stripPersonRows(trx, ref, person, { set: { context: "{}" } }, ref.json);
};

/** Coupons issued to the person and never used go; a redeemed one stays with its order. */
export const eraseCoupons: ErasureStep = async ({ trx, person }) => {
  const result = await trx
    .deleteFrom("coupons")
    .where("shop_id", "=", person.shopId)
    .where("customer_id", "in", person.customerIds)
    .where("redeemed_at", "is", null)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
};

/** Memberships go; the segments' stored member counts drop by the current ones removed. */
export const eraseSegmentMemberships: ErasureStep = async ({ trx, person }) => {
  const current = await trx
    .selectFrom("segment_memberships")
    .select(["segment_id", (eb) => eb.fn.countAll<number>().as("n")])
    .where("shop_id", "=", person.shopId)
    .where("customer_id", "in", person.customerIds)
    .where("exited_at", "is", null)
    .groupBy("segment_id")
    .execute();
  for (const { segment_id, n } of current) {
    await trx
      .updateTable("segments")
      .set((eb) => ({
        member_count: eb
          .case()
          .when("member_count", ">", Number(n))
          .then(eb("member_count", "-", Number(n)))
          .else(0)
          .end(),
      }))
      .where("shop_id", "=", person.shopId)
      .where("id", "=", segment_id)
      .execute();
  }
  const result = await trx
    .deleteFrom("segment_memberships")
    .where("shop_id", "=", person.shopId)
    .where("customer_id", "in", person.customerIds)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
};

const PERSONAL_FIELDS = {
  external_id: null,
  email: null,
  phone: null,
  line_user_id: null,
  first_name: null,
  last_name: null,
  first_name_kana: null,
  last_name_kana: null,
  birthday: null,
  gender: null,
  postal_code: null,
  prefecture: null,
  address: null,
  member_rank: null,
} as const;

/**
 * The profile becomes an anonymous tombstone, in place: every personal field empty, no external id
 * (the same id sent again makes a new, empty customer), merged into itself. Why in place rather than
 * detaching the orders (customer_id null): the analytics read orders per customer — RFM, F2, cohorts,
 * LTV and the metrics rows behind them — and an order without a customer drops out of all of them, so
 * revenue per cohort, repeat rates and LTV would change. Orders, conversions and messages keep pointing
 * at the tombstone; nothing on it leads back to the person. Merged into itself, it is outside every
 * "live customer" query (segments, scenarios, campaigns, reachability, search), as merged profiles are.
 * It keeps created_at (leads per month) and the acquisition_channel attribute the metrics read, which
 * says which advertising brought a customer, not who they are. Merged duplicates are emptied the same
 * way.
 */
export const tombstoneProfiles: ErasureStep = async ({ trx, person, now }) => {
  const own = await trx
    .selectFrom("customers")
    .select("attributes")
    .where("shop_id", "=", person.shopId)
    .where("id", "=", person.id)
    .executeTakeFirstOrThrow();
  const acquisition = fromJson<{ acquisition_channel?: unknown }>(own.attributes).acquisition_channel;
  const kept =
    typeof acquisition === "string" && acquisition !== "" ? { acquisition_channel: acquisition } : {};
  await trx
    .updateTable("customers")
    .set({ ...PERSONAL_FIELDS, attributes: toJson(kept), merged_into_id: person.id, updated_at: now })
    .where("shop_id", "=", person.shopId)
    .where("id", "=", person.id)
    .execute();
  const duplicates = person.customerIds.filter((id) => id !== person.id);
  if (duplicates.length > 0) {
    await trx
      .updateTable("customers")
      .set({ ...PERSONAL_FIELDS, attributes: "{}", merged_into_id: person.id, updated_at: now })
      .where("shop_id", "=", person.shopId)
      .where("id", "in", duplicates)
      .execute();
  }
  return person.customerIds.length;
};
