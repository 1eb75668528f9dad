// F2 conversion: given a shop in Tokyo whose first-time buyers came back after 10, 19, 90 and 214 days
// or not at all, when the F2 report runs, each window counts only the buyers old enough for it, the
// month of a first order is the Tokyo month, cancelled and returned orders are no second order, and a
// buyer counts once per product and once per category of the first order. Worked out by hand below.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { f2Report } from "../../src/analytics/f2.js";
import { refreshCustomerMetrics } from "../../src/analytics/metrics.js";
import type { ReportRow } from "../../src/analytics/report.js";
import { ManualClock } from "../../src/core/clock.js";
import { type OrderInput, upsertOrders } from "../../src/orders/index.js";
import type { TestDb } from "../support/db.js";
import { addProducts, createReportWorld, jst, orderOf, type ReportWorld } from "./support.js";

// Noon on 15 June 2026 in Tokyo. Windows then need a first order by (UTC): 30 d → 2026-05-16T03:00,
// 60 d → 04-16, 90 d → 03-17, 180 d → 2025-12-17, 365 d → 2025-06-15T03:00.
const AS_OF = new Date("2026-06-15T03:00:00.000Z");
const clock = new ManualClock(AS_OF);

let t: TestDb;
let shopId: number;
let emptyShopId: number;
let ctx: ReportWorld["ctx"];

const order = (id: string, customer: string, at: string, skus: string[], extra: Partial<OrderInput> = {}) =>
  orderOf(
    id,
    customer,
    at,
    skus.map((sku) => [sku, 1, 1000] as const),
    extra,
  );

beforeAll(async () => {
  ({ t, shopId, emptyShopId, ctx } = await createReportWorld("F2", clock));
  await addProducts({ t, shopId, emptyShopId, ctx }, clock, [
    ["TEA", "drink/tea"],
    ["TEA2", "drink/tea"],
    ["COF", "drink/coffee"],
    ["CUP", "kitchen/cup"],
  ]);
  await upsertOrders(
    t.db,
    clock,
    shopId,
    "JPY",
    [
      // A: TEA on two lines (one product), back after 10 days.
      order("A1", "A", jst("2025-01-10T12:00:00"), ["TEA", "TEA"]),
      order("A2", "A", jst("2025-01-20T12:00:00"), ["COF"]),
      order("A3", "A", jst("2025-03-01T12:00:00"), ["TEA"]),
      // B: 01:00 on 1 February in Tokyo (still January in UTC); TEA and TEA2 share a category. The
      // cancelled order is no second order; the real one is exactly 90 days later.
      order("B1", "B", "2025-01-31T16:00:00.000Z", ["TEA", "CUP", "TEA2"]),
      order("Bx", "B", jst("2025-02-05T12:00:00"), ["COF"], { status: "cancelled" }),
      order("B2", "B", "2025-05-01T16:00:00.000Z", ["COF"]),
      // C: in store, once; the returned order does not count.
      order("C1", "C", jst("2025-02-10T12:00:00"), ["COF"], { channel: "store" }),
      order("Cr", "C", jst("2025-02-20T12:00:00"), ["COF"], { status: "returned" }),
      // D: recent, back after 19 days: old enough only for the 30-day window.
      order("D1", "D", jst("2026-05-01T12:00:00"), ["CUP"]),
      order("D2", "D", jst("2026-05-20T12:00:00"), ["CUP"]),
      // E: five days ago, once: old enough for no window.
      order("E1", "E", jst("2026-06-10T12:00:00"), ["TEA"]),
      // F: nothing but a cancelled order: not a buyer.
      order("F1", "F", jst("2025-03-01T12:00:00"), ["TEA"], { status: "cancelled" }),
      // G: came through Google, back after 214 days.
      {
        ...order("G1", "", jst("2025-06-01T12:00:00"), ["COF"]),
        customerId: undefined,
        customer: { externalId: "G", attributes: { acquisition_channel: "google" } },
      },
      order("G2", "G", jst("2026-01-01T12:00:00"), ["COF"]),
    ],
    "test",
  );
  await refreshCustomerMetrics(t.db, shopId, { now: AS_OF });
});
afterAll(() => t.cleanup());

const rates = (row: ReportRow | undefined) => [row?.f2_30, row?.f2_60, row?.f2_90, row?.f2_180, row?.f2_365];
const byKey = (rows: ReportRow[], key: string) => Object.fromEntries(rows.map((r) => [String(r[key]), r]));

describe("F2 report", () => {
  it("counts, per window, the buyers old enough for it and those back within it", async () => {
    const report = await f2Report(t.db, ctx(shopId));
    // Buyers A B C D E G (F never bought). Old enough: A B C G for every window, D for 30 days only.
    // Back within: A (10 d) all; B (90 d) 90, 180, 365; D (19 d) 30; G (214 d) 365; C and E never.
    expect(report.tables.windows.rows.map((r) => [r.days, r.eligible, r.repeated, r.rate])).toEqual([
      [30, 5, 2, 2 / 5], // A, D of A B C D G
      [60, 4, 1, 1 / 4], // A
      [90, 4, 2, 2 / 4], // A, B (exactly 90 days)
      [180, 4, 2, 2 / 4],
      [365, 4, 3, 3 / 4], // A, B, G
    ]);
    expect(report.summary).toMatchObject({ first_time_buyers: 6, repeat_buyers: 4, repeat_share: 4 / 6 });
  });

  it("groups buyers by their first order's month in Tokyo", async () => {
    const report = await f2Report(t.db, ctx(shopId));
    const months = byKey(report.tables.byMonth.rows, "month");
    expect(Object.keys(months)).toEqual(["2025-01", "2025-02", "2025-06", "2026-05", "2026-06"]);
    expect(months["2025-01"].buyers).toBe(1); // A
    expect(rates(months["2025-01"])).toEqual([1, 1, 1, 1, 1]);
    // B (1 February in Tokyo) and C: B back at 90 days, C never.
    expect(months["2025-02"].buyers).toBe(2);
    expect(rates(months["2025-02"])).toEqual([0, 0, 0.5, 0.5, 0.5]);
    expect(rates(months["2025-06"])).toEqual([0, 0, 0, 0, 1]); // G
    expect(rates(months["2026-05"])).toEqual([1, null, null, null, null]); // D: 30 days only
    expect(rates(months["2026-06"])).toEqual([null, null, null, null, null]); // E: too recent
  });

  it("groups buyers by acquisition channel: the attribute, else the first order's channel", async () => {
    const channels = byKey((await f2Report(t.db, ctx(shopId))).tables.byChannel.rows, "channel");
    // online: A B D E (30 d: A D of A B D; 60 d: A of A B; 90+: A B of A B); store: C; google: G.
    expect(channels.online.buyers).toBe(4);
    expect(rates(channels.online)).toEqual([2 / 3, 1 / 2, 1, 1, 1]);
    expect(rates(channels.store)).toEqual([0, 0, 0, 0, 0]);
    expect(rates(channels.google)).toEqual([0, 0, 0, 0, 1]);
  });

  it("counts a buyer once per product and once per category of the first order", async () => {
    const report = await f2Report(t.db, ctx(shopId));
    const products = byKey(report.tables.byProduct.rows, "sku");
    // TEA: A (two lines, once), B, E; CUP: B, D; COF: C, G; TEA2: B.
    expect(Object.fromEntries(Object.entries(products).map(([sku, r]) => [sku, r.buyers]))).toEqual({
      TEA: 3,
      CUP: 2,
      COF: 2,
      TEA2: 1,
    });
    expect(report.tables.byProduct.rows[0].sku).toBe("TEA");
    expect(rates(products.TEA)).toEqual([0.5, 0.5, 1, 1, 1]); // A B old enough (E not): A; A; A B …
    expect(rates(products.CUP)).toEqual([0.5, 0, 1, 1, 1]); // 30 d: B D → D; 60+: B alone
    expect(rates(products.COF)).toEqual([0, 0, 0, 0, 0.5]); // C, G; G at 214 days
    expect(rates(products.TEA2)).toEqual([0, 0, 1, 1, 1]);
    const categories = byKey(report.tables.byCategory.rows, "category");
    // drink/tea: A, B (TEA and TEA2: once), E — the same buyers as TEA.
    expect(categories["drink/tea"].buyers).toBe(3);
    expect(rates(categories["drink/tea"])).toEqual(rates(products.TEA));
    expect(categories["kitchen/cup"].buyers).toBe(2);
    expect(categories["drink/coffee"].buyers).toBe(2);
  });

  it("shows how many days the second order took", async () => {
    const report = await f2Report(t.db, ctx(shopId));
    const days = Object.fromEntries(report.tables.daysToSecond.rows.map((r) => [r.days, r.customers]));
    // A 10, D 19, B 90, G 214.
    expect(days).toEqual({
      "0–7": 0,
      "8–14": 1,
      "15–30": 1,
      "31–60": 0,
      "61–90": 1,
      "91–180": 0,
      "181–365": 1,
      "366+": 0,
    });
    expect(report.tables.daysToSecond.rows.find((r) => r.days === "8–14")?.share).toBe(1 / 4);
  });

  it("gives empty tables for a shop without buyers", async () => {
    const report = await f2Report(t.db, ctx(emptyShopId));
    expect(report.tables.windows.rows.map((r) => [r.eligible, r.repeated, r.rate])).toEqual(
      Array(5).fill([0, 0, null]),
    );
    expect(report.tables.byMonth.rows).toEqual([]);
    expect(report.tables.byProduct.rows).toEqual([]);
    expect(report.tables.daysToSecond.rows.every((r) => r.customers === 0)).toBe(true);
    expect(report.summary).toMatchObject({ first_time_buyers: 0, repeat_buyers: 0, repeat_share: 0 });
  });
});
