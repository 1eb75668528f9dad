// The delivery pipeline: messages gain what sending needs (a due time that doubles as the worker's
// lease, attempts, the address used and the provider's id); every state change of a message becomes a
// row in message_events; channels get per-shop settings with sealed credentials; web push
// subscriptions, LINE link codes and customers' delivery preferences get their tables.
import type { ColumnDefinitionBuilder, Kysely } from "kysely";
import { sql } from "kysely";
import { columnTypes, type EngineMigration } from "./types.js";

/** Statuses the delivery worker still has to act on (claimable once due_at has passed). */
export const OPEN_MESSAGE_STATUSES = ["queued", "rendering", "sending", "deferred"] as const;

export const delivery: EngineMigration = {
  async up(db: Kysely<unknown>, engine) {
    const t = columnTypes(engine);
    const s = db.schema;
    const shopRef = (c: ColumnDefinitionBuilder) => c.notNull().references("shops.id").onDelete("cascade");

    // due_at: when the worker may (re)take the message. Queued and deferred messages wait for it; a
    // message being rendered or sent carries the claiming worker's lease in it, so a crashed worker's
    // messages are taken over when the lease runs out.
    await s.alterTable("messages").addColumn("due_at", t.timestamp).execute();
    await s
      .alterTable("messages")
      .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
      .execute();
    await s.alterTable("messages").addColumn("address", "text").execute();
    await s.alterTable("messages").addColumn("provider_id", "text").execute();
    await s.alterTable("messages").addColumn("delivered_at", t.timestamp).execute();
    await s.alterTable("messages").addColumn("converted_at", t.timestamp).execute();
    await sql`update messages set due_at = queued_at where status = 'queued'`.execute(db);
    await s.dropIndex("messages_queued").execute();
    const open = sql.join(OPEN_MESSAGE_STATUSES.map((v) => sql.lit(v)));
    await s
      .createIndex("messages_due")
      .on("messages")
      .columns(["due_at"])
      .where(sql<boolean>`status in (${open})`)
      .execute();
    // Reports and the dashboard read a campaign's or a step's messages by status.
    await s.createIndex("messages_campaign").on("messages").columns(["campaign_id"]).execute();

    await t
      .withId(s.createTable("message_events"))
      .addColumn("shop_id", "bigint", shopRef)
      .addColumn("message_id", "bigint", (c) => c.notNull())
      /** A status the message moved to, or what happened to it: open, click, unsubscribe, complaint. */
      .addColumn("type", "text", (c) => c.notNull())
      .addColumn("reason", "text")
      .addColumn("detail", t.json)
      .addColumn("at", t.timestamp, (c) => c.notNull())
      .execute();
    await s.createIndex("message_events_message").on("message_events").columns(["message_id"]).execute();
    await s
      .createIndex("message_events_shop_type")
      .on("message_events")
      .columns(["shop_id", "type", "at"])
      .execute();

    await s
      .createTable("channel_settings")
      .addColumn("shop_id", "bigint", shopRef)
      .addColumn("channel", "text", (c) => c.notNull())
      .addColumn("provider", "text", (c) => c.notNull())
      /** What may be shown: host, port, sender, rate limits. */
      .addColumn("settings", t.json, (c) => c.notNull())
      /** Credentials as one JSON document sealed with the instance secret; never returned in clear. */
      .addColumn("sealed_secrets", "text")
      .addColumn("paused_at", t.timestamp)
      .addColumn("paused_reason", "text")
      .addColumn("updated_at", t.timestamp, (c) => c.notNull())
      .addPrimaryKeyConstraint("channel_settings_pk", ["shop_id", "channel"])
      .execute();

    await t
      .withId(s.createTable("push_subscriptions"))
      .addColumn("shop_id", "bigint", shopRef)
      .addColumn("customer_id", "bigint")
      .addColumn("visitor_id", "text")
      .addColumn("endpoint", "text", (c) => c.notNull())
      .addColumn("p256dh", "text", (c) => c.notNull())
      .addColumn("auth", "text", (c) => c.notNull())
      .addColumn("created_at", t.timestamp, (c) => c.notNull())
      .addColumn("revoked_at", t.timestamp)
      .execute();
    await s
      .createIndex("push_subscriptions_endpoint")
      .unique()
      .on("push_subscriptions")
      .columns(["shop_id", "endpoint"])
      .execute();
    await s
      .createIndex("push_subscriptions_customer")
      .on("push_subscriptions")
      .columns(["shop_id", "customer_id"])
      .execute();

    await s
      .createTable("line_link_codes")
      .addColumn("shop_id", "bigint", shopRef)
      .addColumn("code", "text", (c) => c.notNull())
      .addColumn("customer_id", "bigint", (c) => c.notNull())
      .addColumn("expires_at", t.timestamp, (c) => c.notNull())
      .addColumn("used_at", t.timestamp)
      .addColumn("line_user_id", "text")
      .addPrimaryKeyConstraint("line_link_codes_pk", ["shop_id", "code"])
      .execute();

    // Short tracked links for SMS, where every character counts: /s/<code> redirects to the URL.
    await s
      .createTable("short_links")
      .addColumn("code", "text", (c) => c.primaryKey())
      .addColumn("shop_id", "bigint", shopRef)
      .addColumn("message_id", "bigint", (c) => c.notNull())
      .addColumn("url", "text", (c) => c.notNull())
      .addColumn("created_at", t.timestamp, (c) => c.notNull())
      .execute();

    // What a customer chose in the preference centre beyond per-channel consent.
    await s
      .createTable("customer_preferences")
      .addColumn("shop_id", "bigint", shopRef)
      .addColumn("customer_id", "bigint", (c) => c.notNull())
      /** Categories the customer wants to hear about; empty means all. */
      .addColumn("categories", t.json, (c) => c.notNull())
      /** "all" | "weekly" | "monthly": at most that many promotional messages. */
      .addColumn("frequency", "text", (c) => c.notNull())
      .addColumn("updated_at", t.timestamp, (c) => c.notNull())
      .addPrimaryKeyConstraint("customer_preferences_pk", ["shop_id", "customer_id"])
      .execute();
  },
};
