// A shop's public identity as its messages show it: Japan's 特定電子メール法 wants the sender's name,
// address and a contact in every promotional mail, and messages link to the shop's site and member page.
// Kept in shops.settings.profile.
import { z } from "zod";
import { type Db, fromJson, toJson } from "../db/index.js";

const httpsUrl = z
  .string()
  .url()
  .max(2000)
  .refine((u) => /^https?:\/\//.test(u), "must be an http(s) URL");

export const shopProfileSchema = z.object({
  url: httpsUrl,
  address: z.string().trim().min(1).max(300),
  email: z.string().email().max(254),
  phone: z.string().trim().max(40).optional(),
  memberPageUrl: httpsUrl.optional(),
  /** Where a cart reminder sends the customer back to (default: <url>/cart). */
  cartUrl: httpsUrl.optional(),
});
export type ShopProfile = z.infer<typeof shopProfileSchema>;

export interface ShopForMessages {
  id: number;
  name: string;
  locale: string;
  timezone: string;
  currency: string;
  /** Null until the shop has filled it in: promotional mail cannot go out without it. */
  profile: ShopProfile | null;
  /** The shop's whole settings document (JSON), for the policies that read their part of it. */
  settings: string;
}

export async function loadShopForMessages(db: Db, shopId: number): Promise<ShopForMessages | null> {
  const row = await db
    .selectFrom("shops")
    .select(["id", "name", "locale", "timezone", "currency", "settings"])
    .where("id", "=", shopId)
    .executeTakeFirst();
  if (!row) return null;
  const parsed = shopProfileSchema.safeParse(fromJson<{ profile?: unknown }>(row.settings).profile);
  return { ...row, profile: parsed.success ? parsed.data : null };
}

/** Saves the profile into the shop's settings document, keeping its other settings. */
export async function saveShopProfile(db: Db, shopId: number, profile: ShopProfile): Promise<void> {
  await saveShopSetting(db, shopId, "profile", profile);
}

/** Replaces one entry of the shop's settings document (profile, guardrails…), keeping the others. */
export async function saveShopSetting(db: Db, shopId: number, key: string, value: unknown): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom("shops")
      .select("settings")
      .where("id", "=", shopId)
      .executeTakeFirstOrThrow();
    const settings = fromJson<Record<string, unknown>>(row.settings);
    await trx
      .updateTable("shops")
      .set({ settings: toJson({ ...settings, [key]: value }) })
      .where("id", "=", shopId)
      .execute();
  });
}
