// Webhook bookkeeping shared by providers: a receipt per delivery (providers retry, and a retried
// delivery must do nothing), and the newest version applied per resource (providers do not promise
// order, and a late delivery must not overwrite newer state).
import type { Clock } from "../core/clock.js";
import { toIso } from "../core/clock.js";
import type { Db, WebhookOutcome } from "../db/index.js";

export interface Delivery {
  shopId: number;
  provider: string;
  webhookId: string;
  topic: string;
}

/**
 * Claims a delivery inside the caller's transaction: true the first time, false for a retry. On
 * PostgreSQL a concurrent claim of the same delivery waits for the first one's transaction and then
 * sees it; if that transaction rolls back, the retry claims it instead.
 */
export async function claimDelivery(trx: Db, clock: Clock, delivery: Delivery): Promise<boolean> {
  const inserted = await trx
    .insertInto("webhook_receipts")
    .values({
      shop_id: delivery.shopId,
      provider: delivery.provider,
      webhook_id: delivery.webhookId,
      topic: delivery.topic,
      outcome: "processed",
      received_at: toIso(clock.now()),
    })
    .onConflict((oc) => oc.columns(["shop_id", "provider", "webhook_id"]).doNothing())
    .returning("id")
    .executeTakeFirst();
  return inserted !== undefined;
}

export async function setDeliveryOutcome(
  trx: Db,
  delivery: Delivery,
  outcome: WebhookOutcome,
): Promise<void> {
  await trx
    .updateTable("webhook_receipts")
    .set({ outcome })
    .where("shop_id", "=", delivery.shopId)
    .where("provider", "=", delivery.provider)
    .where("webhook_id", "=", delivery.webhookId)
    .execute();
}

/** Records a delivery whose processing was rolled back because its content cannot be used. */
export async function recordFailedDelivery(db: Db, clock: Clock, delivery: Delivery): Promise<void> {
  await db
    .insertInto("webhook_receipts")
    .values({
      shop_id: delivery.shopId,
      provider: delivery.provider,
      webhook_id: delivery.webhookId,
      topic: delivery.topic,
      outcome: "failed",
      received_at: toIso(clock.now()),
    })
    .onConflict((oc) => oc.columns(["shop_id", "provider", "webhook_id"]).doNothing())
    .execute();
}

export interface DeliveryStats {
  received: number;
  byOutcome: Record<WebhookOutcome, number>;
  byTopic: Record<string, number>;
  lastReceivedAt: string | null;
}

export async function deliveryStats(db: Db, shopId: number, provider: string): Promise<DeliveryStats> {
  const rows = await db
    .selectFrom("webhook_receipts")
    .select(["topic", "outcome"])
    .select((eb) => [eb.fn.countAll<number>().as("n"), eb.fn.max("received_at").as("last")])
    .where("shop_id", "=", shopId)
    .where("provider", "=", provider)
    .groupBy(["topic", "outcome"])
    .execute();
  const stats: DeliveryStats = {
    received: 0,
    byOutcome: { processed: 0, ignored: 0, stale: 0, failed: 0 },
    byTopic: {},
    lastReceivedAt: null,
  };
  for (const row of rows) {
    const n = Number(row.n);
    stats.received += n;
    stats.byOutcome[row.outcome] += n;
    stats.byTopic[row.topic] = (stats.byTopic[row.topic] ?? 0) + n;
    if (row.last && (!stats.lastReceivedAt || row.last > stats.lastReceivedAt))
      stats.lastReceivedAt = row.last;
  }
  return stats;
}

export interface ResourceVersion {
  shopId: number;
  provider: string;
  /** What kind of thing, e.g. "order"; with resourceId it names one resource of the provider. */
  resource: string;
  resourceId: string;
  /** The resource's own last-modified time. */
  version: Date | string;
}

/**
 * Records `version` as the newest applied for the resource and returns true, or returns false when a
 * newer version was applied already (the delivery is stale). Equal versions pass: re-applying the same
 * state changes nothing. Runs inside the caller's transaction, so a rollback forgets the version too.
 */
export async function advanceResourceVersion(trx: Db, rv: ResourceVersion): Promise<boolean> {
  const version = toIso(rv.version);
  const row = await trx
    .insertInto("webhook_resource_versions")
    .values({
      shop_id: rv.shopId,
      provider: rv.provider,
      resource: rv.resource,
      resource_id: rv.resourceId,
      version,
    })
    .onConflict((oc) =>
      oc
        .columns(["shop_id", "provider", "resource", "resource_id"])
        .doUpdateSet({ version: (eb) => eb.ref("excluded.version") })
        .where("webhook_resource_versions.version", "<=", version),
    )
    .returning("resource_id")
    .executeTakeFirst();
  return row !== undefined;
}
