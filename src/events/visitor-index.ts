// Finding a visitor's anonymous events when the visitor identifies, so they can be attributed to the
// customer (customers/visitors.ts).
//
// Why not simply an index on events by visitor: visitor ids are random, so every anonymous event is an
// insert at a random place in that index, and each commit rewrites every index page it touched. On
// SQLite, measured with 2,000-event commits: about 1,000 of the 1,800 WAL pages each commit wrote came
// from that one index, a third of the commit's time. So on SQLite the index is kept beside the events
// (visitor_events) and filled in batches: the anonymous events written since the last batch are
// inserted in (shop, visitor) order in one transaction, each index page written once per batch instead
// of once per commit (the same commits: 38 → 28 ms). Events above the batch's watermark are not in it
// yet; identify finds those by reading them by id, at most a batch or so of rows.
//
// A watermark on ids is exact on SQLite: it has one writer at a time, so ids are handed out in commit
// order. PostgreSQL hands ids out before commit (a lower id can commit after a higher one) and a
// watermark could step over an event; there the partial index on events stays (migration 0001), and
// everything here is a no-op or the plain indexed query.
import { sql } from "kysely";
import { type Db, engineOf, inTransaction } from "../db/index.js";

/** Where the watermark is kept in instance_settings: the highest event id indexed so far. */
export const INDEXED_THROUGH_KEY = "visitor_events.indexed_through";

/**
 * Event ids covered by one batch. Large enough that each index page is written a few times per batch
 * at most, small enough that a batch's transaction stays short.
 */
export const VISITOR_INDEX_BATCH = 20_000;

/**
 * Indexes the next batch of anonymous events by visitor, when at least `minBacklog` events have been
 * written since the last batch. Returns how many event ids the batch covered (0: nothing to do).
 */
export async function indexAnonymousEvents(db: Db, minBacklog = 1): Promise<number> {
  if (engineOf(db) !== "sqlite") return 0;
  return inTransaction(db, async (trx) => {
    const from = await indexedThrough(trx);
    const newest = await trx
      .selectFrom("events")
      .select((eb) => eb.fn.max("id").as("id"))
      .executeTakeFirst();
    const upTo = Math.min(Number(newest?.id ?? 0), from + VISITOR_INDEX_BATCH);
    if (upTo - from < Math.max(1, minBacklog)) return 0;
    // NOT INDEXED: the rows are read by id (the rowid), never through an events index.
    await sql`
      insert into visitor_events (shop_id, visitor_id, event_id)
      select shop_id, visitor_id, id from events not indexed
      where id > ${from} and id <= ${upTo} and customer_id is null and visitor_id is not null
      order by shop_id, visitor_id, id
      on conflict do nothing`.execute(trx);
    await trx
      .insertInto("instance_settings")
      .values({ key: INDEXED_THROUGH_KEY, value: String(upTo) })
      .onConflict((oc) => oc.column("key").doUpdateSet({ value: String(upTo) }))
      .execute();
    return upTo - from;
  });
}

/**
 * Attributes the visitor's anonymous events to the customer; returns how many. Must run inside a
 * transaction.
 */
export async function attributeAnonymousEvents(
  trx: Db,
  shopId: number,
  visitorId: string,
  customerId: number,
): Promise<number> {
  if (engineOf(trx) !== "sqlite") {
    const result = await trx
      .updateTable("events")
      .set({ customer_id: customerId })
      .where("shop_id", "=", shopId)
      .where("visitor_id", "=", visitorId)
      .where("customer_id", "is", null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }
  // A large backlog (a bulk writer ran with no batches after it) is indexed first, so the read by
  // id below stays short.
  while ((await indexAnonymousEvents(trx, 5 * VISITOR_INDEX_BATCH)) > 0);
  const from = await indexedThrough(trx);
  const result = await sql`
    update events set customer_id = ${customerId}
    where customer_id is null and id in (
      select event_id from visitor_events where shop_id = ${shopId} and visitor_id = ${visitorId}
      union all
      select id from events not indexed
      where id > ${from} and shop_id = ${shopId} and visitor_id = ${visitorId} and customer_id is null
    )`.execute(trx);
  // Attributed events are no longer anonymous: their index rows have done their job.
  await trx
    .deleteFrom("visitor_events")
    .where("shop_id", "=", shopId)
    .where("visitor_id", "=", visitorId)
    .execute();
  return Number(result.numAffectedRows ?? 0);
}

async function indexedThrough(trx: Db): Promise<number> {
  const row = await trx
    .selectFrom("instance_settings")
    .select("value")
    .where("key", "=", INDEXED_THROUGH_KEY)
    .executeTakeFirst();
  return Number(row?.value ?? 0);
}
