// The customer-data layer: shops and keys, customers and consents, catalogue, orders, storefront
// events, visitors, points and coupons.
import { type Kysely, sql } from "kysely";
import { columnTypes, type EngineMigration } from "./types.js";

export const foundation: EngineMigration = {
  async up(db: Kysely<unknown>, engine) {
    const t = columnTypes(engine);
    const s = db.schema;

    await s
      .createTable("instance_settings")
      .addColumn("key", "text", (c) => c.primaryKey())
      .addColumn("value", "text", (c) => c.notNull())
      .execute();

    await t
      .withId(s.createTable("shops"))
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("timezone", "text", (c) => c.notNull().defaultTo("Asia/Tokyo"))
      .addColumn("currency", "text", (c) => c.notNull().defaultTo("JPY"))
      .addColumn("locale", "text", (c) => c.notNull().defaultTo("ja"))
      .addColumn("created_at", t.timestamp, (c) => c.notNull())
      .execute();

    await t
      .withId(s.createTable("api_keys"))
      .addColumn("shop_id", "bigint", (c) => c.notNull().references("shops.id").onDelete("cascade"))
      .addColumn("kind", "text", (c) => c.notNull())
      .addColumn("key_hash", "text", (c) => c.notNull().unique())
      .addColumn("key_prefix", "text", (c) => c.notNull())
      .addColumn("created_at", t.timestamp, (c) => c.notNull())
      .addColumn("revoked_at", t.timestamp)
      .execute();
    await s.createIndex("api_keys_shop").on("api_keys").columns(["shop_id"]).execute();

    await t
      .withId(s.createTable("customers"))
      .addColumn("shop_id", "bigint", (c) => c.notNull().references("shops.id").onDelete("cascade"))
      .addColumn("external_id", "text")
      .addColumn("email", "text")
      .addColumn("phone", "text")
      .addColumn("line_user_id", "text")
      .addColumn("first_name", "text")
      .addColumn("last_name", "text")
      .addColumn("first_name_kana", "text")
      .addColumn("last_name_kana", "text")
      .addColumn("birthday", t.date)
      .addColumn("gender", "text")
      .addColumn("postal_code", "text")
      .addColumn("prefecture", "text")
      .addColumn("address", "text")
      .addColumn("member_rank", "text")
      .addColumn("attributes", t.json, (c) => c.notNull())
      .addColumn("merged_into_id", "bigint")
      .addColumn("created_at", t.timestamp, (c) => c.notNull())
      .addColumn("updated_at", t.timestamp, (c) => c.notNull())
      .execute();
    await s
      .createIndex("customers_external")
      .unique()
      .on("customers")
      .columns(["shop_id", "external_id"])
      .execute();
    await s.createIndex("customers_email").on("customers").columns(["shop_id", "email"]).execute();
    await s.createIndex("customers_phone").on("customers").columns(["shop_id", "phone"]).execute();
    await s.createIndex("customers_line").on("customers").columns(["shop_id", "line_user_id"]).execute();
    await s
      .createIndex("customers_kana")
      .on("customers")
      .columns(["shop_id", "last_name_kana", "first_name_kana"])
      .execute();

    await s
      .createTable("consents")
      .addColumn("shop_id", "bigint", (c) => c.notNull())
      .addColumn("customer_id", "bigint", (c) => c.notNull().references("customers.id").onDelete("cascade"))
      .addColumn("channel", "text", (c) => c.notNull())
      .addColumn("granted", "integer", (c) => c.notNull())
      .addColumn("source", "text", (c) => c.notNull())
      .addColumn("updated_at", t.timestamp, (c) => c.notNull())
      .addPrimaryKeyConstraint("consents_pk", ["shop_id", "customer_id", "channel"])
      .execute();

    await t
      .withId(s.createTable("consent_log"))
      .addColumn("shop_id", "bigint", (c) => c.notNull())
      .addColumn("customer_id", "bigint", (c) => c.notNull())
      .addColumn("channel", "text", (c) => c.notNull())
      .addColumn("granted", "integer", (c) => c.notNull())
      .addColumn("source", "text", (c) => c.notNull())
      .addColumn("recorded_at", t.timestamp, (c) => c.notNull())
      .execute();
    await s
      .createIndex("consent_log_customer")
      .on("consent_log")
      .columns(["shop_id", "customer_id"])
      .execute();

    await t
      .withId(s.createTable("products"))
      .addColumn("shop_id", "bigint", (c) => c.notNull().references("shops.id").onDelete("cascade"))
      .addColumn("sku", "text", (c) => c.notNull())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("category_path", "text")
      .addColumn("price", "bigint", (c) => c.notNull())
      .addColumn("currency", "text", (c) => c.notNull())
      .addColumn("stock", "integer")
      .addColumn("url", "text")
      .addColumn("image_url", "text")
      .addColumn("replenishment_days", "integer")
      .addColumn("warranty_months", "integer")
      .addColumn("consumable", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("attributes", t.json, (c) => c.notNull())
      .addColumn("created_at", t.timestamp, (c) => c.notNull())
      .addColumn("updated_at", t.timestamp, (c) => c.notNull())
      .execute();
    await s.createIndex("products_sku").unique().on("products").columns(["shop_id", "sku"]).execute();

    await t
      .withId(s.createTable("orders"))
      .addColumn("shop_id", "bigint", (c) => c.notNull().references("shops.id").onDelete("cascade"))
      .addColumn("external_id", "text", (c) => c.notNull())
      .addColumn("customer_id", "bigint")
      .addColumn("channel", "text", (c) => c.notNull())
      .addColumn("store_id", "text")
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("ordered_at", t.timestamp, (c) => c.notNull())
      .addColumn("shipped_at", t.timestamp)
      .addColumn("currency", "text", (c) => c.notNull())
      .addColumn("subtotal", "bigint", (c) => c.notNull())
      .addColumn("discount", "bigint", (c) => c.notNull().defaultTo(0))
      .addColumn("shipping", "bigint", (c) => c.notNull().defaultTo(0))
      .addColumn("tax", "bigint", (c) => c.notNull().defaultTo(0))
      .addColumn("total", "bigint", (c) => c.notNull())
      .addColumn("coupon_code", "text")
      .addColumn("points_used", "bigint", (c) => c.notNull().defaultTo(0))
      .addColumn("created_at", t.timestamp, (c) => c.notNull())
      .addColumn("updated_at", t.timestamp, (c) => c.notNull())
      .execute();
    await s
      .createIndex("orders_external")
      .unique()
      .on("orders")
      .columns(["shop_id", "external_id"])
      .execute();
    await s
      .createIndex("orders_customer")
      .on("orders")
      .columns(["shop_id", "customer_id", "ordered_at"])
      .execute();
    await s.createIndex("orders_ordered_at").on("orders").columns(["shop_id", "ordered_at"]).execute();

    await t
      .withId(s.createTable("order_items"))
      .addColumn("shop_id", "bigint", (c) => c.notNull())
      .addColumn("order_id", "bigint", (c) => c.notNull().references("orders.id").onDelete("cascade"))
      .addColumn("line_no", "integer", (c) => c.notNull())
      .addColumn("product_id", "bigint")
      .addColumn("sku", "text", (c) => c.notNull())
      .addColumn("name", "text")
      .addColumn("quantity", "integer", (c) => c.notNull())
      .addColumn("unit_price", "bigint", (c) => c.notNull())
      .addColumn("line_total", "bigint", (c) => c.notNull())
      .execute();
    await s.createIndex("order_items_order").on("order_items").columns(["order_id"]).execute();
    await s.createIndex("order_items_product").on("order_items").columns(["shop_id", "product_id"]).execute();

    await t
      .withId(s.createTable("events"))
      .addColumn("shop_id", "bigint", (c) => c.notNull())
      .addColumn("customer_id", "bigint")
      .addColumn("visitor_id", "text")
      .addColumn("type", "text", (c) => c.notNull())
      .addColumn("product_id", "bigint")
      .addColumn("sku", "text")
      .addColumn("properties", t.json, (c) => c.notNull())
      .addColumn("occurred_at", t.timestamp, (c) => c.notNull())
      .addColumn("received_at", t.timestamp, (c) => c.notNull())
      .addColumn("event_key", "text")
      .execute();
    await s
      .createIndex("events_customer")
      .on("events")
      .columns(["shop_id", "customer_id", "occurred_at"])
      .execute();
    // Only anonymous events are looked up by visitor (to attribute them on identify); a partial index
    // keeps the cost of every identified event's insert down.
    await s
      .createIndex("events_visitor_anonymous")
      .on("events")
      .columns(["shop_id", "visitor_id"])
      .where(sql.ref("customer_id"), "is", null)
      .execute();
    await s.createIndex("events_type").on("events").columns(["shop_id", "type", "occurred_at"]).execute();
    await s.createIndex("events_key").unique().on("events").columns(["shop_id", "event_key"]).execute();

    await s
      .createTable("visitors")
      .addColumn("shop_id", "bigint", (c) => c.notNull())
      .addColumn("visitor_id", "text", (c) => c.notNull())
      .addColumn("customer_id", "bigint")
      .addColumn("first_seen_at", t.timestamp, (c) => c.notNull())
      .addColumn("linked_at", t.timestamp)
      .addPrimaryKeyConstraint("visitors_pk", ["shop_id", "visitor_id"])
      .execute();

    await t
      .withId(s.createTable("point_ledger"))
      .addColumn("shop_id", "bigint", (c) => c.notNull())
      .addColumn("customer_id", "bigint", (c) => c.notNull())
      .addColumn("kind", "text", (c) => c.notNull())
      .addColumn("points", "bigint", (c) => c.notNull())
      .addColumn("expires_at", t.timestamp)
      .addColumn("reason", "text")
      .addColumn("order_external_id", "text")
      .addColumn("external_id", "text")
      .addColumn("occurred_at", t.timestamp, (c) => c.notNull())
      .execute();
    await s
      .createIndex("point_ledger_customer")
      .on("point_ledger")
      .columns(["shop_id", "customer_id", "occurred_at"])
      .execute();
    await s
      .createIndex("point_ledger_external")
      .unique()
      .on("point_ledger")
      .columns(["shop_id", "external_id"])
      .execute();

    await s
      .createTable("point_balances")
      .addColumn("shop_id", "bigint", (c) => c.notNull())
      .addColumn("customer_id", "bigint", (c) => c.notNull())
      .addColumn("balance", "bigint", (c) => c.notNull())
      .addColumn("next_expiry_at", t.timestamp)
      .addColumn("next_expiry_points", "bigint", (c) => c.notNull().defaultTo(0))
      .addColumn("updated_at", t.timestamp, (c) => c.notNull())
      .addPrimaryKeyConstraint("point_balances_pk", ["shop_id", "customer_id"])
      .execute();
    // The worker looks for balances whose next expiry has passed.
    await s
      .createIndex("point_balances_next_expiry")
      .on("point_balances")
      .columns(["next_expiry_at"])
      .execute();

    await t
      .withId(s.createTable("coupons"))
      .addColumn("shop_id", "bigint", (c) => c.notNull())
      .addColumn("code", "text", (c) => c.notNull())
      .addColumn("customer_id", "bigint")
      .addColumn("kind", "text", (c) => c.notNull())
      .addColumn("value", "bigint", (c) => c.notNull())
      .addColumn("currency", "text", (c) => c.notNull())
      .addColumn("min_order", "bigint", (c) => c.notNull().defaultTo(0))
      .addColumn("expires_at", t.timestamp)
      .addColumn("redeemed_at", t.timestamp)
      .addColumn("redeemed_order_external_id", "text")
      .addColumn("created_at", t.timestamp, (c) => c.notNull())
      .execute();
    await s.createIndex("coupons_code").unique().on("coupons").columns(["shop_id", "code"]).execute();
  },
};
