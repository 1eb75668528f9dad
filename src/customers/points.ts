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
    const rows = await ledgerRows(trx, shopId, customerId);
    const { balance } = balanceFromLedger(rows, clock.now());
    // An expiry may also write off lots that have already lapsed; a spend can only use valid points.
    const available = entry.kind === "expire" ? unusedPoints(rows, clock.now()) : balance;
    if (available + points < 0) {
      const what =
        entry.kind === "expire" ? `${available} points are left to expire` : `balance is ${balance}`;
      throw ValidationError.field(`${fieldPrefix}points`, `${what}; cannot take ${-points}`);
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

/** A ledger entry as the balance needs it. */
export interface LedgerRow {
  kind: PointKind;
  points: number;
  expires_at: string | null;
  occurred_at: string;
}

async function ledgerRows(db: Db, shopId: number, customerId: number): Promise<LedgerRow[]> {
  return db
    .selectFrom("point_ledger")
    .select(["kind", "points", "expires_at", "occurred_at"])
    .where("shop_id", "=", shopId)
    .where("customer_id", "=", customerId)
    .orderBy("id")
    .execute();
}

/** Balance and next expiry from the ledger, as of `now`. */
export async function computeBalance(
  db: Db,
  shopId: number,
  customerId: number,
  now: Date,
): Promise<PointBalance> {
  return balanceFromLedger(await ledgerRows(db, shopId, customerId), now);
}

interface Lot {
  remaining: number;
  expiresAt: string | null;
}

// Lots that expire first are used first; lots that never expire are used last.
const byExpiry = (a: Lot, b: Lot) => (a.expiresAt ?? "9999").localeCompare(b.expiresAt ?? "9999");
const validAt = (lot: Lot, at: string) => lot.expiresAt === null || lot.expiresAt > at;

/** Takes up to `amount` from the lots `eligible` accepts, earliest expiry first; returns what is left over. */
function takeFromLots(lots: Lot[], amount: number, eligible: (lot: Lot) => boolean): number {
  let left = amount;
  for (const lot of lots.filter(eligible).sort(byExpiry)) {
    const taken = Math.min(lot.remaining, left);
    lot.remaining -= taken;
    left -= taken;
  }
  return left;
}

/**
 * What is left of each earned lot. Entries are replayed in time order (ties in ledger order): a spend
 * takes from the lots still valid when it was made, so a lot that lapsed since never absorbs a later
 * spend; an expiry writes off the earliest-expiring lots, lapsed ones first. What an entry could not
 * take when it was made (a backdated import) comes out of what is valid at `nowIso`.
 */
function remainingLots(rows: LedgerRow[], nowIso: string): Lot[] {
  const lots: Lot[] = [];
  let uncovered = 0;
  const inTimeOrder = [...rows].sort((a, b) => a.occurred_at.localeCompare(b.occurred_at));
  for (const row of inTimeOrder) {
    if (row.points > 0) {
      lots.push({ remaining: row.points, expiresAt: row.expires_at });
    } else if (row.points < 0) {
      const eligible = row.kind === "expire" ? () => true : (lot: Lot) => validAt(lot, row.occurred_at);
      uncovered += takeFromLots(lots, -row.points, eligible);
    }
  }
  const stillUncovered = takeFromLots(lots, uncovered, (lot) => validAt(lot, nowIso));
  takeFromLots(lots, stillUncovered, () => true);
  return lots;
}

/** Points not yet spent or written off, including lapsed lots that have no expire entry yet. */
function unusedPoints(rows: LedgerRow[], now: Date): number {
  return remainingLots(rows, now.toISOString()).reduce((sum, l) => sum + l.remaining, 0);
}

export function balanceFromLedger(rows: LedgerRow[], now: Date): PointBalance {
  const nowIso = now.toISOString();
  // Lots past their expiry without an expire entry yet are not spendable.
  const live = remainingLots(rows, nowIso)
    .filter((l) => l.remaining > 0 && validAt(l, nowIso))
    .sort(byExpiry);
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
