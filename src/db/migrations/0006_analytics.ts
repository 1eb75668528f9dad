// Segments and analytics: segment definitions and their membership history (entry and exit times, so
// scenarios can trigger on entry); a per-customer metrics row that the analytics job keeps up to date
// (order aggregates, RFM scores, predictions), so segments and reports over a million customers read one
// narrow row each instead of re-aggregating ten million orders; fitted model parameters per shop; and
// the advertising costs the economics report divides by.
import type { ColumnDefinitionBuilder, Kysely } from "kysely";
import { sql } from "kysely";
import { columnTypes, type EngineMigration } from "./types.js";

export const analytics: EngineMigration = {
  async up(db: Kysely<unknown>, engine) {
    const t = columnTypes(engine);
    const s = db.schema;
    const shopRef = (c: ColumnDefinitionBuilder) => c.notNull().references("shops.id").onDelete("cascade");

    await t
      .withId(s.createTable("segments"))
      .addColumn("shop_id", "bigint", shopRef)
      .addColumn("key", "text", (c) => c.notNull())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("description", "text")
      .addColumn("definition", t.json, (c) => c.notNull())
      /** Bumped on every change of the rule; membership is re-evaluated against the new one. */
      .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
      .addColumn("status", "text", (c) => c.notNull().defaultTo("active"))
      .addColumn("member_count", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("refreshed_at", t.timestamp)
      .addColumn("created_at", t.timestamp, (c) => c.notNull())
      .addColumn("updated_at", t.timestamp, (c) => c.notNull())
      .execute();
    await s.createIndex("segments_key").unique().on("segments").columns(["shop_id", "key"]).execute();

    // One row per stay in a segment: current members have no exited_at.
    await t
      .withId(s.createTable("segment_memberships"))
      .addColumn("shop_id", "bigint", shopRef)
      .addColumn("segment_id", "bigint", (c) => c.notNull().references("segments.id").onDelete("cascade"))
      .addColumn("customer_id", "bigint", (c) => c.notNull())
      .addColumn("entered_at", t.timestamp, (c) => c.notNull())
      .addColumn("exited_at", t.timestamp)
      .execute();
    await s
      .createIndex("segment_memberships_current")
      .unique()
      .on("segment_memberships")
      .columns(["segment_id", "customer_id"])
      .where(sql<boolean>`exited_at is null`)
      .execute();
    // Segment-entry triggers read a segment's entries after their cursor, in id order.
    await s
      .createIndex("segment_memberships_entries")
      .on("segment_memberships")
      .columns(["segment_id", "id"])
      .execute();
    // A profile page lists the customer's segments.
    await s
      .createIndex("segment_memberships_customer")
      .on("segment_memberships")
      .columns(["shop_id", "customer_id"])
      .execute();

    await s
      .createTable("customer_metrics")
      .addColumn("shop_id", "bigint", shopRef)
      .addColumn("customer_id", "bigint", (c) => c.notNull())
      /** Orders that count: not cancelled, not returned. */
      .addColumn("orders_count", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("revenue", "bigint", (c) => c.notNull().defaultTo(0))
      .addColumn("first_order_id", "bigint")
      .addColumn("first_order_at", t.timestamp)
      .addColumn("second_order_at", t.timestamp)
      .addColumn("last_order_at", t.timestamp)
      /** Distinct days with an order: the purchase count the BG/NBD model expects. */
      .addColumn("purchase_days", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("first_order_channel", "text")
      /** Where the customer came from: the profile's acquisition_channel attribute, else the first order's channel. */
      .addColumn("acquisition_channel", "text")
      .addColumn("online_orders", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("store_orders", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("coupon_orders", "integer", (c) => c.notNull().defaultTo(0))
      /** RFM quintile scores 1..5 (5 = most recent, most frequent, highest spend), null before any order. */
      .addColumn("recency_score", "integer")
      .addColumn("frequency_score", "integer")
      .addColumn("monetary_score", "integer")
      .addColumn("rfm_group", "text")
      /** Predictions (BG/NBD + Gamma–Gamma), null until a model is fitted for the shop. */
      .addColumn("p_alive", "double precision")
      .addColumn("expected_orders_365", "double precision")
      .addColumn("next_order_at", t.timestamp)
      .addColumn("predicted_clv_365", "bigint")
      .addColumn("refreshed_at", t.timestamp, (c) => c.notNull())
      .addPrimaryKeyConstraint("customer_metrics_pk", ["shop_id", "customer_id"])
      .execute();
    await s
      .createIndex("customer_metrics_first_order")
      .on("customer_metrics")
      .columns(["shop_id", "first_order_at"])
      .execute();

    await s
      .createTable("analytics_models")
      .addColumn("shop_id", "bigint", shopRef)
      .addColumn("kind", "text", (c) => c.notNull())
      .addColumn("params", t.json, (c) => c.notNull())
      .addColumn("fitted_at", t.timestamp, (c) => c.notNull())
      .addPrimaryKeyConstraint("analytics_models_pk", ["shop_id", "kind"])
      .execute();

    await s
      .createTable("ad_costs")
      .addColumn("shop_id", "bigint", shopRef)
      /** The acquisition channel the money went to, as the shop names it (google, meta, affiliate…). */
      .addColumn("channel", "text", (c) => c.notNull())
      /** "YYYY-MM" in the shop's time zone. */
      .addColumn("month", "text", (c) => c.notNull())
      .addColumn("amount", "bigint", (c) => c.notNull())
      .addColumn("currency", "text", (c) => c.notNull())
      .addColumn("updated_at", t.timestamp, (c) => c.notNull())
      .addPrimaryKeyConstraint("ad_costs_pk", ["shop_id", "channel", "month"])
      .execute();

    // The metrics job finds the customers whose orders changed since its last pass.
    await s.createIndex("orders_updated").on("orders").columns(["shop_id", "updated_at"]).execute();

    // Segments and reports read a time window of orders, events and messages, and need only a few
    // columns of each row: indexes that carry those columns answer from the index alone instead of one
    // random table read per row (ten times faster on a shop with ten million orders).
    await s.dropIndex("orders_ordered_at").execute();
    await s
      .createIndex("orders_ordered_at")
      .on("orders")
      .columns(["shop_id", "ordered_at", "customer_id", "status", "total", "channel"])
      .execute();
    // Per-customer reads (the metrics rebuild, each buyer's first year, cohorts) take the customer's
    // orders in time order with their status and total, from the index alone.
    await s.dropIndex("orders_customer").execute();
    await s
      .createIndex("orders_customer")
      .on("orders")
      .columns(["shop_id", "customer_id", "ordered_at", "status", "total"])
      .execute();
    await s.dropIndex("events_type").execute();
    await s
      .createIndex("events_type")
      .on("events")
      .columns(["shop_id", "type", "occurred_at", "customer_id", "product_id"])
      .execute();
    for (const column of ["sent_at", "opened_at", "clicked_at"] as const) {
      await s
        .createIndex(`messages_${column}`)
        .on("messages")
        .columns(["shop_id", column, "customer_id"])
        .where(sql.ref(column), "is not", null)
        .execute();
    }
  },
};
