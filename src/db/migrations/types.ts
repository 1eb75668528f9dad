// Column types per engine, so each migration is written once for both.
import type { ColumnDataType, ColumnDefinitionBuilder, CreateTableBuilder, Kysely } from "kysely";
import { sql } from "kysely";
import type { Engine } from "../connect.js";

export interface EngineMigration {
  up(db: Kysely<unknown>, engine: Engine): Promise<void>;
  down?(db: Kysely<unknown>, engine: Engine): Promise<void>;
}

export interface ColumnTypes {
  timestamp: ColumnDataType;
  date: ColumnDataType;
  json: ColumnDataType;
  /** Adds the surrogate key column `id` in the engine's own auto-increment form. */
  withId<T extends string>(table: CreateTableBuilder<T, never>): CreateTableBuilder<T, "id">;
}

export function columnTypes(engine: Engine): ColumnTypes {
  if (engine === "postgres") {
    return {
      timestamp: "timestamptz",
      date: "date",
      json: "jsonb",
      withId: (t) => t.addColumn("id", "bigint", (c) => c.primaryKey().generatedByDefaultAsIdentity()),
    };
  }
  return {
    timestamp: "text",
    date: "text",
    json: "text",
    withId: (t) => t.addColumn("id", "integer", (c) => c.primaryKey().autoIncrement()),
  };
}

export const emptyJson = sql`'{}'`;

/** A shop_id column: required, and gone with its shop. */
export const shopRef = (c: ColumnDefinitionBuilder) => c.notNull().references("shops.id").onDelete("cascade");
