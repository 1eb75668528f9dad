// One connection per shop and provider, its settings as JSON. Secrets inside the settings are sealed
// by the caller (crypto.ts) before they reach this module; nothing here sees them in clear.
import type { Clock } from "../core/clock.js";
import { toIso } from "../core/clock.js";
import { type Db, fromJson, type Integration, toJson } from "../db/index.js";

export async function findIntegration(
  db: Db,
  shopId: number,
  provider: string,
): Promise<Integration | undefined> {
  return db
    .selectFrom("integrations")
    .selectAll()
    .where("shop_id", "=", shopId)
    .where("provider", "=", provider)
    .executeTakeFirst();
}

/** Every shop's connection to one provider, e.g. to refuse connecting one Shopify store twice. */
export async function listIntegrations(db: Db, provider: string): Promise<Integration[]> {
  return db
    .selectFrom("integrations")
    .selectAll()
    .where("provider", "=", provider)
    .orderBy("shop_id")
    .execute();
}

export async function saveIntegration(
  db: Db,
  clock: Clock,
  shopId: number,
  provider: string,
  settings: Record<string, unknown>,
): Promise<Integration> {
  const now = toIso(clock.now());
  const json = toJson(settings);
  return db
    .insertInto("integrations")
    .values({ shop_id: shopId, provider, settings: json, created_at: now, updated_at: now })
    .onConflict((oc) => oc.columns(["shop_id", "provider"]).doUpdateSet({ settings: json, updated_at: now }))
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function deleteIntegration(db: Db, shopId: number, provider: string): Promise<boolean> {
  const result = await db
    .deleteFrom("integrations")
    .where("shop_id", "=", shopId)
    .where("provider", "=", provider)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export function settingsOf<T>(integration: Integration): Partial<T> {
  return fromJson<Partial<T>>(integration.settings);
}
