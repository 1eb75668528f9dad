// Wake-ups: a run asleep in a wait learns at once that its customer acted. A new event wakes the runs
// waiting for an event ("until the customer adds to cart, at most 2 days"); a new order wakes all the
// customer's runs, so exit goals end them (and record the conversion) now, not when their wait ends.
// The step pass then decides what the news means (steps.ts, goals.ts); a run woken for nothing goes
// back to sleep until the same time. One reader per shop and source (cursors `wake:<shop>` and
// `wake-orders:<shop>` under scenario 0), only for shops whose scenarios need it.
import { sql } from "kysely";
import type { Clock } from "../core/clock.js";
import { toIso } from "../core/clock.js";
import { anyOf, chunk, type Db } from "../db/index.js";
import { feedWindow, inWindow, nextPosition, settledTime } from "./feed.js";
import { activeScenarios, loadDefinition } from "./store.js";
import { getCursor, maxId, setCursor, type TriggerOptions } from "./triggers.js";

const BATCH = 5_000;

interface ShopWakeups {
  /** Some scenario waits for storefront events: a customer's new event wakes their waiting runs. */
  events: boolean;
  /** Some scenario waits for orders or ends on one: a customer's new order wakes all their runs. */
  orders: boolean;
}

async function shopsToWatch(db: Db, shopId?: number): Promise<Map<number, ShopWakeups>> {
  const shops = new Map<number, ShopWakeups>();
  for (const scenario of await activeScenarios(db, shopId)) {
    const definition = await loadDefinition(db, scenario.id, scenario.version);
    const waits = definition.steps.flatMap((s) => (s.type === "wait_for_event" ? s.eventTypes : []));
    const watch = shops.get(scenario.shop_id) ?? { events: false, orders: false };
    watch.events ||= waits.some((t) => t !== "order");
    watch.orders ||= waits.includes("order") || definition.exitGoals.some((g) => g.type === "order_placed");
    shops.set(scenario.shop_id, watch);
  }
  return shops;
}

/** Makes due the runs of customers who acted since the last pass; returns how many. */
export async function wakeWaitingRuns(db: Db, clock: Clock, options: TriggerOptions = {}): Promise<number> {
  let woken = 0;
  for (const [shopId, watch] of await shopsToWatch(db, options.shopId)) {
    if (watch.events) woken += await wakeFrom(db, clock, options, shopId, "events", `wake:${shopId}`);
    if (watch.orders) woken += await wakeFrom(db, clock, options, shopId, "orders", `wake-orders:${shopId}`);
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
  if (cursor === null) {
    const start = options.backtest ? settledTime(clock, options) : String(await maxId(db, table));
    await setCursor(db, clock, shopId, 0, source, start);
    return 0;
  }
  const window = feedWindow(clock, options, cursor, BATCH);
  const columns =
    table === "events"
      ? { time: "occurred_at", written: "received_at" }
      : { time: "ordered_at", written: "created_at" };
  const rows = await inWindow(
    db
      .selectFrom(table)
      .select(["id", "customer_id", sql.ref<string>(columns.time).as("at")])
      .where("shop_id", "=", shopId)
      .where("customer_id", "is not", null),
    window,
    columns,
  ).execute();
  const customers = [...new Set(rows.map((r) => r.customer_id as number))];
  let woken = 0;
  for (const part of chunk(customers, 1_000)) {
    const result = await db
      .updateTable("scenario_runs")
      .set({ next_at: toIso(clock.now()) })
      .where("shop_id", "=", shopId)
      .where(anyOf(db, "customer_id", part))
      .where("status", "=", "active")
      // An order may meet an exit goal of any run; an event matters only to a run waiting for one.
      .$if(table === "events", (qb) => qb.where("waiting_for", "is not", null))
      .executeTakeFirst();
    woken += Number(result.numUpdatedRows ?? 0n);
  }
  const position = nextPosition(window, rows, (r) => String(r.at), rows.length < BATCH);
  if (position !== null && position !== cursor) await setCursor(db, clock, shopId, 0, source, position);
  return woken;
}
