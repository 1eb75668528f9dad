// What the recommendation rebuild leaves for serving: per shop the model it chose and the popularity
// it saw, per product its neighbours and re-purchase profile, per customer a ranked list. Lists are
// read as they are; stock is checked when they are served (it changes by the minute).
import type { Kysely } from "kysely";
import { columnTypes, type EngineMigration, shopRef } from "./types.js";

export const recommendations: EngineMigration = {
  async up(db: Kysely<unknown>, engine) {
    const t = columnTypes(engine);
    await db.schema
      .createTable("recommendation_models")
      .addColumn("shop_id", "bigint", (c) => shopRef(c).primaryKey())
      /** JSON: the configuration chosen by measurement (similarity model and blend). */
      .addColumn("config", t.json, (c) => c.notNull())
      /** The moment the model describes (decay and re-purchase timing are relative to it). */
      .addColumn("as_of", t.timestamp, (c) => c.notNull())
      .addColumn("trained_at", t.timestamp, (c) => c.notNull())
      /** Where the incremental pass has read orders and events up to (JSON cursors). */
      .addColumn("cursor", t.json, (c) => c.notNull())
      .execute();
    await db.schema
      .createTable("recommendation_products")
      .addColumn("shop_id", "bigint", shopRef)
      .addColumn("product_id", "bigint", (c) => c.notNull())
      /** JSON [[product id, weight], …], strongest first. */
      .addColumn("neighbours", t.json, (c) => c.notNull())
      .addColumn("repurchase_rate", "double precision", (c) => c.notNull())
      .addColumn("cycle_days", "double precision")
      /** Rank among the best sellers (0 = best); null when never bought. */
      .addColumn("popularity_rank", "integer")
      /** Recent buyers relative to the best seller's, 0..1. */
      .addColumn("popularity_share", "double precision", (c) => c.notNull())
      /** The same over the last 30 days (what sells now). */
      .addColumn("trending_share", "double precision", (c) => c.notNull())
      .addPrimaryKeyConstraint("recommendation_products_pk", ["shop_id", "product_id"])
      .execute();
    await db.schema
      .createTable("customer_recommendations")
      .addColumn("shop_id", "bigint", shopRef)
      .addColumn("customer_id", "bigint", (c) => c.notNull())
      /** JSON [product id, …], best first. */
      .addColumn("products", t.json, (c) => c.notNull())
      .addColumn("computed_at", t.timestamp, (c) => c.notNull())
      .addPrimaryKeyConstraint("customer_recommendations_pk", ["shop_id", "customer_id"])
      .execute();
  },
};
