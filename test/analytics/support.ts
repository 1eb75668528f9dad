// Shared by the report tests: a fresh database with a shop under test and an empty one, the report
// context for either, a catalogue, and orders written as lines of [sku, quantity, unit price].
import type { ReportContext } from "../../src/analytics/report.js";
import { upsertProduct } from "../../src/catalog/index.js";
import type { ManualClock } from "../../src/core/clock.js";
import type { OrderInput } from "../../src/orders/index.js";
import { createShop } from "../../src/shops/index.js";
import { createTestDb, type TestDb } from "../support/db.js";

/** A Tokyo wall-clock time ("2026-01-10T12:00:00") as an ISO instant. */
export const jst = (local: string) => new Date(`${local}+09:00`).toISOString();

export interface ReportWorld {
  t: TestDb;
  shopId: number;
  emptyShopId: number;
  /** The context of a report on `shopId` as of the clock's time, in Tokyo and yen. */
  ctx(shopId: number): ReportContext;
}

export async function createReportWorld(name: string, clock: ManualClock): Promise<ReportWorld> {
  const t = await createTestDb();
  const shopId = (await createShop(t.db, clock, { name })).shop.id;
  const emptyShopId = (await createShop(t.db, clock, { name: "Empty" })).shop.id;
  const asOf = clock.now();
  return {
    t,
    shopId,
    emptyShopId,
    ctx: (id) => ({ shopId: id, asOf, timezone: "Asia/Tokyo", currency: "JPY" }),
  };
}

/** Products in this order (so their ids follow it), each named after its SKU unless a name is given. */
export async function addProducts(
  world: ReportWorld,
  clock: ManualClock,
  products: ReadonlyArray<readonly [sku: string, categoryPath: string | null, name?: string]>,
  price = 1000,
): Promise<void> {
  await world.t.db.transaction().execute(async (trx) => {
    for (const [sku, categoryPath, name] of products) {
      await upsertProduct(trx, clock, world.shopId, { sku, name: name ?? sku, categoryPath, price }, "JPY");
    }
  });
}

export type Line = readonly [sku: string, quantity: number, unitPrice: number];

export function orderOf(
  id: string,
  customer: string,
  at: string,
  lines: ReadonlyArray<Line>,
  extra: Partial<OrderInput> = {},
): OrderInput {
  return {
    externalId: id,
    customerId: customer,
    orderedAt: at,
    items: lines.map(([sku, quantity, unitPrice]) => ({ sku, quantity, unitPrice })),
    ...extra,
  };
}
