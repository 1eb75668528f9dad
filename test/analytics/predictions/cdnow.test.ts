// Given the CDNOW transaction log imported as a shop's orders through the real CSV import, when the
// metrics job summarises the buyers at the end of the 39-week calibration period and the prediction
// model is fitted on them, then on the published 1/10 sample the fit is the published one (Fader,
// Hardie and Lee 2005; Fader and Hardie 2013) and on all 23,570 customers it agrees with it within
// sampling error; the predictions land on every buyer's metrics row and in the report.
import { readFileSync } from "node:fs";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { refreshCustomerMetrics } from "../../../src/analytics/metrics.js";
import {
  conditionalExpectedPurchases,
  fitPredictionModel,
  medianTimeToNextPurchase,
  type PredictionModel,
  predictionsReport,
  probabilityAlive,
  refreshPredictions,
} from "../../../src/analytics/predictions/index.js";
import type { Db } from "../../../src/db/index.js";
import { importCsv } from "../../../src/imports/index.js";
import { createShop } from "../../../src/shops/index.js";
import {
  CDNOW,
  createImportWorld,
  type ImportWorld,
  mappingFile,
  writeEncoded,
} from "../../imports/support.js";
import {
  CALIBRATION_AS_OF,
  PUBLISHED_BGNBD,
  PUBLISHED_CONDITIONAL,
  PUBLISHED_GAMMA_GAMMA,
} from "./cdnow-reference.js";
import { CDNOW_SAMPLE_IDS } from "./cdnow-sample.js";

const DAY_MS = 86_400_000;
const WEEK = 7;

/** The model in the literature's units: weeks (α / 7, and the likelihood of weekly times) and dollars. */
function inWeeksAndDollars(model: PredictionModel, repeatPurchases: number) {
  const gg = model.gammaGamma!;
  return {
    r: model.bgnbd.r,
    alpha: model.bgnbd.alpha / WEEK,
    a: model.bgnbd.a,
    b: model.bgnbd.b,
    // Each repeat purchase's time density gains a factor 7 when times are counted in weeks.
    logLikelihood: model.bgnbd.logLikelihood + repeatPurchases * Math.log(WEEK),
    p: gg.p,
    q: gg.q,
    gamma: gg.gamma / 100,
  };
}

async function repeatPurchaseDays(db: Db, shopId: number): Promise<number> {
  const row = await db
    .selectFrom("customer_metrics")
    .select(sql<number>`sum(purchase_days - 1)`.as("x"))
    .where("shop_id", "=", shopId)
    .executeTakeFirstOrThrow();
  return Number(row.x);
}

describe("predictions on CDNOW through import and metrics", () => {
  let w: ImportWorld;
  let fullShopId: number;
  const timings: string[] = [];
  const timed = async <T>(label: string, work: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    const result = await work();
    timings.push(`${label} ${((performance.now() - started) / 1000).toFixed(2)} s`);
    return result;
  };
  const importInto = (shopId: number, input: string) =>
    importCsv(w.testDb.db, w.clock, { shopId, kind: "orders", input, mapping: mappingFile("cdnow.json") });

  beforeAll(async () => {
    // A zone without daylight saving, so every CDNOW date (midnight in New York) is one local day.
    w = await createImportWorld({ currency: "USD", timezone: "Asia/Tokyo" });
    const wanted = new Set(CDNOW_SAMPLE_IDS);
    const lines = readFileSync(CDNOW, "utf8").trim().split(/\r?\n/);
    const sample = [lines[0], ...lines.slice(1).filter((l) => wanted.has(Number(l.split(",")[0])))];
    const sampleFile = writeEncoded(w.dir, "cdnow-sample.csv", `${sample.join("\n")}\n`, "utf8");
    const imported = await timed("sample import", () => importInto(w.shop.id, sampleFile));
    expect(imported).toMatchObject({ rows: 6919, rejected: 0 });
    const full = await createShop(w.testDb.db, w.clock, {
      name: "CDNOW",
      timezone: "Asia/Tokyo",
      currency: "USD",
    });
    fullShopId = full.shop.id;
    const all = await timed("full import", () => importInto(fullShopId, CDNOW));
    expect(all).toMatchObject({ rows: 69_659, rejected: 0 });
  }, 900_000);
  afterAll(async () => {
    console.log(`CDNOW predictions on ${w.testDb.engine}: ${timings.join("; ")}`);
    await w.close();
  });

  let sampleModel: PredictionModel;
  it("on the published sample, the fit reproduces the published BG/NBD and Gamma–Gamma estimates", async () => {
    const db = w.testDb.db;
    await refreshCustomerMetrics(db, w.shop.id, { now: CALIBRATION_AS_OF, full: true });
    sampleModel = await timed("sample fit", () => fitPredictionModel(db, w.shop.id, CALIBRATION_AS_OF));
    const repeats = await repeatPurchaseDays(db, w.shop.id);
    expect(repeats).toBe(2457);
    const fitted = inWeeksAndDollars(sampleModel, repeats);
    console.log(`CDNOW 1/10 sample, weeks 1–39 (${w.testDb.engine}):`, fitted);
    expect(sampleModel).toMatchObject({
      customers: 2357,
      fitCustomers: 2357,
      sampleEvery: 1,
      timeUnit: "day",
    });
    expect(fitted.r).toBeCloseTo(PUBLISHED_BGNBD.r, 3);
    expect(fitted.alpha).toBeCloseTo(PUBLISHED_BGNBD.alpha, 2);
    expect(fitted.a).toBeCloseTo(PUBLISHED_BGNBD.a, 3);
    expect(fitted.b).toBeCloseTo(PUBLISHED_BGNBD.b, 2);
    expect(fitted.logLikelihood).toBeCloseTo(PUBLISHED_BGNBD.logLikelihood, 1);
    expect(sampleModel.gammaGamma?.customers).toBe(PUBLISHED_GAMMA_GAMMA.customers);
    expect(fitted.p).toBeCloseTo(PUBLISHED_GAMMA_GAMMA.p, 2);
    expect(fitted.q).toBeCloseTo(PUBLISHED_GAMMA_GAMMA.q, 2);
    expect(fitted.gamma).toBeCloseTo(PUBLISHED_GAMMA_GAMMA.gamma, 1);
  });

  it("every buyer gets P(alive), expected orders, a next order date and a CLV", async () => {
    const db = w.testDb.db;
    const refresh = await timed("sample refresh", () => refreshPredictions(db, w.shop.id, CALIBRATION_AS_OF));
    expect(refresh).toMatchObject({ refitted: false, customers: 2357 });
    const row = await db
      .selectFrom("customer_metrics as m")
      .innerJoin("customers as c", "c.id", "m.customer_id")
      .select([
        "m.p_alive",
        "m.expected_orders_365",
        "m.next_order_at",
        "m.predicted_clv_365",
        "m.first_order_at",
        "m.last_order_at",
      ])
      .where("m.shop_id", "=", w.shop.id)
      .where("c.external_id", "=", "00004")
      .executeTakeFirstOrThrow();
    // Customer 00004 is the note's customer: x = 2, tx = 30.43 and T = 38.86 weeks (213 and 272 days).
    const first = Date.parse(row.first_order_at!);
    const T = (CALIBRATION_AS_OF.getTime() - first) / DAY_MS;
    const history = { x: PUBLISHED_CONDITIONAL.x, tx: (Date.parse(row.last_order_at!) - first) / DAY_MS, T };
    expect(T).toBeCloseTo(272, 1);
    expect(history.tx).toBeCloseTo(213, 1);
    expect(row.p_alive).toBeCloseTo(probabilityAlive(sampleModel.bgnbd, history), 10);
    expect(row.p_alive).toBeCloseTo(0.7266, 2);
    expect(row.expected_orders_365).toBeCloseTo(
      conditionalExpectedPurchases(sampleModel.bgnbd, 365, history),
      10,
    );
    // The same customer's 39-week expectation in days is the published 1.226.
    expect(conditionalExpectedPurchases(sampleModel.bgnbd, 39 * WEEK, history)).toBeCloseTo(1.226, 2);
    const wait = medianTimeToNextPurchase(sampleModel.bgnbd, history)!;
    expect(Date.parse(row.next_order_at!)).toBeCloseTo(CALIBRATION_AS_OF.getTime() + wait * DAY_MS, -4);
    expect(Number(row.predicted_clv_365)).toBeGreaterThan(0);
    const missing = await db
      .selectFrom("customer_metrics")
      .select(sql<number>`count(*)`.as("n"))
      .where("shop_id", "=", w.shop.id)
      .where("p_alive", "is", null)
      .executeTakeFirstOrThrow();
    expect(Number(missing.n)).toBe(0);
  });

  it("the report carries the parameters, the P(alive) spread and the most valuable customers", async () => {
    const report = await predictionsReport(w.testDb.db, {
      shopId: w.shop.id,
      asOf: CALIBRATION_AS_OF,
      timezone: "Asia/Tokyo",
      currency: "USD",
    });
    expect(report.summary).toMatchObject({
      customers: 2357,
      r: sampleModel.bgnbd.r,
      q: sampleModel.gammaGamma?.q,
    });
    const buckets = report.tables.pAlive.rows;
    expect(buckets).toHaveLength(10);
    expect(buckets.reduce((n, b) => n + Number(b.customers), 0)).toBe(2357);
    // The 1,411 one-time buyers have P(alive) = 1 by the model's assumption.
    expect(Number(buckets[9].customers)).toBeGreaterThanOrEqual(1411);
    const top = report.tables.topCustomers.rows;
    expect(top).toHaveLength(20);
    for (let i = 1; i < top.length; i++) {
      expect(Number(top[i - 1].predicted_clv)).toBeGreaterThanOrEqual(Number(top[i].predicted_clv));
    }
    console.table(top.slice(0, 5));
  });

  it("on all 23,570 customers the fit agrees with the sample's within sampling error", async () => {
    const db = w.testDb.db;
    await timed("full metrics", () =>
      refreshCustomerMetrics(db, fullShopId, { now: CALIBRATION_AS_OF, full: true }),
    );
    const model = await timed("full fit", () => fitPredictionModel(db, fullShopId, CALIBRATION_AS_OF));
    const fitted = inWeeksAndDollars(model, await repeatPurchaseDays(db, fullShopId));
    console.log(`CDNOW all 23,570 customers, weeks 1–39 (${w.testDb.engine}):`, fitted);
    expect(model.customers).toBe(23_570);
    // The sample is a random tenth of these customers; its standard errors are about 5 % (r, α) and
    // 25–30 % (a, b), so the full-data estimates must fall within these bands around the published ones.
    expect(Math.abs(fitted.r / PUBLISHED_BGNBD.r - 1)).toBeLessThan(0.15);
    expect(Math.abs(fitted.alpha / PUBLISHED_BGNBD.alpha - 1)).toBeLessThan(0.2);
    expect(Math.abs(fitted.a / PUBLISHED_BGNBD.a - 1)).toBeLessThan(0.5);
    expect(Math.abs(fitted.b / PUBLISHED_BGNBD.b - 1)).toBeLessThan(0.5);
    expect(Math.abs(fitted.p / PUBLISHED_GAMMA_GAMMA.p - 1)).toBeLessThan(0.25);
    expect(Math.abs(fitted.q / PUBLISHED_GAMMA_GAMMA.q - 1)).toBeLessThan(0.25);
    const refresh = await timed("full refresh", () => refreshPredictions(db, fullShopId, CALIBRATION_AS_OF));
    expect(refresh.customers).toBe(23_570);
  }, 300_000);

  it("over the whole 78 weeks the model is refitted and printed too", async () => {
    const db = w.testDb.db;
    const end = new Date("1998-06-30T04:00:00.000Z");
    await refreshCustomerMetrics(db, fullShopId, { now: end, full: true });
    const refresh = await timed("full-period refresh with refit", () =>
      refreshPredictions(db, fullShopId, end),
    );
    expect(refresh.refitted).toBe(true);
    const fitted = inWeeksAndDollars(refresh.model, await repeatPurchaseDays(db, fullShopId));
    console.log(`CDNOW all 23,570 customers, weeks 1–78 (${w.testDb.engine}):`, fitted);
    expect(refresh.model.bgnbd.converged).toBe(true);
    expect(fitted.r).toBeGreaterThan(0.1);
    expect(fitted.r).toBeLessThan(0.6);
  }, 300_000);
});
