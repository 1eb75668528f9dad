// Trigger pass: for each active scenario, find who should enter since the scenario last looked and
// enter them (entry.ts). Where a scenario has looked is kept per scenario and source in
// scenario_cursors, so switching a scenario on starts it from that moment and a restart resumes.
//
// Events, orders, restocks and sign-ups are read as feeds (feed.ts): by id live, once settled, and by
// time in a backtest.
import type { Clock } from "../core/clock.js";
import { toIso } from "../core/clock.js";
import { anyOf, type Db, jsonIsTrue, type Scenario, selectIn } from "../db/index.js";
import { dateTriggerCandidates, firstOrderTimes } from "./date-triggers.js";
import type { ScenarioDefinition, Trigger } from "./definition.js";
import { type EntryCandidate, enterRuns } from "./entry.js";
import {
  type FeedColumns,
  type FeedOptions,
  type FeedWindow,
  feedWindow,
  inWindow,
  nextPosition,
} from "./feed.js";
import { addDays, atLocalTime, latestScheduleSlot, localDate } from "./local-time.js";
import { activeScenarios, loadDefinition } from "./store.js";

const BATCH = 2_000;
/** A date trigger catches up at most this many missed days (a worker down over a weekend). */
const MAX_CATCH_UP_DAYS = 7;

export interface TriggerOptions extends FeedOptions {
  /** Only this shop's scenarios. */
  shopId?: number;
}

type Source = "events" | "orders" | "date" | "schedule" | "restock" | "customers" | "campaign" | "segments";

function sourceOf(trigger: Trigger): Source {
  switch (trigger.type) {
    case "event":
      return "events";
    case "order":
      return "orders";
    case "date":
      return "date";
    case "schedule":
      return "schedule";
    case "restock":
      return "restock";
    case "signup":
      return "customers";
    case "campaign":
      return "campaign";
    case "segment_entry":
      return "segments";
  }
}

/** Where a reader has got to in a source; scenario 0 holds shop-wide readers (e.g. `wake:<shop>`). */
export async function getCursor(db: Db, scenarioId: number, source: string): Promise<string | null> {
  const row = await db
    .selectFrom("scenario_cursors")
    .select("position")
    .where("scenario_id", "=", scenarioId)
    .where("source", "=", source)
    .executeTakeFirst();
  return row?.position ?? null;
}

export async function setCursor(
  db: Db,
  clock: Clock,
  shopId: number,
  scenarioId: number,
  source: string,
  position: string,
) {
  await db
    .insertInto("scenario_cursors")
    .values({ shop_id: shopId, scenario_id: scenarioId, source, position, updated_at: toIso(clock.now()) })
    .onConflict((oc) =>
      oc.columns(["scenario_id", "source"]).doUpdateSet({ position, updated_at: toIso(clock.now()) }),
    )
    .execute();
}

export async function maxId(
  db: Db,
  table: "events" | "orders" | "customers" | "segment_memberships",
): Promise<number> {
  const row = await db
    .selectFrom(table)
    .select((eb) => eb.fn.max("id").as("id"))
    .executeTakeFirst();
  return Number(row?.id ?? 0);
}

/** Positions a scenario's trigger at "now": nothing that happened before switching on enters anyone. */
export async function startCursors(
  db: Db,
  clock: Clock,
  shopId: number,
  scenarioId: number,
  definition: ScenarioDefinition,
  options: TriggerOptions = {},
): Promise<void> {
  const source = sourceOf(definition.trigger);
  if (source === "campaign") return; // entered by the campaign, not read from a source
  const now = clock.now();
  let position: string;
  if (
    source === "events" ||
    source === "orders" ||
    source === "restock" ||
    source === "customers" ||
    source === "segments"
  ) {
    const table = source === "restock" ? "events" : source === "segments" ? "segment_memberships" : source;
    position = options.backtest ? toIso(now) : String(await maxId(db, table));
  } else if (source === "date") {
    const zone = await shopZone(db, shopId);
    // Today still fires if its time has not passed (or has, on the first pass after switching on).
    position = addDays(localDate(now, zone), -1);
  } else {
    position = toIso(now);
  }
  await setCursor(db, clock, shopId, scenarioId, source, position);
}

async function shopZone(db: Db, shopId: number): Promise<string> {
  const row = await db
    .selectFrom("shops")
    .select("timezone")
    .where("id", "=", shopId)
    .executeTakeFirstOrThrow();
  return row.timezone;
}

/** One pass over every active scenario; returns how many runs were entered. */
export async function runTriggers(db: Db, clock: Clock, options: TriggerOptions = {}): Promise<number> {
  let entered = 0;
  for (const scenario of await activeScenarios(db, options.shopId)) {
    const definition = await loadDefinition(db, scenario.id, scenario.version);
    // A full batch means there may be more: keep reading until the source is drained.
    for (;;) {
      const pass = await runScenarioTrigger(db, clock, scenario, definition, options);
      entered += pass.entered;
      if (!pass.more) break;
    }
  }
  return entered;
}

async function runScenarioTrigger(
  db: Db,
  clock: Clock,
  scenario: Scenario,
  definition: ScenarioDefinition,
  options: TriggerOptions,
): Promise<TriggerPass> {
  const trigger = definition.trigger;
  const source = sourceOf(trigger);
  const cursor = await getCursor(db, scenario.id, source);
  if (cursor === null) {
    await startCursors(db, clock, scenario.shop_id, scenario.id, definition, options);
    return { entered: 0, more: false };
  }
  const zone = await shopZone(db, scenario.shop_id);
  const ctx: TriggerContext = { db, clock, scenario, definition, zone, cursor, options };
  switch (trigger.type) {
    case "event":
      return eventTrigger(ctx, trigger);
    case "order":
      return orderTrigger(ctx, trigger);
    case "restock":
      return restockTrigger(ctx, trigger);
    case "date":
      return dateTrigger(ctx, trigger);
    case "schedule":
      return scheduleTrigger(ctx, trigger);
    case "signup":
      return signupTrigger(ctx);
    case "segment_entry":
      return segmentEntryTrigger(ctx, trigger);
    case "campaign":
      return { entered: 0, more: false };
  }
}

interface TriggerPass {
  entered: number;
  /** The batch was full: call again for the rest. */
  more: boolean;
}

interface TriggerContext {
  db: Db;
  clock: Clock;
  scenario: Scenario;
  definition: ScenarioDefinition;
  zone: string;
  cursor: string;
  options: TriggerOptions;
}

async function enter(ctx: TriggerContext, candidates: EntryCandidate[]): Promise<number> {
  return enterRuns(ctx.db, ctx.clock, ctx.scenario, ctx.definition, candidates);
}

const EVENT_FEED: FeedColumns = { time: "occurred_at", written: "received_at" };
const ORDER_FEED: FeedColumns = { time: "ordered_at", written: "created_at" };

/**
 * Moves the scenario's cursor past the rows read (`read`: how many the query returned, when the caller
 * kept fewer) and says whether a full batch means more to read.
 */
async function advance<R extends { id: number }>(
  ctx: TriggerContext,
  source: Source,
  window: FeedWindow,
  rows: R[],
  timeOf: (row: R) => string,
  entered: number,
  read = rows.length,
): Promise<TriggerPass> {
  const more = read === window.limit;
  const position = nextPosition(window, rows, timeOf, !more);
  if (position !== null && position !== ctx.cursor) {
    await setCursor(ctx.db, ctx.clock, ctx.scenario.shop_id, ctx.scenario.id, source, position);
  }
  return { entered, more: more && rows.length > 0 };
}

async function eventTrigger(
  ctx: TriggerContext,
  trigger: Extract<Trigger, { type: "event" }>,
): Promise<TriggerPass> {
  const { db, scenario } = ctx;
  const window = feedWindow(ctx.clock, ctx.options, ctx.cursor, BATCH);
  const rows = await inWindow(
    db
      .selectFrom("events")
      .select(["id", "customer_id", "type", "sku", "product_id", "properties", "occurred_at"])
      .where("shop_id", "=", scenario.shop_id)
      .where("type", "in", trigger.eventTypes)
      .where("customer_id", "is not", null),
    window,
    EVENT_FEED,
  ).execute();
  let matching = rows;
  if (trigger.skus) {
    const skus = new Set(trigger.skus);
    matching = matching.filter((r) => r.sku !== null && skus.has(r.sku));
  }
  if (trigger.categoryPrefix) {
    const inCategory = await productsInCategory(db, scenario.shop_id, matching, trigger.categoryPrefix);
    matching = matching.filter((r) => r.product_id !== null && inCategory.has(r.product_id));
  }
  const entered = await enter(
    ctx,
    matching.map((r) => ({
      customerId: r.customer_id!,
      entryKey: `event:${r.id}`,
      context: {
        event: { id: r.id, type: r.type, sku: r.sku, productId: r.product_id, occurredAt: r.occurred_at },
      },
    })),
  );
  return advance(ctx, "events", window, rows, (r) => r.occurred_at, entered);
}

async function productsInCategory(
  db: Db,
  shopId: number,
  rows: Array<{ product_id: number | null }>,
  prefix: string,
): Promise<Set<number>> {
  const ids = [...new Set(rows.flatMap((r) => (r.product_id === null ? [] : [r.product_id])))];
  const found = await selectIn(db, ids, (slice) =>
    db
      .selectFrom("products")
      .select("id")
      .where("shop_id", "=", shopId)
      .where(anyOf(db, "id", slice))
      .where("category_path", "like", `${prefix}%`)
      .execute(),
  );
  return new Set(found.map((p) => p.id));
}

async function orderTrigger(
  ctx: TriggerContext,
  trigger: Extract<Trigger, { type: "order" }>,
): Promise<TriggerPass> {
  const { db, scenario } = ctx;
  const window = feedWindow(ctx.clock, ctx.options, ctx.cursor, BATCH);
  const rows = await inWindow(
    db
      .selectFrom("orders")
      .select(["id", "customer_id", "external_id", "channel", "total", "currency", "ordered_at"])
      .where("shop_id", "=", scenario.shop_id)
      .where("customer_id", "is not", null)
      .where("status", "not in", ["cancelled", "returned"])
      .$if(trigger.channels !== undefined, (q) => q.where("channel", "in", trigger.channels!)),
    window,
    ORDER_FEED,
  ).execute();
  let matching = rows;
  if (trigger.firstOrderOnly) {
    const first = await firstOrderTimes(db, scenario.shop_id, rows);
    matching = rows.filter((r) => first.get(r.customer_id!) === r.ordered_at);
  }
  let deliveryCounts: Map<number, number> | null = null;
  if (trigger.subscriptionDeliveries) {
    deliveryCounts = await subscriptionDeliveryCounts(db, scenario.shop_id, matching);
    const wanted = new Set(trigger.subscriptionDeliveries);
    matching = matching.filter((r) => wanted.has(deliveryCounts?.get(r.id) ?? 0));
  }
  const entered = await enter(
    ctx,
    matching.map((r) => ({
      customerId: r.customer_id!,
      entryKey: `order:${r.id}`,
      context: {
        order: {
          id: r.id,
          externalId: r.external_id,
          channel: r.channel,
          total: r.total,
          currency: r.currency,
        },
        ...(deliveryCounts ? { subscription: { deliveryCount: deliveryCounts.get(r.id) } } : {}),
      },
    })),
  );
  return advance(ctx, "orders", window, rows, (r) => r.ordered_at, entered);
}

const SEGMENT_FEED: FeedColumns = { time: "entered_at", written: "entered_at" };

/** New stays in the segment since the cursor: each entry (a customer may enter again later) is a run. */
async function segmentEntryTrigger(
  ctx: TriggerContext,
  trigger: Extract<Trigger, { type: "segment_entry" }>,
): Promise<TriggerPass> {
  const { db, scenario } = ctx;
  const segment = await db
    .selectFrom("segments")
    .select("id")
    .where("shop_id", "=", scenario.shop_id)
    .where("key", "=", trigger.segment)
    .where("status", "=", "active")
    .executeTakeFirst();
  if (!segment) return { entered: 0, more: false };
  const window = feedWindow(ctx.clock, ctx.options, ctx.cursor, BATCH);
  const rows = await inWindow(
    db
      .selectFrom("segment_memberships")
      .select(["id", "customer_id", "entered_at"])
      .where("segment_id", "=", segment.id),
    window,
    SEGMENT_FEED,
  ).execute();
  const entered = await enter(
    ctx,
    rows.map((r) => ({
      customerId: r.customer_id,
      entryKey: `segment:${r.id}`,
      context: { segment: { key: trigger.segment, enteredAt: r.entered_at } },
    })),
  );
  return advance(ctx, "segments", window, rows, (r) => r.entered_at, entered);
}

/** Restock events fan out to the customers who viewed (and did not buy), favourited or asked. */
async function restockTrigger(
  ctx: TriggerContext,
  trigger: Extract<Trigger, { type: "restock" }>,
): Promise<TriggerPass> {
  const { db, scenario } = ctx;
  const shopId = scenario.shop_id;
  // Each restock fans out to many customers: fewer per pass.
  const window = feedWindow(ctx.clock, ctx.options, ctx.cursor, 100);
  const restocks = await inWindow(
    db
      .selectFrom("events")
      .select(["id", "product_id", "sku", "occurred_at"])
      .where("shop_id", "=", shopId)
      .where("type", "=", "restock")
      .where("product_id", "is not", null),
    window,
    EVENT_FEED,
  ).execute();
  let entered = 0;
  const interestTypes = {
    viewed: "product_view",
    favourited: "favourite",
    requested: "restock_request",
  } as const;
  for (const restock of restocks) {
    const since = toIso(Date.parse(restock.occurred_at) - trigger.lookbackDays * 86_400_000);
    const interested = await db
      .selectFrom("events")
      .select(["customer_id", "type"])
      .distinct()
      .where("shop_id", "=", shopId)
      .where("product_id", "=", restock.product_id)
      .where(
        "type",
        "in",
        trigger.interest.map((i) => interestTypes[i]),
      )
      .where("customer_id", "is not", null)
      .where("occurred_at", ">=", since)
      .where("occurred_at", "<=", restock.occurred_at)
      .execute();
    // Viewing alone is interest only if the customer did not buy the product since.
    const buyers = new Set(
      (
        await db
          .selectFrom("order_items")
          .innerJoin("orders", "orders.id", "order_items.order_id")
          .select("orders.customer_id")
          .where("order_items.shop_id", "=", shopId)
          .where("order_items.product_id", "=", restock.product_id)
          .where("orders.ordered_at", ">=", since)
          .where("orders.ordered_at", "<=", restock.occurred_at)
          .execute()
      ).map((r) => r.customer_id),
    );
    const customers = new Set<number>();
    for (const r of interested) {
      if (r.type === "product_view" && buyers.has(r.customer_id)) continue;
      customers.add(r.customer_id!);
    }
    entered += await enter(
      ctx,
      [...customers].map((customerId) => ({
        customerId,
        entryKey: `restock:${restock.id}`,
        context: { product: { id: restock.product_id, sku: restock.sku } },
      })),
    );
  }
  return advance(ctx, "restock", window, restocks, (r) => r.occurred_at, entered);
}

async function dateTrigger(
  ctx: TriggerContext,
  trigger: Extract<Trigger, { type: "date" }>,
): Promise<TriggerPass> {
  const { db, clock, scenario, zone } = ctx;
  const now = clock.now();
  const today = localDate(now, zone);
  let day = addDays(ctx.cursor, 1);
  const oldest = addDays(today, -MAX_CATCH_UP_DAYS);
  if (day < oldest) day = oldest;
  let entered = 0;
  // A day is due once its local time has come.
  while (day <= today) {
    if (day === today && now < atLocalTime(day, trigger.at, zone)) break;
    const candidates = await dateTriggerCandidates(db, scenario.shop_id, zone, trigger, day);
    entered += await enter(ctx, candidates);
    await setCursor(db, clock, scenario.shop_id, scenario.id, "date", day);
    day = addDays(day, 1);
  }
  return { entered, more: false };
}

async function scheduleTrigger(
  ctx: TriggerContext,
  trigger: Extract<Trigger, { type: "schedule" }>,
): Promise<TriggerPass> {
  const { db, clock, scenario, zone } = ctx;
  const slot = latestScheduleSlot(
    clock.now(),
    zone,
    trigger.every,
    trigger.at,
    trigger.weekday,
    trigger.dayOfMonth,
  );
  const slotIso = toIso(slot);
  if (slotIso <= ctx.cursor) return { entered: 0, more: false };
  // Everyone in the shop is a candidate; the scenario's audience narrows it down (entry.ts), in pages.
  let entered = 0;
  let after = 0;
  for (;;) {
    const page = await db
      .selectFrom("customers")
      .select("id")
      .where("shop_id", "=", scenario.shop_id)
      .where("merged_into_id", "is", null)
      .where("id", ">", after)
      .where("created_at", "<=", slotIso)
      .orderBy("id")
      .limit(5_000)
      .execute();
    if (page.length === 0) break;
    entered += await enter(
      ctx,
      page.map((c) => ({ customerId: c.id, entryKey: `schedule:${slotIso}`, context: { slot: slotIso } })),
    );
    after = page[page.length - 1].id;
  }
  await setCursor(db, clock, scenario.shop_id, scenario.id, "schedule", slotIso);
  return { entered, more: false };
}

/**
 * For each order that is a subscription delivery (it holds a product whose attributes say
 * `subscription: true`): which delivery it is for its customer (1 = the first).
 */
async function subscriptionDeliveryCounts(
  db: Db,
  shopId: number,
  orders: Array<{ id: number; customer_id: number | null; ordered_at: string }>,
): Promise<Map<number, number>> {
  const counts = new Map<number, number>();
  if (orders.length === 0) return counts;
  const customerIds = [...new Set(orders.map((o) => o.customer_id!))];
  const deliveries = await selectIn(db, customerIds, (ids) =>
    db
      .selectFrom("orders")
      .innerJoin("order_items", "order_items.order_id", "orders.id")
      .innerJoin("products", "products.id", "order_items.product_id")
      .select(["orders.id", "orders.customer_id", "orders.ordered_at"])
      .distinct()
      .where("orders.shop_id", "=", shopId)
      .where(anyOf(db, "orders.customer_id", ids))
      .where("orders.status", "not in", ["cancelled", "returned"])
      .where(jsonIsTrue(db, "products.attributes", "subscription"))
      .execute(),
  );
  const byCustomer = new Map<number, Array<{ id: number; ordered_at: string }>>();
  for (const d of deliveries) {
    const list = byCustomer.get(d.customer_id!) ?? [];
    list.push(d);
    byCustomer.set(d.customer_id!, list);
  }
  for (const list of byCustomer.values()) {
    list.sort((a, b) => (a.ordered_at < b.ordered_at ? -1 : a.ordered_at > b.ordered_at ? 1 : a.id - b.id));
    list.forEach((d, i) => {
      counts.set(d.id, i + 1);
    });
  }
  return counts;
}

/** New members since the cursor: by id live, by creation time in a backtest. */
async function signupTrigger(ctx: TriggerContext): Promise<TriggerPass> {
  const { db, scenario } = ctx;
  const window = feedWindow(ctx.clock, ctx.options, ctx.cursor, BATCH);
  const batch = await inWindow(
    db
      .selectFrom("customers")
      .select(["id", "created_at"])
      .where("shop_id", "=", scenario.shop_id)
      .where("merged_into_id", "is", null),
    window,
    // Live, created_at may be back-dated (an import, a late webhook) and so does not grow with the id:
    // the batch is cut at the first profile that has not settled yet rather than read past it.
    { time: "created_at", written: null },
  ).execute();
  const unsettled = window.backtest ? -1 : batch.findIndex((r) => r.created_at > window.upTo);
  const rows = unsettled === -1 ? batch : batch.slice(0, unsettled);
  // Members who joined before the scenario was switched on (an import of the existing base) are not new.
  const since = window.backtest ? null : scenario.activated_at;
  const entered = await enter(
    ctx,
    rows
      .filter((r) => since === null || r.created_at >= since)
      .map((r) => ({ customerId: r.id, entryKey: "signup", context: { signedUpAt: r.created_at } })),
  );
  return advance(ctx, "customers", window, rows, (r) => r.created_at, entered, batch.length);
}
