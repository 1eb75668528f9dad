// The attribution job: reads each shop's new orders as a feed (by id, once settled; scenarios/feed.ts)
// and credits each to the message that earned it (choose.ts), in one transaction with the feed's
// cursor, so an order is credited once even when a worker stops halfway. The cursor row is claimed
// (SKIP LOCKED on PostgreSQL), so two workers never read the same shop's orders at once.
//
// A shop's first pass starts at its first order: orders placed before the job existed are credited
// too, wherever their customer had touched a message in the windows before them.
import type { Clock } from "../../core/clock.js";
import { toIso } from "../../core/clock.js";
import { type Db, forClaim, inTransaction } from "../../db/index.js";
import { type FeedColumns, feedWindow, inWindow, nextPosition } from "../../scenarios/feed.js";
import { creditedMessageId, lookbackMs, type Touch } from "./choose.js";
import { type CreditedOrder, writeCredits } from "./credit.js";
import { type AttributionWindows, attributionWindows } from "./settings.js";
import { touchesOf } from "./touches.js";

const BATCH = 1_000;
/** Shop-wide feed readers keep their cursors under scenario 0 (as the wake-ups do). */
const SHOP_WIDE = 0;
const ORDER_FEED: FeedColumns = { time: "ordered_at", written: "created_at" };
/** Orders that did not happen do not earn a message anything. */
const NOT_SALES = ["cancelled", "returned"] as const;

export interface AttributionOptions {
  /** Only this shop. */
  shopId?: number;
  /** Orders read per shop and batch. */
  limit?: number;
}

/** One batch per shop; returns how many orders were read (0: every shop is up to date). */
export async function attributeConversions(
  db: Db,
  clock: Clock,
  options: AttributionOptions = {},
): Promise<number> {
  const shops = await db
    .selectFrom("shops")
    .select(["id", "settings"])
    .$if(options.shopId !== undefined, (q) => q.where("id", "=", options.shopId!))
    .orderBy("id")
    .execute();
  let read = 0;
  for (const shop of shops) {
    read += await attributeShopBatch(
      db,
      clock,
      shop.id,
      attributionWindows(shop.settings),
      options.limit ?? BATCH,
    );
  }
  return read;
}

async function attributeShopBatch(
  db: Db,
  clock: Clock,
  shopId: number,
  windows: AttributionWindows,
  limit: number,
): Promise<number> {
  return inTransaction(db, async (trx) => {
    const cursor = await claimCursor(trx, clock, shopId);
    if (cursor === null) return 0;
    const window = feedWindow(clock, {}, cursor, limit);
    const rows = await inWindow(
      trx
        .selectFrom("orders")
        .select(["id", "customer_id", "total", "currency", "ordered_at"])
        .where("shop_id", "=", shopId)
        .where("customer_id", "is not", null)
        .where("status", "not in", NOT_SALES),
      window,
      ORDER_FEED,
    ).execute();
    if (rows.length === 0) return 0;
    const orders = rows.flatMap((o) =>
      o.customer_id === null ? [] : [{ ...o, customer_id: o.customer_id }],
    );

    const touches = await batchTouches(trx, shopId, orders, windows);
    const credits = orders.flatMap((order) => {
      const messageId = creditedMessageId(order.ordered_at, touches.get(order.customer_id) ?? [], windows);
      return messageId === null ? [] : [{ order, messageId }];
    });
    await writeCredits(trx, shopId, credits);

    const position = nextPosition(window, rows, (o) => o.ordered_at, rows.length < limit);
    if (position !== null) await moveCursor(trx, clock, shopId, position);
    return rows.length;
  });
}

/** The touches of the batch's customers, from the earliest order's window to the latest order. */
async function batchTouches(
  db: Db,
  shopId: number,
  orders: CreditedOrder[],
  windows: AttributionWindows,
): Promise<Map<number, Touch[]>> {
  const times = orders.map((o) => Date.parse(o.ordered_at));
  const from = toIso(Math.min(...times) - lookbackMs(windows));
  const to = toIso(Math.max(...times));
  const customers = [...new Set(orders.map((o) => o.customer_id))];
  const byCustomer = new Map<number, Touch[]>();
  for (const t of await touchesOf(db, shopId, customers, from, to)) {
    byCustomer.set(t.customerId, [...(byCustomer.get(t.customerId) ?? []), t]);
  }
  return byCustomer;
}

const cursorSource = (shopId: number) => `attribution:${shopId}`;

/** The shop's position, locked for this transaction; null while another worker holds it. */
async function claimCursor(trx: Db, clock: Clock, shopId: number): Promise<string | null> {
  const source = cursorSource(shopId);
  const claim = () =>
    forClaim(
      trx,
      trx
        .selectFrom("scenario_cursors")
        .select("position")
        .where("scenario_id", "=", SHOP_WIDE)
        .where("source", "=", source),
    ).executeTakeFirst();
  let row = await claim();
  if (!row) {
    await trx
      .insertInto("scenario_cursors")
      .values({
        shop_id: shopId,
        scenario_id: SHOP_WIDE,
        source,
        position: "0",
        updated_at: toIso(clock.now()),
      })
      .onConflict((oc) => oc.columns(["scenario_id", "source"]).doNothing())
      .execute();
    row = await claim();
  }
  return row?.position ?? null;
}

async function moveCursor(trx: Db, clock: Clock, shopId: number, position: string): Promise<void> {
  await trx
    .updateTable("scenario_cursors")
    .set({ position, updated_at: toIso(clock.now()) })
    .where("scenario_id", "=", SHOP_WIDE)
    .where("source", "=", cursorSource(shopId))
    .execute();
}
