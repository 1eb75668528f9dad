// What the segment counts and the customer-axis reports need at a million customers: values that were
// worked out per report from ten million orders are kept on the metrics row instead (the first order's
// month in the shop's zone, its total, the first year's revenue), the products of each first order
// get a small table of their own, and three indexes let the commonest segment questions ("live
// customers", "consented to email", "last order within N days") be answered from indexes alone.
import type { ColumnDefinitionBuilder, Kysely } from "kysely";
import { sql } from "kysely";
import type { EngineMigration } from "./types.js";

export const reportSpeed: EngineMigration = {
  async up(db: Kysely<unknown>) {
    const s = db.schema;
    const shopRef = (c: ColumnDefinitionBuilder) => c.notNull().references("shops.id").onDelete("cascade");

    /** "YYYY-MM" of the first order in the shop's time zone: the customer's cohort. */
    await s.alterTable("customer_metrics").addColumn("first_order_month", "text").execute();
    await s.alterTable("customer_metrics").addColumn("first_order_total", "bigint").execute();
    /** Revenue of the orders in the 365 days from the first one (that one included): 12-month LTV. */
    await s.alterTable("customer_metrics").addColumn("revenue_first_year", "bigint").execute();

    // One row per distinct product of each buyer's first order; first_of_category marks one product per
    // category of that order, so a category counts each buyer once. Kept with customer_metrics.
    await s
      .createTable("first_order_products")
      .addColumn("shop_id", "bigint", shopRef)
      .addColumn("customer_id", "bigint", (c) => c.notNull())
      .addColumn("product_id", "bigint", (c) => c.notNull())
      .addColumn("first_of_category", "integer", (c) => c.notNull())
      .addPrimaryKeyConstraint("first_order_products_pk", ["shop_id", "customer_id", "product_id"])
      .execute();

    await s
      .createIndex("customers_live")
      .on("customers")
      .columns(["shop_id", "id"])
      .where(sql.ref("merged_into_id"), "is", null)
      .execute();
    await s
      .createIndex("consents_granted")
      .on("consents")
      .columns(["shop_id", "channel", "customer_id"])
      .where(sql.ref("granted"), "=", 1)
      .execute();
    await s
      .createIndex("customer_metrics_last_order")
      .on("customer_metrics")
      .columns(["shop_id", "last_order_at", "customer_id", "orders_count"])
      .execute();

    // Planner statistics for the new indexes, so a segment count picks them from its first run.
    for (const table of ["customers", "consents", "customer_metrics"]) {
      await sql`analyze ${sql.table(table)}`.execute(db);
    }

    // The new columns and table are filled by a full metrics pass: forget the last one so the next
    // refresh is full rather than incremental.
    await sql`delete from analytics_models where kind = 'metrics'`.execute(db);
  },
};
