// Cohorts: given a shop in Tokyo with buyers who started in January, February and April 2026, when the
// cohort report runs in mid-April over three months, each buyer sits in the Tokyo month of the first
// order, each later month counts the cohort's buyers who ordered in it and what they spent, cancelled
// and returned orders do not count, buyers who started before the window stay out of it, and months not
// reached yet are empty. Worked out by hand below.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cohortReport } from "../../src/analytics/cohorts.js";
import { refreshCustomerMetrics } from "../../src/analytics/metrics.js";
import { ManualClock } from "../../src/core/clock.js";
import { ValidationError } from "../../src/core/errors.js";
import { type OrderInput, upsertOrders } from "../../src/orders/index.js";
import type { TestDb } from "../support/db.js";
import { createReportWorld, jst, orderOf, type ReportWorld } from "./support.js";

// Noon on 15 April 2026 in Tokyo: with three months, the cohorts are January to April 2026 and month k
// runs from 0 to 3.
const AS_OF = new Date("2026-04-15T03:00:00.000Z");
const clock = new ManualClock(AS_OF);

let t: TestDb;
let shopId: number;
let emptyShopId: number;
let ctx: ReportWorld["ctx"];

const order = (id: string, customer: string, at: string, yen: number, status?: OrderInput["status"]) =>
  orderOf(id, customer, at, [["TEA", 1, yen]], status ? { status } : {});

beforeAll(async () => {
  ({ t, shopId, emptyShopId, ctx } = await createReportWorld("Cohorts", clock));
  await upsertOrders(
    t.db,
    clock,
    shopId,
    "JPY",
    [
      // A, January: twice in January (one buyer, 1,500 yen), once in March.
      order("A1", "A", jst("2026-01-10T12:00:00"), 1000),
      order("A2", "A", jst("2026-01-20T12:00:00"), 500),
      order("A3", "A", jst("2026-03-05T12:00:00"), 2000),
      // B, February: the first order is 01:00 on 1 February in Tokyo (31 January in UTC); cancelled in
      // March; again at 00:30 on 1 April in Tokyo (still March in UTC).
      order("B1", "B", "2026-01-31T16:00:00.000Z", 1000),
      order("B2", "B", jst("2026-02-20T12:00:00"), 1000),
      order("Bx", "B", jst("2026-03-10T12:00:00"), 9000, "cancelled"),
      order("B3", "B", "2026-03-31T15:30:00.000Z", 700),
      // C, February: once; the March order was returned.
      order("C1", "C", jst("2026-02-10T12:00:00"), 1500),
      order("Cr", "C", jst("2026-03-15T12:00:00"), 9000, "returned"),
      // D started in December 2025, before the window: their February order belongs to no cohort here.
      order("D1", "D", jst("2025-12-20T12:00:00"), 3000),
      order("D2", "D", jst("2026-02-05T12:00:00"), 3000),
      // E, April.
      order("E1", "E", jst("2026-04-10T12:00:00"), 800),
    ],
    "test",
  );
  await refreshCustomerMetrics(t.db, shopId, { now: AS_OF });
});
afterAll(() => t.cleanup());

const cells = (row: Record<string, unknown>) => [row.m0, row.m1, row.m2, row.m3];

describe("cohort report", () => {
  it("counts each cohort's buyers ordering in each month after the first", async () => {
    const report = await cohortReport(t.db, ctx(shopId), { months: 3 });
    const active = report.tables.active.rows;
    expect(active.map((r) => [r.cohort, r.customers])).toEqual([
      ["2026-01", 1], // A
      ["2026-02", 2], // B, C
      ["2026-03", 0],
      ["2026-04", 1], // E
    ]);
    // January: A in January and March, not in February or (so far) April.
    expect(cells(active[0])).toEqual([1, 0, 1, 0]);
    // February: B and C in February; nobody in March (cancelled, returned); B in April; May not reached.
    expect(cells(active[1])).toEqual([2, 0, 1, null]);
    expect(cells(active[2])).toEqual([null, null, null, null]);
    expect(cells(active[3])).toEqual([1, null, null, null]);
    const retention = report.tables.retention.rows;
    expect(cells(retention[0])).toEqual([1, 0, 1, 0]);
    expect(cells(retention[1])).toEqual([1, 0, 0.5, null]);
  });

  it("adds up each cohort's revenue per month", async () => {
    const report = await cohortReport(t.db, ctx(shopId), { months: 3 });
    const [january, february, , april] = report.tables.revenue.rows;
    expect(cells(january)).toEqual([1500, 0, 2000, 0]); // 1,000 + 500; 2,000
    // 1,000 + 1,000 (B) + 1,500 (C), not D's 3,000; then B's 700 at 00:30 on 1 April.
    expect(cells(february)).toEqual([3500, 0, 700, null]);
    expect(cells(april)).toEqual([800, null, null, null]);
    const perCustomer = report.tables.revenuePerCustomer.rows;
    expect(cells(perCustomer[1])).toEqual([1750, 0, 350, null]); // 3,500 / 2; 700 / 2
    expect(report.summary).toMatchObject({ from: "2026-01", to: "2026-04", months: 3, customers: 4 });
  });

  it("follows twelve months by default", async () => {
    const report = await cohortReport(t.db, ctx(shopId));
    expect(report.tables.retention.rows).toHaveLength(13);
    expect(report.tables.retention.rows[0].cohort).toBe("2025-04");
    expect(report.tables.retention.columns.map((c) => c.key).slice(-1)).toEqual(["m12"]);
  });

  it("refuses a number of months that is not a whole number from 1", async () => {
    await expect(cohortReport(t.db, ctx(shopId), { months: 0 })).rejects.toThrow(ValidationError);
  });

  it("gives empty cohorts for a shop without buyers", async () => {
    const report = await cohortReport(t.db, ctx(emptyShopId), { months: 3 });
    expect(report.tables.active.rows.map((r) => r.customers)).toEqual([0, 0, 0, 0]);
    expect(report.tables.retention.rows.every((r) => cells(r).every((v) => v === null))).toBe(true);
  });
});
