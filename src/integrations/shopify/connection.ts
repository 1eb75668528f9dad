// A shop's connection to its Shopify store: the store's myshopify.com domain and the webhook signing
// secret, sealed with the instance secret. The secret is never handed back; status says only whether
// one is set.
import type { Clock } from "../../core/clock.js";
import { ConflictError, ValidationError } from "../../core/errors.js";
import type { Db } from "../../db/index.js";
import { decryptSecret, encryptSecret, SecretDecryptionError } from "../crypto.js";
import { type DeliveryStats, deliveryStats } from "../receipts.js";
import {
  deleteIntegration,
  findIntegration,
  listIntegrations,
  saveIntegration,
  settingsOf,
} from "../settings.js";
import { SHOPIFY } from "./provider.js";
import { SHOPIFY_TOPICS } from "./topics.js";

/** Where app.ts mounts the webhook endpoint; a shop's URL is this plus its id. */
export const SHOPIFY_WEBHOOK_PATH = "/webhooks/shopify";

interface StoredSettings {
  shopDomain: string;
  /** Sealed by encryptSecret; see secretPurpose. */
  webhookSecret: string;
}

export interface ShopifyConnectionInput {
  shopDomain: string;
  /** Optional when a secret is stored already (changing the domain only). */
  webhookSecret?: string;
}

export interface ShopifyStatus {
  provider: "shopify";
  connected: boolean;
  shopDomain: string | null;
  webhookSecretSet: boolean;
  webhookUrl: string;
  topics: string[];
  webhooks: DeliveryStats;
  connectedAt: string | null;
  updatedAt: string | null;
}

const secretPurpose = (shopId: number) => `shop:${shopId}:shopify:webhookSecret`;

const MYSHOPIFY_DOMAIN = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;

/** Accepts what people paste ("https://Kizuna-Cosme.myshopify.com/admin") and keeps the host. */
export function normalizeShopDomain(value: string, field = "shopDomain"): string {
  const host = value
    .trim()
    .toLowerCase()
    .replace(/^https?:\/\//, "")
    .replace(/[/?#].*$/, "");
  if (!MYSHOPIFY_DOMAIN.test(host)) {
    throw ValidationError.field(
      field,
      "must be the store's myshopify.com domain, e.g. kizuna-cosme.myshopify.com",
    );
  }
  return host;
}

function checkWebhookSecret(value: string, field = "webhookSecret"): string {
  const secret = value.trim();
  if (secret.length < 16 || secret.length > 256 || /\s/.test(secret)) {
    throw ValidationError.field(field, "must be the app's client secret (16 to 256 characters, no spaces)");
  }
  return secret;
}

export function shopifyWebhookUrl(baseUrl: string, shopId: number): string {
  return `${baseUrl.replace(/\/+$/, "")}${SHOPIFY_WEBHOOK_PATH}/${shopId}`;
}

export async function connectShopify(
  db: Db,
  clock: Clock,
  instanceSecret: string,
  shopId: number,
  input: ShopifyConnectionInput,
): Promise<void> {
  const shopDomain = normalizeShopDomain(input.shopDomain);
  const elsewhere = (await listIntegrations(db, SHOPIFY)).find(
    (i) => i.shop_id !== shopId && settingsOf<StoredSettings>(i).shopDomain === shopDomain,
  );
  if (elsewhere) throw new ConflictError(`${shopDomain} is already connected to shop ${elsewhere.shop_id}`);

  const stored = await findIntegration(db, shopId, SHOPIFY);
  const storedSecret = stored ? settingsOf<StoredSettings>(stored).webhookSecret : undefined;
  const webhookSecret =
    input.webhookSecret !== undefined
      ? encryptSecret(checkWebhookSecret(input.webhookSecret), instanceSecret, secretPurpose(shopId))
      : storedSecret;
  if (!webhookSecret) throw ValidationError.field("webhookSecret", "is required to connect a store");
  const settings: StoredSettings = { shopDomain, webhookSecret };
  await saveIntegration(db, clock, shopId, SHOPIFY, { ...settings });
}

export async function disconnectShopify(db: Db, shopId: number): Promise<boolean> {
  return deleteIntegration(db, shopId, SHOPIFY);
}

export interface ShopifyCredentials {
  shopDomain: string;
  webhookSecret: string;
}

/**
 * What the webhook endpoint verifies against, or null when the shop is not connected or its secret
 * does not open (the instance secret changed: connect again).
 */
export async function loadShopifyCredentials(
  db: Db,
  instanceSecret: string,
  shopId: number,
): Promise<ShopifyCredentials | null> {
  const stored = await findIntegration(db, shopId, SHOPIFY);
  if (!stored) return null;
  const settings = settingsOf<StoredSettings>(stored);
  if (!settings.shopDomain || !settings.webhookSecret) return null;
  try {
    const webhookSecret = decryptSecret(settings.webhookSecret, instanceSecret, secretPurpose(shopId));
    return { shopDomain: settings.shopDomain, webhookSecret };
  } catch (err) {
    if (err instanceof SecretDecryptionError) return null;
    throw err;
  }
}

/** `baseUrl` is how Shopify reaches this instance (PUBLIC_URL), for the webhook URL to paste. */
export async function shopifyStatus(db: Db, shopId: number, baseUrl: string): Promise<ShopifyStatus> {
  const stored = await findIntegration(db, shopId, SHOPIFY);
  const settings = stored ? settingsOf<StoredSettings>(stored) : {};
  return {
    provider: SHOPIFY,
    connected: Boolean(stored && settings.shopDomain && settings.webhookSecret),
    shopDomain: settings.shopDomain ?? null,
    webhookSecretSet: Boolean(settings.webhookSecret),
    webhookUrl: shopifyWebhookUrl(baseUrl, shopId),
    topics: [...SHOPIFY_TOPICS],
    webhooks: await deliveryStats(db, shopId, SHOPIFY),
    connectedAt: stored?.created_at ?? null,
    updatedAt: stored?.updated_at ?? null,
  };
}

export async function connectedShopIds(db: Db): Promise<number[]> {
  return (await listIntegrations(db, SHOPIFY)).map((i) => i.shop_id);
}
