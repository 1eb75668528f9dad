// Shops (tenants) and their API keys. Keys are shown once at creation and stored only as hashes.
import type { Clock } from "../core/clock.js";
import { toIso } from "../core/clock.js";
import { NotFoundError, ValidationError } from "../core/errors.js";
import { randomToken, sha256Hex } from "../core/secrets.js";
import type { Db, Shop } from "../db/index.js";

export type ApiKeyKind = "secret" | "public";

export interface NewShop {
  name: string;
  timezone?: string;
  currency?: string;
  locale?: string;
}

export interface CreatedShop {
  shop: Shop;
  secretKey: string;
  publicKey: string;
}

const KEY_PREFIX: Record<ApiKeyKind, string> = { secret: "kz_sk_", public: "kz_pk_" };

function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export async function createShop(db: Db, clock: Clock, input: NewShop): Promise<CreatedShop> {
  const name = input.name.trim();
  if (!name) throw ValidationError.field("name", "must not be empty");
  const timezone = input.timezone ?? "Asia/Tokyo";
  if (!isValidTimeZone(timezone)) throw ValidationError.field("timezone", `unknown time zone "${timezone}"`);
  const currency = (input.currency ?? "JPY").toUpperCase();
  if (!/^[A-Z]{3}$/.test(currency)) throw ValidationError.field("currency", "must be an ISO 4217 code");

  return db.transaction().execute(async (trx) => {
    const shop = await trx
      .insertInto("shops")
      .values({ name, timezone, currency, locale: input.locale ?? "ja", created_at: toIso(clock.now()) })
      .returningAll()
      .executeTakeFirstOrThrow();
    const secretKey = await issueApiKey(trx, clock, shop.id, "secret");
    const publicKey = await issueApiKey(trx, clock, shop.id, "public");
    return { shop, secretKey, publicKey };
  });
}

export async function issueApiKey(
  db: Db,
  clock: Clock,
  shopId: number,
  kind: ApiKeyKind,
  label?: string,
): Promise<string> {
  const key = randomToken(KEY_PREFIX[kind]);
  await db
    .insertInto("api_keys")
    .values({
      shop_id: shopId,
      kind,
      key_hash: sha256Hex(key),
      key_prefix: key.slice(0, 10),
      label: label ?? null,
      created_at: toIso(clock.now()),
    })
    .execute();
  return key;
}

export interface ApiPrincipal {
  shopId: number;
  kind: ApiKeyKind;
  keyId: number;
  /** The key's first characters, which name it in the audit log. */
  keyPrefix: string;
  lastUsedAt: string | null;
}

/** Resolves a bearer token to its shop and kind, or null for an unknown or revoked key. */
export async function authenticateApiKey(db: Db, token: string): Promise<ApiPrincipal | null> {
  const row = await db
    .selectFrom("api_keys")
    .select(["id", "shop_id", "kind", "key_prefix", "last_used_at"])
    .where("key_hash", "=", sha256Hex(token))
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  return row
    ? {
        shopId: row.shop_id,
        kind: row.kind,
        keyId: Number(row.id),
        keyPrefix: row.key_prefix,
        lastUsedAt: row.last_used_at,
      }
    : null;
}

export async function getShop(db: Db, shopId: number): Promise<Shop> {
  const shop = await db.selectFrom("shops").selectAll().where("id", "=", shopId).executeTakeFirst();
  if (!shop) throw new NotFoundError(`shop ${shopId}`);
  return shop;
}

export async function listShops(db: Db): Promise<Shop[]> {
  return db.selectFrom("shops").selectAll().orderBy("id").execute();
}

/**
 * The shop a CLI command works on: the one given, or the only shop of the instance. With several
 * shops and none named, the caller must say which.
 */
export async function resolveShop(db: Db, shopId?: number | string): Promise<Shop> {
  if (shopId !== undefined) {
    const id = Number(shopId);
    if (!Number.isInteger(id) || id <= 0) throw ValidationError.field("shop", "must be a shop id (a number)");
    return getShop(db, id);
  }
  const shops = await db.selectFrom("shops").selectAll().orderBy("id").limit(2).execute();
  if (shops.length === 0) throw new NotFoundError("shop (create one with `kizuna shop create NAME`)");
  if (shops.length > 1)
    throw ValidationError.field("shop", "this instance has several shops; pass --shop ID");
  return shops[0];
}
