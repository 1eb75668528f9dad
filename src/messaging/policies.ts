// The shop's delivery policies in one place: how long a click or an open earns an order (attribution),
// when an inactive address stops getting promotional mail (sunset), the rates that pause email
// (deliverability) and whether an email "yes" waits for confirmation (double opt-in). Each lives in its
// own entry of shops.settings and is read there by the module that enforces it; this module reads all
// four with the defaults filled in, and changes them.
//
// A change names only what it changes: fields left out of a part keep their current value, parts left
// out are untouched, and a part given as null goes back to the defaults. The merged part is then checked
// whole against the same bounds the readers apply, so what is stored is always what is enforced (a
// reader falls back to the defaults on anything it cannot use, which must never happen silently).
import { z } from "zod";
import { parseOrThrow } from "../core/zod-errors.js";
import { type Db, engineOf, fromJson, inTransaction, toJson } from "../db/index.js";
import { type AttributionWindows, attributionWindows, MAX_ATTRIBUTION_DAYS } from "./attribution/settings.js";
import {
  type DeliverabilitySettings,
  deliverabilityFields,
  deliverabilitySettings,
} from "./deliverability.js";
import { doubleOptInRequired } from "./opt-in/settings.js";
import { type SunsetSettings, sunsetFields, sunsetSettings } from "./sunset.js";

export interface DeliveryPolicies {
  attribution: AttributionWindows;
  sunset: SunsetSettings;
  deliverability: DeliverabilitySettings;
  doubleOptIn: { email: boolean };
}

const attributionDays = z.number().int().min(0).max(MAX_ATTRIBUTION_DAYS);

/** Each part whole and strict: an unknown field is refused by name rather than ignored. */
export const policyPartSchemas = {
  attribution: z.strictObject({ clickDays: attributionDays, openDays: attributionDays }),
  sunset: z.strictObject(sunsetFields),
  deliverability: z.strictObject(deliverabilityFields),
  doubleOptIn: z.strictObject({ email: z.boolean() }),
};
export type PolicyPart = keyof typeof policyPartSchemas;
export const POLICY_PARTS = Object.keys(policyPartSchemas) as PolicyPart[];

/** A part's fields, any of them; the whole part as null resets it. */
const partChange = <S extends z.ZodObject>(schema: S) => schema.partial().nullable().optional();

export const policiesChangeSchema = z.strictObject({
  attribution: partChange(policyPartSchemas.attribution),
  sunset: partChange(policyPartSchemas.sunset),
  deliverability: partChange(policyPartSchemas.deliverability),
  doubleOptIn: partChange(policyPartSchemas.doubleOptIn),
});
export type PoliciesChange = z.infer<typeof policiesChangeSchema>;

export const DEFAULT_POLICIES: Readonly<DeliveryPolicies> = policiesFromSettings(undefined);

/** The four policies as the enforcing modules read them from a settings document. */
export function policiesFromSettings(settingsJson: string | null | undefined): DeliveryPolicies {
  return {
    attribution: attributionWindows(settingsJson),
    sunset: sunsetSettings(settingsJson ?? undefined),
    deliverability: deliverabilitySettings(settingsJson ?? undefined),
    doubleOptIn: { email: doubleOptInRequired(settingsJson, "email") },
  };
}

export async function shopPolicies(db: Db, shopId: number): Promise<DeliveryPolicies> {
  const row = await db
    .selectFrom("shops")
    .select("settings")
    .where("id", "=", shopId)
    .executeTakeFirstOrThrow();
  return policiesFromSettings(row.settings);
}

/**
 * Applies a change (validated with policiesChangeSchema) and returns the policies now in force. Throws
 * a ValidationError naming the field when a merged part is out of bounds; nothing is written then.
 */
export async function changeShopPolicies(
  db: Db,
  shopId: number,
  change: PoliciesChange,
): Promise<DeliveryPolicies> {
  return inTransaction(db, async (trx) => {
    // Read and written in one transaction, the row locked on PostgreSQL, so two changes to different
    // parts made at once both land (SQLite runs one write transaction at a time anyway).
    const row = await trx
      .selectFrom("shops")
      .select("settings")
      .where("id", "=", shopId)
      .$if(engineOf(trx) === "postgres", (q) => q.forUpdate())
      .executeTakeFirstOrThrow();
    const settings = fromJson<Record<string, unknown>>(row.settings);
    const current = policiesFromSettings(row.settings);
    for (const part of POLICY_PARTS) {
      const given = change[part];
      if (given === undefined) continue;
      if (given === null) {
        delete settings[part];
        continue;
      }
      settings[part] = parseOrThrow(policyPartSchemas[part], { ...current[part], ...given }, `${part}.`);
    }
    const json = toJson(settings);
    await trx.updateTable("shops").set({ settings: json }).where("id", "=", shopId).execute();
    return policiesFromSettings(json);
  });
}
