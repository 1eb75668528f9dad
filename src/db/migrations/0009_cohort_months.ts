// What each cohort (first-order month × acquisition channel) bought per local month, kept by the
// analytics pass beside the sales months: the economics report sums these rows instead of joining
// every order of the shop to its customer.
import type { ColumnDefinitionBuilder, Kysely } from "kysely";
import { sql } from "kysely";
import type { EngineMigration } from "./types.js";

export const cohortMonths: EngineMigration = {
  async up(db: Kysely<unknown>) {
    const shopRef = (c: ColumnDefinitionBuilder) => c.notNull().references("shops.id").onDelete("cascade");
    await db.schema
      .createTable("cohort_sales_months")
      .addColumn("shop_id", "bigint", shopRef)
      /** "YYYY-MM" of the orders, in the shop's time zone. */
      .addColumn("month", "text", (c) => c.notNull())
      /** The customers' first-order month ("YYYY-MM"). */
      .addColumn("cohort", "text", (c) => c.notNull())
      /** Their acquisition channel; '' when unknown. */
      .addColumn("channel", "text", (c) => c.notNull())
      .addColumn("customers", "integer", (c) => c.notNull())
      .addColumn("orders", "integer", (c) => c.notNull())
      .addColumn("revenue", "bigint", (c) => c.notNull())
      .addPrimaryKeyConstraint("cohort_sales_months_pk", ["shop_id", "month", "cohort", "channel"])
      .execute();
    // Filled by a full metrics pass: forget the last one so the next refresh is full.
    await sql`delete from analytics_models where kind = 'metrics'`.execute(db);
  },
};
