// What a customer chose in the preference centre beyond per-channel consent: the product categories
// they want to hear about and how often. How often is enforced with the frequency caps (the cap ledger in
// src/scenarios/guardrails.ts reads the choice); categories hold back a scenario's promotional message
// about a product outside them (src/scenarios/send.ts).
import type { Clock } from "../../core/clock.js";
import { toIso } from "../../core/clock.js";
import { anyOf, type Db, fromJson, selectIn, toJson } from "../../db/index.js";

export const FREQUENCIES = ["all", "weekly", "monthly"] as const;
export type Frequency = (typeof FREQUENCIES)[number];

export interface CustomerPreferences {
  /** Top-level product categories of interest; empty means every category. */
  categories: string[];
  frequency: Frequency;
  /** When the customer last saved them; null when they never have (the defaults apply). */
  updatedAt: string | null;
}

const DEFAULTS: CustomerPreferences = { categories: [], frequency: "all", updatedAt: null };

function isFrequency(value: string): value is Frequency {
  return (FREQUENCIES as readonly string[]).includes(value);
}

export async function getPreferences(
  db: Db,
  shopId: number,
  customerId: number,
): Promise<CustomerPreferences> {
  const row = await db
    .selectFrom("customer_preferences")
    .select(["categories", "frequency", "updated_at"])
    .where("shop_id", "=", shopId)
    .where("customer_id", "=", customerId)
    .executeTakeFirst();
  if (!row) return { ...DEFAULTS };
  return {
    categories: storedCategories(row.categories),
    // A value written by a later version that this one does not know falls back to no limit.
    frequency: isFrequency(row.frequency) ? row.frequency : "all",
    updatedAt: row.updated_at,
  };
}

export async function savePreferences(
  db: Db,
  clock: Clock,
  shopId: number,
  customerId: number,
  preferences: { categories: string[]; frequency: Frequency },
): Promise<void> {
  const categories = toJson([...new Set(preferences.categories)]);
  const { frequency } = preferences;
  const updated_at = toIso(clock.now());
  await db
    .insertInto("customer_preferences")
    .values({ shop_id: shopId, customer_id: customerId, categories, frequency, updated_at })
    .onConflict((oc) =>
      oc.columns(["shop_id", "customer_id"]).doUpdateSet({ categories, frequency, updated_at }),
    )
    .execute();
}

/** The window a frequency limits promotional sends over, in days; null for no limit. */
export function frequencyWindowDays(frequency: Frequency): number | null {
  switch (frequency) {
    case "all":
      return null;
    case "weekly":
      return 7;
    case "monthly":
      return 30;
  }
}

/**
 * Whether one more promotional message may go out, given how many were sent to the customer in the
 * last `frequencyWindowDays(frequency)` days: "at most weekly" means at most one in any 7 days.
 */
export function frequencyAllows(frequency: Frequency, sentInLastDays: number): boolean {
  return frequencyWindowDays(frequency) === null || sentInLastDays < 1;
}

/** The top-level category of a slash-separated path ("スキンケア/化粧水" → "スキンケア"), or null. */
export function topLevelCategory(categoryPath: string | null): string | null {
  const top = categoryPath?.split("/")[0]?.trim();
  return top ? top : null;
}

/** Whether a message about a product in `categoryPath` matches the categories a customer chose. */
export function categoriesAllow(chosen: readonly string[], categoryPath: string | null): boolean {
  if (chosen.length === 0) return true;
  const top = topLevelCategory(categoryPath);
  return top !== null && chosen.includes(top);
}

/** The categories chosen by those of the customers who chose any (the others hear about everything). */
export async function chosenCategories(
  db: Db,
  shopId: number,
  customerIds: readonly number[],
): Promise<Map<number, string[]>> {
  const rows = await selectIn(db, [...customerIds], (ids) =>
    db
      .selectFrom("customer_preferences")
      .select(["customer_id", "categories"])
      .where("shop_id", "=", shopId)
      .where(anyOf(db, "customer_id", ids))
      .execute(),
  );
  const chosen = new Map<number, string[]>();
  for (const row of rows) {
    const categories = storedCategories(row.categories);
    if (categories.length > 0) chosen.set(row.customer_id, categories);
  }
  return chosen;
}

/** The categories column as stored (a JSON array of names); anything else reads as none. */
function storedCategories(column: string | null): string[] {
  const stored = fromJson<unknown>(column);
  return Array.isArray(stored) ? stored.filter((c): c is string => typeof c === "string") : [];
}

/** The shop's top-level product categories, the choices the preference centre offers. */
export async function shopCategories(db: Db, shopId: number): Promise<string[]> {
  const rows = await db
    .selectFrom("products")
    .select("category_path")
    .distinct()
    .where("shop_id", "=", shopId)
    .where("category_path", "is not", null)
    .execute();
  const tops = new Set<string>();
  for (const r of rows) {
    const top = topLevelCategory(r.category_path);
    if (top) tops.add(top);
  }
  return [...tops].sort((a, b) => a.localeCompare(b, "ja"));
}
