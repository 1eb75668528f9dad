// Per-channel consent: the current state per customer and channel, and an append-only log of changes.
import type { Clock } from "../core/clock.js";
import { toIso } from "../core/clock.js";
import { CHANNELS, type Channel, type Db } from "../db/index.js";

export type ConsentMap = Partial<Record<Channel, boolean>>;

export interface ConsentState {
  granted: boolean;
  source: string;
  updatedAt: string;
}

/**
 * How a consent statement from outside (the API, the storefront) is recorded: setConsents itself, or —
 * where the shop wants double opt-in — a version that holds a "yes" until the customer confirms it. The
 * HTTP layer chooses; customers/ does not depend on messaging/.
 */
export type ConsentRecorder = (
  trx: Db,
  clock: Clock,
  shopId: number,
  customerId: number,
  consents: ConsentMap,
  source: string,
) => Promise<unknown>;

/** Records the consents stated; a statement equal to the stored one is not logged again. */
export async function setConsents(
  trx: Db,
  clock: Clock,
  shopId: number,
  customerId: number,
  consents: ConsentMap,
  source: string,
  at?: string,
): Promise<void> {
  const when = toIso(at ?? clock.now());
  for (const channel of CHANNELS) {
    const wanted = consents[channel];
    if (wanted === undefined) continue;
    const granted = wanted ? 1 : 0;
    const current = await trx
      .selectFrom("consents")
      .select("granted")
      .where("shop_id", "=", shopId)
      .where("customer_id", "=", customerId)
      .where("channel", "=", channel)
      .executeTakeFirst();
    if (current?.granted === granted) continue;
    await trx
      .insertInto("consents")
      .values({ shop_id: shopId, customer_id: customerId, channel, granted, source, updated_at: when })
      .onConflict((oc) =>
        oc.columns(["shop_id", "customer_id", "channel"]).doUpdateSet({ granted, source, updated_at: when }),
      )
      .execute();
    await trx
      .insertInto("consent_log")
      .values({ shop_id: shopId, customer_id: customerId, channel, granted, source, recorded_at: when })
      .execute();
  }
}

export async function getConsents(
  db: Db,
  shopId: number,
  customerId: number,
): Promise<Partial<Record<Channel, ConsentState>>> {
  const rows = await db
    .selectFrom("consents")
    .selectAll()
    .where("shop_id", "=", shopId)
    .where("customer_id", "=", customerId)
    .execute();
  const out: Partial<Record<Channel, ConsentState>> = {};
  for (const r of rows)
    out[r.channel] = { granted: r.granted === 1, source: r.source, updatedAt: r.updated_at };
  return out;
}
