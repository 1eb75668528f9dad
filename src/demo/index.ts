// The demo shop generator: a believable Japanese beauty & health shop with two years of customers, orders,
// storefront events, points and coupons, ending at the clock's now. Deterministic for a seed and a clock;
// customers are simulated and written in chunks, so memory stays flat from a thousand to a million.

import { refreshCustomerMetrics } from "../analytics/metrics.js";
import type { Clock } from "../core/clock.js";
import { ValidationError } from "../core/errors.js";
import type { Db } from "../db/index.js";
import { installStarterSegments } from "../segments/index.js";
import { type CreatedShop, createShop } from "../shops/index.js";
import { buildCatalog, CatalogIndex } from "./catalog.js";
import { STREAM, streamRandom } from "./random.js";
import { type SimulatedCustomer, type SimulationContext, simulateCustomer } from "./simulate.js";
import { DAY } from "./time.js";
import { DemoWriter, withBulkWriteSettings } from "./writer.js";

export interface DemoOptions {
  customers: number;
  seed: number;
  shopName?: string;
  onProgress?: (done: number, total: number, phase: string) => void;
  /** Customers per transaction (default CUSTOMERS_PER_CHUNK); the generated rows do not depend on it. */
  chunkSize?: number;
}

export interface DemoResult extends CreatedShop {
  counts: Record<string, number>;
}

export const DEFAULT_DEMO_SHOP_NAME = "デモショップ Kizuna Beauty & Health";

/** Customers simulated and written per transaction: big enough for fast multi-row inserts, small in memory. */
export const CUSTOMERS_PER_CHUNK = 2_000;

const HISTORY_DAYS = 730;

export async function generateDemoShop(db: Db, clock: Clock, options: DemoOptions): Promise<DemoResult> {
  const { customers, seed } = options;
  if (!Number.isSafeInteger(customers) || customers <= 0) {
    throw ValidationError.field("customers", "must be a positive whole number");
  }
  if (!Number.isSafeInteger(seed)) throw ValidationError.field("seed", "must be a whole number");
  const chunkSize = options.chunkSize ?? CUSTOMERS_PER_CHUNK;
  if (!Number.isSafeInteger(chunkSize) || chunkSize <= 0) {
    throw ValidationError.field("chunkSize", "must be a positive whole number");
  }
  const progress = options.onProgress ?? (() => {});

  // Read the clock once: every timestamp derives from this instant, so a run repeats exactly.
  const now = clock.now().getTime();
  const historyStart = now - HISTORY_DAYS * DAY;
  const created = await createShop(db, clock, { name: options.shopName ?? DEFAULT_DEMO_SHOP_NAME });
  const writer = new DemoWriter(db, created.shop.id, created.shop.currency, now);

  progress(0, customers, "catalogue");
  const products = buildCatalog(streamRandom(seed, STREAM.catalog, 0), historyStart, now);
  await writer.writeCatalog(products);
  const ctx: SimulationContext = { seed, catalog: new CatalogIndex(products), historyStart, now, customers };

  await withBulkWriteSettings(db, async () => {
    for (let first = 1; first <= customers; first += chunkSize) {
      const last = Math.min(customers, first + chunkSize - 1);
      const batch: SimulatedCustomer[] = [];
      for (let n = first; n <= last; n++) batch.push(simulateCustomer(ctx, n));
      await writer.writeChunk(batch);
      progress(last, customers, "customers");
    }
  });
  // The starter segments, over fresh metrics, so the admin opens on a shop with lists and RFM groups.
  progress(customers, customers, "segments");
  await refreshCustomerMetrics(db, created.shop.id, { now: new Date(now), full: true });
  const segments = await installStarterSegments(db, clock, created.shop.id);
  return { ...created, counts: { ...writer.counts, segments: segments.length } };
}
