// Group commit of send results. Each send slot waits for its result to be durably written before it
// takes its next message, so at any moment at most one message per slot — the connection pool's width —
// has reached the provider without its "sent" on disk: that is the whole of what a crash can repeat.
// Slots that finish together share one transaction, which keeps the write rate far below the send rate.

import { toIso } from "../../core/clock.js";
import type { Channel, Db } from "../../db/index.js";
import { decodePushAddress } from "../channels/push/subscription.js";
import { type ClaimedRow, type Transition, writeTransitions } from "../outbox.js";

export interface Outcome extends Transition {
  before: ClaimedRow;
  attempt?: boolean;
  /** Put the address on the suppression list (hard bounce, invalid number, blocked). */
  suppress?: { channel: Channel; address: string; reason: string };
}

export class GroupCommitter {
  private pending: Array<{ outcome: Outcome; done: () => void; failed: (e: unknown) => void }> = [];
  private flushing: Promise<void> | null = null;

  constructor(
    private readonly db: Db,
    private readonly now: () => Date,
  ) {}

  /** Resolves once the outcome is committed. */
  record(outcome: Outcome): Promise<void> {
    return new Promise((done, failed) => {
      this.pending.push({ outcome, done, failed });
      if (!this.flushing) this.flushing = this.flushLoop();
    });
  }

  private async flushLoop(): Promise<void> {
    // Let the slots that finish in the same tick join this group.
    await new Promise((r) => setImmediate(r));
    while (this.pending.length > 0) {
      const group = this.pending;
      this.pending = [];
      try {
        await writeOutcomes(
          this.db,
          toIso(this.now()),
          group.map((g) => g.outcome),
        );
        for (const g of group) g.done();
      } catch (err) {
        for (const g of group) g.failed(err);
      }
    }
    this.flushing = null;
  }
}

export async function writeOutcomes(db: Db, now: string, outcomes: Outcome[]): Promise<void> {
  if (outcomes.length === 0) return;
  await db.transaction().execute(async (trx) => {
    await writeTransitions(trx as unknown as Db, now, outcomes);
    // A push subscription the push service says is gone is revoked, not listed: its address is the
    // subscription itself.
    const gone = outcomes.flatMap((o) =>
      o.suppress?.channel === "push" ? [decodePushAddress(o.suppress.address)?.endpoint ?? ""] : [],
    );
    if (gone.length > 0) {
      await trx
        .updateTable("push_subscriptions")
        .set({ revoked_at: now })
        .where("endpoint", "in", gone)
        .where("revoked_at", "is", null)
        .execute();
    }
    const suppressions = outcomes.filter((o) => o.suppress && o.suppress.channel !== "push");
    if (suppressions.length > 0) {
      await trx
        .insertInto("suppressions")
        .values(
          suppressions.map((o) => ({
            shop_id: o.shopId,
            channel: o.suppress!.channel,
            address: o.suppress!.address,
            reason: o.suppress!.reason.slice(0, 300),
            created_at: now,
          })),
        )
        .onConflict((oc) => oc.columns(["shop_id", "channel", "address"]).doNothing())
        .execute();
    }
  });
}
