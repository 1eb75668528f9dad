// The point ledger and the balance derived from it. Spent and expired points are taken from the lots
// that expire first (FIFO by expiry), which is how Japanese shop point programmes count them, so the
// balance also tells how many points expire next and when.
import type { Clock } from "../core/clock.js";
import { toIso } from "../core/clock.js";
import { ValidationError } from "../core/errors.js";
import type { Db, PointKind } from "../db/index.js";

export interface PointEntry {
  kind: PointKind;
  /** As the caller states it: positive for earn/spend/expire, signed for adjust. */
  points: number;
  expiresAt?: string | null;
  reason?: string | null;
  orderExternalId?: string | null;
  externalId?: string | null;
  occurredAt?: string;
}

export interface PointBalance {
  balance: number;
  nextExpiryAt: string | null;
  nextExpiryPoints: number;
}

function signedPoints(entry: PointEntry, field: string): number {
  if (!Number.isInteger(entry.points))
    throw ValidationError.field(`${field}points`, "must be a whole number");
  if (entry.kind === "adjust") return entry.points;
  if (entry.points <= 0) throw ValidationError.field(`${field}points`, `must be positive for ${entry.kind}`);
  return entry.kind === "earn" ? entry.points : -entry.points;
}

/**
 * Records one ledger entry and refreshes the balance. Returns false when an entry with the same
 * externalId was already recorded (the call is then a no-op). Must run inside a transaction.
 */
export async function recordPointEntry(
  trx: Db,
  clock: Clock,
  shopId: number,
  customerId: number,
  entry: PointEntry,
  fieldPrefix = "",
): Promise<boolean> {
  const points = signedPoints(entry, fieldPrefix);
  if (entry.expiresAt && entry.kind !== "earn" && !(entry.kind === "adjust" && points > 0)) {
    throw ValidationError.field(`${fieldPrefix}expiresAt`, "only earned points expire");
  }
  if (entry.externalId) {
    const seen = await trx
      .selectFrom("point_ledger")
      .select("id")
      .where("shop_id", "=", shopId)
      .where("external_id", "=", entry.externalId)
      .executeTakeFirst();
    if (seen) return false;
  }
  if (points < 0) {
    const { balance } = await computeBalance(trx, shopId, customerId, clock.now());
    if (balance + points < 0) {
      throw ValidationError.field(`${fieldPrefix}points`, `balance is ${balance}; cannot take ${-points}`);
    }
  }
  await trx
    .insertInto("point_ledger")
    .values({
      shop_id: shopId,
      customer_id: customerId,
      kind: entry.kind,
      points,
      expires_at: entry.expiresAt ? toIso(entry.expiresAt) : null,
      reason: entry.reason ?? null,
      order_external_id: entry.orderExternalId ?? null,
      external_id: entry.externalId ?? null,
      occurred_at: toIso(entry.occurredAt ?? clock.now()),
    })
    .execute();
  await recomputePointBalance(trx, clock, shopId, customerId);
  return true;
}

/** Balance and next expiry from the ledger, as of `now`. */
export async function computeBalance(
  db: Db,
  shopId: number,
  customerId: number,
  now: Date,
): Promise<PointBalance> {
  const rows = await db
    .selectFrom("point_ledger")
    .select(["points", "expires_at"])
    .where("shop_id", "=", shopId)
    .where("customer_id", "=", customerId)
    .execute();
  return balanceFromLedger(rows, now);
}

export function balanceFromLedger(
  rows: Array<{ points: number; expires_at: string | null }>,
  now: Date,
): PointBalance {
  const lots = rows
    .filter((r) => r.points > 0)
    .map((r) => ({ remaining: r.points, expiresAt: r.expires_at }))
    // Lots that expire first are used first; lots that never expire are used last.
    .sort((a, b) => (a.expiresAt ?? "9999").localeCompare(b.expiresAt ?? "9999"));
  let toTake = -rows.filter((r) => r.points < 0).reduce((sum, r) => sum + r.points, 0);
  for (const lot of lots) {
    const taken = Math.min(lot.remaining, toTake);
    lot.remaining -= taken;
    toTake -= taken;
  }
  const nowIso = now.toISOString();
  // Lots past their expiry without an expire entry yet are not spendable.
  const live = lots.filter((l) => l.remaining > 0 && (l.expiresAt === null || l.expiresAt > nowIso));
  const balance = live.reduce((sum, l) => sum + l.remaining, 0);
  const expiring = live.filter((l) => l.expiresAt !== null);
  const nextExpiryAt = expiring[0]?.expiresAt ?? null;
  const nextExpiryPoints = expiring
    .filter((l) => l.expiresAt === nextExpiryAt)
    .reduce((s, l) => s + l.remaining, 0);
  return { balance, nextExpiryAt, nextExpiryPoints };
}

export async function recomputePointBalance(
  trx: Db,
  clock: Clock,
  shopId: number,
  customerId: number,
): Promise<PointBalance> {
  const now = clock.now();
  const b = await computeBalance(trx, shopId, customerId, now);
  await trx
    .insertInto("point_balances")
    .values({
      shop_id: shopId,
      customer_id: customerId,
      balance: b.balance,
      next_expiry_at: b.nextExpiryAt,
      next_expiry_points: b.nextExpiryPoints,
      updated_at: toIso(now),
    })
    .onConflict((oc) =>
      oc.columns(["shop_id", "customer_id"]).doUpdateSet({
        balance: b.balance,
        next_expiry_at: b.nextExpiryAt,
        next_expiry_points: b.nextExpiryPoints,
        updated_at: toIso(now),
      }),
    )
    .execute();
  return b;
}

export async function getPointBalance(db: Db, shopId: number, customerId: number): Promise<PointBalance> {
  const row = await db
    .selectFrom("point_balances")
    .selectAll()
    .where("shop_id", "=", shopId)
    .where("customer_id", "=", customerId)
    .executeTakeFirst();
  return row
    ? { balance: row.balance, nextExpiryAt: row.next_expiry_at, nextExpiryPoints: row.next_expiry_points }
    : { balance: 0, nextExpiryAt: null, nextExpiryPoints: 0 };
}
