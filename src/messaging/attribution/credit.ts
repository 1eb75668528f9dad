// Writing a credit: a conversions row naming the message (and its campaign, scenario, run and step),
// the message stamped converted_at, and a "converted" message event carrying the order id.
//
// Scenario exit goals record conversions too (scenarios/goals.ts), one per run and order, credited to
// the run's latest message. When the message chosen here belongs to a run that a goal already credited
// with this order, that row stays the one record of it: it gains the message if it had none, and the
// message it names is the one stamped. The unique (run_id, order_id) index settles a goal writing the
// same row at the same moment. Reading an order again (a cursor restored from a backup) finds its row
// and its "converted" event and writes nothing.
import { anyOf, type Db, fromJson, selectIn } from "../../db/index.js";
import { recordMessageEvents } from "../outbox.js";

export interface CreditedOrder {
  id: number;
  customer_id: number;
  total: number;
  currency: string;
  ordered_at: string;
}

interface CreditedMessage {
  id: number;
  scenario_id: number | null;
  scenario_version: number | null;
  run_id: number | null;
  step_id: string | null;
  campaign_id: number | null;
}

interface ExistingConversion {
  id: number;
  order_id: number;
  run_id: number | null;
  message_id: number | null;
}

/** Credits each order to its chosen message; returns how many orders were credited. */
export async function writeCredits(
  db: Db,
  shopId: number,
  credits: Array<{ order: CreditedOrder; messageId: number }>,
): Promise<number> {
  if (credits.length === 0) return 0;
  const messages = new Map(
    (
      await selectIn(db, [...new Set(credits.map((c) => c.messageId))], (ids) =>
        db
          .selectFrom("messages")
          .select(["id", "scenario_id", "scenario_version", "run_id", "step_id", "campaign_id"])
          .where("shop_id", "=", shopId)
          .where(anyOf(db, "id", ids))
          .execute(),
      )
    ).map((m) => [m.id, m]),
  );
  const existing = await selectIn(
    db,
    credits.map((c) => c.order.id),
    (ids) =>
      db
        .selectFrom("conversions")
        .select(["id", "order_id", "run_id", "message_id"])
        .where("shop_id", "=", shopId)
        .where(anyOf(db, "order_id", ids))
        .execute(),
  );

  const stamps: Array<{ messageId: number; order: CreditedOrder }> = [];
  for (const { order, messageId } of credits) {
    const message = messages.get(messageId);
    if (!message) continue;
    const mine = existing.filter((c) => c.order_id === order.id);
    const recorded =
      mine.find((c) => c.message_id === message.id) ??
      (message.run_id === null ? undefined : mine.find((c) => c.run_id === message.run_id));
    const credited = recorded
      ? await keepRecorded(db, recorded, message)
      : await insertConversion(db, shopId, order, message);
    stamps.push({ messageId: credited, order });
  }
  await stampMessages(db, shopId, await notYetStamped(db, shopId, stamps));
  return stamps.length;
}

/** The order is already recorded for this run: name the message if the row has none; returns the row's message. */
async function keepRecorded(db: Db, row: ExistingConversion, message: CreditedMessage): Promise<number> {
  if (row.message_id !== null) return row.message_id;
  await attachMessage(db, message, { id: row.id });
  return message.id;
}

async function attachMessage(
  db: Db,
  message: CreditedMessage,
  row: { id: number } | { runId: number; orderId: number },
): Promise<void> {
  let update = db
    .updateTable("conversions")
    .set({ message_id: message.id, step_id: message.step_id, campaign_id: message.campaign_id })
    .where("message_id", "is", null);
  update =
    "id" in row
      ? update.where("id", "=", row.id)
      : update.where("run_id", "=", row.runId).where("order_id", "=", row.orderId);
  await update.execute();
}

async function insertConversion(
  db: Db,
  shopId: number,
  order: CreditedOrder,
  message: CreditedMessage,
): Promise<number> {
  const inserted = await db
    .insertInto("conversions")
    .values({
      shop_id: shopId,
      customer_id: order.customer_id,
      order_id: order.id,
      scenario_id: message.scenario_id,
      scenario_version: message.scenario_version,
      run_id: message.run_id,
      step_id: message.step_id,
      message_id: message.id,
      campaign_id: message.campaign_id,
      revenue: order.total,
      currency: order.currency,
      converted_at: order.ordered_at,
    })
    .onConflict((oc) => oc.columns(["run_id", "order_id"]).doNothing())
    .returning("id")
    .executeTakeFirst();
  if (inserted || message.run_id === null) return message.id;
  // A goal recorded this run and order since the batch was read: that row is the record.
  await attachMessage(db, message, { runId: message.run_id, orderId: order.id });
  const row = await db
    .selectFrom("conversions")
    .select("message_id")
    .where("run_id", "=", message.run_id)
    .where("order_id", "=", order.id)
    .executeTakeFirst();
  return row?.message_id ?? message.id;
}

/** Leaves out the credits whose "converted" event exists: reading an order again changes nothing. */
async function notYetStamped(
  db: Db,
  shopId: number,
  stamps: Array<{ messageId: number; order: CreditedOrder }>,
): Promise<Array<{ messageId: number; order: CreditedOrder }>> {
  if (stamps.length === 0) return stamps;
  const events = await selectIn(db, [...new Set(stamps.map((s) => s.messageId))], (ids) =>
    db
      .selectFrom("message_events")
      .select(["message_id", "detail"])
      .where("shop_id", "=", shopId)
      .where(anyOf(db, "message_id", ids))
      .where("type", "=", "converted")
      .execute(),
  );
  const done = new Set(
    events.map((e) => `${e.message_id}:${fromJson<{ orderId?: number }>(e.detail).orderId}`),
  );
  return stamps.filter((s) => !done.has(`${s.messageId}:${s.order.id}`));
}

/** converted_at is the first order the message earned; every credited order is an event of its own. */
async function stampMessages(
  db: Db,
  shopId: number,
  stamps: Array<{ messageId: number; order: CreditedOrder }>,
): Promise<void> {
  for (const { messageId, order } of stamps) {
    await db
      .updateTable("messages")
      .set({ converted_at: order.ordered_at })
      .where("shop_id", "=", shopId)
      .where("id", "=", messageId)
      .where((eb) => eb.or([eb("converted_at", "is", null), eb("converted_at", ">", order.ordered_at)]))
      .execute();
  }
  await recordMessageEvents(
    db,
    stamps.map(({ messageId, order }) => ({
      shopId,
      messageId,
      type: "converted",
      detail: { orderId: order.id },
      at: order.ordered_at,
    })),
  );
}
