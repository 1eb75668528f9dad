// The worker's analytics pass, once per round: every shop's customer metrics brought up to date (only
// the customers whose orders changed, except once a day when recency scores move with the calendar and
// everything is redone). Segments are refreshed after it, so their rules read fresh metrics.
import type { Clock } from "../core/clock.js";
import type { Db } from "../db/index.js";
import { refreshCustomerMetrics } from "./metrics.js";

export async function refreshAnalytics(db: Db, clock: Clock): Promise<number> {
  const shops = await db.selectFrom("shops").select("id").orderBy("id").execute();
  let customers = 0;
  for (const shop of shops) {
    customers += (await refreshCustomerMetrics(db, shop.id, { now: clock.now() })).customers;
  }
  return customers;
}
