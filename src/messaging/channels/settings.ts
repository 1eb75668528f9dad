// Per-shop channel settings: which provider, its settings (shown back) and its credentials (sealed with
// the instance secret, bound to the shop and channel, never returned in clear). Also where a channel's
// automatic pause is recorded and lifted.
import type { Clock } from "../../core/clock.js";
import { toIso } from "../../core/clock.js";
import { NotFoundError, ValidationError } from "../../core/errors.js";
import { parseOrThrow } from "../../core/zod-errors.js";
import { type Channel, type Db, fromJson, toJson } from "../../db/index.js";
import { decryptSecret, encryptSecret } from "../../integrations/crypto.js";
import { providerFor } from "./registry.js";

/** The associated data a channel's sealed secrets are bound to. */
export function channelSecretPurpose(shopId: number, channel: Channel): string {
  return `shop:${shopId}:channel:${channel}`;
}

export interface ChannelSettingsInput {
  provider: string;
  settings: Record<string, unknown>;
  /** Omitted: keep the stored secrets (so the admin can change a port without retyping a password). */
  secrets?: Record<string, unknown>;
}

export interface ChannelSettingsView {
  channel: Channel;
  provider: string;
  settings: Record<string, unknown>;
  /** Which secrets are set: never their values. */
  secretsSet: string[];
  paused: { at: string; reason: string } | null;
  updatedAt: string;
}

export async function saveChannelSettings(
  db: Db,
  clock: Clock,
  instanceSecret: string,
  shopId: number,
  channel: Channel,
  input: ChannelSettingsInput,
): Promise<ChannelSettingsView> {
  const provider = providerFor(channel, input.provider);
  if (!provider) throw ValidationError.field("provider", `no provider "${input.provider}" for ${channel}`);
  const settings = parseOrThrow(provider.settingsSchema, input.settings, "settings");
  const existing = await db
    .selectFrom("channel_settings")
    .select(["provider", "sealed_secrets"])
    .where("shop_id", "=", shopId)
    .where("channel", "=", channel)
    .executeTakeFirst();
  const purpose = channelSecretPurpose(shopId, channel);
  let secretsJson: Record<string, unknown> = {};
  if (input.secrets === undefined && existing?.sealed_secrets && existing.provider === input.provider) {
    secretsJson = JSON.parse(decryptSecret(existing.sealed_secrets, instanceSecret, purpose));
  } else if (input.secrets !== undefined) {
    secretsJson = input.secrets;
  }
  const secrets = parseOrThrow(provider.secretsSchema, secretsJson, "secrets");
  const sealed = encryptSecret(JSON.stringify(secrets), instanceSecret, purpose);
  const now = toIso(clock.now());
  const row = {
    provider: input.provider,
    settings: toJson(settings),
    sealed_secrets: sealed,
    paused_at: null,
    paused_reason: null,
    updated_at: now,
  };
  await db
    .insertInto("channel_settings")
    .values({ shop_id: shopId, channel, ...row })
    .onConflict((oc) => oc.columns(["shop_id", "channel"]).doUpdateSet(row))
    .execute();
  return (await getChannelSettings(db, shopId, channel, instanceSecret))!;
}

export async function getChannelSettings(
  db: Db,
  shopId: number,
  channel: Channel,
  instanceSecret: string,
): Promise<ChannelSettingsView | null> {
  const row = await db
    .selectFrom("channel_settings")
    .selectAll()
    .where("shop_id", "=", shopId)
    .where("channel", "=", channel)
    .executeTakeFirst();
  if (!row) return null;
  const secrets = row.sealed_secrets
    ? (JSON.parse(
        decryptSecret(row.sealed_secrets, instanceSecret, channelSecretPurpose(shopId, channel)),
      ) as Record<string, unknown>)
    : {};
  return {
    channel,
    provider: row.provider,
    settings: fromJson(row.settings),
    secretsSet: Object.keys(secrets).filter((k) => secrets[k] !== undefined && secrets[k] !== ""),
    paused: row.paused_at ? { at: row.paused_at, reason: row.paused_reason ?? "" } : null,
    updatedAt: row.updated_at,
  };
}

/**
 * The channels a shop can send on: those with a provider set up (paused ones included: they resume),
 * and postal mail, which needs none (it leaves as an export for a print-and-mail vendor).
 */
export async function channelsSetUp(db: Db, shopId: number): Promise<Set<Channel>> {
  const rows = await db
    .selectFrom("channel_settings")
    .select("channel")
    .where("shop_id", "=", shopId)
    .execute();
  return new Set<Channel>(["postal", ...rows.map((r) => r.channel as Channel)]);
}

/** The settings and opened secrets an adapter is made from (the worker's view, never an API's). */
export async function openChannelSettings(
  db: Db,
  shopId: number,
  channel: Channel,
  instanceSecret: string,
): Promise<{
  provider: string;
  settings: unknown;
  secrets: unknown;
  updatedAt: string;
  paused: boolean;
} | null> {
  const row = await db
    .selectFrom("channel_settings")
    .selectAll()
    .where("shop_id", "=", shopId)
    .where("channel", "=", channel)
    .executeTakeFirst();
  if (!row) return null;
  return {
    provider: row.provider,
    settings: fromJson(row.settings),
    secrets: row.sealed_secrets
      ? JSON.parse(decryptSecret(row.sealed_secrets, instanceSecret, channelSecretPurpose(shopId, channel)))
      : {},
    updatedAt: row.updated_at,
    paused: row.paused_at !== null,
  };
}

export async function pauseChannel(db: Db, clock: Clock, shopId: number, channel: Channel, reason: string) {
  await db
    .updateTable("channel_settings")
    .set({ paused_at: toIso(clock.now()), paused_reason: reason.slice(0, 500) })
    .where("shop_id", "=", shopId)
    .where("channel", "=", channel)
    .where("paused_at", "is", null)
    .execute();
}

/** Lifts a pause. The resume time becomes the settings' version: rate guards count from it. */
export async function resumeChannel(
  db: Db,
  clock: Clock,
  shopId: number,
  channel: Channel,
): Promise<boolean> {
  const r = await db
    .updateTable("channel_settings")
    .set({ paused_at: null, paused_reason: null, updated_at: toIso(clock.now()) })
    .where("shop_id", "=", shopId)
    .where("channel", "=", channel)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Checks the connection and credentials without sending (the settings page's "test" button). */
export async function testChannel(
  db: Db,
  instanceSecret: string,
  shopId: number,
  channel: Channel,
): Promise<{ ok: boolean; error?: string }> {
  const stored = await openChannelSettings(db, shopId, channel, instanceSecret);
  if (!stored) throw new NotFoundError(`${channel} settings`);
  const provider = providerFor(channel, stored.provider);
  if (!provider) return { ok: false, error: `no provider "${stored.provider}" for ${channel}` };
  const adapter = provider.create(
    provider.settingsSchema.parse(stored.settings),
    provider.secretsSchema.parse(stored.secrets),
  );
  try {
    await adapter.verify();
    return { ok: true };
  } catch (err) {
    return { ok: false, error: (err as Error).message.slice(0, 300) };
  } finally {
    await adapter.close();
  }
}
