// Reading what customers did with their messages, for a batch of orders: every open and click in the
// windows before them. The first open and click are stamped on the message (and may have been written
// there directly, by an import or a provider webhook); repeats are only in message_events, and a repeat
// click on an older mail just before buying is the real last touch, so both are read.
//
// Only marketing sends earn credit: a campaign's or a scenario's messages. A transactional mail outside
// them (an opt-in confirmation, say) is clicked because it must be, not because it sold anything.
import { anyOf, type Db, selectIn } from "../../db/index.js";
import type { Touch } from "./choose.js";

/** Opens and clicks of the customers' marketing messages between `from` and `to` (ISO, inclusive). */
export async function touchesOf(
  db: Db,
  shopId: number,
  customerIds: number[],
  from: string,
  to: string,
): Promise<Touch[]> {
  const stamped = await selectIn(db, customerIds, (ids) =>
    db
      .selectFrom("messages")
      .select(["id", "customer_id", "opened_at", "clicked_at"])
      .where("shop_id", "=", shopId)
      .where(anyOf(db, "customer_id", ids))
      .where((eb) => eb.or([eb("scenario_id", "is not", null), eb("campaign_id", "is not", null)]))
      .where((eb) =>
        eb.or([
          eb.and([eb("clicked_at", ">=", from), eb("clicked_at", "<=", to)]),
          eb.and([eb("opened_at", ">=", from), eb("opened_at", "<=", to)]),
        ]),
      )
      .execute(),
  );
  const recorded = await selectIn(db, customerIds, (ids) =>
    db
      .selectFrom("message_events as e")
      .innerJoin("messages as m", "m.id", "e.message_id")
      .select(["e.message_id", "m.customer_id", "e.type", "e.at"])
      .where("e.shop_id", "=", shopId)
      .where("m.shop_id", "=", shopId)
      .where(anyOf(db, "m.customer_id", ids))
      .where((eb) => eb.or([eb("m.scenario_id", "is not", null), eb("m.campaign_id", "is not", null)]))
      .where("e.type", "in", ["open", "click"])
      .where("e.at", ">=", from)
      .where("e.at", "<=", to)
      .execute(),
  );
  const touches: Touch[] = [];
  for (const m of stamped) {
    if (m.opened_at)
      touches.push({ messageId: m.id, customerId: m.customer_id, kind: "open", at: m.opened_at });
    if (m.clicked_at)
      touches.push({ messageId: m.id, customerId: m.customer_id, kind: "click", at: m.clicked_at });
  }
  for (const e of recorded) {
    touches.push({
      messageId: e.message_id,
      customerId: e.customer_id,
      kind: e.type === "click" ? "click" : "open",
      at: e.at,
    });
  }
  return touches;
}
