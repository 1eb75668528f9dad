// SQLite: the index of anonymous events by visitor moves out of the events table into visitor_events,
// filled in batches (see events/visitor-index.ts for why). PostgreSQL keeps the partial index on
// events and has no visitor_events table.
import { type Kysely, sql } from "kysely";
import { type EngineMigration, shopRef } from "./types.js";

export const visitorEvents: EngineMigration = {
  async up(db: Kysely<unknown>, engine) {
    if (engine !== "sqlite") return;
    await db.schema
      .createTable("visitor_events")
      .addColumn("shop_id", "bigint", shopRef)
      .addColumn("visitor_id", "text", (c) => c.notNull())
      .addColumn("event_id", "bigint", (c) => c.notNull())
      .addPrimaryKeyConstraint("visitor_events_pk", ["shop_id", "visitor_id", "event_id"])
      // The rows are the index: without a rowid, one B-tree instead of a table and its key index.
      .modifyEnd(sql`without rowid`)
      .execute();
    await sql`
      insert into visitor_events (shop_id, visitor_id, event_id)
      select shop_id, visitor_id, id from events
      where customer_id is null and visitor_id is not null
      order by shop_id, visitor_id, id`.execute(db);
    // The watermark: the events indexed so far. The key is events/visitor-index.ts's
    // INDEXED_THROUGH_KEY, written out because a migration must not change when that module does.
    await sql`
      insert into instance_settings (key, value)
      select 'visitor_events.indexed_through', cast(coalesce(max(id), 0) as text) from events`.execute(db);
    await db.schema.dropIndex("events_visitor_anonymous").execute();
  },
};
