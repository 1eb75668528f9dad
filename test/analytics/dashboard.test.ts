// The dashboard's figures over HTTP, on the engine under test: given a shop with orders this month and
// last month, some credited to scenario and campaign messages, the revenue the messages earned per
// Tokyo calendar month, each active scenario's share, the email bounce rate against the warning and
// pause levels, and the buyers per RFM group as the RFM report counts them.
import { afterEach, describe, expect, it } from "vitest";
import { placeOrder, upsertCustomer } from "../scenarios/support.js";
import { createTestApp, type TestApp } from "../support/app.js";
import { DASHBOARD_EXPECTED, DASHBOARD_SCENARIOS, seedDashboardShop } from "./dashboard-fixture.js";

const NOW = "2026-06-15T03:00:00.000Z"; // noon in Tokyo
let t: TestApp;
afterEach(async () => t?.close());

async function dashboard() {
  const res = await t.app.inject({ method: "GET", url: "/v1/reports/dashboard", headers: t.secret });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

describe("the dashboard", () => {
  it("adds up what the messages earned this month and last, per scenario, with deliverability and RFM", async () => {
    t = await createTestApp(NOW);
    await seedDashboardShop(t, new Date(NOW));
    const d = await dashboard();
    const e = DASHBOARD_EXPECTED;
    expect(d).toMatchObject({ asOf: NOW, timezone: "Asia/Tokyo", currency: "JPY" });
    expect(d.thisMonth).toEqual({
      month: "2026-06",
      from: "2026-05-31T15:00:00.000Z",
      to: "2026-06-30T15:00:00.000Z",
      ...e.thisMonth,
    });
    expect(d.lastMonth).toEqual({
      month: "2026-05",
      from: "2026-04-30T15:00:00.000Z",
      to: "2026-05-31T15:00:00.000Z",
      ...e.lastMonth,
    });

    // The active journeys only: the paused one and the campaign's own scenario are left out.
    expect(d.scenarios.map((s: { name: string }) => s.name)).toEqual([
      DASHBOARD_SCENARIOS.cart,
      DASHBOARD_SCENARIOS.winback,
    ]);
    expect(d.scenarios[0]).toMatchObject({ key: "cart", sentThisMonth: 48, ...e.cart });
    expect(d.scenarios[1]).toMatchObject({ key: "winback", sentThisMonth: 1, ...e.winback });

    expect(d.deliverability).toMatchObject({
      days: 30,
      sent: 50,
      bounced: 2,
      complaints: 0,
      unsubscribes: 0,
      bounceRate: 0.04,
      complaintRate: 0,
      warnAbove: { bounce: 0.02, complaint: 0.001, unsubscribe: 0.005 },
      pauseAbove: { bounce: 0.05, complaint: 0.003, unsubscribe: 0.02 },
      minSends: 200,
      emailPaused: null,
    });

    // The pause limits are the shop's own, as the automatic pause reads them.
    const set = await t.app.inject({
      method: "PATCH",
      url: "/v1/shop/policies",
      headers: t.secret,
      payload: { deliverability: { maxBounceRate: 0.03, minSends: 40 } },
    });
    expect(set.statusCode, set.body).toBe(200);
    expect((await dashboard()).deliverability).toMatchObject({
      pauseAbove: { bounce: 0.03, complaint: 0.003 },
      minSends: 40,
    });

    // Groups as the RFM report names and counts them.
    expect(d.rfm.buyers).toBe(e.buyers);
    const rfm = await t.app.inject({ method: "GET", url: "/v1/reports/rfm", headers: t.secret });
    const groups = (rfm.json().tables.groups.rows as Array<{ group: string; customers: number }>).map(
      ({ group, customers }) => ({ group, customers }),
    );
    expect(
      d.rfm.groups.map(({ group, customers }: { group: string; customers: number }) => ({
        group,
        customers,
      })),
    ).toEqual(groups);
    expect(groups.reduce((sum, g) => sum + g.customers, 0)).toBe(e.buyers);
  });

  it("cuts months at midnight in the shop's time zone, not UTC", async () => {
    t = await createTestApp(NOW);
    await upsertCustomer(t, { externalId: "A", email: "a@example.jp" });
    // 23:30 on 31 May and 00:30 on 1 June in Tokyo: both 31 May in UTC.
    for (const [id, at, price] of [
      ["late-may", "2026-05-31T23:30:00+09:00", 1_000],
      ["early-june", "2026-06-01T00:30:00+09:00", 2_000],
    ] as const) {
      await placeOrder(t, {
        externalId: id,
        customerId: "A",
        orderedAt: at,
        items: [{ sku: "X", quantity: 1, unitPrice: price }],
      });
    }
    const d = await dashboard();
    expect(d.lastMonth.sales).toEqual({ orders: 1, revenue: 1_000 });
    expect(d.thisMonth.sales).toEqual({ orders: 1, revenue: 2_000 });
    expect(d.thisMonth.attributed).toEqual({ orders: 0, revenue: 0 });
    expect(d.scenarios).toEqual([]);
    expect(d.deliverability).toMatchObject({ sent: 0, bounceRate: 0 });
    expect(d.rfm.buyers).toBe(1);
  });
});
