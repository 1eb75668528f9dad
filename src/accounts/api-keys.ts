// An owner's view of the shop's API keys: list them (prefix, label, last use; never the key), issue one,
// revoke one. Issuing and checking keys live in shops/ (the storefront and the CLI need them too).
import { type Clock, toIso } from "../core/clock.js";
import { NotFoundError, ValidationError } from "../core/errors.js";
import type { Db } from "../db/index.js";
import { type ApiKeyKind, issueApiKey } from "../shops/index.js";

export interface ApiKeyInfo {
  id: number;
  kind: ApiKeyKind;
  prefix: string;
  label: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export async function listApiKeys(db: Db, shopId: number): Promise<ApiKeyInfo[]> {
  const rows = await db
    .selectFrom("api_keys")
    .select(["id", "kind", "key_prefix", "label", "created_at", "last_used_at", "revoked_at"])
    .where("shop_id", "=", shopId)
    .orderBy("id")
    .execute();
  return rows.map((r) => ({
    id: Number(r.id),
    kind: r.kind,
    prefix: r.key_prefix,
    label: r.label,
    createdAt: r.created_at,
    lastUsedAt: r.last_used_at,
    revokedAt: r.revoked_at,
  }));
}

export async function createApiKey(
  db: Db,
  clock: Clock,
  shopId: number,
  kind: string,
  label?: string,
): Promise<{ key: string; info: ApiKeyInfo }> {
  if (kind !== "secret" && kind !== "public") throw ValidationError.field("kind", "must be secret or public");
  if (label !== undefined && label.length > 100)
    throw ValidationError.field("label", "must be at most 100 characters");
  const key = await issueApiKey(db, clock, shopId, kind, label);
  const info = (await listApiKeys(db, shopId)).at(-1);
  if (!info) throw new NotFoundError("the new API key");
  return { key, info };
}

/** Revokes a key of this shop; a key of another shop is "not found", as if it did not exist. */
export async function revokeApiKey(db: Db, clock: Clock, shopId: number, keyId: number): Promise<ApiKeyInfo> {
  const result = await db
    .updateTable("api_keys")
    .set({ revoked_at: toIso(clock.now()) })
    .where("id", "=", keyId)
    .where("shop_id", "=", shopId)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  const key = (await listApiKeys(db, shopId)).find((k) => k.id === keyId);
  if (!key) throw new NotFoundError(`API key ${keyId}`);
  if (Number(result.numUpdatedRows) === 0 && key.revokedAt === null)
    throw new NotFoundError(`API key ${keyId}`);
  return key;
}

/** Notes a key's use at most every few minutes, so the owner can see which keys are still in use. */
export async function touchApiKey(db: Db, clock: Clock, keyId: number): Promise<void> {
  await db
    .updateTable("api_keys")
    .set({ last_used_at: toIso(clock.now()) })
    .where("id", "=", keyId)
    .execute();
}
