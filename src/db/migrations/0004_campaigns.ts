// Campaigns: one-off sends to an audience, now or scheduled, with A/B variants and a holdout. A
// campaign runs on the scenario engine (a hidden scenario of kind "campaign"), so it goes through the
// same guardrails, outbox and exactly-once step pass; scenarios gain a kind to tell the two apart.
import type { ColumnDefinitionBuilder, Kysely } from "kysely";
import { sql } from "kysely";
import { columnTypes, type EngineMigration } from "./types.js";

export const campaigns: EngineMigration = {
  async up(db: Kysely<unknown>, engine) {
    const t = columnTypes(engine);
    const s = db.schema;
    const shopRef = (c: ColumnDefinitionBuilder) => c.notNull().references("shops.id").onDelete("cascade");

    await s
      .alterTable("scenarios")
      .addColumn("kind", "text", (c) => c.notNull().defaultTo(sql`'journey'`))
      .execute();

    await t
      .withId(s.createTable("campaigns"))
      .addColumn("shop_id", "bigint", shopRef)
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      /** The campaign as created: audience, channels, variants, A/B test, holdout. */
      .addColumn("definition", t.json, (c) => c.notNull())
      .addColumn("scenario_id", "bigint")
      .addColumn("scheduled_at", t.timestamp)
      .addColumn("started_at", t.timestamp)
      .addColumn("finished_at", t.timestamp)
      .addColumn("created_at", t.timestamp, (c) => c.notNull())
      .addColumn("updated_at", t.timestamp, (c) => c.notNull())
      .execute();
    await s.createIndex("campaigns_shop").on("campaigns").columns(["shop_id", "created_at"]).execute();
    await s
      .createIndex("campaigns_due")
      .on("campaigns")
      .columns(["scheduled_at"])
      .where(sql.ref("status"), "=", "scheduled")
      .execute();
  },
};
