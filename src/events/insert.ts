// The bulk insert of event rows, the hot path of ingestion: one statement with the rows as one JSON
// parameter (see db/bulk.ts), skipping events whose (shop, eventId) is already stored.
import { type BulkColumn, bulkInsert } from "../db/bulk.js";
import type { Db, NewStorefrontEvent } from "../db/index.js";

const COLUMNS = [
  ["shop_id", "bigint"],
  ["customer_id", "bigint"],
  ["visitor_id", "text"],
  ["type", "text"],
  ["product_id", "bigint"],
  ["sku", "text"],
  ["properties", "jsonb"],
  ["occurred_at", "timestamptz"],
  ["received_at", "timestamptz"],
  ["event_key", "text"],
] as const satisfies readonly BulkColumn[];

export interface InsertedEvents {
  /** Rows stored; the others had an (shop, event_key) already stored. */
  count: number;
  /** With `returnKeys`: the (shop, event_key) of the keyed rows stored. */
  keys: Array<{ shop_id: number; event_key: string | null }>;
}

export async function insertEventRows(
  trx: Db,
  rows: NewStorefrontEvent[],
  options: { returnKeys: boolean },
): Promise<InsertedEvents> {
  const result = await bulkInsert<{ shop_id: number; event_key: string | null }>(
    trx,
    "events",
    COLUMNS,
    rows.map((r) => [
      r.shop_id,
      r.customer_id,
      r.visitor_id,
      r.type,
      r.product_id,
      r.sku,
      r.properties,
      r.occurred_at,
      r.received_at,
      r.event_key,
    ]),
    {
      conflictColumns: ["shop_id", "event_key"],
      returning: options.returnKeys ? ["shop_id", "event_key"] : undefined,
    },
  );
  return { count: result.count, keys: result.rows };
}
