// Anonymous storefront visitors and their link to a customer once they log in or identify.
import type { Clock } from "../core/clock.js";
import { toIso } from "../core/clock.js";
import type { Db } from "../db/index.js";
import { attributeAnonymousEvents } from "../events/visitor-index.js";

/**
 * Links a visitor id to a customer and attributes the visitor's anonymous events to them. Returns the
 * number of earlier events that were attributed. Must run inside a transaction.
 */
export async function linkVisitor(
  trx: Db,
  clock: Clock,
  shopId: number,
  visitorId: string,
  customerId: number,
): Promise<number> {
  const now = toIso(clock.now());
  await trx
    .insertInto("visitors")
    .values({
      shop_id: shopId,
      visitor_id: visitorId,
      customer_id: customerId,
      first_seen_at: now,
      linked_at: now,
    })
    .onConflict((oc) =>
      oc.columns(["shop_id", "visitor_id"]).doUpdateSet({ customer_id: customerId, linked_at: now }),
    )
    .execute();
  return attributeAnonymousEvents(trx, shopId, visitorId, customerId);
}
