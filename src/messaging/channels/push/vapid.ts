// A shop's VAPID key pair: browsers subscribe with its public key, and every push request is signed
// with its private key. Generated the first time the shop needs it and kept in the push channel's
// settings: the public key shown, the private key sealed with the instance secret.
import webpush from "web-push";
import { z } from "zod";
import type { Clock } from "../../../core/clock.js";
import { toIso } from "../../../core/clock.js";
import { type Db, fromJson, inTransaction, toJson } from "../../../db/index.js";
import { decryptSecret, encryptSecret } from "../../../integrations/crypto.js";

export const PUSH_CHANNEL = "push";
export const WEB_PUSH_PROVIDER = "web-push";

/** The purpose the push channel's secrets are sealed under (see encryptSecret). */
export const pushSecretsPurpose = (shopId: number) => `shop:${shopId}:channel:push`;

// P-256 public keys are 65 bytes uncompressed (87 base64url characters), private keys 32 (43).
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** "mailto:" or "https:": the push services' way to reach the sender about its traffic. */
export const vapidSubjectSchema = z
  .string()
  .max(512)
  .refine((s) => /^mailto:[^@\s]+@[^@\s]+$/.test(s) || /^https:\/\/[^\s/]+/.test(s), {
    message: 'must be a "mailto:" address or an "https:" URL',
  });

export const vapidPublicKeySchema = z
  .string()
  .regex(BASE64URL)
  .refine((k) => Buffer.from(k, "base64url").length === 65, { message: "is not a P-256 public key" });

export const vapidPrivateKeySchema = z
  .string()
  .regex(BASE64URL)
  .refine((k) => Buffer.from(k, "base64url").length === 32, { message: "is not a P-256 private key" });

export interface VapidDetails {
  subject: string;
  publicKey: string;
  privateKey: string;
}

/**
 * Used until the shop sets its own contact: the instance's https address when it has one, else a
 * mailto placeholder. Apple rejects localhost subjects, so a local PUBLIC_URL is not used.
 */
export function defaultVapidSubject(publicUrl?: string): string {
  if (publicUrl) {
    const url = new URL(publicUrl);
    if (url.protocol === "https:" && url.hostname !== "localhost") return url.origin;
  }
  return "mailto:webpush@kizuna.invalid";
}

interface StoredSettings {
  vapidPublicKey?: string;
  subject?: string;
  [other: string]: unknown;
}

interface StoredRow {
  settings: string;
  sealed_secrets: string | null;
}

function readStored(row: StoredRow, instanceSecret: string, shopId: number) {
  const settings = fromJson<StoredSettings>(row.settings);
  const secrets = row.sealed_secrets
    ? fromJson<Record<string, unknown>>(
        decryptSecret(row.sealed_secrets, instanceSecret, pushSecretsPurpose(shopId)),
      )
    : {};
  return { settings, secrets };
}

function vapidDetailsOf(settings: StoredSettings, secrets: Record<string, unknown>): VapidDetails | null {
  const { vapidPublicKey, subject } = settings;
  const privateKey = secrets.vapidPrivateKey;
  if (typeof vapidPublicKey !== "string" || typeof privateKey !== "string") return null;
  return {
    subject: typeof subject === "string" ? subject : defaultVapidSubject(),
    publicKey: vapidPublicKey,
    privateKey,
  };
}

async function loadVapidDetails(db: Db, instanceSecret: string, shopId: number) {
  const row = await loadRow(db, shopId);
  if (!row) return null;
  const { settings, secrets } = readStored(row, instanceSecret, shopId);
  return vapidDetailsOf(settings, secrets);
}

async function loadRow(db: Db, shopId: number): Promise<StoredRow | undefined> {
  return db
    .selectFrom("channel_settings")
    .select(["settings", "sealed_secrets"])
    .where("shop_id", "=", shopId)
    .where("channel", "=", PUSH_CHANNEL)
    .executeTakeFirst();
}

/**
 * The shop's VAPID keys, generated and stored on first use. Other push settings and secrets already in
 * the row are kept. Two requests racing to create them end up with the same keys: the row is
 * written only where it still has none, and the loser reads the winner's.
 */
export async function ensureVapidKeys(
  db: Db,
  clock: Clock,
  instanceSecret: string,
  shopId: number,
  options: { subject?: string } = {},
): Promise<VapidDetails> {
  const existing = await loadVapidDetails(db, instanceSecret, shopId);
  if (existing) return existing;

  const keys = webpush.generateVAPIDKeys();
  const now = toIso(clock.now());
  await inTransaction(db, async (trx) => {
    const row = await loadRow(trx, shopId);
    const { settings, secrets } = row
      ? readStored(row, instanceSecret, shopId)
      : { settings: {}, secrets: {} };
    if (vapidDetailsOf(settings, secrets)) return;
    const subject = settings.subject ?? options.subject ?? defaultVapidSubject();
    const values = {
      provider: WEB_PUSH_PROVIDER,
      settings: toJson({ ...settings, vapidPublicKey: keys.publicKey, subject }),
      sealed_secrets: encryptSecret(
        toJson({ ...secrets, vapidPrivateKey: keys.privateKey }),
        instanceSecret,
        pushSecretsPurpose(shopId),
      ),
      updated_at: now,
    };
    if (!row) {
      await trx
        .insertInto("channel_settings")
        .values({ shop_id: shopId, channel: PUSH_CHANNEL, paused_at: null, paused_reason: null, ...values })
        .onConflict((oc) => oc.columns(["shop_id", "channel"]).doNothing())
        .execute();
      return;
    }
    // Only over the row as read: a concurrent writer that got there first keeps its keys.
    let update = trx
      .updateTable("channel_settings")
      .set(values)
      .where("shop_id", "=", shopId)
      .where("channel", "=", PUSH_CHANNEL);
    update =
      row.sealed_secrets === null
        ? update.where("sealed_secrets", "is", null)
        : update.where("sealed_secrets", "=", row.sealed_secrets);
    await update.execute();
  });

  const stored = await loadVapidDetails(db, instanceSecret, shopId);
  if (!stored) throw new Error(`VAPID keys of shop ${shopId} could not be stored`);
  return stored;
}
