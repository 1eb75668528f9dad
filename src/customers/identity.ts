// Identity resolution: which stored profile an incoming customer is. External id first, then email,
// then phone, then LINE user id. A profile merged into another is followed to the one that survived.
import type { Customer, Db } from "../db/index.js";

export interface IdentityKeys {
  external_id?: string | null;
  email?: string | null;
  phone?: string | null;
  line_user_id?: string | null;
}

/** Follows merged_into_id to the surviving profile (merges re-point tombstones, so one hop suffices). */
async function survivor(db: Db, shopId: number, row: Customer | undefined): Promise<Customer | undefined> {
  if (!row || row.merged_into_id === null) return row;
  return db
    .selectFrom("customers")
    .selectAll()
    .where("shop_id", "=", shopId)
    .where("id", "=", row.merged_into_id)
    .executeTakeFirst();
}

export async function findByExternalId(
  db: Db,
  shopId: number,
  externalId: string,
): Promise<Customer | undefined> {
  const row = await db
    .selectFrom("customers")
    .selectAll()
    .where("shop_id", "=", shopId)
    .where("external_id", "=", externalId)
    .executeTakeFirst();
  return survivor(db, shopId, row);
}

type ContactColumn = "email" | "phone" | "line_user_id";

/**
 * An active profile with this contact point. With an external id in hand, a profile that belongs to a
 * different member is not a match: families share one email address, and each member keeps their own.
 */
async function findByContact(
  db: Db,
  shopId: number,
  column: ContactColumn,
  value: string,
  externalId: string | null | undefined,
): Promise<Customer | undefined> {
  let q = db
    .selectFrom("customers")
    .selectAll()
    .where("shop_id", "=", shopId)
    .where(column, "=", value)
    .where("merged_into_id", "is", null);
  if (externalId)
    q = q.where((eb) => eb.or([eb("external_id", "is", null), eb("external_id", "=", externalId)]));
  return q.orderBy("id").limit(1).executeTakeFirst();
}

export interface Resolution {
  /** The profile the input is, if any. */
  match?: Customer;
  /** Other active profiles the input's contact points show to be the same person (no external id of their own). */
  duplicates: Customer[];
}

export async function resolveIdentity(db: Db, shopId: number, keys: IdentityKeys): Promise<Resolution> {
  const candidates: Customer[] = [];
  if (keys.external_id) {
    const row = await findByExternalId(db, shopId, keys.external_id);
    if (row) candidates.push(row);
  }
  for (const column of ["email", "phone", "line_user_id"] as const) {
    const value = keys[column];
    if (!value) continue;
    const row = await findByContact(db, shopId, column, value, keys.external_id);
    if (row && !candidates.some((c) => c.id === row.id)) candidates.push(row);
  }
  if (candidates.length === 0) return { duplicates: [] };
  // A member's profile is the person even when a guest profile was found first (by email, with the
  // member found by phone): the guest is the duplicate, not the other way round.
  const match = candidates.find((c) => c.external_id !== null) ?? candidates[0];
  // Only profiles without a member id of their own are merged automatically: two members are never
  // folded together because they share a phone number.
  const duplicates = candidates.filter(
    (c) => c.id !== match.id && (c.external_id === null || c.external_id === match.external_id),
  );
  return { match, duplicates };
}
