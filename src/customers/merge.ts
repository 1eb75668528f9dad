// Folds a duplicate profile into the one that survives: its orders, events, points, coupons, visitors
// and consents move over, empty fields are filled in, and the duplicate stays as a tombstone that
// points to the survivor (so its external id still resolves).
import type { Clock } from "../core/clock.js";
import { toIso } from "../core/clock.js";
import { type Customer, type Db, fromJson, toJson } from "../db/index.js";
import { recomputePointBalance } from "./points.js";

const FILLABLE = [
  "email",
  "phone",
  "line_user_id",
  "first_name",
  "last_name",
  "first_name_kana",
  "last_name_kana",
  "birthday",
  "gender",
  "postal_code",
  "prefecture",
  "address",
  "member_rank",
] as const;

/** Must run inside a transaction. */
export async function mergeCustomers(
  trx: Db,
  clock: Clock,
  into: Customer,
  duplicate: Customer,
): Promise<void> {
  // The survivor as stored now: when several duplicates are folded in one after another, the row the
  // caller holds does not show what the earlier ones filled in.
  const survivor = await trx
    .selectFrom("customers")
    .selectAll()
    .where("id", "=", into.id)
    .executeTakeFirstOrThrow();
  const shopId = survivor.shop_id;
  const now = toIso(clock.now());
  const from = duplicate.id;
  const to = survivor.id;

  // Orders are marked changed so the analytics job re-aggregates the survivor; the duplicate's metrics
  // rows go with the duplicate.
  await trx
    .updateTable("orders")
    .set({ customer_id: to, updated_at: now })
    .where("shop_id", "=", shopId)
    .where("customer_id", "=", from)
    .execute();
  for (const table of ["customer_metrics", "first_order_products"] as const) {
    await trx.deleteFrom(table).where("shop_id", "=", shopId).where("customer_id", "=", from).execute();
  }
  for (const table of ["events", "point_ledger", "coupons", "visitors", "consent_log"] as const) {
    await trx
      .updateTable(table)
      .set({ customer_id: to })
      .where("shop_id", "=", shopId)
      .where("customer_id", "=", from)
      .execute();
  }

  // Consents: the most recent statement per channel wins, whichever profile it was made on.
  const theirs = await trx
    .selectFrom("consents")
    .selectAll()
    .where("shop_id", "=", shopId)
    .where("customer_id", "=", from)
    .execute();
  for (const consent of theirs) {
    const ours = await trx
      .selectFrom("consents")
      .select("updated_at")
      .where("shop_id", "=", shopId)
      .where("customer_id", "=", to)
      .where("channel", "=", consent.channel)
      .executeTakeFirst();
    if (!ours) {
      await trx
        .insertInto("consents")
        .values({ ...consent, customer_id: to })
        .execute();
    } else if (ours.updated_at < consent.updated_at) {
      await trx
        .updateTable("consents")
        .set({ granted: consent.granted, source: consent.source, updated_at: consent.updated_at })
        .where("shop_id", "=", shopId)
        .where("customer_id", "=", to)
        .where("channel", "=", consent.channel)
        .execute();
    }
  }
  await trx.deleteFrom("consents").where("shop_id", "=", shopId).where("customer_id", "=", from).execute();
  await trx
    .deleteFrom("point_balances")
    .where("shop_id", "=", shopId)
    .where("customer_id", "=", from)
    .execute();

  const fill: Partial<Record<(typeof FILLABLE)[number], string | null>> = {};
  for (const column of FILLABLE) {
    if (survivor[column] === null && duplicate[column] !== null) fill[column] = duplicate[column];
  }
  const attributes = {
    ...fromJson<Record<string, unknown>>(duplicate.attributes),
    ...fromJson<Record<string, unknown>>(survivor.attributes),
  };
  const takesExternalId = survivor.external_id === null && duplicate.external_id !== null;

  // The tombstone gives up its contact points so it never matches again; it keeps its external id
  // (unless the survivor takes it) so that id keeps resolving to the survivor.
  await trx
    .updateTable("customers")
    .set({
      merged_into_id: to,
      email: null,
      phone: null,
      line_user_id: null,
      external_id: takesExternalId ? null : duplicate.external_id,
      updated_at: now,
    })
    .where("id", "=", from)
    .execute();
  await trx
    .updateTable("customers")
    .set({
      ...fill,
      ...(takesExternalId ? { external_id: duplicate.external_id } : {}),
      attributes: toJson(attributes),
      created_at: duplicate.created_at < survivor.created_at ? duplicate.created_at : survivor.created_at,
      updated_at: now,
    })
    .where("id", "=", to)
    .execute();
  // Earlier tombstones of the duplicate now point straight at the survivor.
  await trx
    .updateTable("customers")
    .set({ merged_into_id: to })
    .where("shop_id", "=", shopId)
    .where("merged_into_id", "=", from)
    .execute();
  await recomputePointBalance(trx, clock, shopId, to);
}
