// Where an order used to be in time, when a later write moves its ordered_at: the analytics pass
// rebuilds the sales and pair months of the orders that changed, and an order moved from March to
// April has changed April and March both. The orders row only knows April; this remembers March
// until a pass has rebuilt it.
import type { Kysely } from "kysely";
import { columnTypes, type EngineMigration, shopRef } from "./types.js";

export const orderMoves: EngineMigration = {
  async up(db: Kysely<unknown>, engine) {
    const t = columnTypes(engine);
    await db.schema
      .createTable("order_moves")
      .addColumn("shop_id", "bigint", shopRef)
      /** The ordered_at the order had before the write that moved it. */
      .addColumn("ordered_at_before", t.timestamp, (c) => c.notNull())
      /** The order's updated_at from that write: the passes read moves as they read changed orders. */
      .addColumn("moved_at", t.timestamp, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex("order_moves_shop")
      .on("order_moves")
      .columns(["shop_id", "moved_at"])
      .execute();
  },
};
