// The worker's analytics pass, once per round: every shop's customer metrics brought up to date (only
// the customers whose orders changed, except once a day when recency scores move with the calendar and
// everything is redone); after the daily rebuild, the predictions too (the model is refitted weekly).
// Segments are refreshed after this pass, so their rules read fresh metrics.
import type { Clock } from "../core/clock.js";
import type { Db } from "../db/index.js";
import { refreshCustomerMetrics } from "./metrics.js";
import { NotEnoughHistoryError, refreshPredictions } from "./predictions/index.js";

export async function refreshAnalytics(db: Db, clock: Clock): Promise<number> {
  const shops = await db.selectFrom("shops").select("id").orderBy("id").execute();
  let customers = 0;
  for (const shop of shops) {
    const now = clock.now();
    const pass = await refreshCustomerMetrics(db, shop.id, { now });
    customers += pass.customers;
    if (pass.mode !== "full") continue;
    try {
      await refreshPredictions(db, shop.id, now);
    } catch (err) {
      // A new shop without repeat buyers has no predictions yet; everything else is a real failure.
      if (!(err instanceof NotEnoughHistoryError)) throw err;
    }
  }
  return customers;
}
