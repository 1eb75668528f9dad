// Wake-ups for runs waiting for an event ("wait until the customer adds to cart, at most 2 days"): when
// a customer with such a run does something, the run is made due now, and the step pass decides whether
// it was the awaited event (steps.ts). Without this the run would only look at its timeout.
// One reader per shop (cursor `wake:<shop>` under scenario 0) over new events and orders, only for
// shops whose active scenarios have a wait_for_event step.
import type { Clock } from "../core/clock.js";
import { toIso } from "../core/clock.js";
import { chunk, type Db } from "../db/index.js";
import { activeScenarios, loadDefinition } from "./store.js";
import { getCursor, maxId, setCursor, settledTime, type TriggerOptions } from "./triggers.js";

const BATCH = 5_000;

async function shopsWithEventWaits(db: Db, shopId?: number): Promise<number[]> {
  const shops = new Set<number>();
  for (const scenario of await activeScenarios(db, shopId)) {
    const definition = await loadDefinition(db, scenario.id, scenario.version);
    if (definition.steps.some((s) => s.type === "wait_for_event")) shops.add(scenario.shop_id);
  }
  return [...shops];
}

/** Makes due the waiting runs of customers who acted since the last pass; returns how many. */
export async function wakeWaitingRuns(db: Db, clock: Clock, options: TriggerOptions = {}): Promise<number> {
  let woken = 0;
  for (const shopId of await shopsWithEventWaits(db, options.shopId)) {
    for (const [table, source] of [
      ["events", `wake:${shopId}`],
      ["orders", `wake-orders:${shopId}`],
    ] as const) {
      woken += await wakeFrom(db, clock, options, shopId, table, source);
    }
  }
  return woken;
}

async function wakeFrom(
  db: Db,
  clock: Clock,
  options: TriggerOptions,
  shopId: number,
  table: "events" | "orders",
  source: string,
): Promise<number> {
  const cursor = await getCursor(db, 0, source);
  const upTo = settledTime(clock, options);
  if (cursor === null) {
    await setCursor(db, clock, shopId, 0, source, options.backtest ? upTo : String(await maxId(db, table)));
    return 0;
  }
  const timeColumn = table === "events" ? "occurred_at" : "ordered_at";
  let q = db
    .selectFrom(table)
    .select(["id", "customer_id", `${timeColumn} as at`])
    .where("shop_id", "=", shopId)
    .where("customer_id", "is not", null);
  q = options.backtest
    ? q.where(timeColumn, ">", cursor).where(timeColumn, "<=", upTo).orderBy(timeColumn).orderBy("id")
    : q
        .where("id", ">", Number(cursor))
        .where(table === "events" ? "received_at" : "created_at", "<=", upTo)
        .orderBy("id");
  const rows = await q.limit(BATCH).execute();
  if (rows.length === 0) {
    if (options.backtest) await setCursor(db, clock, shopId, 0, source, upTo);
    return 0;
  }
  const customers = [...new Set(rows.map((r) => r.customer_id as number))];
  let woken = 0;
  for (const part of chunk(customers, 1_000)) {
    const result = await db
      .updateTable("scenario_runs")
      .set({ next_at: toIso(clock.now()) })
      .where("shop_id", "=", shopId)
      .where("customer_id", "in", part)
      .where("status", "=", "active")
      .where("waiting_for", "is not", null)
      .executeTakeFirst();
    woken += Number(result.numUpdatedRows ?? 0n);
  }
  const last = rows[rows.length - 1];
  const position = options.backtest ? (rows.length < BATCH ? upTo : String(last.at)) : String(last.id);
  await setCursor(db, clock, shopId, 0, source, position);
  return woken;
}
