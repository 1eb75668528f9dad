// Pairs of products bought in the same order, per local month, kept by the analytics pass beside the
// sales months: the product report's "bought together" table sums a year of these rows instead of
// joining a year of order lines to each other (seconds at ten million orders).
import type { Kysely } from "kysely";
import { sql } from "kysely";
import { type EngineMigration, shopRef } from "./types.js";

export const pairMonths: EngineMigration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable("product_pair_months")
      .addColumn("shop_id", "bigint", shopRef)
      /** "YYYY-MM" of the orders, in the shop's time zone. */
      .addColumn("month", "text", (c) => c.notNull())
      /** The pair's lower product id. */
      .addColumn("product_a", "bigint", (c) => c.notNull())
      /** The higher one. */
      .addColumn("product_b", "bigint", (c) => c.notNull())
      /** Orders holding both. */
      .addColumn("orders", "integer", (c) => c.notNull())
      .addPrimaryKeyConstraint("product_pair_months_pk", ["shop_id", "month", "product_a", "product_b"])
      .execute();
    // Filled by a full metrics pass: forget the last one so the next refresh is full.
    await sql`delete from analytics_models where kind = 'metrics'`.execute(db);
  },
};
