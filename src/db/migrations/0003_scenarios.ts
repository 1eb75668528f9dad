// The scenario engine and the message outbox: scenarios and their immutable versions, runs (one per
// customer and entry, advanced by the worker), the step log (what each run did, once per step), trigger
// cursors, message templates, the outbox of messages queued for delivery, the suppression list and
// conversions attributed to scenarios. Shops gain a settings document (guardrail defaults).
import { type ColumnDefinitionBuilder, type Kysely, sql } from "kysely";
import { columnTypes, type EngineMigration, emptyJson } from "./types.js";

export const scenarios: EngineMigration = {
  async up(db: Kysely<unknown>, engine) {
    const t = columnTypes(engine);
    const s = db.schema;
    const shopRef = (c: ColumnDefinitionBuilder) => c.notNull().references("shops.id").onDelete("cascade");

    await s
      .alterTable("shops")
      .addColumn("settings", t.json, (c) => c.notNull().defaultTo(emptyJson))
      .execute();

    await t
      .withId(s.createTable("scenarios"))
      .addColumn("shop_id", "bigint", shopRef)
      .addColumn("key", "text", (c) => c.notNull())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("library_key", "text")
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("version", "integer", (c) => c.notNull())
      .addColumn("activated_at", t.timestamp)
      .addColumn("created_at", t.timestamp, (c) => c.notNull())
      .addColumn("updated_at", t.timestamp, (c) => c.notNull())
      .execute();
    await s.createIndex("scenarios_key").unique().on("scenarios").columns(["shop_id", "key"]).execute();

    await t
      .withId(s.createTable("scenario_versions"))
      .addColumn("shop_id", "bigint", shopRef)
      .addColumn("scenario_id", "bigint", (c) => c.notNull().references("scenarios.id").onDelete("cascade"))
      .addColumn("version", "integer", (c) => c.notNull())
      .addColumn("definition", t.json, (c) => c.notNull())
      .addColumn("created_at", t.timestamp, (c) => c.notNull())
      .execute();
    await s
      .createIndex("scenario_versions_version")
      .unique()
      .on("scenario_versions")
      .columns(["scenario_id", "version"])
      .execute();

    await t
      .withId(s.createTable("scenario_runs"))
      .addColumn("shop_id", "bigint", shopRef)
      .addColumn("scenario_id", "bigint", (c) => c.notNull())
      .addColumn("version", "integer", (c) => c.notNull())
      .addColumn("customer_id", "bigint", (c) => c.notNull())
      /** What made the customer enter (event id, date, restock): a trigger seen twice enters once. */
      .addColumn("entry_key", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("step_id", "text")
      /** Steps done so far: the step log's key, so a step is recorded (and acted on) once. */
      .addColumn("step_seq", "integer", (c) => c.notNull())
      .addColumn("next_at", t.timestamp)
      /** Set while waiting for an event: the event types, comma-separated, that wake the run. */
      .addColumn("waiting_for", "text")
      .addColumn("arm", "text")
      .addColumn("holdout", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("context", t.json, (c) => c.notNull())
      .addColumn("entered_at", t.timestamp, (c) => c.notNull())
      .addColumn("ended_at", t.timestamp)
      .addColumn("end_reason", "text")
      .execute();
    await s
      .createIndex("scenario_runs_entry")
      .unique()
      .on("scenario_runs")
      .columns(["scenario_id", "customer_id", "entry_key"])
      .execute();
    // The worker's queue: only runs still going are in it.
    await s
      .createIndex("scenario_runs_due")
      .on("scenario_runs")
      .columns(["next_at"])
      .where(sql.ref("status"), "=", "active")
      .execute();
    await s
      .createIndex("scenario_runs_customer")
      .on("scenario_runs")
      .columns(["shop_id", "customer_id", "status"])
      .execute();

    await t
      .withId(s.createTable("scenario_run_steps"))
      .addColumn("shop_id", "bigint", shopRef)
      .addColumn("run_id", "bigint", (c) => c.notNull())
      .addColumn("scenario_id", "bigint", (c) => c.notNull())
      .addColumn("seq", "integer", (c) => c.notNull())
      .addColumn("step_id", "text", (c) => c.notNull())
      .addColumn("outcome", "text", (c) => c.notNull())
      .addColumn("at", t.timestamp, (c) => c.notNull())
      .execute();
    await s
      .createIndex("scenario_run_steps_seq")
      .unique()
      .on("scenario_run_steps")
      .columns(["run_id", "seq"])
      .execute();
    await s
      .createIndex("scenario_run_steps_scenario")
      .on("scenario_run_steps")
      .columns(["scenario_id", "step_id"])
      .execute();

    await s
      .createTable("scenario_cursors")
      .addColumn("shop_id", "bigint", shopRef)
      .addColumn("scenario_id", "bigint", (c) => c.notNull())
      .addColumn("source", "text", (c) => c.notNull())
      .addColumn("position", "text", (c) => c.notNull())
      .addColumn("updated_at", t.timestamp, (c) => c.notNull())
      .addPrimaryKeyConstraint("scenario_cursors_pk", ["scenario_id", "source"])
      .execute();

    await t
      .withId(s.createTable("templates"))
      .addColumn("shop_id", "bigint", shopRef)
      .addColumn("key", "text", (c) => c.notNull())
      .addColumn("channel", "text", (c) => c.notNull())
      .addColumn("locale", "text", (c) => c.notNull())
      .addColumn("message_class", "text", (c) => c.notNull())
      .addColumn("subject", "text")
      .addColumn("preheader", "text")
      .addColumn("body", "text", (c) => c.notNull())
      .addColumn("created_at", t.timestamp, (c) => c.notNull())
      .addColumn("updated_at", t.timestamp, (c) => c.notNull())
      .execute();
    await s
      .createIndex("templates_key")
      .unique()
      .on("templates")
      .columns(["shop_id", "key", "channel", "locale"])
      .execute();

    await t
      .withId(s.createTable("messages"))
      .addColumn("shop_id", "bigint", shopRef)
      .addColumn("customer_id", "bigint", (c) => c.notNull())
      .addColumn("channel", "text", (c) => c.notNull())
      .addColumn("template_key", "text", (c) => c.notNull())
      .addColumn("message_class", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("status_reason", "text")
      /** run:<id>:<seq> or campaign:<id>:<customer>: the same message is never queued twice. */
      .addColumn("idempotency_key", "text", (c) => c.notNull())
      .addColumn("scenario_id", "bigint")
      .addColumn("scenario_version", "integer")
      .addColumn("run_id", "bigint")
      .addColumn("step_id", "text")
      .addColumn("campaign_id", "bigint")
      .addColumn("variant", "text")
      .addColumn("payload", t.json, (c) => c.notNull())
      .addColumn("queued_at", t.timestamp, (c) => c.notNull())
      .addColumn("sent_at", t.timestamp)
      .addColumn("opened_at", t.timestamp)
      .addColumn("clicked_at", t.timestamp)
      .addColumn("updated_at", t.timestamp, (c) => c.notNull())
      .execute();
    await s
      .createIndex("messages_idempotency")
      .unique()
      .on("messages")
      .columns(["shop_id", "idempotency_key"])
      .execute();
    // Frequency caps count a customer's recent messages.
    await s
      .createIndex("messages_customer")
      .on("messages")
      .columns(["shop_id", "customer_id", "queued_at"])
      .execute();
    await s.createIndex("messages_run").on("messages").columns(["run_id"]).execute();
    // The delivery pipeline's queue.
    await s
      .createIndex("messages_queued")
      .on("messages")
      .columns(["queued_at"])
      .where(sql.ref("status"), "=", "queued")
      .execute();

    await s
      .createTable("suppressions")
      .addColumn("shop_id", "bigint", shopRef)
      .addColumn("channel", "text", (c) => c.notNull())
      .addColumn("address", "text", (c) => c.notNull())
      .addColumn("reason", "text", (c) => c.notNull())
      .addColumn("created_at", t.timestamp, (c) => c.notNull())
      .addPrimaryKeyConstraint("suppressions_pk", ["shop_id", "channel", "address"])
      .execute();
    await s.createIndex("suppressions_address").on("suppressions").columns(["shop_id", "address"]).execute();

    await t
      .withId(s.createTable("conversions"))
      .addColumn("shop_id", "bigint", shopRef)
      .addColumn("customer_id", "bigint", (c) => c.notNull())
      .addColumn("order_id", "bigint", (c) => c.notNull())
      .addColumn("scenario_id", "bigint")
      .addColumn("scenario_version", "integer")
      .addColumn("run_id", "bigint")
      .addColumn("step_id", "text")
      .addColumn("message_id", "bigint")
      .addColumn("campaign_id", "bigint")
      .addColumn("revenue", "bigint", (c) => c.notNull())
      .addColumn("currency", "text", (c) => c.notNull())
      .addColumn("converted_at", t.timestamp, (c) => c.notNull())
      .execute();
    await s
      .createIndex("conversions_run_order")
      .unique()
      .on("conversions")
      .columns(["run_id", "order_id"])
      .execute();
    await s
      .createIndex("conversions_scenario")
      .on("conversions")
      .columns(["shop_id", "scenario_id"])
      .execute();
  },
};
