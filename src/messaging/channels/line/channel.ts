// A shop's LINE channel as the webhook and the link-code endpoint need it: the channel secret checks
// LINE's signatures, the bot's id builds the "send to the shop" URL. Stored by the delivery pipeline's
// channel settings, credentials sealed under channelSecretPurpose (`shop:<id>:channel:line`).
import { type Db, fromJson } from "../../../db/index.js";
import { decryptSecret, SecretDecryptionError } from "../../../integrations/crypto.js";
import { channelSecretPurpose } from "../settings.js";
import { type LineSecrets, type LineSettings, lineSecretsSchema, lineSettingsSchema } from "./settings.js";

export interface LineChannel {
  settings: LineSettings;
  /** Null when none are stored, or they do not open with this instance secret (save them again). */
  secrets: LineSecrets | null;
}

/** The shop's LINE channel, or null when it has none (or its stored settings no longer parse). */
export async function loadLineChannel(
  db: Db,
  instanceSecret: string,
  shopId: number,
): Promise<LineChannel | null> {
  const row = await db
    .selectFrom("channel_settings")
    .select(["provider", "settings", "sealed_secrets"])
    .where("shop_id", "=", shopId)
    .where("channel", "=", "line")
    .executeTakeFirst();
  if (row?.provider !== "line") return null;
  const settings = lineSettingsSchema.safeParse(fromJson(row.settings));
  if (!settings.success) return null;
  return { settings: settings.data, secrets: openSecrets(row.sealed_secrets, instanceSecret, shopId) };
}

function openSecrets(sealed: string | null, instanceSecret: string, shopId: number): LineSecrets | null {
  if (!sealed) return null;
  try {
    const opened = decryptSecret(sealed, instanceSecret, channelSecretPurpose(shopId, "line"));
    const parsed = lineSecretsSchema.safeParse(JSON.parse(opened));
    return parsed.success ? parsed.data : null;
  } catch (err) {
    if (err instanceof SecretDecryptionError || err instanceof SyntaxError) return null;
    throw err;
  }
}
