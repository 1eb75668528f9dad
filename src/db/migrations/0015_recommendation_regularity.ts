// Re-purchase timing learned how regular each product's re-purchases are (a supplement every 30 days vs
// a favourite bought whenever the customer orders); serving needs it to score how due a product is.
import type { Kysely } from "kysely";
import type { EngineMigration } from "./types.js";

export const recommendationRegularity: EngineMigration = {
  async up(db: Kysely<unknown>) {
    /** 0..1, see RepurchaseProfile.regularity; null: not enough re-purchases to tell. */
    await db.schema
      .alterTable("recommendation_products")
      .addColumn("regularity", "double precision")
      .execute();
  },
};
