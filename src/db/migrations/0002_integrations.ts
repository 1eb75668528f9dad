// Connections to shop platforms (Shopify first): per-shop settings with encrypted secrets, a receipt per
// webhook delivery (retries are recognised and do nothing), the newest version seen of each synced
// resource (late deliveries do not overwrite newer state) and Shopify's inventory item → SKU map.
import type { Kysely } from "kysely";
import { columnTypes, type EngineMigration } from "./types.js";

export const integrations: EngineMigration = {
  async up(db: Kysely<unknown>, engine) {
    const t = columnTypes(engine);
    const s = db.schema;

    await t
      .withId(s.createTable("integrations"))
      .addColumn("shop_id", "bigint", (c) => c.notNull().references("shops.id").onDelete("cascade"))
      .addColumn("provider", "text", (c) => c.notNull())
      .addColumn("settings", t.json, (c) => c.notNull())
      .addColumn("created_at", t.timestamp, (c) => c.notNull())
      .addColumn("updated_at", t.timestamp, (c) => c.notNull())
      .execute();
    await s
      .createIndex("integrations_provider")
      .unique()
      .on("integrations")
      .columns(["shop_id", "provider"])
      .execute();

    await t
      .withId(s.createTable("webhook_receipts"))
      .addColumn("shop_id", "bigint", (c) => c.notNull().references("shops.id").onDelete("cascade"))
      .addColumn("provider", "text", (c) => c.notNull())
      .addColumn("webhook_id", "text", (c) => c.notNull())
      .addColumn("topic", "text", (c) => c.notNull())
      .addColumn("outcome", "text", (c) => c.notNull())
      .addColumn("received_at", t.timestamp, (c) => c.notNull())
      .execute();
    await s
      .createIndex("webhook_receipts_webhook")
      .unique()
      .on("webhook_receipts")
      .columns(["shop_id", "provider", "webhook_id"])
      .execute();
    await s
      .createIndex("webhook_receipts_received")
      .on("webhook_receipts")
      .columns(["shop_id", "provider", "received_at"])
      .execute();

    await s
      .createTable("webhook_resource_versions")
      .addColumn("shop_id", "bigint", (c) => c.notNull().references("shops.id").onDelete("cascade"))
      .addColumn("provider", "text", (c) => c.notNull())
      .addColumn("resource", "text", (c) => c.notNull())
      .addColumn("resource_id", "text", (c) => c.notNull())
      .addColumn("version", t.timestamp, (c) => c.notNull())
      .addPrimaryKeyConstraint("webhook_resource_versions_pk", [
        "shop_id",
        "provider",
        "resource",
        "resource_id",
      ])
      .execute();

    await s
      .createTable("shopify_inventory_items")
      .addColumn("shop_id", "bigint", (c) => c.notNull().references("shops.id").onDelete("cascade"))
      .addColumn("inventory_item_id", "text", (c) => c.notNull())
      .addColumn("sku", "text", (c) => c.notNull())
      .addColumn("levels", t.json, (c) => c.notNull())
      .addColumn("updated_at", t.timestamp, (c) => c.notNull())
      .addPrimaryKeyConstraint("shopify_inventory_items_pk", ["shop_id", "inventory_item_id"])
      .execute();
  },
};
