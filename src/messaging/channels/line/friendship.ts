// Whether a LINE user follows the shop's account. Blocking it (LINE's "unfollow") withdraws consent,
// puts the user id on the suppression list and is credited, as an "unsubscribe" message event, to the
// last LINE message the user got that week (blocks after a campaign are its cost). Adding the account
// back ("follow") lifts the block and, for a linked customer, turns consent back on. LINE does not
// promise order, so the newest event per user wins.
import type { Clock } from "../../../core/clock.js";
import { toIso } from "../../../core/clock.js";
import { setConsents } from "../../../customers/consents.js";
import type { Db, WebhookOutcome } from "../../../db/index.js";
import { advanceResourceVersion } from "../../../integrations/receipts.js";
import { recordMessageEvents } from "../../outbox.js";

/** The suppression reason for a LINE user who blocked the account; a follow lifts only this one. */
export const LINE_BLOCKED = "blocked";

/** A block is credited to a LINE message the user got at most this long before. */
const BLOCK_CREDIT_MS = 7 * 24 * 60 * 60 * 1000;

export interface FriendshipChange {
  shopId: number;
  lineUserId: string;
  following: boolean;
  /** When it happened at LINE (the event's timestamp). */
  at: Date;
}

async function linkedCustomerIds(trx: Db, shopId: number, lineUserId: string): Promise<number[]> {
  const rows = await trx
    .selectFrom("customers")
    .select("id")
    .where("shop_id", "=", shopId)
    .where("line_user_id", "=", lineUserId)
    .where("merged_into_id", "is", null)
    .execute();
  return rows.map((r) => r.id);
}

/** Applies a follow or unfollow inside the caller's transaction; "stale" when a newer one was applied. */
export async function applyFriendship(
  trx: Db,
  clock: Clock,
  change: FriendshipChange,
): Promise<WebhookOutcome> {
  const { shopId, lineUserId, following } = change;
  const fresh = await advanceResourceVersion(trx, {
    shopId,
    provider: "line",
    resource: "friendship",
    resourceId: lineUserId,
    version: change.at,
  });
  if (!fresh) return "stale";

  if (following) {
    await trx
      .deleteFrom("suppressions")
      .where("shop_id", "=", shopId)
      .where("channel", "=", "line")
      .where("address", "=", lineUserId)
      .where("reason", "=", LINE_BLOCKED)
      .execute();
  } else {
    await trx
      .insertInto("suppressions")
      .values({
        shop_id: shopId,
        channel: "line",
        address: lineUserId,
        reason: LINE_BLOCKED,
        created_at: toIso(clock.now()),
      })
      .onConflict((oc) => oc.columns(["shop_id", "channel", "address"]).doNothing())
      .execute();
  }
  const source = following ? "line:follow" : "line:unfollow";
  const customerIds = await linkedCustomerIds(trx, shopId, lineUserId);
  for (const customerId of customerIds) {
    await setConsents(trx, clock, shopId, customerId, { line: following }, source, toIso(change.at));
  }
  if (!following) await creditBlock(trx, change, customerIds, source);
  return "processed";
}

/** Records the block on the last LINE message sent to this user within the week before it. */
async function creditBlock(trx: Db, change: FriendshipChange, customerIds: number[], reason: string) {
  if (customerIds.length === 0) return;
  const at = toIso(change.at);
  const last = await trx
    .selectFrom("messages")
    .select("id")
    .where("shop_id", "=", change.shopId)
    .where("customer_id", "in", customerIds)
    .where("channel", "=", "line")
    .where("address", "=", change.lineUserId)
    .where("sent_at", "<=", at)
    .where("sent_at", ">=", toIso(change.at.getTime() - BLOCK_CREDIT_MS))
    .orderBy("sent_at", "desc")
    .limit(1)
    .executeTakeFirst();
  if (last) {
    await recordMessageEvents(trx, [
      { shopId: change.shopId, messageId: last.id, type: "unsubscribe", reason, at },
    ]);
  }
}
