// People who sign in to the admin (users), the shops each may act for and in which role (memberships),
// their signed-in sessions, and the audit log of who changed or sent what. API keys get a label and the
// time they were last used, so an owner can tell which key a storefront still relies on.
import type { Kysely } from "kysely";
import { columnTypes, type EngineMigration } from "./types.js";

export const accounts: EngineMigration = {
  async up(db: Kysely<unknown>, engine) {
    const t = columnTypes(engine);
    await t
      .withId(db.schema.createTable("users"))
      /** Lower-cased; one account per address across the instance (an agency user has one login). */
      .addColumn("email", "text", (c) => c.notNull().unique())
      .addColumn("name", "text", (c) => c.notNull())
      /** scrypt$N$r$p$salt$hash (see accounts/passwords.ts). */
      .addColumn("password_hash", "text", (c) => c.notNull())
      .addColumn("locale", "text", (c) => c.notNull().defaultTo("ja"))
      /** Consecutive failed sign-ins since the last success; lockout starts at a threshold. */
      .addColumn("failed_logins", "integer", (c) => c.notNull().defaultTo(0))
      .addColumn("locked_until", t.timestamp)
      .addColumn("last_login_at", t.timestamp)
      .addColumn("disabled_at", t.timestamp)
      .addColumn("created_at", t.timestamp, (c) => c.notNull())
      .execute();

    await db.schema
      .createTable("memberships")
      .addColumn("user_id", "bigint", (c) => c.notNull().references("users.id").onDelete("cascade"))
      .addColumn("shop_id", "bigint", (c) => c.notNull().references("shops.id").onDelete("cascade"))
      /** owner | marketer | analyst (accounts/roles.ts). */
      .addColumn("role", "text", (c) => c.notNull())
      .addColumn("created_at", t.timestamp, (c) => c.notNull())
      /**
       * Null while an invitation: a shop that adds an address which already has an account only invites
       * it; the person accepts after signing in. Until then the membership grants nothing and shows the
       * shop nothing of the person but the address.
       */
      .addColumn("accepted_at", t.timestamp)
      .addPrimaryKeyConstraint("memberships_pk", ["user_id", "shop_id"])
      .execute();
    await db.schema.createIndex("memberships_shop").on("memberships").columns(["shop_id"]).execute();

    await t
      .withId(db.schema.createTable("sessions"))
      .addColumn("user_id", "bigint", (c) => c.notNull().references("users.id").onDelete("cascade"))
      /** sha256 of the cookie's token: a copy of the table signs no one in. */
      .addColumn("token_hash", "text", (c) => c.notNull().unique())
      .addColumn("created_at", t.timestamp, (c) => c.notNull())
      .addColumn("last_seen_at", t.timestamp, (c) => c.notNull())
      .addColumn("expires_at", t.timestamp, (c) => c.notNull())
      .execute();
    await db.schema.createIndex("sessions_user").on("sessions").columns(["user_id"]).execute();

    await t
      .withId(db.schema.createTable("audit_log"))
      /** Null for events of the instance rather than a shop (a failed sign-in). */
      .addColumn("shop_id", "bigint", (c) => c.references("shops.id").onDelete("cascade"))
      /** user | api_key | cli | system */
      .addColumn("actor_kind", "text", (c) => c.notNull())
      /** users.id or api_keys.id; null for the CLI and the system. */
      .addColumn("actor_id", "bigint")
      /** What a person reads in the log: the user's email or the key's prefix (never a secret). */
      .addColumn("actor_label", "text", (c) => c.notNull())
      /** e.g. "PUT /v1/scenarios/:key", "login", "login.failed", "api_key.revoke". */
      .addColumn("action", "text", (c) => c.notNull())
      /** JSON: the route's parameters or the object acted on; never a request body (personal data). */
      .addColumn("target", t.json, (c) => c.notNull())
      .addColumn("status", "integer")
      .addColumn("at", t.timestamp, (c) => c.notNull())
      .execute();
    await db.schema.createIndex("audit_log_shop_at").on("audit_log").columns(["shop_id", "at"]).execute();

    await db.schema.alterTable("api_keys").addColumn("label", "text").execute();
    await db.schema.alterTable("api_keys").addColumn("last_used_at", t.timestamp).execute();
  },
};
