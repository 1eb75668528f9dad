// Exit goals: checked for every run the worker picks up, before any step, so nothing is sent after
// the goal was met. An order placed since entry ends the run and is recorded as a conversion, credited
// to the run's latest message (and its step); an exit event ends the run without one.
import { earliestIso } from "../core/clock.js";
import { anyOf, selectIn } from "../db/index.js";
import { endRun, type PassContext, triggeredAt, type WorkingRun } from "./advance.js";

export async function applyExitGoals(pass: PassContext, runs: WorkingRun[]): Promise<void> {
  const withOrderGoal = runs.filter((r) => r.definition.exitGoals.some((g) => g.type === "order_placed"));
  const withEventGoal = runs.filter((r) => r.definition.exitGoals.some((g) => g.type === "event"));
  if (withOrderGoal.length > 0) await exitOnOrders(pass, withOrderGoal);
  if (withEventGoal.length > 0)
    await exitOnEvents(
      pass,
      withEventGoal.filter((r) => !r.ended),
    );
}

function earliestTrigger(runs: WorkingRun[]): string {
  return earliestIso(runs.map(triggeredAt), triggeredAt(runs[0]));
}

async function exitOnOrders(pass: PassContext, runs: WorkingRun[]): Promise<void> {
  const { db, nowIso } = pass;
  const byShop = new Map<number, WorkingRun[]>();
  for (const r of runs) byShop.set(r.row.shop_id, [...(byShop.get(r.row.shop_id) ?? []), r]);
  for (const [shop, group] of byShop) {
    const orders = await selectIn(db, [...new Set(group.map((r) => r.row.customer_id))], (ids) =>
      db
        .selectFrom("orders")
        .select(["id", "customer_id", "ordered_at", "total", "currency"])
        .where("shop_id", "=", shop)
        .where(anyOf(db, "customer_id", ids))
        .where("ordered_at", ">=", earliestTrigger(group))
        .where("ordered_at", "<=", nowIso)
        .where("status", "not in", ["cancelled"])
        .orderBy("ordered_at")
        .execute(),
    );
    for (const run of group) {
      // The first order at or after what made the run enter is the conversion.
      const since = triggeredAt(run);
      const order = orders.find((o) => o.customer_id === run.row.customer_id && o.ordered_at >= since);
      if (!order) continue;
      pass.effects.conversions.push({
        run,
        orderId: order.id,
        revenue: order.total,
        currency: order.currency,
        at: order.ordered_at,
      });
      endRun(pass, run, "exited", "goal:order_placed");
    }
  }
}

async function exitOnEvents(pass: PassContext, runs: WorkingRun[]): Promise<void> {
  const { db, nowIso } = pass;
  for (const run of runs) {
    const types = run.definition.exitGoals.flatMap((g) => (g.type === "event" ? g.eventTypes : []));
    const hit = await db
      .selectFrom("events")
      .select("id")
      .where("shop_id", "=", run.row.shop_id)
      .where("customer_id", "=", run.row.customer_id)
      .where("type", "in", types)
      .where("occurred_at", ">=", run.row.entered_at)
      .where("occurred_at", "<=", nowIso)
      .limit(1)
      .executeTakeFirst();
    if (hit) endRun(pass, run, "exited", `goal:event`);
  }
}
