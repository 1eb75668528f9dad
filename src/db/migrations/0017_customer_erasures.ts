// The record of each customer erased on request (APPI / GDPR): when, by which source, and how many
// rows of each table it removed or stripped — never anything about the person. The erased profile
// itself stays as an anonymous tombstone (see privacy/erase.ts), which customer_id points at.
import type { Kysely } from "kysely";
import { columnTypes, type EngineMigration, shopRef } from "./types.js";

export const customerErasures: EngineMigration = {
  async up(db: Kysely<unknown>, engine) {
    const t = columnTypes(engine);
    await t
      .withId(db.schema.createTable("customer_erasures"))
      .addColumn("shop_id", "bigint", shopRef)
      /** The tombstone the erased profile became. */
      .addColumn("customer_id", "bigint", (c) => c.notNull())
      /** Who asked: "api_key:<id>", "cli". */
      .addColumn("source", "text", (c) => c.notNull())
      .addColumn("erased_at", t.timestamp, (c) => c.notNull())
      /** JSON {table: rows affected}: what the erasure did, as counts. */
      .addColumn("summary", t.json, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex("customer_erasures_shop")
      .on("customer_erasures")
      .columns(["shop_id", "erased_at"])
      .execute();
  },
};
