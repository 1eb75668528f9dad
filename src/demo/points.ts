// A customer's points as lots that expire one year after they were earned; spending uses the lots that
// expire first. Every movement becomes a ledger entry, so the balance always equals the ledger's sum.
import type { PointKind } from "../db/index.js";
import { DAY } from "./time.js";

export const POINT_VALIDITY_DAYS = 365;

export interface LedgerEntry {
  kind: PointKind;
  points: number;
  expiresAt: number | null;
  reason: string;
  orderExternalId: string | null;
  at: number;
}

export interface PointBalance {
  balance: number;
  nextExpiryAt: number | null;
  nextExpiryPoints: number;
  updatedAt: number;
}

interface Lot {
  expiresAt: number;
  remaining: number;
}

export class PointPurse {
  readonly ledger: LedgerEntry[] = [];
  private readonly lots: Lot[] = [];

  /**
   * Adds points valid for a year. Callers mostly move forward in time; a credit dated a little ahead
   * (an apology two days after an order) may precede a subscription delivery's, so lots are inserted
   * in expiry order.
   */
  credit(
    at: number,
    points: number,
    kind: "earn" | "adjust",
    reason: string,
    orderExternalId: string | null = null,
  ) {
    if (points <= 0) return;
    this.expireUntil(at);
    const expiresAt = at + POINT_VALIDITY_DAYS * DAY;
    let index = this.lots.length;
    while (index > 0 && this.lots[index - 1].expiresAt > expiresAt) index--;
    this.lots.splice(index, 0, { expiresAt, remaining: points });
    this.ledger.push({ kind, points, expiresAt, reason, orderExternalId, at });
  }

  /** Points usable at a moment (expired lots are written off first). */
  balanceAt(at: number): number {
    this.expireUntil(at);
    let sum = 0;
    for (const lot of this.lots) sum += lot.remaining;
    return sum;
  }

  spend(at: number, points: number, orderExternalId: string): void {
    if (points <= 0) return;
    if (points > this.balanceAt(at)) throw new RangeError("spending more points than the balance");
    let left = points;
    for (const lot of this.lots) {
      const used = Math.min(lot.remaining, left);
      lot.remaining -= used;
      left -= used;
      if (left === 0) break;
    }
    this.dropEmptyLots();
    this.ledger.push({
      kind: "spend",
      points: -points,
      expiresAt: null,
      reason: "used_on_order",
      orderExternalId,
      at,
    });
  }

  /** Writes off what is left of every lot that expired by `at`, dated at its expiry. */
  expireUntil(at: number): void {
    while (this.lots.length > 0 && this.lots[0].expiresAt <= at) {
      const lot = this.lots.shift() as Lot;
      if (lot.remaining > 0) {
        this.ledger.push({
          kind: "expire",
          points: -lot.remaining,
          expiresAt: null,
          reason: "expired",
          orderExternalId: null,
          at: lot.expiresAt,
        });
      }
    }
  }

  /** The balance row as of `now`, or null for a customer who never had points. */
  close(now: number): PointBalance | null {
    this.expireUntil(now);
    if (this.ledger.length === 0) return null;
    const balance = this.lots.reduce((sum, lot) => sum + lot.remaining, 0);
    const next = this.lots.find((lot) => lot.remaining > 0);
    const nextExpiryPoints = next
      ? this.lots.filter((lot) => lot.expiresAt === next.expiresAt).reduce((s, lot) => s + lot.remaining, 0)
      : 0;
    return {
      balance,
      nextExpiryAt: next?.expiresAt ?? null,
      nextExpiryPoints,
      updatedAt: this.ledger.reduce((latest, e) => Math.max(latest, e.at), 0),
    };
  }

  private dropEmptyLots(): void {
    while (this.lots.length > 0 && this.lots[0].remaining === 0) this.lots.shift();
  }
}
