// Message templates as the scenario engine needs them: stored per shop under a key, one per channel and
// locale. Rendering and the editor belong to the delivery pipeline and the admin; here templates are
// created (the library's defaults, never overwriting a shop's edits) and looked up.
import type { Clock } from "../core/clock.js";
import { toIso } from "../core/clock.js";
import { type Channel, chunk, type Db } from "../db/index.js";

export interface TemplateInput {
  key: string;
  channel: Channel;
  locale: string;
  messageClass: "promotional" | "transactional";
  subject?: string | null;
  preheader?: string | null;
  body: string;
}

/** Inserts the templates a shop does not have yet; returns how many were added. */
export async function ensureTemplates(
  db: Db,
  clock: Clock,
  shopId: number,
  templates: TemplateInput[],
): Promise<number> {
  const now = toIso(clock.now());
  let added = 0;
  for (const part of chunk(templates, 200)) {
    const result = await db
      .insertInto("templates")
      .values(
        part.map((t) => ({
          shop_id: shopId,
          key: t.key,
          channel: t.channel,
          locale: t.locale,
          message_class: t.messageClass,
          subject: t.subject ?? null,
          preheader: t.preheader ?? null,
          body: t.body,
          created_at: now,
          updated_at: now,
        })),
      )
      .onConflict((oc) => oc.columns(["shop_id", "key", "channel", "locale"]).doNothing())
      .executeTakeFirst();
    added += Number(result.numInsertedOrUpdatedRows ?? 0);
  }
  return added;
}
