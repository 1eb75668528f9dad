// LTV: given a shop in Tokyo with buyers who started over 2025, when the LTV report runs in June 2026,
// the 12-month LTV adds the orders of the 365 days from each qualified buyer's first order (a buyer
// qualifies when that first order is at least 365 days old), LTV to date adds everything, cancelled and
// returned orders add nothing, and the figures are grouped by Tokyo first-order month, by product of the
// first order and by channel. Worked out by hand below.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ltvReport } from "../../src/analytics/ltv.js";
import { refreshCustomerMetrics } from "../../src/analytics/metrics.js";
import type { ReportRow } from "../../src/analytics/report.js";
import { ManualClock } from "../../src/core/clock.js";
import { type OrderInput, upsertOrders } from "../../src/orders/index.js";
import type { TestDb } from "../support/db.js";
import { addProducts, createReportWorld, jst, orderOf, type ReportWorld } from "./support.js";

// Noon on 15 June 2026 in Tokyo: a buyer qualifies with a first order by 2025-06-15T03:00Z.
const AS_OF = new Date("2026-06-15T03:00:00.000Z");
const clock = new ManualClock(AS_OF);

let t: TestDb;
let shopId: number;
let emptyShopId: number;
let ctx: ReportWorld["ctx"];

const order = (
  id: string,
  customer: string,
  at: string,
  lines: Array<[sku: string, yen: number]>,
  extra: Partial<OrderInput> = {},
) =>
  orderOf(
    id,
    customer,
    at,
    lines.map(([sku, yen]) => [sku, 1, yen] as const),
    extra,
  );

beforeAll(async () => {
  ({ t, shopId, emptyShopId, ctx } = await createReportWorld("LTV", clock));
  await addProducts({ t, shopId, emptyShopId, ctx }, clock, [
    ["TEA", null],
    ["COF", null],
    ["CUP", null],
  ]);
  await upsertOrders(
    t.db,
    clock,
    shopId,
    "JPY",
    [
      // A, January 2025, online; TEA on two lines of the first order (03:00 UTC on 10 January).
      order("A1", "A", jst("2025-01-10T12:00:00"), [
        ["TEA", 500],
        ["TEA", 500],
      ]),
      order("Ax", "A", jst("2025-02-01T12:00:00"), [["COF", 5000]], { status: "cancelled" }),
      order("A2", "A", jst("2025-06-01T12:00:00"), [["COF", 2000]]),
      order("A3", "A", "2026-01-10T02:00:00.000Z", [["COF", 3000]]), // an hour inside the 365 days
      order("A4", "A", "2026-01-10T03:00:00.000Z", [["COF", 4000]]), // 365 days on the dot: after
      // B, 01:00 on 1 February 2025 in Tokyo (January in UTC), came through Google.
      {
        ...order("B1", "", "2025-01-31T16:00:00.000Z", [
          ["TEA", 1000],
          ["CUP", 1000],
        ]),
        customerId: undefined,
        customer: { externalId: "B", attributes: { acquisition_channel: "google" } },
      },
      order("Br", "B", jst("2025-03-01T12:00:00"), [["CUP", 9000]], { status: "returned" }),
      order("B2", "B", jst("2025-12-01T12:00:00"), [["TEA", 1000]]),
      // C, March 2025, in store, once.
      order("C1", "C", jst("2025-03-10T12:00:00"), [["COF", 1500]], { channel: "store" }),
      // D, August 2025: too recent for the 12-month figure.
      order("D1", "D", jst("2025-08-01T12:00:00"), [["TEA", 2000]]),
      order("D2", "D", jst("2026-02-01T12:00:00"), [["CUP", 1000]]),
      // E never bought: a cancelled order only.
      order("E1", "E", jst("2025-04-01T12:00:00"), [["TEA", 1000]], { status: "cancelled" }),
    ],
    "test",
  );
  await refreshCustomerMetrics(t.db, shopId, { now: AS_OF });
});
afterAll(() => t.cleanup());

const figures = (row: ReportRow | undefined) => [
  row?.customers,
  row?.qualified,
  row?.ltv_12m,
  row?.ltv_to_date,
];
const byKey = (rows: ReportRow[], key: string) => Object.fromEntries(rows.map((r) => [String(r[key]), r]));

describe("LTV report", () => {
  // 12 months: A 1,000 + 2,000 + 3,000 = 6,000 (not A4's 4,000); B 2,000 + 1,000 = 3,000; C 1,500.
  // To date: A 10,000; B 3,000; C 1,500; D 3,000.
  it("averages 12-month revenue over qualified buyers and revenue to date over all", async () => {
    const report = await ltvReport(t.db, ctx(shopId));
    expect(report.summary).toMatchObject({
      customers: 4,
      qualified_for_12_months: 3,
      ltv_12m: 3500, // (6,000 + 3,000 + 1,500) / 3
      ltv_to_date: 4375, // 17,500 / 4
    });
  });

  it("groups by the first order's month in Tokyo", async () => {
    const cohorts = (await ltvReport(t.db, ctx(shopId))).tables.byCohort.rows;
    expect(cohorts.map((r) => [r.cohort, ...figures(r)])).toEqual([
      ["2025-01", 1, 1, 6000, 10000],
      ["2025-02", 1, 1, 3000, 3000], // B: February in Tokyo
      ["2025-03", 1, 1, 1500, 1500],
      ["2025-08", 1, 0, null, 3000], // D: not 365 days yet
    ]);
  });

  it("groups by product of the first order, a buyer once per product", async () => {
    const products = byKey((await ltvReport(t.db, ctx(shopId))).tables.byFirstProduct.rows, "sku");
    // TEA: A (two lines, once), B, D; 12 months over A and B: (6,000 + 3,000) / 2; to date 16,000 / 3.
    expect(figures(products.TEA)).toEqual([3, 2, 4500, 5333]);
    expect(figures(products.CUP)).toEqual([1, 1, 3000, 3000]);
    expect(figures(products.COF)).toEqual([1, 1, 1500, 1500]);
  });

  it("groups by acquisition channel and by the first order's channel", async () => {
    const report = await ltvReport(t.db, ctx(shopId));
    const acquisition = byKey(report.tables.byAcquisitionChannel.rows, "channel");
    expect(figures(acquisition.online)).toEqual([2, 1, 6000, 6500]); // A, D
    expect(figures(acquisition.google)).toEqual([1, 1, 3000, 3000]); // B
    expect(figures(acquisition.store)).toEqual([1, 1, 1500, 1500]); // C
    const first = byKey(report.tables.byFirstOrderChannel.rows, "channel");
    expect(figures(first.online)).toEqual([3, 2, 4500, 5333]); // A, B, D
    expect(figures(first.store)).toEqual([1, 1, 1500, 1500]);
  });

  it("gives empty tables for a shop without buyers", async () => {
    const report = await ltvReport(t.db, ctx(emptyShopId));
    expect(report.tables.byCohort.rows).toEqual([]);
    expect(report.tables.byFirstProduct.rows).toEqual([]);
    expect(report.summary).toMatchObject({ customers: 0, qualified_for_12_months: 0, ltv_12m: null });
  });
});
