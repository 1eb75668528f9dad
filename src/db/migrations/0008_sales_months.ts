// Sales per local month, kept by the analytics pass (analytics/sales-months.ts): the product report reads
// a year of them instead of a year of order lines (about eight million at a large shop). A month is
// rebuilt whole when any of its orders changes, so the rows are plain sums, not deltas.
import type { ColumnDefinitionBuilder, Kysely } from "kysely";
import { sql } from "kysely";
import type { EngineMigration } from "./types.js";

export const salesMonths: EngineMigration = {
  async up(db: Kysely<unknown>) {
    const s = db.schema;
    const shopRef = (c: ColumnDefinitionBuilder) => c.notNull().references("shops.id").onDelete("cascade");
    /** "YYYY-MM" in the shop's time zone. */
    const month = (c: ColumnDefinitionBuilder) => c.notNull();

    // Units and line revenue per product; orders with at least one line of it.
    await s
      .createTable("product_sales_months")
      .addColumn("shop_id", "bigint", shopRef)
      .addColumn("month", "text", month)
      .addColumn("product_id", "bigint", (c) => c.notNull())
      .addColumn("units", "bigint", (c) => c.notNull())
      .addColumn("revenue", "bigint", (c) => c.notNull())
      .addColumn("orders", "integer", (c) => c.notNull())
      .addPrimaryKeyConstraint("product_sales_months_pk", ["shop_id", "month", "product_id"])
      .execute();
    // Orders with at least one line in a top-level category ('' for products without one).
    await s
      .createTable("category_sales_months")
      .addColumn("shop_id", "bigint", shopRef)
      .addColumn("month", "text", month)
      .addColumn("category", "text", (c) => c.notNull())
      .addColumn("orders", "integer", (c) => c.notNull())
      .addPrimaryKeyConstraint("category_sales_months_pk", ["shop_id", "month", "category"])
      .execute();
    // Orders and order totals per local weekday (0 = Sunday).
    await s
      .createTable("weekday_sales_months")
      .addColumn("shop_id", "bigint", shopRef)
      .addColumn("month", "text", month)
      .addColumn("weekday", "integer", (c) => c.notNull())
      .addColumn("orders", "integer", (c) => c.notNull())
      .addColumn("revenue", "bigint", (c) => c.notNull())
      .addPrimaryKeyConstraint("weekday_sales_months_pk", ["shop_id", "month", "weekday"])
      .execute();

    // Filled by a full metrics pass: forget the last one so the next refresh is full.
    await sql`delete from analytics_models where kind = 'metrics'`.execute(db);
  },
};
