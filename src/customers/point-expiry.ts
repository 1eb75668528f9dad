// Points past their expiry date are written off with an "expire" ledger entry, so the ledger tells the
// whole story and the stored balance stays true as time passes. Run by the worker.
import type { Clock } from "../core/clock.js";
import { toIso } from "../core/clock.js";
import { type Db, forClaim, inTransaction } from "../db/index.js";
import { computeBalance, recomputePointBalance } from "./points.js";

/**
 * Expires the points of up to `limit` customers whose next expiry has passed. Returns how many
 * customers were processed (0 when nothing is due). Safe to run from several workers at once.
 */
export async function expireDuePoints(db: Db, clock: Clock, limit = 200): Promise<number> {
  const now = clock.now();
  const nowIso = toIso(now);
  return inTransaction(db, async (trx) => {
    const due = await forClaim(
      trx,
      trx
        .selectFrom("point_balances")
        .select(["shop_id", "customer_id"])
        .where("next_expiry_at", "<=", nowIso)
        .orderBy("next_expiry_at")
        .limit(limit),
    ).execute();
    for (const { shop_id: shopId, customer_id: customerId } of due) {
      const totals = await trx
        .selectFrom("point_ledger")
        .select((eb) => eb.fn.sum<number>("points").as("sum"))
        .where("shop_id", "=", shopId)
        .where("customer_id", "=", customerId)
        .executeTakeFirstOrThrow();
      // The live balance leaves out lots past their expiry; the ledger sum still counts them.
      const { balance } = await computeBalance(trx, shopId, customerId, now);
      const expired = Number(totals.sum ?? 0) - balance;
      if (expired > 0) {
        await trx
          .insertInto("point_ledger")
          .values({
            shop_id: shopId,
            customer_id: customerId,
            kind: "expire",
            points: -expired,
            reason: "expired",
            occurred_at: nowIso,
          })
          .execute();
      }
      await recomputePointBalance(trx, clock, shopId, customerId);
    }
    return due.length;
  });
}
