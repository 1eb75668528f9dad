// Browsers' push subscriptions as the storefront registers and withdraws them. One row per endpoint
// and shop: subscribing again (new keys, a customer who has since logged in) updates the row and
// makes it active again. The browser's permission prompt is an explicit opt-in: a new (or renewed)
// subscription of a known customer records their consent to push. The snippet refreshes an active
// subscription on later visits; that alone changes no consent, so an opt-out made since stands.
import type { Clock } from "../../../core/clock.js";
import { toIso } from "../../../core/clock.js";
import { ensureCustomerByExternalId, setConsents } from "../../../customers/index.js";
import { type Db, inTransaction } from "../../../db/index.js";

export const PUSH_CONSENT_SOURCE = "web-push:subscribe";

export interface SubscriptionInput {
  endpoint: string;
  keys: { p256dh: string; auth: string };
  visitorId?: string;
  /** The shop's member id (externalId), as the snippet was given it by kizuna.identify(). */
  customerId?: string;
}

export interface SavedSubscription {
  subscriptionId: number;
  /** Kizuna's customer id, when the subscription could be tied to one. */
  customerId: number | null;
  created: boolean;
}

/** The customer a subscription belongs to: the member named, else the one the visitor was linked to. */
async function customerFor(trx: Db, clock: Clock, shopId: number, input: SubscriptionInput) {
  if (input.customerId) {
    const customer = await ensureCustomerByExternalId(trx, clock, shopId, input.customerId);
    return customer.merged_into_id ?? customer.id;
  }
  if (!input.visitorId) return null;
  const visitor = await trx
    .selectFrom("visitors")
    .select("customer_id")
    .where("shop_id", "=", shopId)
    .where("visitor_id", "=", input.visitorId)
    .executeTakeFirst();
  return visitor?.customer_id ?? null;
}

export async function saveSubscription(
  db: Db,
  clock: Clock,
  shopId: number,
  input: SubscriptionInput,
): Promise<SavedSubscription> {
  const now = toIso(clock.now());
  return inTransaction(db, async (trx) => {
    const customerId = await customerFor(trx, clock, shopId, input);
    const existing = await trx
      .selectFrom("push_subscriptions")
      .select(["id", "customer_id", "visitor_id", "revoked_at"])
      .where("shop_id", "=", shopId)
      .where("endpoint", "=", input.endpoint)
      .executeTakeFirst();
    let subscriptionId: number;
    if (existing) {
      await trx
        .updateTable("push_subscriptions")
        .set({
          p256dh: input.keys.p256dh,
          auth: input.keys.auth,
          // A later anonymous re-subscribe from the same browser keeps the customer it had.
          customer_id: customerId ?? existing.customer_id,
          visitor_id: input.visitorId ?? existing.visitor_id,
          revoked_at: null,
        })
        .where("id", "=", existing.id)
        .execute();
      subscriptionId = existing.id;
    } else {
      // Two tabs subscribing at once: the loser hits the unique index and inTransaction retries,
      // finding the winner's row.
      const row = await trx
        .insertInto("push_subscriptions")
        .values({
          shop_id: shopId,
          customer_id: customerId,
          visitor_id: input.visitorId ?? null,
          endpoint: input.endpoint,
          p256dh: input.keys.p256dh,
          auth: input.keys.auth,
          created_at: now,
          revoked_at: null,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      subscriptionId = row.id;
    }
    const linked = customerId ?? existing?.customer_id ?? null;
    const optedIn =
      !existing || existing.revoked_at !== null || (existing.customer_id === null && linked !== null);
    if (linked !== null && optedIn) {
      await setConsents(trx, clock, shopId, linked, { push: true }, PUSH_CONSENT_SOURCE);
    }
    return { subscriptionId, customerId: linked, created: !existing };
  });
}

/** Marks the subscription revoked; false when the shop has no active one with that endpoint. */
export async function revokeSubscription(
  db: Db,
  clock: Clock,
  shopId: number,
  endpoint: string,
): Promise<boolean> {
  const result = await db
    .updateTable("push_subscriptions")
    .set({ revoked_at: toIso(clock.now()) })
    .where("shop_id", "=", shopId)
    .where("endpoint", "=", endpoint)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
