// Past postal exports: each batch is the messages that carry its id as their provider id.
import type { Db } from "../../db/index.js";

export interface PostalBatch {
  batchId: string;
  rows: number;
  exportedAt: string;
}

export async function listPostalBatches(db: Db, shopId: number, limit = 100): Promise<PostalBatch[]> {
  const batches = await db
    .selectFrom("messages")
    .select((eb) => [
      "provider_id",
      eb.fn.countAll<number | string>().as("rows"),
      eb.fn.min("sent_at").as("exported_at"),
    ])
    .where("shop_id", "=", shopId)
    .where("channel", "=", "postal")
    .where("provider_id", "is not", null)
    .groupBy("provider_id")
    .orderBy("exported_at", "desc")
    .orderBy("provider_id", "desc")
    .limit(limit)
    .execute();
  return batches.map((b) => ({
    batchId: b.provider_id as string,
    rows: Number(b.rows),
    exportedAt: b.exported_at ?? "",
  }));
}
