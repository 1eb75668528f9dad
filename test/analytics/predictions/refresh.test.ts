// Given a shop's customer_metrics rows (written here directly, as the metrics job would), when the
// predictions are fitted and refreshed, then every buyer is read once across pages, a sample reads only
// its share, the stored model is reused while fresh and refitted when stale, and a shop without any
// repeat purchase is told so rather than handed a meaningless fit.
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  customerSummaries,
  fitPredictionModel,
  NotEnoughHistoryError,
  refreshPredictions,
} from "../../../src/analytics/predictions/index.js";
import { ManualClock } from "../../../src/core/clock.js";
import { bulkInsert } from "../../../src/db/bulk.js";
import type { Db } from "../../../src/db/index.js";
import { createShop } from "../../../src/shops/index.js";
import { createTestDb, type TestDb } from "../../support/db.js";
import { simulateBgNbd } from "./simulate.js";

const DAY_MS = 86_400_000;
const asOf = new Date("2026-06-01T00:00:00.000Z");
const BUYERS = 4_500;

async function insertBuyers(
  db: Db,
  shopId: number,
  buyers: ReturnType<typeof simulateBgNbd>,
  firstId: number,
) {
  const iso = (days: number) => new Date(asOf.getTime() - days * DAY_MS).toISOString();
  const rows = buyers.map((b, i) => {
    const days = [...new Set(b.purchaseDays.map(Math.floor))];
    const x = days.length - 1;
    return [
      shopId,
      firstId + i,
      x + 1,
      5_000 * (x + 1),
      iso(b.T),
      x > 0 ? iso(b.T - days[1]) : null,
      iso(b.T - days[x]),
      x + 1,
      asOf.toISOString(),
    ];
  });
  await bulkInsert(
    db,
    "customer_metrics",
    [
      ["shop_id", "bigint"],
      ["customer_id", "bigint"],
      ["orders_count", "integer"],
      ["revenue", "bigint"],
      ["first_order_at", "timestamptz"],
      ["second_order_at", "timestamptz"],
      ["last_order_at", "timestamptz"],
      ["purchase_days", "integer"],
      ["refreshed_at", "timestamptz"],
    ],
    rows,
  );
}

describe("prediction refresh over a shop's metrics", () => {
  let t: TestDb;
  let shopId: number;
  let quietShopId: number;
  beforeAll(async () => {
    t = await createTestDb();
    const clock = new ManualClock(asOf);
    shopId = (await createShop(t.db, clock, { name: "Shop" })).shop.id;
    quietShopId = (await createShop(t.db, clock, { name: "Quiet" })).shop.id;
    await insertBuyers(
      t.db,
      shopId,
      simulateBgNbd({ r: 0.6, alpha: 40, a: 0.9, b: 2.5 }, BUYERS, [30, 730], 11),
      1,
    );
    const oneTimers = simulateBgNbd({ r: 0.6, alpha: 40, a: 0.9, b: 2.5 }, 50, [30, 730], 12).map((b) => ({
      ...b,
      purchaseDays: [0],
    }));
    await insertBuyers(t.db, quietShopId, oneTimers, 100_000);
  });
  afterAll(async () => t.cleanup());

  it("pages through every buyer once, in id order, and samples by id", async () => {
    const seen: number[] = [];
    for await (const page of customerSummaries(t.db, shopId, asOf, { pageSize: 1_000 })) {
      expect(page.length).toBeLessThanOrEqual(1_000);
      seen.push(...page.map((s) => s.customerId));
    }
    expect(seen).toEqual(Array.from({ length: BUYERS }, (_, i) => i + 1));
    let sampled = 0;
    for await (const page of customerSummaries(t.db, shopId, asOf, { every: 3, pageSize: 700 })) {
      for (const s of page) expect(s.customerId % 3).toBe(0);
      sampled += page.length;
    }
    expect(sampled).toBe(BUYERS / 3);
  });

  it("writes predictions for every buyer, reusing a fresh model and refitting a stale one", async () => {
    const first = await refreshPredictions(t.db, shopId, asOf);
    expect(first).toMatchObject({ refitted: true, customers: BUYERS });
    // No order rows here, so no repeat spend to fit: the customer's own average order stands in.
    expect(first.model.gammaGamma).toBeNull();
    const again = await refreshPredictions(t.db, shopId, new Date(asOf.getTime() + 3 * DAY_MS));
    expect(again.refitted).toBe(false);
    const later = await refreshPredictions(t.db, shopId, new Date(asOf.getTime() + 8 * DAY_MS));
    expect(later.refitted).toBe(true);
    const forced = await refreshPredictions(t.db, shopId, new Date(asOf.getTime() + 8 * DAY_MS), {
      refit: true,
    });
    expect(forced.refitted).toBe(true);
    const row = await t.db
      .selectFrom("customer_metrics")
      .select([
        sql<number>`count(*)`.as("n"),
        sql<number>`sum(case when p_alive is null then 1 else 0 end)`.as("missing"),
        sql<number>`sum(case when predicted_clv_365 < 0 or p_alive > 1 or p_alive < 0 then 1 else 0 end)`.as(
          "bad",
        ),
      ])
      .where("shop_id", "=", shopId)
      .executeTakeFirstOrThrow();
    expect(Number(row.n)).toBe(BUYERS);
    expect(Number(row.missing)).toBe(0);
    expect(Number(row.bad)).toBe(0);
    const buyer = await t.db
      .selectFrom("customer_metrics")
      .select(["expected_orders_365", "predicted_clv_365"])
      .where("shop_id", "=", shopId)
      .where("customer_id", "=", 1)
      .executeTakeFirstOrThrow();
    expect(Number(buyer.predicted_clv_365)).toBe(Math.round(Number(buyer.expected_orders_365) * 5_000));
  });

  it("a shop whose buyers never came back has no model to fit", async () => {
    await expect(fitPredictionModel(t.db, quietShopId, asOf)).rejects.toBeInstanceOf(NotEnoughHistoryError);
  });
});
