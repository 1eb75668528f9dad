// Creates or updates a customer profile from any source (API, import, webhook, storefront identify).
import { isDeepStrictEqual } from "node:util";
import type { Clock } from "../core/clock.js";
import { toIso } from "../core/clock.js";
import { ConflictError } from "../core/errors.js";
import { type Customer, chunk, type Db, fromJson, maxParams, selectIn, toJson } from "../db/index.js";
import { type ConsentRecorder, setConsents } from "./consents.js";
import { resolveIdentity } from "./identity.js";
import { mergeCustomers } from "./merge.js";
import type { NormalizedCustomer } from "./normalize-input.js";

export interface UpsertResult {
  customer: Customer;
  created: boolean;
  /** Duplicate profiles folded into this one. */
  merged: number;
}

/**
 * Must run inside a transaction (the caller's, so a batch is all-or-nothing). `source` is recorded
 * with any consent stated (e.g. "api", "import:customers.csv", "shopify").
 */
export async function upsertCustomer(
  trx: Db,
  clock: Clock,
  shopId: number,
  input: NormalizedCustomer,
  source: string,
  recordConsents: ConsentRecorder = setConsents,
): Promise<UpsertResult> {
  const now = toIso(clock.now());
  const { match, duplicates } = await resolveIdentity(trx, shopId, input.columns);
  let customer: Customer;
  let created = false;

  if (!match) {
    customer = await trx
      .insertInto("customers")
      .values({
        shop_id: shopId,
        ...input.columns,
        attributes: toJson(input.attributes ?? {}),
        created_at: input.createdAt ?? now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    created = true;
  } else {
    const columns = { ...input.columns };
    if (match.external_id && columns.external_id && match.external_id !== columns.external_id) {
      // The id of a member merged into this profile still names it, but the survivor keeps its own id
      // (the tombstone holds the old one). Anything else would mean two members claim one profile.
      if (!(await isMergedInto(trx, shopId, columns.external_id, match.id))) {
        throw new ConflictError(`customer ${columns.external_id} matches the profile of another member`);
      }
      delete columns.external_id;
    }
    for (const duplicate of duplicates) await mergeCustomers(trx, clock, match, duplicate);
    const current =
      duplicates.length > 0
        ? await trx.selectFrom("customers").selectAll().where("id", "=", match.id).executeTakeFirstOrThrow()
        : match;
    // Attributes are compared as values: PostgreSQL hands jsonb back in its own spacing and key order.
    const storedAttributes = fromJson<Record<string, unknown>>(current.attributes);
    const attributes = { ...storedAttributes, ...input.attributes };
    const attributesChanged = !isDeepStrictEqual(attributes, storedAttributes);
    const createdAt =
      input.createdAt && input.createdAt < current.created_at ? input.createdAt : current.created_at;
    const changes = { ...columns, created_at: createdAt };
    // Re-sending the same profile (a re-import, a webhook retry) changes nothing, not even updated_at.
    const changed =
      attributesChanged || Object.entries(changes).some(([k, v]) => current[k as keyof Customer] !== v);
    customer = changed
      ? await trx
          .updateTable("customers")
          .set({
            ...changes,
            ...(attributesChanged ? { attributes: toJson(attributes) } : {}),
            updated_at: now,
          })
          .where("id", "=", current.id)
          .returningAll()
          .executeTakeFirstOrThrow()
      : current;
  }

  if (input.consents) await recordConsents(trx, clock, shopId, customer.id, input.consents, source);
  return { customer, created, merged: created ? 0 : duplicates.length };
}

async function isMergedInto(trx: Db, shopId: number, externalId: string, survivorId: number) {
  const tombstone = await trx
    .selectFrom("customers")
    .select("id")
    .where("shop_id", "=", shopId)
    .where("external_id", "=", externalId)
    .where("merged_into_id", "=", survivorId)
    .executeTakeFirst();
  return tombstone !== undefined;
}

/**
 * The customer with this member id, created as a bare profile if the shop has not told us about them
 * yet (an order or event may arrive before the profile does).
 */
export async function ensureCustomerByExternalId(
  trx: Db,
  clock: Clock,
  shopId: number,
  externalId: string,
): Promise<Customer> {
  const { match } = await resolveIdentity(trx, shopId, { external_id: externalId });
  if (match) return match;
  const now = toIso(clock.now());
  return trx
    .insertInto("customers")
    .values({ shop_id: shopId, external_id: externalId, attributes: "{}", created_at: now, updated_at: now })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * The batch form of ensureCustomerByExternalId: member id → customer id for many members in a
 * constant number of statements (a busy storefront's batch or an import chunk names hundreds). A
 * merged profile stands for the one that survived; unknown members get bare profiles, created in the
 * order they are first named. A profile another transaction created meanwhile is found, not duplicated.
 */
export async function ensureCustomersByExternalIds(
  trx: Db,
  clock: Clock,
  shopId: number,
  externalIds: string[],
): Promise<Map<string, number>> {
  const wanted = [...new Set(externalIds)];
  const ids = await customerIdsByExternalId(trx, shopId, wanted);
  const missing = wanted.filter((id) => !ids.has(id));
  if (missing.length === 0) return ids;
  const now = toIso(clock.now());
  // Five columns per row, within both engines' limits on bound parameters.
  for (const part of chunk(missing, Math.floor(maxParams(trx) / 5))) {
    const created = await trx
      .insertInto("customers")
      .values(
        part.map((external_id) => ({
          shop_id: shopId,
          external_id,
          attributes: "{}",
          created_at: now,
          updated_at: now,
        })),
      )
      .onConflict((oc) => oc.columns(["shop_id", "external_id"]).doNothing())
      .returning(["id", "external_id"])
      .execute();
    for (const c of created) ids.set(c.external_id!, c.id);
  }
  const raced = missing.filter((id) => !ids.has(id));
  if (raced.length > 0)
    for (const [externalId, id] of await customerIdsByExternalId(trx, shopId, raced)) ids.set(externalId, id);
  return ids;
}

async function customerIdsByExternalId(
  trx: Db,
  shopId: number,
  externalIds: string[],
): Promise<Map<string, number>> {
  const found = await selectIn(trx, externalIds, (slice) =>
    trx
      .selectFrom("customers")
      .select(["id", "external_id", "merged_into_id"])
      .where("shop_id", "=", shopId)
      .where("external_id", "in", slice)
      .execute(),
  );
  // Merges re-point older tombstones to the survivor, so one hop reaches a live profile.
  return new Map(found.map((c) => [c.external_id!, c.merged_into_id ?? c.id]));
}
