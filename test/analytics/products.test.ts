// The product axis: given a shop in Tokyo with a handful of orders from February to April 2026, when the
// product report runs in mid-April over three months, it adds up units, line revenue and orders per
// product and per top-level category and month (an order once however many of its lines hold the
// product or category), counts orders per Tokyo weekday, finds the pairs bought together with their
// support, confidence and lift, and shows which first products bring buyers back. Cancelled and
// returned orders, and orders before the window, sell nothing here. Worked out by hand below.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { refreshCustomerMetrics } from "../../src/analytics/metrics.js";
import { productReport } from "../../src/analytics/products.js";
import type { ReportRow } from "../../src/analytics/report.js";
import { ManualClock } from "../../src/core/clock.js";
import { upsertOrders } from "../../src/orders/index.js";
import type { TestDb } from "../support/db.js";
import { addProducts, createReportWorld, jst, orderOf, type ReportWorld } from "./support.js";

// Noon on 15 April 2026 in Tokyo: three months are February, March and April 2026 (from 1 February
// 00:00 in Tokyo, 2026-01-31T15:00Z).
const AS_OF = new Date("2026-04-15T03:00:00.000Z");
const clock = new ManualClock(AS_OF);

let t: TestDb;
let shopId: number;
let emptyShopId: number;
let ctx: ReportWorld["ctx"];

const order = orderOf;

beforeAll(async () => {
  ({ t, shopId, emptyShopId, ctx } = await createReportWorld("Products", clock));
  // Created in this order, so ids run TEA < TEA2 < COF < CUP < BAG.
  await addProducts(
    { t, shopId, emptyShopId, ctx },
    clock,
    [
      ["TEA", "drink/tea", "TEA name"],
      ["TEA2", "drink/tea", "TEA2 name"],
      ["COF", "drink/coffee", "COF name"],
      ["CUP", "kitchen/cup", "CUP name"],
      ["BAG", null, "BAG name"],
    ],
    100,
  );
  await upsertOrders(
    t.db,
    clock,
    shopId,
    "JPY",
    [
      // O1, Sunday 1 February 00:30 in Tokyo (Saturday 31 January in UTC): 2,500 yen.
      order("O1", "A", "2026-01-31T15:30:00.000Z", [
        ["TEA", 2, 1000],
        ["CUP", 1, 500],
      ]),
      // O2, Tuesday 10 February: TEA on two lines (one order for TEA), 2,800 yen.
      order("O2", "B", jst("2026-02-10T12:00:00"), [
        ["TEA", 1, 1000],
        ["TEA", 1, 1000],
        ["COF", 1, 800],
      ]),
      // O3, Thursday 5 March: two drinks (one order for the category), 1,700 yen.
      order("O3", "A", jst("2026-03-05T12:00:00"), [
        ["TEA2", 1, 700],
        ["TEA", 1, 1000],
      ]),
      // O4, Friday 20 March: 1,800 yen; BAG has no category.
      order("O4", "C", jst("2026-03-20T12:00:00"), [
        ["CUP", 3, 500],
        ["BAG", 1, 300],
      ]),
      order("O5", "B", jst("2026-03-25T12:00:00"), [["COF", 1, 800]], { status: "cancelled" }),
      order("O6", "C", jst("2026-04-01T12:00:00"), [["CUP", 1, 500]], { status: "returned" }),
      // O7, 23:00 on 31 January in Tokyo: before the window (D's first and only order).
      order("O7", "D", "2026-01-31T14:00:00.000Z", [["TEA", 5, 1000]]),
      // O8, Friday 10 April: 800 yen.
      order("O8", "E", jst("2026-04-10T12:00:00"), [["COF", 1, 800]]),
    ],
    "test",
  );
  await refreshCustomerMetrics(t.db, shopId, { now: AS_OF });
});
afterAll(() => t.cleanup());

const sales = (row: ReportRow | undefined) => [row?.units, row?.orders, row?.revenue];

describe("product report", () => {
  // In the window: O1, O2, O3, O4, O8. TEA: 2 + 2 + 1 units, 5,000 yen, 3 orders; CUP: 1 + 3, 2,000, 2;
  // COF: 1 + 1, 1,600, 2; TEA2: 1, 700, 1; BAG: 1, 300, 1. All lines: 9,600 yen.
  it("ranks products by revenue over the months", async () => {
    const report = await productReport(t.db, ctx(shopId), { months: 3, top: 3 });
    expect(report.tables.products.rows.map((r) => [r.sku, r.category, ...sales(r), r.share])).toEqual([
      ["TEA", "drink/tea", 5, 3, 5000, 5000 / 9600],
      ["CUP", "kitchen/cup", 4, 2, 2000, 2000 / 9600],
      ["COF", "drink/coffee", 2, 2, 1600, 1600 / 9600],
    ]);
    expect(report.summary).toMatchObject({ from: "2026-02", to: "2026-04", months: 3, orders: 5 });
  });

  it("splits the top products by Tokyo month", async () => {
    const report = await productReport(t.db, ctx(shopId), { months: 3, top: 3 });
    const cells = report.tables.productMonths.rows.map((r) => [r.sku, r.month, ...sales(r)]);
    expect(cells).toEqual([
      ["TEA", "2026-02", 4, 2, 4000], // O1 (00:30 on 1 February in Tokyo) and O2
      ["TEA", "2026-03", 1, 1, 1000],
      ["TEA", "2026-04", 0, 0, 0],
      ["CUP", "2026-02", 1, 1, 500],
      ["CUP", "2026-03", 3, 1, 1500],
      ["CUP", "2026-04", 0, 0, 0], // O6 was returned
      ["COF", "2026-02", 1, 1, 800],
      ["COF", "2026-03", 0, 0, 0], // O5 was cancelled
      ["COF", "2026-04", 1, 1, 800],
    ]);
  });

  it("adds up top-level categories per month, an order once per category", async () => {
    const report = await productReport(t.db, ctx(shopId), { months: 3, top: 3 });
    const cells = Object.fromEntries(
      report.tables.categoryMonths.rows.map((r) => [`${r.category} ${r.month}`, sales(r)]),
    );
    expect(cells).toEqual({
      "(none) 2026-02": [0, 0, 0],
      "(none) 2026-03": [1, 1, 300],
      "(none) 2026-04": [0, 0, 0],
      "drink 2026-02": [5, 2, 4800], // TEA ×4 and COF in O1 and O2
      "drink 2026-03": [2, 1, 1700], // TEA2 and TEA in O3: one order
      "drink 2026-04": [1, 1, 800],
      "kitchen 2026-02": [1, 1, 500],
      "kitchen 2026-03": [3, 1, 1500],
      "kitchen 2026-04": [0, 0, 0],
    });
  });

  it("counts orders per weekday in Tokyo", async () => {
    const report = await productReport(t.db, ctx(shopId), { months: 3, top: 3 });
    const days = Object.fromEntries(
      report.tables.weekdays.rows.map((r) => [r.weekday, [r.orders, r.revenue]]),
    );
    expect(days).toEqual({
      Sunday: [1, 2500], // O1
      Monday: [0, 0],
      Tuesday: [1, 2800], // O2
      Wednesday: [0, 0],
      Thursday: [1, 1700], // O3
      Friday: [2, 2600], // O4 1,800 and O8 800
      Saturday: [0, 0],
    });
    expect(report.tables.weekdays.rows.find((r) => r.weekday === "Friday")?.average_order).toBe(1300);
  });

  it("finds the top products bought together, with support, confidence and lift", async () => {
    const report = await productReport(t.db, ctx(shopId), { months: 3, top: 3 });
    // Among TEA, CUP, COF: O1 {TEA, CUP}, O2 {TEA, COF}, O3 {TEA}, O4 {CUP}, O8 {COF}; 5 orders.
    // TEA in 3, CUP in 2, COF in 2. Each pair once: support 1/5, lift 1 × 5 / (3 × 2).
    expect(
      report.tables.pairs.rows.map((r) => [
        r.sku_a,
        r.sku_b,
        r.orders,
        r.support,
        r.confidence_ab,
        r.confidence_ba,
      ]),
    ).toEqual([
      ["TEA", "COF", 1, 1 / 5, 1 / 3, 1 / 2],
      ["TEA", "CUP", 1, 1 / 5, 1 / 3, 1 / 2],
    ]);
    for (const row of report.tables.pairs.rows) expect(row.lift).toBeCloseTo(5 / 6, 10);
  });

  it("shows which first products bring buyers back", async () => {
    const report = await productReport(t.db, ctx(shopId), { months: 3, top: 3 });
    // First orders: A O1 {TEA, CUP}, B O2 {TEA, COF}, C O4 {CUP, BAG}, D O7 {TEA}, E O8 {COF}. Only A
    // ordered again (O3): 1,700 yen after the first order. TEA: A B D; CUP: A C; COF: B E (ids break
    // the tie of two buyers: COF before CUP); BAG is fourth.
    expect(
      report.tables.firstProducts.rows.map((r) => [
        r.sku,
        r.buyers,
        r.repeat_buyers,
        r.repeat_share,
        r.later_revenue_per_buyer,
      ]),
    ).toEqual([
      ["TEA", 3, 1, 1 / 3, 567], // 1,700 / 3
      ["COF", 2, 0, 0, 0],
      ["CUP", 2, 1, 1 / 2, 850], // 1,700 / 2
    ]);
  });

  it("follows a new order and a cancellation through the incremental pass, month by month", async () => {
    // Later the same day: O9 sells 2 TEA and a COF in April, and O3 (March) is cancelled.
    const later = new ManualClock(new Date(AS_OF.getTime() + 3_600_000));
    await upsertOrders(
      t.db,
      later,
      shopId,
      "JPY",
      [
        order("O9", "F", jst("2026-04-15T11:00:00"), [
          ["TEA", 2, 1000],
          ["COF", 1, 800],
        ]),
        order(
          "O3",
          "A",
          jst("2026-03-05T12:00:00"),
          [
            ["TEA2", 1, 700],
            ["TEA", 1, 1000],
          ],
          {
            status: "cancelled",
          },
        ),
      ],
      "test",
    );
    const pass = await refreshCustomerMetrics(t.db, shopId, { now: later.now() });
    expect(pass.mode).toBe("incremental");
    const report = await productReport(t.db, { ...ctx(shopId), asOf: later.now() }, { months: 3, top: 3 });
    const tea = report.tables.productMonths.rows
      .filter((r) => r.sku === "TEA")
      .map((r) => [r.month, ...sales(r)]);
    // February unchanged; March lost O3's TEA; April gained O9.
    expect(tea).toEqual([
      ["2026-02", 4, 2, 4000],
      ["2026-03", 0, 0, 0],
      ["2026-04", 2, 1, 2000],
    ]);
    const drinks = report.tables.categoryMonths.rows
      .filter((r) => r.category === "drink")
      .map((r) => [r.month, r.orders]);
    // Drinks: O1 and O2 in February; none left in March; O8 and O9 in April.
    expect(drinks).toEqual([
      ["2026-02", 2],
      ["2026-03", 0],
      ["2026-04", 2],
    ]);
    // TEA and COF now together in O2 and O9; TEA and CUP still in O1 alone.
    expect(report.tables.pairs.rows.map((r) => [r.sku_a, r.sku_b, r.orders])).toEqual([
      ["TEA", "COF", 2],
      ["TEA", "CUP", 1],
    ]);
    // Restore the fixture for any test after this one.
    await upsertOrders(
      t.db,
      later,
      shopId,
      "JPY",
      [
        order("O3", "A", jst("2026-03-05T12:00:00"), [
          ["TEA2", 1, 700],
          ["TEA", 1, 1000],
        ]),
      ],
      "test",
    );
  });

  it("rebuilds the month an order moved out of, not only the one it moved into", async () => {
    const later = new ManualClock(new Date(AS_OF.getTime() + 2 * 3_600_000));
    const o4 = (at: string) =>
      order("O4", "C", at, [
        ["CUP", 3, 500],
        ["BAG", 1, 300],
      ]);
    const cupMonths = async () => {
      const report = await productReport(t.db, { ...ctx(shopId), asOf: later.now() }, { months: 3, top: 5 });
      return report.tables.productMonths.rows
        .filter((r) => r.sku === "CUP")
        .map((r) => [r.month, ...sales(r)]);
    };
    // O4 (3 CUP) moves from 20 March to 2 April; the write itself touches only April's order row.
    await upsertOrders(t.db, later, shopId, "JPY", [o4(jst("2026-04-02T12:00:00"))], "test");
    expect((await refreshCustomerMetrics(t.db, shopId, { now: later.now() })).mode).toBe("incremental");
    expect(await cupMonths()).toEqual([
      ["2026-02", 1, 1, 500],
      ["2026-03", 0, 0, 0],
      ["2026-04", 3, 1, 1500],
    ]);
    // And back a minute later: March has it again, April no longer.
    later.advance(60_000);
    await upsertOrders(t.db, later, shopId, "JPY", [o4(jst("2026-03-20T12:00:00"))], "test");
    await refreshCustomerMetrics(t.db, shopId, { now: later.now() });
    expect(await cupMonths()).toEqual([
      ["2026-02", 1, 1, 500],
      ["2026-03", 3, 1, 1500],
      ["2026-04", 0, 0, 0],
    ]);
  });

  it("counts in the daily pass an order placed after the last cutoff, though written before it", async () => {
    // Written at 15:00 in Tokyo with a time of 16:00 (a store's clock ahead, a scheduled order): not a
    // sale yet when the incremental pass runs; the next day's pass, which rebuilds only what changed
    // and the months since its last cutoff, must count it.
    const writtenAt = new Date(AS_OF.getTime() + 3 * 3_600_000);
    const placedAt = new Date(writtenAt.getTime() + 3_600_000);
    const nextDay = new Date(writtenAt.getTime() + 86_400_000);
    await upsertOrders(
      t.db,
      new ManualClock(writtenAt),
      shopId,
      "JPY",
      [order("O10", "G", placedAt.toISOString(), [["BAG", 2, 300]])],
      "test",
    );
    const bagApril = async (asOf: Date) => {
      const report = await productReport(t.db, { ...ctx(shopId), asOf }, { months: 3, top: 5 });
      const row = report.tables.productMonths.rows.find((r) => r.sku === "BAG" && r.month === "2026-04");
      return sales(row);
    };
    await refreshCustomerMetrics(t.db, shopId, { now: writtenAt });
    expect(await bagApril(writtenAt)).toEqual([0, 0, 0]);
    expect((await refreshCustomerMetrics(t.db, shopId, { now: nextDay })).mode).toBe("full");
    expect(await bagApril(nextDay)).toEqual([2, 1, 600]);
  });

  it("gives empty tables for a shop without orders", async () => {
    const report = await productReport(t.db, ctx(emptyShopId));
    expect(report.tables.products.rows).toEqual([]);
    expect(report.tables.productMonths.rows).toEqual([]);
    expect(report.tables.categoryMonths.rows).toEqual([]);
    expect(report.tables.pairs.rows).toEqual([]);
    expect(report.tables.firstProducts.rows).toEqual([]);
    expect(report.tables.weekdays.rows.map((r) => r.orders)).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(report.summary).toMatchObject({ months: 12, orders: 0 });
  });
});
